// The real-time hub: delivers every committed event to the sockets that may see it, in log
// order, and keeps presence. One dispatcher thread owns all routing state (who is connected,
// which conversations each socket follows), so the delivery path takes no lock but the
// queue's; the bytes of an event are built once and shared by every recipient. Writing to
// sockets happens on the I/O threads (net::WebSocketConnection), never here.
//
// A socket starts "buffering" (attach): every event of its team is kept for it while its
// session reads the log snapshot it replays from. go_live then hands over: buffered events
// the snapshot already covered are dropped, the rest are delivered, and routing takes over.
// Because attach is queued before the snapshot is read, no event falls between the two.
// See docs/realtime.md.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "net/websocket.hpp"
#include "store/store.hpp"

namespace parley::realtime {

// Something the hub delivers to: one open socket of one user.
class Subscriber {
  public:
    virtual ~Subscriber() = default;
    virtual const std::string& user_id() const = 0;
    virtual const std::string& team_id() const = 0;
    // Guests hear workspace events about a conversation (a public channel created, renamed,
    // archived) only when they belong to it.
    virtual bool is_guest() const = 0;
    // Non-blocking; false when the socket is closing (its session will detach).
    virtual bool deliver(const net::SharedFrame& frame) = 0;
    // True when the socket asked (rtm.connect presence_sub=true) to hear presence_change only
    // for the users it names in presence_sub frames, instead of for its whole workspace.
    virtual bool presence_by_subscription() const = 0;
    // Non-blocking: sends what is queued, then closes the socket with `code`.
    virtual void disconnect(uint16_t code, std::string reason) = 0;
};

struct HubOptions {
    std::chrono::milliseconds presence_grace{5000};   // Last socket closed -> away after this.
    std::chrono::milliseconds presence_flush{1000};   // Changes are sent at most this often.
    std::chrono::milliseconds typing_interval{2000};  // Per user and conversation.
};

struct PresenceState {
    bool active = false;       // Connected (or within the grace period) and not set away.
    bool manual_away = false;  // users.setPresence away.
    size_t connections = 0;
};

class Hub {
  public:
    // `latest_seq` is the end of the log at start-up: the position ephemeral frames name
    // until the first new event is published.
    Hub(std::string log_epoch, int64_t latest_seq, HubOptions options);
    ~Hub();
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    // The store's commit listener: events in seq order, from the writer thread.
    void publish(std::vector<store::StoredEvent> events);

    // Socket lifecycle, from any thread, in this order for one subscriber.
    void attach(std::shared_ptr<Subscriber> subscriber, bool manual_away);
    void go_live(std::shared_ptr<Subscriber> subscriber,
                 std::unordered_set<std::string> conversations, int64_t snapshot_seq);
    void detach(std::shared_ptr<Subscriber> subscriber);

    // A client's typing indicator; forwarded to the conversation's other members if the
    // subscriber belongs to it, at most once per typing_interval.
    void typing(std::shared_ptr<Subscriber> subscriber, std::string conversation_id);

    // Sends the subscriber the current presence of `user_ids` (presence_change frames, once
    // it is live); with `subscribe`, they also become the only users whose changes it hears.
    void query_presence(std::shared_ptr<Subscriber> subscriber, std::vector<std::string> user_ids,
                        bool subscribe);

    void set_manual_away(const std::string& team_id, const std::string& user_id, bool away);
    PresenceState presence(const std::string& user_id) const;

    // Sends {"type":"goodbye"} to every socket and returns once it is queued on each.
    void say_goodbye();

    // The payload of a logged event with its resume_cursor added: what goes on the wire.
    net::SharedFrame frame_for(const store::StoredEvent& event) const;
    std::string cursor_for(int64_t seq) const;

  private:
    struct Prepared;
    struct SessionState;
    struct Publish {
        std::vector<store::StoredEvent> events;
    };
    struct Attach {
        std::shared_ptr<Subscriber> subscriber;
        bool manual_away;
    };
    struct GoLive {
        std::shared_ptr<Subscriber> subscriber;
        std::unordered_set<std::string> conversations;
        int64_t snapshot_seq;
    };
    struct Detach {
        std::shared_ptr<Subscriber> subscriber;
    };
    struct Typing {
        std::shared_ptr<Subscriber> subscriber;
        std::string conversation_id;
    };
    struct PresenceQuery {
        std::shared_ptr<Subscriber> subscriber;
        std::vector<std::string> user_ids;
        bool subscribe;
    };
    struct ManualAway {
        std::string team_id;
        std::string user_id;
        bool away;
    };
    struct Goodbye {
        std::shared_ptr<std::promise<void>> done;
    };
    using Command =
        std::variant<Publish, Attach, GoLive, Detach, Typing, PresenceQuery, ManualAway, Goodbye>;

    void enqueue(Command command);
    void run();
    void handle(Publish& command);
    void handle(Attach& command);
    void handle(GoLive& command);
    void handle(Detach& command);
    void handle(Typing& command);
    void handle(PresenceQuery& command);
    void handle(ManualAway& command);
    void handle(Goodbye& command);

    static bool team_event_visible(const SessionState& session, const store::StoredEvent& event);
    void route(const Prepared& event);
    void disconnect_if_deactivated(const store::StoredEvent& event);
    void route_to_one(SessionState& session, const Prepared& event);
    void apply_joins(SessionState& session, const Prepared& event);
    void apply_leaves(SessionState& session, const Prepared& event);
    void follow(SessionState& session, const std::string& conversation_id);
    void unfollow(SessionState& session, const std::string& conversation_id);
    void send(SessionState& session, const net::SharedFrame& frame);

    void note_presence(const std::string& team_id, const std::string& user_id);
    void flush_presence(std::chrono::steady_clock::time_point now);
    void publish_presence(const std::vector<SessionState*>& sessions,
                          const std::vector<std::string>& active,
                          const std::vector<std::string>& away);
    void send_presence(SessionState& session, const std::vector<std::string>& active,
                       const std::vector<std::string>& away);
    void send_presence_snapshot(SessionState& session);
    std::chrono::steady_clock::time_point next_wakeup() const;
    void update_presence_view(const std::string& user_id);

    const std::string log_epoch_;
    const HubOptions options_;

    std::mutex queue_mutex_;
    std::condition_variable queue_changed_;
    std::deque<Command> queue_;  // Guarded by queue_mutex_.
    bool stopping_ = false;      // Guarded by queue_mutex_.

    // Owned by the dispatcher thread; touched by nothing else.
    struct UserPresence {
        std::string team_id;
        size_t connections = 0;
        bool manual_away = false;
        bool published_active = false;
        std::chrono::steady_clock::time_point away_at{};  // With no connections: grace end.
    };
    std::unordered_map<Subscriber*, std::unique_ptr<SessionState>> sessions_;
    std::unordered_map<std::string, std::vector<SessionState*>> by_team_;
    std::unordered_map<std::string, std::vector<SessionState*>> by_user_;
    std::unordered_map<std::string, std::vector<SessionState*>> by_conversation_;  // Live.
    std::unordered_map<std::string, UserPresence> presence_;
    std::unordered_set<std::string> presence_dirty_;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> typing_sent_;
    std::chrono::steady_clock::time_point next_flush_{};
    int64_t last_seq_ = 0;

    mutable std::mutex view_mutex_;
    std::unordered_map<std::string, PresenceState> presence_view_;  // Guarded by view_mutex_.

    std::thread dispatcher_;
};

}  // namespace parley::realtime
