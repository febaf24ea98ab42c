// Asking a route's acceptor whether an upgrade request may become a WebSocket. Runs on the
// worker pool (the acceptor may block on the store); HttpSession awaits the outcome on its
// strand and either answers the refusal or hands the socket to a WebSocketConnectionImpl.
#pragma once

#include <memory>
#include <utility>

#include "net/http_types.hpp"
#include "net/server_context.hpp"
#include "net/websocket.hpp"

namespace parley::net {

// Owns a session the acceptor returned until a connection takes it over with release(). If it
// is destroyed still holding the session (the server stopped before the connection could be
// created), it calls on_close, so that a session returned by the acceptor always gets
// on_close exactly once.
class AcceptedSession {
  public:
    AcceptedSession() = default;
    explicit AcceptedSession(std::shared_ptr<WebSocketSession> session)
        : session_(std::move(session)) {}
    ~AcceptedSession();
    AcceptedSession(AcceptedSession&& other) noexcept
        : session_(std::exchange(other.session_, nullptr)) {}
    AcceptedSession& operator=(AcceptedSession&& other) noexcept;
    AcceptedSession(const AcceptedSession&) = delete;
    AcceptedSession& operator=(const AcceptedSession&) = delete;

    explicit operator bool() const { return session_ != nullptr; }
    std::shared_ptr<WebSocketSession> release() { return std::exchange(session_, nullptr); }

  private:
    void close_unclaimed() noexcept;

    std::shared_ptr<WebSocketSession> session_;
};

struct AcceptorOutcome {
    AcceptedSession session;  // Empty when refused.
    HttpResponse refusal;     // What to answer when refused.
};

// Calls the route's acceptor, on a worker thread. `refusal` starts as 403
// {"ok":false,"error":"forbidden"}. An acceptor that throws, or that refuses with a response
// that cannot be sent or whose status is below 400, is logged and answered with 500.
AcceptorOutcome invoke_acceptor(const WebSocketRoute& route, const HttpRequest& request);

}  // namespace parley::net
