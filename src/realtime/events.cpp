// Building and appending the real-time events; see events.hpp for who calls what and when.
// Objects inside the payloads (messages, conversations, users) come from api/render.hpp, so
// a client sees the same shapes over the socket as from the Web API.
#include "realtime/events.hpp"

#include "api/render.hpp"
#include "common/json_value.hpp"
#include "common/slack_ts.hpp"
#include "store/store.hpp"

namespace parley::realtime {

namespace {

using chat::Conversation;
using chat::ConversationKind;
using chat::Message;
using store::EventAudience;

bool is_reply(const Message& message) {
    return message.thread_ts != 0 && message.thread_ts != message.ts;
}

std::string event_ts_now() {
    return format_ts(now_micros());
}

// Appends `payload` to the log. Invalid UTF-8 cannot reach here through the Web API, which
// checks its input; should any slip in, it is replaced rather than failing the change.
void append(store::StoreWriter& tx, const std::string& team_id, EventAudience audience,
            const std::string& conversation_id, const std::string& user_id, const Json& payload) {
    store::NewEvent event;
    event.team_id = team_id;
    event.audience = audience;
    event.conversation_id = conversation_id;
    event.user_id = user_id;
    event.type = payload.at("type").get<std::string>();
    event.payload = payload.dump(-1, ' ', false, Json::error_handler_t::replace);
    tx.append_event(event);
}

// To the members of `conversation`, and to `subject` even when not (or no longer) a member.
void to_members(store::StoreWriter& tx, const Conversation& conversation,
                const std::string& subject, const Json& payload) {
    append(tx, conversation.team_id, EventAudience::conversation, conversation.id, subject,
           payload);
}

// To one user alone; `conversation_id` only labels the event in the log.
void to_user(store::StoreWriter& tx, const std::string& team_id, const std::string& user_id,
             const std::string& conversation_id, const Json& payload) {
    append(tx, team_id, EventAudience::user, conversation_id, user_id, payload);
}

// To everyone in the workspace; `subject` only labels the event in the log.
void to_team(store::StoreWriter& tx, const std::string& team_id, const std::string& subject,
             const std::string& conversation_id, const Json& payload) {
    append(tx, team_id, EventAudience::team, conversation_id, subject, payload);
}

// A message object as nested in events: the Web API's shape with the workspace added.
Json message_object(const Conversation& conversation, const Message& message) {
    Json json = api::message_json(message);
    json["team"] = conversation.team_id;
    return json;
}

// The conversation as one user sees it (their membership, read position, im partner).
Json conversation_for(store::StoreWriter& tx, const Conversation& conversation,
                      const std::string& viewer_id) {
    api::ViewerState state;
    state.membership = tx.find_membership(conversation.id, viewer_id);
    state.is_member = state.membership.has_value();
    state.member_count = tx.count_members(conversation.id);
    state.viewer_id = viewer_id;
    Json json = api::conversation_json(conversation, state);
    if (conversation.kind == ConversationKind::im) {
        auto partner = tx.find_user(json.at("user").get<std::string>());
        json["is_user_deleted"] = !partner || partner->deleted;
    }
    return json;
}

// The conversation as everyone sees it: no field that depends on who is looking.
Json conversation_for_all(store::StoreWriter& tx, const Conversation& conversation) {
    api::ViewerState state;
    state.member_count = tx.count_members(conversation.id);
    Json json = api::conversation_json(conversation, state);
    json.erase("is_member");
    return json;
}

bool is_private_channel(const Conversation& conversation) {
    return conversation.kind == ConversationKind::private_channel;
}

// Slack names channel events "group_*" for private channels, "channel_*" for public ones.
std::string channel_event(const Conversation& channel, const std::string& suffix) {
    return (is_private_channel(channel) ? "group_" : "channel_") + suffix;
}

// Public channel changes go to the whole workspace, because everyone lists public channels;
// private ones only to their members (and `subject`).
void to_channel_watchers(store::StoreWriter& tx, const Conversation& channel,
                         const std::string& subject, const Json& payload) {
    if (is_private_channel(channel)) {
        to_members(tx, channel, subject, payload);
    } else {
        to_team(tx, channel.team_id, subject, channel.id, payload);
    }
}

Json message_changed_payload(const Conversation& conversation, const Message& before,
                             const Message& after) {
    std::string event_ts = event_ts_now();
    return Json{{"type", "message"},
                {"subtype", "message_changed"},
                {"hidden", true},
                {"channel", conversation.id},
                {"ts", event_ts},
                {"event_ts", event_ts},
                {"message", message_object(conversation, after)},
                {"previous_message", message_object(conversation, before)}};
}

Json message_deleted_payload(const Conversation& conversation, const Message& before) {
    std::string event_ts = event_ts_now();
    return Json{{"type", "message"},    {"subtype", "message_deleted"},
                {"hidden", true},       {"channel", conversation.id},
                {"ts", event_ts},       {"deleted_ts", format_ts(before.ts)},
                {"event_ts", event_ts}, {"previous_message", message_object(conversation, before)}};
}

// The state of `before` after a delete: changed (a tombstone, new reply stats) or gone.
void message_updated_or_gone(store::StoreWriter& tx, const Conversation& conversation,
                             const std::string& actor_id, const Message& before) {
    if (auto after = tx.find_message(conversation.id, before.ts)) {
        to_members(tx, conversation, actor_id,
                   message_changed_payload(conversation, before, *after));
    } else {
        to_members(tx, conversation, actor_id, message_deleted_payload(conversation, before));
    }
}

Json reaction_payload(const char* type, const Conversation& conversation, const Message& message,
                      const std::string& user_id, const std::string& reaction) {
    return Json{
        {"type", type},
        {"user", user_id},
        {"reaction", reaction},
        {"item_user", message.user_id},
        {"item",
         {{"type", "message"}, {"channel", conversation.id}, {"ts", format_ts(message.ts)}}},
        {"event_ts", event_ts_now()}};
}

Json pin_item(const Conversation& conversation, const Message& message) {
    return Json{{"type", "message"},
                {"channel", conversation.id},
                {"message", message_object(conversation, message)},
                {"created", message.pinned_at},
                {"created_by", message.pinned_by}};
}

// channel_joined / group_joined: the channel, as the joiner now sees it, to the joiner.
void joined(store::StoreWriter& tx, const Conversation& channel, const std::string& user_id) {
    Json payload = {{"type", channel_event(channel, "joined")},
                    {"channel", conversation_for(tx, channel, user_id)},
                    {"event_ts", event_ts_now()}};
    to_user(tx, channel.team_id, user_id, channel.id, payload);
}

std::string channel_type_letter(const Conversation& channel) {
    return is_private_channel(channel) ? "G" : "C";
}

Json archive_payload(const Conversation& channel, const std::string& suffix,
                     const std::string& actor_id) {
    return Json{{"type", channel_event(channel, suffix)},
                {"channel", channel.id},
                {"user", actor_id},
                {"is_moved", 0},
                {"event_ts", event_ts_now()}};
}

// Slack's read-position event differs by kind; mpims were private groups once, hence group_.
const char* marked_event(const Conversation& conversation) {
    switch (conversation.kind) {
        case ConversationKind::public_channel:
            return "channel_marked";
        case ConversationKind::im:
            return "im_marked";
        case ConversationKind::private_channel:
        case ConversationKind::mpim:
            return "group_marked";
    }
    return "group_marked";
}

// "im_open", "mpim_close", ...
std::string dm_event(const Conversation& dm, const std::string& suffix) {
    return (dm.kind == ConversationKind::mpim ? "mpim_" : "im_") + suffix;
}

Json dm_state_payload(const Conversation& dm, const std::string& suffix,
                      const std::string& user_id) {
    return Json{{"type", dm_event(dm, suffix)},
                {"user", user_id},
                {"channel", dm.id},
                {"event_ts", event_ts_now()}};
}

}  // namespace

void message_posted(store::StoreWriter& tx, const Conversation& conversation,
                    const Message& message) {
    Json payload = message_object(conversation, message);
    payload["channel"] = conversation.id;
    payload["event_ts"] = format_ts(message.ts);

    std::optional<Message> parent;
    if (is_reply(message)) {
        parent = tx.find_message(conversation.id, message.thread_ts);
    }
    if (parent) {
        payload["parent_user_id"] = parent->user_id;
        if (message.subtype == "thread_broadcast") {
            payload["root"] = message_object(conversation, *parent);
        }
    }
    to_members(tx, conversation, message.user_id, payload);

    // The parent's new reply_count, reply_users and latest_reply, for clients showing it.
    if (parent) {
        std::string event_ts = event_ts_now();
        Json replied = {{"type", "message"},
                        {"subtype", "message_replied"},
                        {"hidden", true},
                        {"channel", conversation.id},
                        {"ts", event_ts},
                        {"event_ts", event_ts},
                        {"message", message_object(conversation, *parent)}};
        to_members(tx, conversation, message.user_id, replied);
    }
}

void message_changed(store::StoreWriter& tx, const Conversation& conversation,
                     const std::string& actor_id, const Message& before, const Message& after) {
    to_members(tx, conversation, actor_id, message_changed_payload(conversation, before, after));
}

void message_deleted(store::StoreWriter& tx, const Conversation& conversation,
                     const std::string& actor_id, const Message& before,
                     const std::optional<Message>& parent_before) {
    message_updated_or_gone(tx, conversation, actor_id, before);
    if (parent_before) {
        message_updated_or_gone(tx, conversation, actor_id, *parent_before);
    }
}

void reaction_added(store::StoreWriter& tx, const Conversation& conversation,
                    const Message& message, const std::string& user_id,
                    const std::string& reaction) {
    to_members(tx, conversation, user_id,
               reaction_payload("reaction_added", conversation, message, user_id, reaction));
}

void reaction_removed(store::StoreWriter& tx, const Conversation& conversation,
                      const Message& message, const std::string& user_id,
                      const std::string& reaction) {
    to_members(tx, conversation, user_id,
               reaction_payload("reaction_removed", conversation, message, user_id, reaction));
}

void pin_added(store::StoreWriter& tx, const Conversation& conversation, TsMicros ts,
               const std::string& user_id) {
    // Read back for the pin's own time and author, as the store recorded them.
    auto pinned = tx.find_message(conversation.id, ts);
    if (!pinned) {
        return;
    }
    Json payload = {{"type", "pin_added"},
                    {"user", user_id},
                    {"channel_id", conversation.id},
                    {"item", pin_item(conversation, *pinned)},
                    {"event_ts", event_ts_now()}};
    to_members(tx, conversation, user_id, payload);
}

void pin_removed(store::StoreWriter& tx, const Conversation& conversation, const Message& message,
                 const std::string& user_id) {
    // `message` is from before the unpin: it still says when and by whom it was pinned.
    Json item = pin_item(conversation, message);
    item["message"].erase("pinned_to");
    Json payload = {{"type", "pin_removed"},
                    {"user", user_id},
                    {"channel_id", conversation.id},
                    {"item", std::move(item)},
                    {"has_pins", !tx.pinned_messages(conversation.id).empty()},
                    {"event_ts", event_ts_now()}};
    to_members(tx, conversation, user_id, payload);
}

void conversation_marked(store::StoreWriter& tx, const Conversation& conversation,
                         const std::string& user_id, TsMicros ts) {
    size_t unread = tx.count_unread(conversation.id, user_id, ts);
    size_t mentions = tx.count_unread_mentions(conversation.id, user_id, ts);
    Json payload = {{"type", marked_event(conversation)},
                    {"channel", conversation.id},
                    {"ts", format_ts(ts)},
                    {"unread_count", unread},
                    {"unread_count_display", unread},
                    {"mention_count", mentions},
                    {"mention_count_display", mentions},
                    {"event_ts", event_ts_now()}};
    to_user(tx, conversation.team_id, user_id, conversation.id, payload);
}

void channel_created(store::StoreWriter& tx, const Conversation& channel) {
    if (!is_private_channel(channel)) {
        Json payload = {{"type", "channel_created"},
                        {"channel", conversation_for_all(tx, channel)},
                        {"event_ts", event_ts_now()}};
        to_team(tx, channel.team_id, channel.creator, channel.id, payload);
    }
    joined(tx, channel, channel.creator);
}

void channel_renamed(store::StoreWriter& tx, const Conversation& channel) {
    Json summary = {
        {"id", channel.id},           {"name", channel.name}, {"name_normalized", channel.name},
        {"created", channel.created}, {"is_channel", true},   {"is_mpim", false}};
    Json payload = {{"type", channel_event(channel, "rename")},
                    {"channel", std::move(summary)},
                    {"event_ts", event_ts_now()}};
    to_channel_watchers(tx, channel, "", payload);
}

void channel_archived(store::StoreWriter& tx, const Conversation& channel,
                      const std::string& actor_id) {
    to_channel_watchers(tx, channel, actor_id, archive_payload(channel, "archive", actor_id));
}

void channel_unarchived(store::StoreWriter& tx, const Conversation& channel,
                        const std::string& actor_id) {
    to_channel_watchers(tx, channel, actor_id, archive_payload(channel, "unarchive", actor_id));
}

void member_joined_channel(store::StoreWriter& tx, const Conversation& channel,
                           const std::string& user_id, const std::string& inviter_id) {
    Json payload = {
        {"type", "member_joined_channel"}, {"user", user_id},
        {"channel", channel.id},           {"channel_type", channel_type_letter(channel)},
        {"team", channel.team_id},         {"event_ts", event_ts_now()}};
    if (!inviter_id.empty()) {
        payload["inviter"] = inviter_id;
    }
    to_members(tx, channel, user_id, payload);
    joined(tx, channel, user_id);
}

void member_left_channel(store::StoreWriter& tx, const Conversation& channel,
                         const std::string& user_id, const std::string& actor_id) {
    Json payload = {{"type", "member_left_channel"}, {"user", user_id},
                    {"channel", channel.id},         {"channel_type", channel_type_letter(channel)},
                    {"team", channel.team_id},       {"event_ts", event_ts_now()}};
    to_members(tx, channel, user_id, payload);

    Json left = {{"type", channel_event(channel, "left")},
                 {"channel", channel.id},
                 {"actor_id", actor_id},
                 {"event_ts", event_ts_now()}};
    to_user(tx, channel.team_id, user_id, channel.id, left);
}

void dm_created(store::StoreWriter& tx, const Conversation& dm) {
    for (const auto& participant : dm.dm_users) {
        Json channel = conversation_for(tx, dm, participant);
        Json payload;
        if (dm.kind == ConversationKind::im) {
            payload = {{"type", "im_created"}, {"user", channel.at("user")}};
        } else {
            payload = {{"type", "mpim_joined"}};
        }
        payload["channel"] = std::move(channel);
        payload["event_ts"] = event_ts_now();
        to_user(tx, dm.team_id, participant, dm.id, payload);
    }
}

void dm_opened(store::StoreWriter& tx, const Conversation& dm, const std::string& user_id) {
    to_user(tx, dm.team_id, user_id, dm.id, dm_state_payload(dm, "open", user_id));
}

void dm_closed(store::StoreWriter& tx, const Conversation& dm, const std::string& user_id) {
    to_user(tx, dm.team_id, user_id, dm.id, dm_state_payload(dm, "close", user_id));
}

void user_changed(store::StoreWriter& tx, const chat::User& user) {
    Json payload = {
        {"type", "user_change"}, {"user", api::user_json(user)}, {"event_ts", event_ts_now()}};
    to_team(tx, user.team_id, user.id, "", payload);
}

void team_joined(store::StoreWriter& tx, const chat::User& user) {
    Json payload = {
        {"type", "team_join"}, {"user", api::user_json(user)}, {"event_ts", event_ts_now()}};
    to_team(tx, user.team_id, user.id, "", payload);
}

}  // namespace parley::realtime
