// What one HttpServer shares with all of its connections: the options, the handler, the
// WebSocket routes, the stop flag, the live-connection registries and the counters reported
// when the server stops.
// Owned by HttpServer's implementation, which outlives every session that refers to it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/http_server.hpp"
#include "net/waitable_counter.hpp"
#include "net/websocket.hpp"
#include "net/websocket_registry.hpp"

namespace parley::net {

class HttpSession;

// The live connections of one server, so that stop() can reach each one on its strand.
// Thread-safe. Holds weak references: a session's lifetime belongs to its own coroutine.
class SessionRegistry {
  public:
    void add(uint64_t connection_id, std::weak_ptr<HttpSession> session) {
        std::lock_guard lock(mutex_);
        sessions_.emplace(connection_id, std::move(session));
    }

    void remove(uint64_t connection_id) {
        std::lock_guard lock(mutex_);
        sessions_.erase(connection_id);
    }

    // The sessions still alive. Copied out so that callers act on them without the lock (a
    // session's destructor calls remove()).
    std::vector<std::shared_ptr<HttpSession>> snapshot() const {
        std::vector<std::shared_ptr<HttpSession>> alive;
        std::lock_guard lock(mutex_);
        alive.reserve(sessions_.size());
        for (const auto& [connection_id, weak] : sessions_) {
            if (auto session = weak.lock()) {
                alive.push_back(std::move(session));
            }
        }
        return alive;
    }

  private:
    mutable std::mutex mutex_;
    std::unordered_map<uint64_t, std::weak_ptr<HttpSession>> sessions_;  // Guarded by mutex_.
};

// Where upgrade requests for one path go.
struct WebSocketRoute {
    std::string path;  // Matched exactly, without the query string.
    WebSocketAcceptor acceptor;
    WebSocketOptions options;
};

struct ServerContext {
    ServerContext(HttpServerOptions server_options, HttpHandler request_handler)
        : options(std::move(server_options)), handler(std::move(request_handler)) {}

    const HttpServerOptions options;
    const HttpHandler handler;

    // Written by set_websocket_route() before start(), only read afterwards; connections
    // keep references to the options, so the vector must not change once the server runs.
    std::vector<WebSocketRoute> websocket_routes;

    // The route for an upgrade request's path, or nullptr.
    const WebSocketRoute* websocket_route(std::string_view path) const {
        for (const auto& route : websocket_routes) {
            if (route.path == path) {
                return &route;
            }
        }
        return nullptr;
    }

    // Set once by stop(); sessions read it to stop keeping connections alive.
    std::atomic<bool> stopping{false};

    // Requests from their first byte until their response is written (or the connection
    // dies): what stop() waits for.
    WaitableCounter requests_in_flight;

    SessionRegistry sessions;
    WebSocketRegistry websockets;  // WebSockets are not HTTP sessions: once upgraded they
                                   // leave `sessions` and `requests_in_flight`.

    // Counters for the stop log line. requests_started also numbers request ids.
    std::atomic<uint64_t> connections_accepted{0};
    std::atomic<uint64_t> requests_started{0};
    std::atomic<uint64_t> requests_rejected{0};  // 400, 413, 431 sent by the server itself.
    std::atomic<uint64_t> handler_failures{0};   // Handler threw or returned a bad response.
    std::atomic<uint64_t> websockets_opened{0};  // Handshakes completed.
};

}  // namespace parley::net
