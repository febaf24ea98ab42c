// users.list, users.info, users.lookupByEmail, users.profile.get and users.profile.set.
// Everyone in a workspace, guests included, may see its people; nobody sees another
// workspace's ("user_not_found").
#include <map>

#include "api/call.hpp"
#include "api/cursor.hpp"
#include "api/render.hpp"
#include "chat/accounts.hpp"
#include "common/ids.hpp"
#include "common/json_value.hpp"
#include "common/utf8.hpp"
#include "realtime/events.hpp"
#include "store/store.hpp"

namespace parley::api {

namespace {

constexpr size_t kMaxProfileFieldChars = 250;
constexpr size_t kMaxStatusTextChars = 100;

// Finds a user of the caller's own workspace.
Result<chat::User> find_team_user(Call& call, const std::string& user_id) {
    std::optional<chat::User> found;
    Status read = call.services.store.read([&](store::StoreReader& reader) -> Status {
        found = reader.find_user(user_id);
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    if (!found || found->team_id != call.who().team.id) {
        return make_error("user_not_found");
    }
    return std::move(*found);
}

Result<Json> users_list(Call& call) {
    auto limit = page_limit(call.args);
    if (!limit) {
        return limit.error();
    }
    store::Page page{"", *limit};
    if (call.args.has("cursor")) {
        auto after = decode_cursor("user", call.args.text("cursor"));
        if (!after) {
            return after.error();
        }
        page.after = *after;
    }

    std::vector<chat::User> users;
    Status read = call.services.store.read([&](store::StoreReader& reader) -> Status {
        store::Page probe = page;
        ++probe.limit;  // One extra row says whether another page exists.
        users = reader.list_users(call.who().team.id, probe);
        return ok_status();
    });
    if (!read) {
        return read.error();
    }

    std::string next_cursor;
    if (users.size() > page.limit) {
        users.pop_back();
        next_cursor = encode_cursor("user", users.back().id);
    }
    Json members = Json::array();
    for (const auto& user : users) {
        members.push_back(user_json(user));
    }
    return Json{{"members", std::move(members)},
                {"cache_ts", now_seconds()},
                {"response_metadata", Json{{"next_cursor", next_cursor}}}};
}

Result<Json> users_info(Call& call) {
    auto user = find_team_user(call, call.args.text("user"));
    if (!user) {
        return user.error();
    }
    return Json{{"user", user_json(*user)}};
}

Result<Json> users_lookup_by_email(Call& call) {
    std::string email = chat::normalize_email(call.args.text("email"));
    std::optional<chat::User> found;
    Status read = call.services.store.read([&](store::StoreReader& reader) -> Status {
        found = reader.find_user_by_email(call.who().team.id, email);
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    if (!found) {
        return make_error("users_not_found");
    }
    return Json{{"user", user_json(*found)}};
}

Result<Json> users_profile_get(Call& call) {
    std::string user_id = call.args.has("user") ? call.args.text("user") : call.who().user.id;
    auto user = find_team_user(call, user_id);
    if (!user) {
        return user.error();
    }
    return Json{{"profile", profile_json(*user)}};
}

// An avatar is a link to an http(s) image (uploads come with file sharing); an empty text
// goes back to the default. The hash changes with it so clients refetch.
Status set_avatar(chat::User& user, const std::string& url) {
    bool is_link = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    if (!url.empty() &&
        (!is_link || url.size() > 1000 || url.find_first_of(" \"<>") != std::string::npos)) {
        return make_error("invalid_profile");
    }
    user.profile.avatar_url = url;
    user.profile.avatar_hash = url.empty() ? std::string() : secret_digest(url).substr(0, 12);
    return ok_status();
}

// Applies one profile field; Error{"invalid_profile"} for unknown fields or bad values.
Status apply_profile_field(chat::User& user, const std::string& name, const Json& value) {
    if (name == "status_expiration") {
        if (!value.is_number_integer() && !value.is_string()) {
            return make_error("invalid_profile");
        }
        int64_t seconds = 0;
        if (value.is_number_integer()) {
            seconds = value.get<int64_t>();
        } else if (!value.get<std::string>().empty()) {
            try {
                seconds = std::stoll(value.get<std::string>());
            } catch (const std::exception&) {
                return make_error("invalid_profile");
            }
        }
        user.profile.status_expiration = std::max<int64_t>(0, seconds);
        return ok_status();
    }
    if (!value.is_string()) {
        return make_error("invalid_profile");
    }
    std::string text = value.get<std::string>();
    if (name == "image_original") {
        return set_avatar(user, text);
    }
    size_t limit = name == "status_text" ? kMaxStatusTextChars : kMaxProfileFieldChars;
    if (utf8_length(text) > limit) {
        return make_error("invalid_profile");
    }
    static const std::map<std::string, std::string chat::UserProfile::*, std::less<>> kFields = {
        {"real_name", &chat::UserProfile::real_name},
        {"display_name", &chat::UserProfile::display_name},
        {"title", &chat::UserProfile::title},
        {"phone", &chat::UserProfile::phone},
        {"status_text", &chat::UserProfile::status_text},
        {"status_emoji", &chat::UserProfile::status_emoji},
        {"tz", &chat::UserProfile::tz},
    };
    auto field = kFields.find(name);
    if (field == kFields.end()) {
        return make_error("invalid_profile");
    }
    user.profile.*(field->second) = std::move(text);
    return ok_status();
}

// Takes `profile` (a JSON object) or a single `name` and `value`. People edit their own
// profile; admins and owners may pass `user` to edit someone else's.
Result<Json> users_profile_set(Call& call) {
    std::string user_id = call.args.has("user") ? call.args.text("user") : call.who().user.id;
    if (user_id != call.who().user.id && !chat::is_admin_or_owner(call.who().user.role)) {
        return make_error("not_admin");
    }

    Json changes = Json::object();
    if (call.args.has("profile")) {
        changes = Json::parse(call.args.text("profile"), nullptr, false);
        if (!changes.is_object()) {
            return make_error("invalid_profile");
        }
    } else if (call.args.has("name")) {
        changes[call.args.text("name")] = call.args.text("value");
    } else {
        return make_error("invalid_profile");
    }

    std::optional<chat::User> updated;
    Status written = call.services.store.write([&](store::StoreWriter& tx) -> Status {
        auto user = tx.find_user(user_id);
        if (!user || user->team_id != call.who().team.id) {
            return make_error("user_not_found");
        }
        for (const auto& [name, value] : changes.items()) {
            if (auto applied = apply_profile_field(*user, name, value); !applied) {
                return applied;
            }
        }
        user->updated = now_seconds();
        tx.update_user(*user);
        realtime::user_changed(tx, *user);
        updated = std::move(user);
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return Json{{"profile", profile_json(*updated)}};
}

}  // namespace

// Slack's admin.users.remove, for a single-workspace server: deactivates the member. Their
// tokens stop working and their open sockets close (code 4010) at once. Admins and owners
// only; an owner cannot be removed.
Result<Json> admin_users_remove(Call& call) {
    if (!chat::is_admin_or_owner(call.who().user.role)) {
        return make_error("not_an_admin");
    }
    std::string team = call.args.text("team_id");
    if (!team.empty() && team != call.who().team.id) {
        return make_error("team_not_found");
    }
    auto user = find_team_user(call, call.args.text("user_id"));
    if (!user) {
        return user.error();
    }
    if (user->id == call.who().user.id) {
        return make_error("cannot_remove_self");
    }
    if (auto done = call.services.accounts.deactivate_user(user->id); !done) {
        return done.error();
    }
    return Json::object();
}

void register_user_methods(MethodTable& table) {
    table.add("admin.users.remove", admin_users_remove);
    table.add("users.list", users_list);
    table.add("users.info", users_info);
    table.add("users.lookupByEmail", users_lookup_by_email);
    table.add("users.profile.get", users_profile_get);
    table.add("users.profile.set", users_profile_set);
}

}  // namespace parley::api
