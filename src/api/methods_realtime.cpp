// rtm.connect, users.setPresence and users.getPresence: the Web API side of the real-time
// gateway (docs/realtime.md).
#include "api/call.hpp"
#include "common/json_value.hpp"
#include "common/slack_ts.hpp"
#include "realtime/cursor.hpp"
#include "realtime/hub.hpp"
#include "realtime/tickets.hpp"
#include "store/store.hpp"

namespace parley::api {

namespace {

constexpr std::string_view kGatewayPath = "/rtm";

// http://host -> ws://host, https://host -> wss://host.
std::string websocket_base(const std::string& public_url) {
    if (public_url.rfind("https://", 0) == 0) {
        return "wss://" + public_url.substr(8);
    }
    if (public_url.rfind("http://", 0) == 0) {
        return "ws://" + public_url.substr(7);
    }
    return public_url;
}

Result<Json> rtm_connect(Call& call) {
    std::string resume_cursor = call.args.text("resume_cursor");
    if (!resume_cursor.empty() && !realtime::decode_resume_cursor(resume_cursor)) {
        return make_error("invalid_cursor");
    }
    const Caller& who = call.who();
    std::string ticket = call.services.tickets.issue(
        realtime::Ticket{who.user.id, who.team.id, resume_cursor, call.args.flag("presence_sub")});
    return Json{
        {"url", websocket_base(call.services.public_url.get()) + std::string(kGatewayPath) +
                    "?ticket=" + ticket},
        {"self", {{"id", who.user.id}, {"name", who.user.name}}},
        {"team", {{"id", who.team.id}, {"name", who.team.name}, {"domain", who.team.domain}}},
    };
}

Result<Json> users_set_presence(Call& call) {
    std::string presence = call.args.text("presence");
    if (presence != "auto" && presence != "away") {
        return make_error("invalid_presence");
    }
    bool away = presence == "away";
    const chat::User& me = call.who().user;
    Status written = call.services.store.write([&](store::StoreWriter& tx) -> Status {
        auto user = tx.find_user(me.id);
        if (!user) {
            return make_error("user_not_found");
        }
        user->manual_away = away;
        user->updated = now_seconds();
        tx.update_user(*user);
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    call.services.hub.set_manual_away(me.team_id, me.id, away);
    return Json::object();
}

Result<Json> users_get_presence(Call& call) {
    std::string user_id = call.args.has("user") ? call.args.text("user") : call.who().user.id;
    std::optional<chat::User> user;
    Status read = call.services.store.read([&](store::StoreReader& reader) -> Status {
        user = reader.find_user(user_id);
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    if (!user || user->team_id != call.who().team.id) {
        return make_error("user_not_found");
    }
    realtime::PresenceState state = call.services.hub.presence(user_id);
    bool active = state.active && !user->manual_away && !user->deleted;
    Json response = {{"presence", active ? "active" : "away"}};
    if (user_id == call.who().user.id) {
        response["online"] = state.connections > 0;
        response["auto_away"] = false;
        response["manual_away"] = user->manual_away;
        response["connection_count"] = state.connections;
    }
    return response;
}

}  // namespace

void register_realtime_methods(MethodTable& table) {
    table.add("rtm.connect", rtm_connect);
    table.add("users.setPresence", users_set_presence);
    table.add("users.getPresence", users_get_presence);
}

}  // namespace parley::api
