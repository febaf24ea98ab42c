// The door to the real-time gateway: turns a WebSocket upgrade request carrying an
// rtm.connect ticket into an RtmSession for the ticket's user.
#pragma once

#include <memory>

#include "net/websocket.hpp"
#include "realtime/rtm_session.hpp"
#include "realtime/tickets.hpp"

namespace parley::realtime {

class Gateway {
  public:
    Gateway(RtmContext context, TicketBook& tickets) : context_(context), tickets_(tickets) {}

    // The net::WebSocketAcceptor. Refuses (401, {"ok":false,"error":"invalid_auth"}) an
    // unknown, used or expired ticket, and a user deactivated since the ticket was issued.
    std::shared_ptr<net::WebSocketSession> accept(const net::HttpRequest& request,
                                                  net::HttpResponse& refusal);

  private:
    RtmContext context_;
    TicketBook& tickets_;
};

}  // namespace parley::realtime
