// The open WebSockets of one server, so that stop() can close each of them, and a count of
// those whose session has not yet had on_close, so that stop() can wait for it.
// Thread-safe: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "net/waitable_counter.hpp"

namespace parley::net {

class WebSocketConnectionImpl;

class WebSocketRegistry {
  public:
    using Clock = std::chrono::steady_clock;

    // Registers a connection whose handshake is starting. Returns false when stop() has
    // already closed every WebSocket: the caller then closes this one too, by
    // closing_deadline().
    bool add(uint64_t connection_id, std::weak_ptr<WebSocketConnectionImpl> connection) {
        std::lock_guard lock(mutex_);
        connections_.emplace(connection_id, std::move(connection));
        return !closing_all_;
    }

    void remove(uint64_t connection_id) {
        std::lock_guard lock(mutex_);
        connections_.erase(connection_id);
    }

    // From now on add() returns false. Returns the connections registered so far, for the
    // caller to close; closing_deadline() is `deadline` afterwards.
    std::vector<std::shared_ptr<WebSocketConnectionImpl>> begin_closing_all(
        Clock::time_point deadline) {
        std::lock_guard lock(mutex_);
        closing_all_ = true;
        closing_deadline_ = deadline;
        return alive_locked();
    }

    Clock::time_point closing_deadline() const {
        std::lock_guard lock(mutex_);
        return closing_deadline_;
    }

    // The connections still registered (not yet finished). Copied out so that callers act on
    // them without the lock.
    std::vector<std::shared_ptr<WebSocketConnectionImpl>> snapshot() const {
        std::lock_guard lock(mutex_);
        return alive_locked();
    }

    // One unit per connection from its start until its session's on_close has returned.
    WaitableCounter& unfinished() { return unfinished_; }

  private:
    std::vector<std::shared_ptr<WebSocketConnectionImpl>> alive_locked() const {
        std::vector<std::shared_ptr<WebSocketConnectionImpl>> alive;
        alive.reserve(connections_.size());
        for (const auto& [connection_id, weak] : connections_) {
            if (auto connection = weak.lock()) {
                alive.push_back(std::move(connection));
            }
        }
        return alive;
    }

    mutable std::mutex mutex_;
    // Weak: a connection's lifetime belongs to its pending operations. Guarded by mutex_.
    std::unordered_map<uint64_t, std::weak_ptr<WebSocketConnectionImpl>> connections_;
    bool closing_all_ = false;            // Guarded by mutex_.
    Clock::time_point closing_deadline_;  // Guarded by mutex_.
    WaitableCounter unfinished_;
};

}  // namespace parley::net
