#include "realtime/hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <iterator>

#include "common/json_value.hpp"
#include "common/metrics.hpp"
#include "common/slack_ts.hpp"
#include "realtime/cursor.hpp"

namespace parley::realtime {

namespace {

using Clock = std::chrono::steady_clock;

// Counters read by /metrics; plain atomics so delivering never takes the metrics mutex.
std::atomic<uint64_t> g_events_published{0};
std::atomic<uint64_t> g_deliveries{0};
std::atomic<uint64_t> g_sessions{0};

void describe_metrics() {
    auto& metrics = Metrics::global();
    metrics.describe("parley_rt_events_published_total", "Committed events routed", "counter");
    metrics.describe("parley_rt_deliveries_total", "Event frames queued to sockets", "counter");
    metrics.describe("parley_rt_sessions", "Real-time sessions attached", "gauge");
    metrics.describe("parley_rt_dispatch_latency_seconds",
                     "From commit to the event being queued on its sockets", "histogram");
    metrics.gauge_callback("parley_rt_events_published_total",
                           [] { return static_cast<double>(g_events_published.load()); });
    metrics.gauge_callback("parley_rt_deliveries_total",
                           [] { return static_cast<double>(g_deliveries.load()); });
    metrics.gauge_callback("parley_rt_sessions",
                           [] { return static_cast<double>(g_sessions.load()); });
}

template <class T>
void erase_from(std::unordered_map<std::string, std::vector<T*>>& index, const std::string& key,
                T* item) {
    auto found = index.find(key);
    if (found == index.end()) {
        return;
    }
    auto& list = found->second;
    auto at = std::find(list.begin(), list.end(), item);
    if (at != list.end()) {
        *at = list.back();
        list.pop_back();
    }
    if (list.empty()) {
        index.erase(found);
    }
}

// The conversation a membership event is about: "channel" is an id or an object with one.
std::string channel_of(const Json& payload) {
    auto found = payload.find("channel");
    if (found == payload.end()) {
        return {};
    }
    if (found->is_string()) {
        return found->get<std::string>();
    }
    if (found->is_object() && found->contains("id") && (*found)["id"].is_string()) {
        return (*found)["id"].get<std::string>();
    }
    return {};
}

bool is_join_type(const std::string& type) {
    return type == "member_joined_channel" || type == "channel_joined" || type == "group_joined" ||
           type == "im_created" || type == "mpim_joined";
}

bool is_leave_type(const std::string& type) {
    return type == "member_left_channel" || type == "channel_left" || type == "group_left";
}

// {"type":"presence_change","presence":state,"users":[...]} ("user" too when there is one),
// or null for no users.
net::SharedFrame presence_frame(const std::vector<std::string>& users, const char* state,
                                const std::string& cursor) {
    if (users.empty()) {
        return nullptr;
    }
    Json payload = {{"type", "presence_change"},
                    {"presence", state},
                    {"users", users},
                    {"resume_cursor", cursor}};
    if (users.size() == 1) {
        payload["user"] = users.front();
    }
    return std::make_shared<const std::string>(payload.dump());
}

// The user a user_change event deactivates, or empty.
std::string deactivated_user(const store::StoredEvent& event) {
    if (event.type != "user_change") {
        return {};
    }
    Json payload = Json::parse(event.payload, nullptr, false);
    const Json* user = payload.is_object() && payload.contains("user") ? &payload["user"] : nullptr;
    if (!user || !user->is_object() || !user->value("deleted", false)) {
        return {};
    }
    return user->value("id", std::string());
}

}  // namespace

// An event ready to route: the log row and its frame, shared by every recipient.
struct Hub::Prepared {
    store::StoredEvent event;
    net::SharedFrame frame;
    std::string membership_conversation;  // Set for joins and leaves.
    std::string membership_user;
};

// One attached socket, as the dispatcher sees it.
struct Hub::SessionState {
    std::shared_ptr<Subscriber> subscriber;
    std::unordered_set<std::string> conversations;
    bool live = false;
    int64_t snapshot_seq = 0;
    std::vector<std::shared_ptr<const Prepared>> buffer;  // Until live.
    // Null: hears presence_change for the whole workspace. Otherwise only for these users
    // (presence_sub), and `presence_asked` are owed their current state once live.
    std::unique_ptr<std::unordered_set<std::string>> presence_subscription;
    std::vector<std::string> presence_asked;
};

bool Hub::team_event_visible(const SessionState& session, const store::StoredEvent& event) {
    return !session.subscriber->is_guest() || event.conversation_id.empty() ||
           session.conversations.contains(event.conversation_id);
}

Hub::Hub(std::string log_epoch, int64_t latest_seq, HubOptions options)
    : log_epoch_(std::move(log_epoch)), options_(options), last_seq_(latest_seq) {
    describe_metrics();
    dispatcher_ = std::thread([this] { run(); });
}

Hub::~Hub() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    queue_changed_.notify_all();
    dispatcher_.join();
}

std::string Hub::cursor_for(int64_t seq) const {
    return encode_resume_cursor(LogPosition{log_epoch_, seq});
}

net::SharedFrame Hub::frame_for(const store::StoredEvent& event) const {
    // The payload is a JSON object; the cursor goes in as its first member, which avoids
    // parsing and re-serialising the payload for every event.
    std::string cursor_member = "\"resume_cursor\":\"" + cursor_for(event.seq) + "\"";
    std::string frame;
    frame.reserve(event.payload.size() + cursor_member.size() + 2);
    frame += '{';
    frame += cursor_member;
    if (event.payload.size() > 2) {
        frame += ',';
        frame.append(event.payload, 1);
    } else {
        frame += '}';
    }
    return std::make_shared<const std::string>(std::move(frame));
}

void Hub::publish(std::vector<store::StoredEvent> events) {
    enqueue(Publish{std::move(events)});
}

void Hub::attach(std::shared_ptr<Subscriber> subscriber, bool manual_away) {
    enqueue(Attach{std::move(subscriber), manual_away});
}

void Hub::go_live(std::shared_ptr<Subscriber> subscriber,
                  std::unordered_set<std::string> conversations, int64_t snapshot_seq) {
    enqueue(GoLive{std::move(subscriber), std::move(conversations), snapshot_seq});
}

void Hub::detach(std::shared_ptr<Subscriber> subscriber) {
    enqueue(Detach{std::move(subscriber)});
}

void Hub::typing(std::shared_ptr<Subscriber> subscriber, std::string conversation_id) {
    enqueue(Typing{std::move(subscriber), std::move(conversation_id)});
}

void Hub::query_presence(std::shared_ptr<Subscriber> subscriber, std::vector<std::string> user_ids,
                         bool subscribe) {
    enqueue(PresenceQuery{std::move(subscriber), std::move(user_ids), subscribe});
}

void Hub::set_manual_away(const std::string& team_id, const std::string& user_id, bool away) {
    enqueue(ManualAway{team_id, user_id, away});
}

PresenceState Hub::presence(const std::string& user_id) const {
    std::lock_guard lock(view_mutex_);
    auto found = presence_view_.find(user_id);
    return found == presence_view_.end() ? PresenceState{} : found->second;
}

void Hub::say_goodbye() {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    enqueue(Goodbye{done});
    finished.wait();
}

void Hub::enqueue(Command command) {
    {
        std::lock_guard lock(queue_mutex_);
        queue_.push_back(std::move(command));
    }
    queue_changed_.notify_one();
}

void Hub::run() {
    for (;;) {
        std::deque<Command> batch;
        {
            std::unique_lock lock(queue_mutex_);
            queue_changed_.wait_until(lock, next_wakeup(),
                                      [&] { return stopping_ || !queue_.empty(); });
            if (stopping_ && queue_.empty()) {
                return;
            }
            batch.swap(queue_);
        }
        for (auto& command : batch) {
            std::visit([this](auto& c) { handle(c); }, command);
        }
        flush_presence(Clock::now());
    }
}

void Hub::handle(Publish& command) {
    auto now = now_micros();
    for (auto& event : command.events) {
        auto prepared = std::make_shared<Prepared>();
        prepared->frame = frame_for(event);
        if (is_join_type(event.type) || is_leave_type(event.type)) {
            Json payload = Json::parse(event.payload, nullptr, false);
            prepared->membership_conversation =
                event.conversation_id.empty() ? channel_of(payload) : event.conversation_id;
            prepared->membership_user = event.user_id;
            if (prepared->membership_user.empty() && payload.contains("user") &&
                payload["user"].is_string()) {
                prepared->membership_user = payload["user"].get<std::string>();
            }
        }
        Metrics::global().observe_seconds("parley_rt_dispatch_latency_seconds", "",
                                          static_cast<double>(now - event.created) / 1e6);
        prepared->event = std::move(event);
        last_seq_ = std::max(last_seq_, prepared->event.seq);

        route(*prepared);
        disconnect_if_deactivated(prepared->event);
        auto team = by_team_.find(prepared->event.team_id);
        if (team != by_team_.end()) {
            for (SessionState* session : team->second) {
                if (!session->live) {
                    session->buffer.push_back(prepared);
                }
            }
        }
        g_events_published.fetch_add(1, std::memory_order_relaxed);
    }
}

// Delivers one event to every live socket that may see it, updating who follows what.
void Hub::route(const Prepared& prepared) {
    const store::StoredEvent& event = prepared.event;

    std::vector<SessionState*> subjects;
    if (!prepared.membership_user.empty()) {
        auto found = by_user_.find(prepared.membership_user);
        if (found != by_user_.end()) {
            subjects = found->second;
        }
    }
    for (SessionState* session : subjects) {
        if (session->live) {
            apply_joins(*session, prepared);
        }
    }

    switch (event.audience) {
        case store::EventAudience::team: {
            auto found = by_team_.find(event.team_id);
            if (found != by_team_.end()) {
                for (SessionState* session : found->second) {
                    if (session->live && team_event_visible(*session, event)) {
                        send(*session, prepared.frame);
                    }
                }
            }
            break;
        }
        case store::EventAudience::user: {
            auto found = by_user_.find(event.user_id);
            if (found != by_user_.end()) {
                for (SessionState* session : found->second) {
                    if (session->live)
                        send(*session, prepared.frame);
                }
            }
            break;
        }
        case store::EventAudience::conversation: {
            auto members = by_conversation_.find(event.conversation_id);
            if (members != by_conversation_.end()) {
                for (SessionState* session : members->second) {
                    send(*session, prepared.frame);
                }
            }
            // The subject hears of it even when not (or no longer) a member.
            auto subject = by_user_.find(event.user_id);
            if (subject != by_user_.end()) {
                for (SessionState* session : subject->second) {
                    if (session->live && !session->conversations.contains(event.conversation_id)) {
                        send(*session, prepared.frame);
                    }
                }
            }
            break;
        }
    }

    for (SessionState* session : subjects) {
        if (session->live) {
            apply_leaves(*session, prepared);
        }
    }
}

// The same decisions as route(), for one socket catching up from its buffer.
void Hub::route_to_one(SessionState& session, const Prepared& prepared) {
    const store::StoredEvent& event = prepared.event;
    const std::string& me = session.subscriber->user_id();
    bool is_subject = prepared.membership_user == me;
    if (is_subject) {
        apply_joins(session, prepared);
    }

    bool wanted = false;
    switch (event.audience) {
        case store::EventAudience::team:
            wanted = team_event_visible(session, event);
            break;
        case store::EventAudience::user:
            wanted = event.user_id == me;
            break;
        case store::EventAudience::conversation:
            wanted = session.conversations.contains(event.conversation_id) || event.user_id == me;
            break;
    }
    if (wanted) {
        send(session, prepared.frame);
    }

    if (is_subject) {
        apply_leaves(session, prepared);
    }
}

void Hub::apply_joins(SessionState& session, const Prepared& prepared) {
    if (is_join_type(prepared.event.type) && !prepared.membership_conversation.empty()) {
        follow(session, prepared.membership_conversation);
    }
}

void Hub::apply_leaves(SessionState& session, const Prepared& prepared) {
    if (is_leave_type(prepared.event.type) && !prepared.membership_conversation.empty()) {
        unfollow(session, prepared.membership_conversation);
    }
}

void Hub::follow(SessionState& session, const std::string& conversation_id) {
    if (session.conversations.insert(conversation_id).second && session.live) {
        by_conversation_[conversation_id].push_back(&session);
    }
}

void Hub::unfollow(SessionState& session, const std::string& conversation_id) {
    if (session.conversations.erase(conversation_id) > 0 && session.live) {
        erase_from(by_conversation_, conversation_id, &session);
    }
}

void Hub::send(SessionState& session, const net::SharedFrame& frame) {
    session.subscriber->deliver(frame);
    g_deliveries.fetch_add(1, std::memory_order_relaxed);
}

void Hub::handle(Attach& command) {
    Subscriber* key = command.subscriber.get();
    auto state = std::make_unique<SessionState>();
    state->subscriber = command.subscriber;
    if (command.subscriber->presence_by_subscription()) {
        state->presence_subscription = std::make_unique<std::unordered_set<std::string>>();
    }
    SessionState* session = state.get();
    sessions_[key] = std::move(state);
    by_team_[command.subscriber->team_id()].push_back(session);
    by_user_[command.subscriber->user_id()].push_back(session);
    g_sessions.fetch_add(1, std::memory_order_relaxed);

    UserPresence& presence = presence_[command.subscriber->user_id()];
    presence.team_id = command.subscriber->team_id();
    presence.manual_away = command.manual_away;
    ++presence.connections;
    note_presence(presence.team_id, command.subscriber->user_id());
}

void Hub::handle(GoLive& command) {
    auto found = sessions_.find(command.subscriber.get());
    if (found == sessions_.end()) {
        return;  // Detached before it went live.
    }
    SessionState& session = *found->second;
    session.conversations = std::move(command.conversations);
    session.snapshot_seq = command.snapshot_seq;

    for (const auto& prepared : session.buffer) {
        if (prepared->event.seq > session.snapshot_seq) {
            route_to_one(session, *prepared);
        }
    }
    session.buffer.clear();
    session.buffer.shrink_to_fit();

    session.live = true;
    for (const auto& conversation_id : session.conversations) {
        by_conversation_[conversation_id].push_back(&session);
    }
    send_presence_snapshot(session);
}

void Hub::handle(PresenceQuery& command) {
    auto found = sessions_.find(command.subscriber.get());
    if (found == sessions_.end()) {
        return;
    }
    SessionState& session = *found->second;
    if (command.subscribe) {
        session.presence_subscription = std::make_unique<std::unordered_set<std::string>>(
            command.user_ids.begin(), command.user_ids.end());
    }
    session.presence_asked.insert(session.presence_asked.end(), command.user_ids.begin(),
                                  command.user_ids.end());
    // Before go_live the answer waits: its frames carry the newest cursor, which must not
    // reach a client still being replayed older events.
    if (session.live) {
        send_presence_snapshot(session);
    }
}

// The current presence of the users the session asked about. A user of another workspace,
// or one never connected, is "away": the answer tells nothing about other workspaces.
void Hub::send_presence_snapshot(SessionState& session) {
    std::vector<std::string> active;
    std::vector<std::string> away;
    const std::string& team_id = session.subscriber->team_id();
    for (auto& user_id : session.presence_asked) {
        auto found = presence_.find(user_id);
        bool is_active = found != presence_.end() && found->second.team_id == team_id &&
                         found->second.published_active;
        (is_active ? active : away).push_back(std::move(user_id));
    }
    session.presence_asked.clear();
    session.presence_asked.shrink_to_fit();
    send_presence(session, active, away);
}

void Hub::send_presence(SessionState& session, const std::vector<std::string>& active,
                        const std::vector<std::string>& away) {
    const std::string cursor = cursor_for(last_seq_);
    for (auto [users, state] : {std::pair{&active, "active"}, {&away, "away"}}) {
        if (auto frame = presence_frame(*users, state, cursor)) {
            send(session, frame);
        }
    }
}

void Hub::handle(Detach& command) {
    auto found = sessions_.find(command.subscriber.get());
    if (found == sessions_.end()) {
        return;
    }
    SessionState* session = found->second.get();
    const std::string& user_id = command.subscriber->user_id();
    if (session->live) {
        for (const auto& conversation_id : session->conversations) {
            erase_from(by_conversation_, conversation_id, session);
        }
    }
    erase_from(by_team_, command.subscriber->team_id(), session);
    erase_from(by_user_, user_id, session);
    sessions_.erase(found);
    g_sessions.fetch_sub(1, std::memory_order_relaxed);

    UserPresence& presence = presence_[user_id];
    if (presence.connections > 0 && --presence.connections == 0) {
        presence.away_at = Clock::now() + options_.presence_grace;
    }
    note_presence(presence.team_id, user_id);
}

void Hub::handle(Typing& command) {
    auto found = sessions_.find(command.subscriber.get());
    if (found == sessions_.end() || !found->second->live ||
        !found->second->conversations.contains(command.conversation_id)) {
        return;  // Not a member: typing there is not forwarded.
    }
    const std::string& user_id = command.subscriber->user_id();
    auto now = Clock::now();
    auto& last = typing_sent_[user_id + "|" + command.conversation_id];
    if (last != Clock::time_point{} && now - last < options_.typing_interval) {
        return;
    }
    last = now;

    Json payload = {{"type", "user_typing"},
                    {"channel", command.conversation_id},
                    {"user", user_id},
                    {"resume_cursor", cursor_for(last_seq_)}};
    auto frame = std::make_shared<const std::string>(payload.dump());
    auto members = by_conversation_.find(command.conversation_id);
    if (members == by_conversation_.end()) {
        return;
    }
    for (SessionState* session : members->second) {
        if (session->subscriber->user_id() != user_id) {
            send(*session, frame);
        }
    }
}

void Hub::handle(ManualAway& command) {
    UserPresence& presence = presence_[command.user_id];
    presence.team_id = command.team_id;
    presence.manual_away = command.away;
    note_presence(command.team_id, command.user_id);
}

// A deactivated user's sockets close at once, after the user_change that says so has been
// queued to them. Sessions still replaying are closed too: they are in by_user_ from attach.
void Hub::disconnect_if_deactivated(const store::StoredEvent& event) {
    std::string user_id = deactivated_user(event);
    auto found = user_id.empty() ? by_user_.end() : by_user_.find(user_id);
    if (found == by_user_.end()) {
        return;
    }
    for (SessionState* session : found->second) {
        session->subscriber->disconnect(net::kCloseAccountInactive, "account_inactive");
    }
}

void Hub::handle(Goodbye& command) {
    auto frame = std::make_shared<const std::string>(R"({"type":"goodbye"})");
    for (auto& [key, session] : sessions_) {
        session->subscriber->deliver(frame);
    }
    command.done->set_value();
}

void Hub::note_presence(const std::string& team_id, const std::string& user_id) {
    (void)team_id;
    presence_dirty_.insert(user_id);
    update_presence_view(user_id);
}

void Hub::update_presence_view(const std::string& user_id) {
    const UserPresence& presence = presence_[user_id];
    bool within_grace = presence.connections == 0 && presence.away_at > Clock::now();
    PresenceState view;
    view.connections = presence.connections;
    view.manual_away = presence.manual_away;
    view.active = (presence.connections > 0 || within_grace) && !presence.manual_away;
    std::lock_guard lock(view_mutex_);
    presence_view_[user_id] = view;
}

Clock::time_point Hub::next_wakeup() const {
    if (presence_dirty_.empty()) {
        return Clock::now() + std::chrono::seconds(60);
    }
    return next_flush_;
}

// Sends the presence changes gathered since the last flush: per team, one frame for those
// who became active and one for those who went away. A user who flapped and came back to
// the state last sent produces nothing.
void Hub::flush_presence(Clock::time_point now) {
    if (presence_dirty_.empty() || now < next_flush_) {
        return;
    }
    next_flush_ = now + options_.presence_flush;

    using Users = std::vector<std::string>;
    std::unordered_map<std::string, std::pair<Users, Users>> changes;  // team -> (active, away)
    std::vector<std::string> still_pending;
    for (const auto& user_id : presence_dirty_) {
        UserPresence& presence = presence_[user_id];
        bool connected = presence.connections > 0;
        if (!connected && presence.away_at > now) {
            still_pending.push_back(user_id);  // In its grace period.
            continue;
        }
        update_presence_view(user_id);
        bool active = connected && !presence.manual_away;
        if (active == presence.published_active) {
            continue;
        }
        presence.published_active = active;
        auto& [went_active, went_away] = changes[presence.team_id];
        (active ? went_active : went_away).push_back(user_id);
    }
    presence_dirty_.clear();
    presence_dirty_.insert(still_pending.begin(), still_pending.end());
    if (!still_pending.empty()) {
        next_flush_ = std::min(next_flush_, now + options_.presence_grace);
    }

    for (auto& [team_id, lists] : changes) {
        auto team = by_team_.find(team_id);
        if (team != by_team_.end()) {
            publish_presence(team->second, lists.first, lists.second);
        }
    }
}

// Whole-workspace listeners share one frame per state; a subscribed socket gets its own,
// naming only the users it asked for, and nothing when none of them changed.
void Hub::publish_presence(const std::vector<SessionState*>& sessions,
                           const std::vector<std::string>& active,
                           const std::vector<std::string>& away) {
    const std::string cursor = cursor_for(last_seq_);
    net::SharedFrame active_frame = presence_frame(active, "active", cursor);
    net::SharedFrame away_frame = presence_frame(away, "away", cursor);
    for (SessionState* session : sessions) {
        if (!session->live) {
            continue;
        }
        if (!session->presence_subscription) {
            if (active_frame)
                send(*session, active_frame);
            if (away_frame)
                send(*session, away_frame);
            continue;
        }
        const auto& wanted = *session->presence_subscription;
        auto subscribed = [&wanted](const std::vector<std::string>& users) {
            std::vector<std::string> kept;
            std::copy_if(users.begin(), users.end(), std::back_inserter(kept),
                         [&wanted](const std::string& id) { return wanted.count(id) > 0; });
            return kept;
        };
        send_presence(*session, subscribed(active), subscribed(away));
    }
}

}  // namespace parley::realtime
