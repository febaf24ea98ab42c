#include "realtime/gateway.hpp"

#include "api/args.hpp"
#include "store/store.hpp"

namespace parley::realtime {

namespace {

void refuse(net::HttpResponse& refusal, std::string_view error) {
    refusal.status = 401;
    refusal.body = std::string(R"({"ok":false,"error":")") + std::string(error) + "\"}";
}

}  // namespace

std::shared_ptr<net::WebSocketSession> Gateway::accept(const net::HttpRequest& request,
                                                       net::HttpResponse& refusal) {
    std::string_view target = request.target;
    size_t question = target.find('?');
    auto args = api::Args::parse(
        question == std::string_view::npos ? std::string_view() : target.substr(question + 1), "",
        "");
    auto ticket = args ? tickets_.redeem(args->text("ticket")) : std::nullopt;
    if (!ticket) {
        refuse(refusal, "invalid_auth");
        return nullptr;
    }

    std::optional<chat::User> user;
    std::optional<chat::Team> team;
    Status read = context_.store.read([&](store::StoreReader& reader) -> Status {
        user = reader.find_user(ticket->user_id);
        team = reader.find_team(ticket->team_id);
        return ok_status();
    });
    if (!read || !user || !team || user->deleted) {
        refuse(refusal, user && user->deleted ? "account_inactive" : "invalid_auth");
        return nullptr;
    }
    return std::make_shared<RtmSession>(context_, std::move(*user), std::move(*team),
                                        std::move(ticket->resume_cursor), ticket->presence_sub);
}

}  // namespace parley::realtime
