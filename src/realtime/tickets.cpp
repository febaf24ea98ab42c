#include "realtime/tickets.hpp"

#include "common/ids.hpp"

namespace parley::realtime {

namespace {
// Sweeping on every issue keeps the map bounded by the tickets made in one lifetime.
constexpr size_t kSweepAbove = 1024;
}  // namespace

std::string TicketBook::issue(Ticket ticket) {
    std::string secret = new_secret("");
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    if (tickets_.size() > kSweepAbove) {
        forget_expired(now);
    }
    tickets_[secret_digest(secret)] = Entry{std::move(ticket), now + lifetime_};
    return secret;
}

std::optional<Ticket> TicketBook::redeem(const std::string& secret) {
    std::string digest = secret_digest(secret);
    std::lock_guard lock(mutex_);
    auto found = tickets_.find(digest);
    if (found == tickets_.end()) {
        return std::nullopt;
    }
    Entry entry = std::move(found->second);
    tickets_.erase(found);
    if (entry.expires < Clock::now()) {
        return std::nullopt;
    }
    return std::move(entry.ticket);
}

void TicketBook::forget_expired(Clock::time_point now) {
    for (auto it = tickets_.begin(); it != tickets_.end();) {
        it = it->second.expires < now ? tickets_.erase(it) : std::next(it);
    }
}

}  // namespace parley::realtime
