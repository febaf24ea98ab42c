#include "auth/signin_throttle.hpp"

namespace parley::auth {

namespace {
// Sweeping every so many calls keeps memory bounded by the addresses active in one window.
constexpr size_t kSweepEveryCalls = 1024;
}  // namespace

size_t SigninThrottle::recent(Failures& failures, Clock::time_point now) {
    while (!failures.empty() && now - failures.front() > limits_.window) {
        failures.pop_front();
    }
    return failures.size();
}

void SigninThrottle::forget_idle(Clock::time_point now) {
    if (++calls_since_sweep_ < kSweepEveryCalls) {
        return;
    }
    calls_since_sweep_ = 0;
    for (auto* map : {&by_account_, &by_address_}) {
        for (auto it = map->begin(); it != map->end();) {
            it = recent(it->second, now) == 0 ? map->erase(it) : std::next(it);
        }
    }
}

bool SigninThrottle::allowed(const std::string& account, const std::string& address) {
    std::lock_guard lock(mutex_);
    auto now = Clock::now();
    forget_idle(now);
    return recent(by_account_[account], now) < limits_.failures_per_account &&
           recent(by_address_[address], now) < limits_.failures_per_address;
}

void SigninThrottle::record_failure(const std::string& account, const std::string& address) {
    std::lock_guard lock(mutex_);
    auto now = Clock::now();
    by_account_[account].push_back(now);
    by_address_[address].push_back(now);
}

void SigninThrottle::record_success(const std::string& account) {
    std::lock_guard lock(mutex_);
    by_account_.erase(account);
}

}  // namespace parley::auth
