// A count that a thread can wait to see reach zero, with a deadline. HttpServer::stop() uses
// it to wait for in-flight requests, and for connection strands to acknowledge a close.
// Thread-safe: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace parley::net {

class WaitableCounter {
  public:
    void add() {
        std::lock_guard lock(mutex_);
        ++count_;
    }

    // Must pair with an earlier add().
    void remove() {
        std::lock_guard lock(mutex_);
        --count_;
        if (count_ == 0) {
            reached_zero_.notify_all();
        }
    }

    size_t value() const {
        std::lock_guard lock(mutex_);
        return count_;
    }

    // True when the count is zero by `deadline`, false when the deadline passed first.
    bool wait_for_zero_until(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock(mutex_);
        return reached_zero_.wait_until(lock, deadline, [this] { return count_ == 0; });
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable reached_zero_;
    size_t count_ = 0;  // Guarded by mutex_.
};

// Holds one unit of a WaitableCounter for as long as it lives.
class CountedScope {
  public:
    explicit CountedScope(WaitableCounter& counter) : counter_(counter) { counter_.add(); }
    ~CountedScope() { counter_.remove(); }
    CountedScope(const CountedScope&) = delete;
    CountedScope& operator=(const CountedScope&) = delete;

  private:
    WaitableCounter& counter_;
};

}  // namespace parley::net
