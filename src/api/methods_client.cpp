// client.boot: everything a client's first screen needs in one call (Parley only; Slack's
// own web client uses private methods of the same spirit). Without it, a person in 1,000
// channels would wait for 1,000 conversations.info calls to see their unread counts.
#include <set>

#include "api/call.hpp"
#include "api/render.hpp"
#include "chat/conversations.hpp"
#include "common/json_value.hpp"
#include "realtime/hub.hpp"
#include "store/store.hpp"

namespace parley::api {

namespace {

// The people a sidebar names without loading the whole directory: the caller and the
// other members of the caller's ims and mpims.
std::set<std::string> people_of(const std::vector<chat::ConversationView>& views,
                                const std::string& caller_id) {
    std::set<std::string> ids{caller_id};
    for (const auto& view : views) {
        const auto& participants = view.conversation.dm_users;
        ids.insert(participants.begin(), participants.end());
    }
    return ids;
}

Result<Json> users_json(Call& call, const std::set<std::string>& ids) {
    Json users = Json::array();
    Status read = call.services.store.read([&](store::StoreReader& reader) -> Status {
        for (const auto& id : ids) {
            auto user = reader.find_user(id);
            if (!user || user->team_id != call.who().team.id) {
                continue;
            }
            realtime::PresenceState presence = call.services.hub.presence(id);
            bool active = presence.active && !user->manual_away && !user->deleted;
            Json json = user_json(*user);
            json["presence"] = active ? "active" : "away";
            users.push_back(std::move(json));
        }
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    return users;
}

Result<Json> client_boot(Call& call) {
    const chat::User& me = call.who().user;
    auto views = call.services.conversations.member_views(me);
    if (!views) {
        return views.error();
    }

    Json channels = Json::array();
    for (const auto& view : *views) {
        channels.push_back(conversation_view_json(view, me));
    }
    auto users = users_json(call, people_of(*views, me.id));
    if (!users) {
        return users.error();
    }

    return Json{
        {"self", user_json(me)},
        {"team", team_json(call.who().team)},
        {"channels", std::move(channels)},
        {"users", std::move(*users)},
    };
}

}  // namespace

void register_client_methods(MethodTable& table) {
    table.add("client.boot", client_boot);
}

}  // namespace parley::api
