// Limits failed sign-ins per account and per client address, so guessing passwords costs
// an attacker hours instead of seconds. In memory: a restart forgives, which is acceptable
// because a restart is rare and visible. TODO(#2): share counts across nodes via Redis once
// Parley runs on several nodes.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parley::auth {

struct ThrottleLimits {
    size_t failures_per_account = 10;
    size_t failures_per_address = 50;
    std::chrono::seconds window{15 * 60};
};

class SigninThrottle {
  public:
    explicit SigninThrottle(ThrottleLimits limits = {}) : limits_(limits) {}

    // False when either the account or the address has used up its failures in the window.
    bool allowed(const std::string& account, const std::string& address);
    void record_failure(const std::string& account, const std::string& address);
    // A successful sign-in clears the account's failures (not the address's).
    void record_success(const std::string& account);

  private:
    using Clock = std::chrono::steady_clock;
    using Failures = std::deque<Clock::time_point>;

    size_t recent(Failures& failures, Clock::time_point now);
    void forget_idle(Clock::time_point now);

    const ThrottleLimits limits_;
    std::mutex mutex_;
    std::unordered_map<std::string, Failures> by_account_;  // Guarded by mutex_.
    std::unordered_map<std::string, Failures> by_address_;  // Guarded by mutex_.
    size_t calls_since_sweep_ = 0;                          // Guarded by mutex_.
};

}  // namespace parley::auth
