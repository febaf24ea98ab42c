// `parley admin`: operator commands that work on the same data directory as a running
// server (SQLite lets a second process write; each command is one short transaction).
// With --json every command prints one JSON object, so scripts and tests can start from
// nothing: create-workspace and create-user print team_id, user_id and a usable token.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace parley::app {

struct AdminOptions {
    std::string data_dir = "./data";
    bool json = false;
    std::string name;
    std::string email;
    std::string password;
    std::string team;
    std::string user;
    std::string role = "member";
    std::string creator;
    bool is_private = false;

    // admin seed (admin_seed.hpp).
    std::string seed_prefix = "seed";
    size_t seed_users = 0;
    size_t seed_channels = 0;
    std::optional<size_t> seed_members_per_channel;  // Default: every seeded user.
};

void add_admin_commands(CLI::App& admin, AdminOptions& options);

// Runs whichever admin subcommand was parsed; returns the exit code. Failures print a
// Slack-style error name (and exit 1) rather than throwing.
int run_admin(CLI::App& admin, const AdminOptions& options);

}  // namespace parley::app
