// What one HttpServer shares with all of its connections: the options, the handler, the
// stop flag, the live-connection registry and the counters reported when the server stops.
// Owned by HttpServer's implementation, which outlives every session that refers to it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "net/http_server.hpp"
#include "net/waitable_counter.hpp"

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

struct ServerContext {
    ServerContext(HttpServerOptions server_options, HttpHandler request_handler)
        : options(std::move(server_options)), handler(std::move(request_handler)) {}

    const HttpServerOptions options;
    const HttpHandler handler;

    // Set once by stop(); sessions read it to stop keeping connections alive.
    std::atomic<bool> stopping{false};

    // Requests from their first byte until their response is written (or the connection
    // dies): what stop() waits for.
    WaitableCounter requests_in_flight;

    SessionRegistry sessions;

    // Counters for the stop log line. requests_started also numbers request ids.
    std::atomic<uint64_t> connections_accepted{0};
    std::atomic<uint64_t> requests_started{0};
    std::atomic<uint64_t> requests_rejected{0};  // 400, 413, 431 sent by the server itself.
    std::atomic<uint64_t> handler_failures{0};   // Handler threw or returned a bad response.
};

}  // namespace parley::net
