// `parley admin seed`: bulk fixtures for benchmarks and demos. See admin_seed.cpp and
// docs/operations.md.
#pragma once

#include "common/json_value.hpp"
#include "common/result.hpp"

namespace CLI {
class App;
}
namespace parley::chat {
class Accounts;
}
namespace parley::store {
class Store;
}

namespace parley::app {

struct AdminOptions;

void add_seed_command(CLI::App& admin, AdminOptions& options);

// Creates the users and channels `options` asks for. Returns {"users":[{id,name,email,
// token}],"channels":[{id,name}]}, or the first error ("team_not_found", "name_taken",
// "already_in_team", the channel name errors, ...). What was written before an error stays.
Result<Json> seed(store::Store& store, chat::Accounts& accounts, const AdminOptions& options);

}  // namespace parley::app
