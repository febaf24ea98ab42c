#include "app/admin.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "api/render.hpp"
#include "app/admin_seed.hpp"
#include "app/config.hpp"
#include "auth/signin_throttle.hpp"
#include "chat/accounts.hpp"
#include "chat/conversations.hpp"
#include "common/ids.hpp"
#include "common/json_value.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::app {

namespace {

using Json = nlohmann::json;

// Prints the outcome: the JSON object with --json, else a short line per field.
int report(const AdminOptions& options, const Result<Json>& outcome) {
    if (!outcome) {
        if (options.json) {
            std::cout << Json{{"ok", false}, {"error", outcome.error().name}}.dump() << "\n";
        } else {
            std::cerr << "error: " << outcome.error().name << "\n";
        }
        return 1;
    }
    Json body = outcome.value();
    body["ok"] = true;
    if (options.json) {
        std::cout << body.dump() << "\n";
        return 0;
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "ok") {
            std::cout << key << ": "
                      << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
        }
    }
    return 0;
}

Json credentials_json(const chat::Credentials& credentials) {
    return Json{{"team_id", credentials.team.id},
                {"team_domain", credentials.team.domain},
                {"user_id", credentials.user.id},
                {"name", credentials.user.name},
                {"token", credentials.token}};
}

Result<Json> create_workspace(chat::Accounts& accounts, const AdminOptions& options) {
    chat::NewUser owner;
    owner.email = options.email;
    owner.password = options.password;
    auto created = accounts.create_workspace(options.name, owner);
    if (!created) {
        return created.error();
    }
    return credentials_json(*created);
}

Result<Json> create_user(chat::Accounts& accounts, const AdminOptions& options) {
    auto role = chat::parse_role(options.role);
    if (!role || *role == chat::Role::owner) {
        return make_error("invalid_role");
    }
    chat::NewUser user;
    user.team_id = options.team;
    user.email = options.email;
    user.name = options.name;
    user.password = options.password;
    user.role = *role;
    auto created = accounts.create_user(user);
    if (!created) {
        return created.error();
    }
    return credentials_json(*created);
}

Result<Json> list_users(store::Store& store, const AdminOptions& options) {
    Json users = Json::array();
    Status read = store.read([&](store::StoreReader& reader) -> Status {
        if (!reader.find_team(options.team)) {
            return make_error("team_not_found");
        }
        store::Page page{"", 1000};
        for (;;) {
            auto batch = reader.list_users(options.team, page);
            for (const auto& user : batch) {
                users.push_back(Json{{"id", user.id},
                                     {"name", user.name},
                                     {"email", user.email},
                                     {"role", chat::role_name(user.role)},
                                     {"deleted", user.deleted}});
            }
            if (batch.size() < page.limit) {
                return ok_status();
            }
            page.after = batch.back().id;
        }
    });
    if (!read) {
        return read.error();
    }
    return Json{{"users", users}};
}

// Channels made from the command line follow the same naming rule as the Web API's.
Result<Json> create_channel(store::Store& store, const AdminOptions& options) {
    chat::Conversation channel;
    channel.id = new_id(options.is_private ? 'G' : 'C');
    channel.team_id = options.team;
    channel.kind = options.is_private ? chat::ConversationKind::private_channel
                                      : chat::ConversationKind::public_channel;
    channel.name = options.name;
    channel.creator = options.creator;
    channel.created = now_seconds();
    if (auto valid = chat::check_channel_name(channel.name); !valid) {
        return valid.error();
    }
    Status written = store.write([&](store::StoreWriter& tx) -> Status {
        auto creator = tx.find_user(options.creator);
        if (!creator || creator->team_id != options.team) {
            return make_error("user_not_found");
        }
        if (auto inserted = tx.insert_conversation(channel); !inserted) {
            return inserted;
        }
        tx.add_member(chat::Membership{channel.id, creator->id, channel.created, 0, true});
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return Json{{"channel_id", channel.id}, {"name", channel.name}};
}

}  // namespace

void add_admin_commands(CLI::App& admin, AdminOptions& options) {
    admin.require_subcommand(1);
    admin.add_option("--data", options.data_dir, "Data directory")
        ->envname("PARLEY_DATA")
        ->capture_default_str();
    admin.add_flag("--json", options.json, "Print one JSON object");

    CLI::App* workspace = admin.add_subcommand("create-workspace", "New workspace and owner");
    workspace->add_option("--name", options.name, "Workspace name")->required();
    workspace->add_option("--email", options.email, "Owner's email")->required();
    workspace->add_option("--password", options.password, "Owner's password")->required();

    CLI::App* user = admin.add_subcommand("create-user", "New user in a workspace");
    user->add_option("--team", options.team, "Workspace id (T...)")->required();
    user->add_option("--email", options.email, "Email")->required();
    user->add_option("--name", options.name, "Handle (derived from the email if absent)");
    user->add_option("--password", options.password, "Password")->required();
    user->add_option("--role", options.role, "member, admin or guest")->capture_default_str();

    CLI::App* list = admin.add_subcommand("list-users", "People of a workspace");
    list->add_option("--team", options.team, "Workspace id (T...)")->required();

    CLI::App* reset = admin.add_subcommand("reset-password", "Set a new password");
    reset->add_option("--user", options.user, "User id (U...)")->required();
    reset->add_option("--password", options.password, "New password")->required();

    CLI::App* deactivate = admin.add_subcommand("deactivate-user", "Deactivate a user");
    deactivate->add_option("--user", options.user, "User id (U...)")->required();

    CLI::App* channel = admin.add_subcommand("create-channel", "New channel");
    channel->add_option("--team", options.team, "Workspace id (T...)")->required();
    channel->add_option("--name", options.name, "Channel name")->required();
    channel->add_option("--creator", options.creator, "User id of the creator")->required();
    channel->add_flag("--private", options.is_private, "Make it a private channel");

    add_seed_command(admin, options);
}

int run_admin(CLI::App& admin, const AdminOptions& options) {
    spdlog::set_level(spdlog::level::warn);
    store::sqlite::SqliteOptions storage;
    storage.path = database_path(Config{.data_dir = options.data_dir});
    storage.read_connections = 1;
    auto store = store::sqlite::open_sqlite_store(storage);
    auth::SigninThrottle throttle;
    chat::Accounts accounts(*store, throttle);

    auto ran = [&](const char* name) { return admin.get_subcommand(name)->parsed(); };
    if (ran("create-workspace"))
        return report(options, create_workspace(accounts, options));
    if (ran("create-user"))
        return report(options, create_user(accounts, options));
    if (ran("list-users"))
        return report(options, list_users(*store, options));
    if (ran("create-channel"))
        return report(options, create_channel(*store, options));
    if (ran("seed"))
        return report(options, seed(*store, accounts, options));
    if (ran("reset-password")) {
        Status reset = accounts.reset_password(options.user, options.password);
        return report(options, reset ? Result<Json>(Json::object()) : Result<Json>(reset.error()));
    }
    if (ran("deactivate-user")) {
        Status done = accounts.deactivate_user(options.user);
        return report(options, done ? Result<Json>(Json::object()) : Result<Json>(done.error()));
    }
    return 2;
}

}  // namespace parley::app
