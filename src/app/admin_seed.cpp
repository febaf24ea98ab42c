// `parley admin seed`: many users sharing one password, and channels whose members are the
// workspace owner and the first K of them, for benchmarks (bench/realtime.sh) and demos.
//
// Everything goes through the store's writer and emits the events that creating the same
// things one by one would (team_join, member_joined_channel, channel_created), so the event
// log and resume cursors stay consistent. Writes are batched, hundreds a transaction, so
// seeding thousands takes seconds. Meant for a data directory no server is using: a running
// server would push every one of those events to its connected sockets.
#include "app/admin_seed.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "app/admin.hpp"
#include "chat/accounts.hpp"
#include "chat/conversations.hpp"
#include "common/ids.hpp"
#include "common/slack_ts.hpp"
#include "realtime/events.hpp"
#include "store/store.hpp"

namespace parley::app {

namespace {

// Rows per transaction: large enough that commits do not dominate, small enough that one
// transaction never holds the writer for long.
constexpr size_t kPerTransaction = 500;

std::string seeded_name(const AdminOptions& options, size_t index) {
    return options.seed_prefix + "-" + std::to_string(index);
}

Result<chat::User> find_owner(store::Store& store, const std::string& team_id) {
    std::optional<chat::User> owner;
    Status read = store.read([&](store::StoreReader& reader) -> Status {
        if (!reader.find_team(team_id)) {
            return make_error("team_not_found");
        }
        store::Page page{"", 1000};
        for (;;) {
            auto batch = reader.list_users(team_id, page);
            for (auto& user : batch) {
                if (user.role == chat::Role::owner && !user.deleted) {
                    owner = std::move(user);
                    return ok_status();
                }
            }
            if (batch.size() < page.limit) {
                return make_error("user_not_found");
            }
            page.after = batch.back().id;
        }
    });
    if (!read) {
        return read.error();
    }
    return std::move(*owner);
}

Result<std::vector<chat::Credentials>> seed_users(chat::Accounts& accounts,
                                                  const AdminOptions& options) {
    std::vector<chat::NewUser> users(options.seed_users);
    for (size_t i = 0; i < users.size(); ++i) {
        users[i].name = seeded_name(options, i + 1);
        users[i].email = users[i].name + "@seed.test";
        users[i].role = chat::Role::member;
    }
    return accounts.create_users_sharing_password(options.team, users, options.password,
                                                  kPerTransaction);
}

// The channel with the owner as creator and first member, as conversations.create makes it.
Result<chat::Conversation> create_channel(store::Store& store, const chat::User& owner,
                                          const std::string& name) {
    chat::Conversation channel;
    channel.id = new_id('C');
    channel.team_id = owner.team_id;
    channel.kind = chat::ConversationKind::public_channel;
    channel.name = name;
    channel.creator = owner.id;
    channel.created = now_seconds();
    if (auto valid = chat::check_channel_name(name); !valid) {
        return valid.error();
    }
    Status written = store.write([&](store::StoreWriter& tx) -> Status {
        if (tx.find_channel_by_name(owner.team_id, name)) {
            return make_error("name_taken");
        }
        if (auto inserted = tx.insert_conversation(channel); !inserted) {
            return inserted;
        }
        tx.add_member(chat::Membership{channel.id, owner.id, channel.created, 0, true});
        realtime::channel_created(tx, channel);
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return channel;
}

Status add_members(store::Store& store, const chat::Conversation& channel,
                   const std::vector<chat::Credentials>& members) {
    for (size_t first = 0; first < members.size(); first += kPerTransaction) {
        const size_t last = std::min(first + kPerTransaction, members.size());
        Status written = store.write([&](store::StoreWriter& tx) -> Status {
            const int64_t joined = now_seconds();
            for (size_t i = first; i < last; ++i) {
                const std::string& user_id = members[i].user.id;
                tx.add_member(chat::Membership{channel.id, user_id, joined, 0, true});
                realtime::member_joined_channel(tx, channel, user_id, "");
            }
            return ok_status();
        });
        if (!written) {
            return written;
        }
    }
    return ok_status();
}

Json users_json(const std::vector<chat::Credentials>& users) {
    Json list = Json::array();
    for (const auto& credentials : users) {
        list.push_back(Json{{"id", credentials.user.id},
                            {"name", credentials.user.name},
                            {"email", credentials.user.email},
                            {"token", credentials.token}});
    }
    return list;
}

}  // namespace

void add_seed_command(CLI::App& admin, AdminOptions& options) {
    CLI::App* seed = admin.add_subcommand(
        "seed",
        "Bulk fixtures: N users sharing one password, M channels of K of them. Run it while no "
        "`parley serve` uses the data directory.");
    seed->add_option("--team", options.team, "Workspace id (T...)")->required();
    seed->add_option("--users", options.seed_users, "Users to create: <prefix>-1 ... <prefix>-N")
        ->required();
    seed->add_option("--password", options.password, "Password of every seeded user")->required();
    seed->add_option("--prefix", options.seed_prefix, "Names and emails start with this")
        ->capture_default_str();
    seed->add_option("--channels", options.seed_channels,
                     "Public channels to create: <prefix>-1 ... <prefix>-M")
        ->capture_default_str();
    seed->add_option("--members-per-channel", options.seed_members_per_channel,
                     "Seeded users in each channel, besides the owner (default: all)");
}

Result<Json> seed(store::Store& store, chat::Accounts& accounts, const AdminOptions& options) {
    auto owner = find_owner(store, options.team);
    if (!owner) {
        return owner.error();
    }
    const size_t members_per_channel =
        std::min(options.seed_members_per_channel.value_or(options.seed_users), options.seed_users);

    auto users = seed_users(accounts, options);
    if (!users) {
        return users.error();
    }

    const std::vector<chat::Credentials> members(users->begin(),
                                                 users->begin() + members_per_channel);
    Json channels = Json::array();
    for (size_t j = 1; j <= options.seed_channels; ++j) {
        auto channel = create_channel(store, *owner, seeded_name(options, j));
        if (!channel) {
            return channel.error();
        }
        if (auto added = add_members(store, *channel, members); !added) {
            return added.error();
        }
        channels.push_back(Json{{"id", channel->id}, {"name", channel->name}});
    }
    return Json{{"users", users_json(*users)}, {"channels", std::move(channels)}};
}

}  // namespace parley::app
