#include "realtime/rtm_session.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "api/render.hpp"
#include "chat/messages.hpp"
#include "common/json_value.hpp"
#include "realtime/cursor.hpp"
#include "store/store.hpp"

namespace parley::realtime {

namespace {

constexpr size_t kMembershipPage = 1000;
// Slack's clients subscribe to the people on screen; a few thousand is already generous.
constexpr size_t kMaxPresenceIds = 5000;

// Slack's RTM error codes are small integers with a message; clients key on the message.
Json error_reply(const Json& id, std::string_view error) {
    return Json{{"ok", false}, {"reply_to", id}, {"error", {{"code", 2}, {"msg", error}}}};
}

// The hub's delivery rule (Hub::route), applied to a replay.
bool replay_wanted(const store::StoredEvent& event, const chat::User& me,
                   const std::unordered_set<std::string>& conversations) {
    switch (event.audience) {
        case store::EventAudience::team:
            return me.role != chat::Role::guest || event.conversation_id.empty() ||
                   conversations.contains(event.conversation_id);
        case store::EventAudience::user:
            return event.user_id == me.id;
        case store::EventAudience::conversation:
            return conversations.contains(event.conversation_id) || event.user_id == me.id;
    }
    return false;
}

}  // namespace

// What the session reads in one store snapshot before going live.
struct RtmSession::Snapshot {
    int64_t latest_seq = 0;
    std::string epoch;
    std::unordered_set<std::string> conversations;
    std::vector<store::StoredEvent> replay;
    std::string resync_reason;  // Set when the cursor cannot be replayed from.
};

RtmSession::RtmSession(RtmContext& context, chat::User user, chat::Team team,
                       std::string resume_cursor, bool presence_by_subscription)
    : context_(context),
      user_(std::move(user)),
      team_(std::move(team)),
      resume_cursor_(std::move(resume_cursor)),
      presence_by_subscription_(presence_by_subscription) {}

bool RtmSession::deliver(const net::SharedFrame& frame) {
    return connection_->send(frame);
}

void RtmSession::disconnect(uint16_t code, std::string reason) {
    connection_->close(code, std::move(reason));
}

// Attach first, then read the snapshot: every event is then either in the snapshot or in
// the hub's buffer for this session (or both, and go_live drops the copy).
void RtmSession::on_open(std::shared_ptr<net::WebSocketConnection> connection) {
    connection_ = std::move(connection);
    context_.hub.attach(shared_from_this(), user_.manual_away);

    Snapshot snapshot = read_snapshot();

    std::string hello_cursor = snapshot.replay.empty() && resume_cursor_.empty()
                                   ? context_.hub.cursor_for(snapshot.latest_seq)
                                   : resume_cursor_;
    if (!snapshot.resync_reason.empty()) {
        hello_cursor = context_.hub.cursor_for(snapshot.latest_seq);
    }
    send_text(Json{{"type", "hello"}, {"resume_cursor", hello_cursor}}.dump());
    if (!snapshot.resync_reason.empty()) {
        send_text(Json{{"type", "resync_required"},
                       {"reason", snapshot.resync_reason},
                       {"resume_cursor", hello_cursor}}
                      .dump());
    }
    replay(snapshot.replay);
    spdlog::debug("rtm: session open user={} replayed={} resync={}", user_.id,
                  snapshot.replay.size(), snapshot.resync_reason);

    context_.hub.go_live(shared_from_this(), std::move(snapshot.conversations),
                         snapshot.latest_seq);
}

RtmSession::Snapshot RtmSession::read_snapshot() {
    Snapshot snapshot;
    std::optional<LogPosition> from;
    if (!resume_cursor_.empty()) {
        auto decoded = decode_resume_cursor(resume_cursor_);
        if (decoded) {
            from = *decoded;
        } else {
            snapshot.resync_reason = "invalid_cursor";
        }
    }

    Status read = context_.store.read([&](store::StoreReader& reader) -> Status {
        snapshot.latest_seq = reader.latest_event_seq();
        snapshot.epoch = reader.log_epoch();
        store::ConversationFilter every_kind{true, true, true, true, false};
        store::Page page{"", kMembershipPage};
        for (;;) {
            auto batch = reader.list_user_conversations(user_.id, every_kind, page);
            for (const auto& conversation : batch) {
                snapshot.conversations.insert(conversation.id);
            }
            if (batch.size() < page.limit) {
                break;
            }
            page.after = batch.back().id;
        }
        if (!from) {
            return ok_status();
        }

        int64_t oldest = reader.oldest_event_seq();
        if (from->epoch != snapshot.epoch || from->seq > snapshot.latest_seq) {
            snapshot.resync_reason = "cursor_unknown";
        } else if (oldest > 0 && from->seq < oldest - 1) {
            snapshot.resync_reason = "cursor_too_old";
        } else {
            auto events = reader.events_after(team_.id, from->seq, context_.max_replay_events + 1);
            if (events.size() > context_.max_replay_events) {
                snapshot.resync_reason = "too_many_events";
            } else {
                for (auto& event : events) {
                    if (replay_wanted(event, user_, snapshot.conversations)) {
                        snapshot.replay.push_back(std::move(event));
                    }
                }
            }
        }
        return ok_status();
    });
    if (!read) {
        snapshot.resync_reason = "internal_error";
        snapshot.replay.clear();
    }
    return snapshot;
}

// Sends the missed events, pausing whenever the socket's queue is above the high-water mark
// so that the client drains it; this runs on a worker thread, which may wait. Gives up when
// the socket closes or the client has not drained anything for kReplayStallLimit.
bool RtmSession::replay(const std::vector<store::StoredEvent>& events) {
    using namespace std::chrono;
    constexpr auto kReplayStallLimit = seconds(30);
    auto last_progress = steady_clock::now();
    size_t last_queued = 0;
    for (const auto& event : events) {
        for (;;) {
            size_t queued = connection_->queued_bytes();
            if (queued <= context_.replay_high_water_bytes) {
                break;
            }
            if (queued < last_queued) {
                last_progress = steady_clock::now();
            }
            last_queued = queued;
            if (steady_clock::now() - last_progress > kReplayStallLimit) {
                connection_->close(net::kCloseSlowConsumer, "slow consumer");
                return false;
            }
            std::this_thread::sleep_for(milliseconds(2));
        }
        if (!connection_->send(context_.hub.frame_for(event))) {
            return false;
        }
    }
    return true;
}

void RtmSession::on_text(std::string_view text) {
    Json frame = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!frame.is_object() || !frame.contains("type") || !frame["type"].is_string()) {
        send_text(
            Json{{"type", "error"}, {"error", {{"code", 1}, {"msg", "invalid_frame"}}}}.dump());
        return;
    }
    const std::string type = frame["type"].get<std::string>();
    Json id = frame.contains("id") ? frame["id"] : Json();

    if (type == "ping") {
        Json pong = frame;
        pong.erase("id");
        pong["type"] = "pong";
        pong["reply_to"] = id;
        send_text(pong.dump());
    } else if (type == "typing") {
        if (frame.contains("channel") && frame["channel"].is_string()) {
            context_.hub.typing(shared_from_this(), frame["channel"].get<std::string>());
        }
    } else if (type == "message") {
        answer_message(frame);
    } else if (type == "presence_sub" || type == "presence_query") {
        answer_presence_sub(frame);
    } else if (!id.is_null()) {
        send_text(error_reply(id, "unsupported_type").dump());
    }
}

// Slack's presence_sub: {"type":"presence_sub","ids":[...]} replaces the users whose
// presence_change this socket hears, and is answered with their current presence.
// presence_query asks for the current presence without changing the subscription.
void RtmSession::answer_presence_sub(const Json& frame) {
    Json id = frame.contains("id") ? frame["id"] : Json();
    const bool subscribe = frame.value("type", "") == "presence_sub";
    if (!frame.contains("ids") || !frame["ids"].is_array() ||
        frame["ids"].size() > kMaxPresenceIds) {
        send_text(error_reply(id, "invalid_ids").dump());
        return;
    }
    std::vector<std::string> ids;
    for (const auto& user_id : frame["ids"]) {
        if (!user_id.is_string()) {
            send_text(error_reply(id, "invalid_ids").dump());
            return;
        }
        ids.push_back(user_id.get<std::string>());
    }

    context_.hub.query_presence(shared_from_this(), std::move(ids), subscribe);
    if (!id.is_null()) {
        send_text(Json{{"ok", true}, {"reply_to", id}}.dump());
    }
}

// RTM's own way of posting ({"type":"message","channel","text","id"}), which Slack's
// RTMClient.sendMessage uses. Posted exactly as chat.postMessage would post it.
void RtmSession::answer_message(const Json& frame) {
    Json id = frame.contains("id") ? frame["id"] : Json();
    chat::PostRequest request;
    if (frame.contains("channel") && frame["channel"].is_string()) {
        request.channel = frame["channel"].get<std::string>();
    }
    if (frame.contains("text") && frame["text"].is_string()) {
        request.text = frame["text"].get<std::string>();
    }
    if (frame.contains("thread_ts") && frame["thread_ts"].is_string()) {
        auto thread = parse_ts(frame["thread_ts"].get<std::string>());
        if (!thread) {
            send_text(error_reply(id, "invalid_ts").dump());
            return;
        }
        request.thread_ts = *thread;
    }
    if (frame.contains("client_msg_id") && frame["client_msg_id"].is_string()) {
        request.client_msg_id = frame["client_msg_id"].get<std::string>();
    }

    auto posted = context_.messages.post(user_, request);
    if (!posted) {
        send_text(error_reply(id, posted.error().name).dump());
        return;
    }
    send_text(Json{{"ok", true},
                   {"reply_to", id},
                   {"channel", posted->conversation.id},
                   {"ts", format_ts(posted->message.ts)},
                   {"text", posted->message.text}}
                  .dump());
}

void RtmSession::on_close() {
    if (connection_) {
        context_.hub.detach(shared_from_this());
    }
    spdlog::debug("rtm: session closed user={}", user_.id);
}

void RtmSession::send_text(std::string text) {
    connection_->send(std::make_shared<const std::string>(std::move(text)));
}

}  // namespace parley::realtime
