// Messages in Slack's JSON shape. The workspace ("team") is not part of chat::Message; the
// methods that know the caller's workspace add it.
#include "api/render.hpp"
#include "common/json_value.hpp"

namespace parley::api {

namespace {

// What Slack shows in place of a deleted thread parent that still has replies.
constexpr const char* kTombstoneText = "This message was deleted.";
constexpr const char* kTombstoneUser = "USLACKBOT";

Json reactions_json(const std::vector<chat::Reaction>& reactions) {
    Json list = Json::array();
    for (const auto& reaction : reactions) {
        list.push_back(
            {{"name", reaction.name}, {"users", reaction.users}, {"count", reaction.users.size()}});
    }
    return list;
}

void add_thread_fields(Json& json, const chat::Message& message) {
    if (message.thread_ts == 0) {
        return;
    }
    json["thread_ts"] = format_ts(message.thread_ts);
    if (message.thread_ts != message.ts) {
        return;  // A reply: only the thread it belongs to.
    }
    json["reply_count"] = message.reply_count;
    json["reply_users"] = message.reply_users;
    json["reply_users_count"] = message.reply_users.size();
    if (message.latest_reply != 0) {
        json["latest_reply"] = format_ts(message.latest_reply);
    }
}

// Blocks were checked to be a JSON array when posted; a row that no longer parses is left
// out rather than failing the whole response.
void add_blocks(Json& json, const std::string& blocks_json) {
    if (blocks_json.empty()) {
        return;
    }
    Json blocks = Json::parse(blocks_json, nullptr, /*allow_exceptions=*/false);
    if (blocks.is_array()) {
        json["blocks"] = std::move(blocks);
    }
}

}  // namespace

Json message_json(const chat::Message& message) {
    Json json = {{"type", "message"}, {"ts", format_ts(message.ts)}};
    if (message.deleted) {
        json["subtype"] = "tombstone";
        json["user"] = kTombstoneUser;
        json["text"] = kTombstoneText;
        json["hidden"] = true;
        add_thread_fields(json, message);
        return json;
    }

    json["user"] = message.user_id;
    json["text"] = message.text;
    if (!message.subtype.empty()) {
        json["subtype"] = message.subtype;
    }
    add_blocks(json, message.blocks_json);
    if (!message.client_msg_id.empty()) {
        json["client_msg_id"] = message.client_msg_id;
    }
    add_thread_fields(json, message);
    if (message.edited_ts != 0) {
        json["edited"] = {{"user", message.edited_by}, {"ts", format_ts(message.edited_ts)}};
    }
    if (!message.reactions.empty()) {
        json["reactions"] = reactions_json(message.reactions);
    }
    if (message.pinned) {
        json["pinned_to"] = Json::array({message.conversation_id});
    }
    return json;
}

}  // namespace parley::api
