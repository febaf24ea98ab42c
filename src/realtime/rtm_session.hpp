// One client's real-time session (Slack's RTM protocol over one WebSocket): it greets the
// client, replays what the client missed since its resume cursor, hands over to the hub for
// live events, and answers the client's own frames (ping, typing, message).
// Protocol: docs/realtime.md.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "chat/model.hpp"
#include "net/websocket.hpp"
#include "realtime/hub.hpp"

namespace parley::store {
class Store;
struct StoredEvent;
}  // namespace parley::store
namespace parley::chat {
class Messages;
}

namespace parley::realtime {

struct RtmContext {
    store::Store& store;
    Hub& hub;
    chat::Messages& messages;
    size_t max_replay_events = 10'000;  // Beyond this a client is told to resync instead.
    // Replay waits while the socket holds more unsent bytes than this, so a long replay
    // never trips the slow-consumer bound. Half of WebSocketOptions::max_queued_bytes.
    size_t replay_high_water_bytes = 2 << 20;
};

class RtmSession final : public net::WebSocketSession,
                         public Subscriber,
                         public std::enable_shared_from_this<RtmSession> {
  public:
    RtmSession(RtmContext& context, chat::User user, chat::Team team, std::string resume_cursor,
               bool presence_by_subscription);

    const std::string& user_id() const override { return user_.id; }
    const std::string& team_id() const override { return team_.id; }
    bool is_guest() const override { return user_.role == chat::Role::guest; }
    bool presence_by_subscription() const override { return presence_by_subscription_; }
    bool deliver(const net::SharedFrame& frame) override;
    void disconnect(uint16_t code, std::string reason) override;

    void on_open(std::shared_ptr<net::WebSocketConnection> connection) override;
    void on_text(std::string_view text) override;
    void on_close() override;

  private:
    struct Snapshot;

    Snapshot read_snapshot();
    void send_text(std::string text);
    bool replay(const std::vector<store::StoredEvent>& events);
    void answer_message(const nlohmann::json& frame);
    void answer_presence_sub(const nlohmann::json& frame);

    RtmContext& context_;
    const chat::User user_;
    const chat::Team team_;
    const std::string resume_cursor_;
    const bool presence_by_subscription_;
    // Set in on_open before the hub knows this session; read by the hub's thread after.
    std::shared_ptr<net::WebSocketConnection> connection_;
};

}  // namespace parley::realtime
