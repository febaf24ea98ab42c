// What a Web API method receives and the table that maps method names to their code.
// Each area registers its methods from its own file (methods_*.cpp) through one
// register_*_methods function; router.cpp calls them all.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "api/args.hpp"
#include "chat/model.hpp"
#include "common/result.hpp"

namespace parley::store {
class Store;
}
namespace parley::auth {
class SigninThrottle;
}
namespace parley::chat {
class Accounts;
class Conversations;
class Messages;
}  // namespace parley::chat
namespace parley::realtime {
class Hub;
class TicketBook;
}  // namespace parley::realtime

namespace parley::api {

using Json = nlohmann::json;

// Who is calling, resolved from the token before the method runs.
struct Caller {
    chat::User user;
    chat::Team team;
    chat::TokenKind token_kind = chat::TokenKind::user;
    std::string token_digest;
};

// The address people use to reach this server, for permalinks and invitation links. Known
// only once the listening socket is bound (the port may be chosen by the system), which can
// be after the first request arrives, so it is guarded.
class PublicUrl {
  public:
    void set(std::string url) {
        std::lock_guard lock(mutex_);
        url_ = std::move(url);
    }
    std::string get() const {
        std::lock_guard lock(mutex_);
        return url_;
    }

  private:
    mutable std::mutex mutex_;
    std::string url_;  // Guarded by mutex_.
};

// The long-lived parts a method may use. Owned by the application; outlive every call.
struct Services {
    store::Store& store;
    chat::Accounts& accounts;
    chat::Conversations& conversations;
    chat::Messages& messages;
    auth::SigninThrottle& signin_throttle;
    realtime::Hub& hub;
    realtime::TicketBook& tickets;
    PublicUrl public_url;  // "http://localhost:8080"; call public_url.get().
};

struct Call {
    const Args& args;
    const Caller* caller;  // Null only for methods registered with needs_auth = false.
    Services& services;
    std::string remote_address;

    const Caller& who() const { return *caller; }
};

// Returns the response's fields other than "ok" (an object), or a Slack error.
using MethodFn = Result<Json> (*)(Call& call);

struct MethodSpec {
    MethodFn fn = nullptr;
    bool needs_auth = true;
};

class MethodTable {
  public:
    void add(std::string name, MethodFn fn, bool needs_auth = true);
    const MethodSpec* find(std::string_view name) const;
    size_t size() const { return methods_.size(); }

  private:
    std::map<std::string, MethodSpec, std::less<>> methods_;
};

// One per area; each adds that area's methods.
void register_account_methods(MethodTable& table);       // methods_accounts.cpp
void register_user_methods(MethodTable& table);          // methods_users.cpp
void register_conversation_methods(MethodTable& table);  // methods_conversations.cpp
void register_message_methods(MethodTable& table);       // methods_messages.cpp
void register_realtime_methods(MethodTable& table);      // methods_realtime.cpp
void register_client_methods(MethodTable& table);        // methods_client.cpp

MethodTable build_method_table();

}  // namespace parley::api
