// One-use tickets for the WebSocket URL that rtm.connect returns: the URL carries a random
// secret instead of the user's token, is valid for a short time, and works once. In memory:
// a ticket is used seconds after it is made, on the node that made it.
// TODO(#3): with several nodes behind a load balancer, tickets must live in Redis (or the
// balancer must send the socket to the node that issued the ticket).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace parley::realtime {

struct Ticket {
    std::string user_id;
    std::string team_id;
    std::string resume_cursor;  // As given to rtm.connect; empty: start from now.
    bool presence_sub = false;  // rtm.connect presence_sub=true: presence only on request.
};

class TicketBook {
  public:
    explicit TicketBook(std::chrono::milliseconds lifetime = std::chrono::seconds(30))
        : lifetime_(lifetime) {}

    // Returns the secret to put in the URL.
    std::string issue(Ticket ticket);

    // The ticket, if the secret is known and not expired; it is used up either way.
    std::optional<Ticket> redeem(const std::string& secret);

  private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        Ticket ticket;
        Clock::time_point expires;
    };

    void forget_expired(Clock::time_point now);

    const std::chrono::milliseconds lifetime_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> tickets_;  // By digest of the secret. Guarded.
};

}  // namespace parley::realtime
