// Web API methods for messages: chat.*, reactions.*, pins.*, and the message-reading parts of
// conversations.* (history, replies, mark). Each method reads its arguments, calls
// chat::Messages, and renders the result in Slack's shape; the rules live in chat/.
//
// Timestamps that are not Slack timestamps are "invalid_ts" (history and replies use
// Slack's "invalid_ts_oldest" / "invalid_ts_latest" for their bounds).
#include <algorithm>
#include <limits>

#include "api/call.hpp"
#include "api/cursor.hpp"
#include "api/render.hpp"
#include "chat/messages.hpp"
#include "common/json_value.hpp"
#include "common/slack_ts.hpp"

namespace parley::api {

namespace {

constexpr size_t kMaxClientMsgIdBytes = 128;
constexpr size_t kMaxBlocks = 50;
constexpr int kMaxBlocksDepth = 32;
constexpr std::string_view kHistoryCursor = "hist";
constexpr std::string_view kRepliesCursor = "repl";

// The message as Slack shows it, with the caller's workspace: conversations are never shared
// across workspaces, so every message the caller can see belongs to it.
Json render(const chat::Message& message, const Caller& caller) {
    Json json = message_json(message);
    json["team"] = caller.team.id;
    return json;
}

Result<std::string> channel_arg(const Args& args) {
    std::string channel = args.text("channel");
    if (channel.empty()) {
        return make_error("channel_not_found");
    }
    return channel;
}

// A required ts argument: `missing` when absent, "invalid_ts" when malformed.
Result<TsMicros> ts_arg(const Args& args, std::string_view name, const char* missing) {
    if (!args.has(name)) {
        return make_error(missing);
    }
    auto ts = parse_ts(args.text(name));
    if (!ts || *ts == 0) {
        return make_error("invalid_ts");
    }
    return *ts;
}

// An optional ts bound: 0 when absent.
Result<TsMicros> bound_arg(const Args& args, std::string_view name, const char* invalid) {
    if (!args.has(name)) {
        return TsMicros{0};
    }
    auto ts = parse_ts(args.text(name));
    if (!ts) {
        return make_error(invalid);
    }
    return *ts;
}

// blocks arrive as a JSON array, or as a string holding one (form-encoded clients). Returns
// the array's compact text, "" for no blocks, or "invalid_blocks" (not an array, more than
// Slack's 50 blocks, or nested deeper than any block kit layout, which also keeps the
// recursive dump below far from the stack's limit).
Result<std::string> blocks_arg(const Args& args) {
    if (!args.has("blocks")) {
        return std::string();
    }
    bool too_deep = false;
    auto depth_guard = [&](int depth, Json::parse_event_t, Json&) {
        too_deep = too_deep || depth > kMaxBlocksDepth;
        return !too_deep;
    };
    Json blocks = Json::parse(args.text("blocks"), depth_guard, /*allow_exceptions=*/false);
    if (too_deep || !blocks.is_array() || blocks.size() > kMaxBlocks) {
        return make_error("invalid_blocks");
    }
    return blocks.empty() ? std::string() : blocks.dump();
}

// limit, cursor, oldest, latest and inclusive, shared by history and replies.
Result<chat::ReadWindow> window_arg(const Args& args, std::string_view cursor_kind) {
    chat::ReadWindow window;
    auto limit = page_limit(args);
    if (!limit) {
        return limit.error();
    }
    window.limit = *limit;

    auto oldest = bound_arg(args, "oldest", "invalid_ts_oldest");
    if (!oldest) {
        return oldest.error();
    }
    auto latest = bound_arg(args, "latest", "invalid_ts_latest");
    if (!latest) {
        return latest.error();
    }
    window.oldest = *oldest;
    window.latest = *latest;
    window.inclusive = args.flag("inclusive");

    if (args.has("cursor")) {
        auto position = decode_cursor(cursor_kind, args.text("cursor"));
        if (!position) {
            return position.error();
        }
        auto after = parse_ts(*position);
        if (!after) {
            return make_error("invalid_cursor");
        }
        window.after = *after;
    }
    return window;
}

Json page_metadata(const chat::MessagePage& page, std::string_view cursor_kind) {
    // An empty next_cursor is how Slack (and @slack/web-api's paginate()) says "done".
    std::string next =
        page.has_more ? encode_cursor(cursor_kind, format_ts(page.next_position)) : "";
    return {{"next_cursor", next}};
}

// ---- chat.* ------------------------------------------------------------------------------

Result<Json> chat_post_message(Call& call) {
    chat::PostRequest request;
    auto channel = channel_arg(call.args);
    if (!channel) {
        return channel.error();
    }
    request.channel = std::move(*channel);
    request.text = call.args.text("text");
    auto blocks = blocks_arg(call.args);
    if (!blocks) {
        return blocks.error();
    }
    request.blocks_json = std::move(*blocks);
    if (call.args.has("thread_ts")) {
        auto thread_ts = ts_arg(call.args, "thread_ts", "invalid_ts");
        if (!thread_ts) {
            return thread_ts.error();
        }
        request.thread_ts = *thread_ts;
    }
    request.reply_broadcast = call.args.flag("reply_broadcast");
    request.client_msg_id = call.args.text("client_msg_id");
    if (request.client_msg_id.size() > kMaxClientMsgIdBytes) {
        return make_error("invalid_arguments", "client_msg_id too long");
    }

    auto posted = call.services.messages.post(call.who().user, request);
    if (!posted) {
        return posted.error();
    }
    Json message = render(posted->message, call.who());
    if (!posted->parent_user_id.empty()) {
        message["parent_user_id"] = posted->parent_user_id;
    }
    return Json{{"channel", posted->conversation.id},
                {"ts", format_ts(posted->message.ts)},
                {"message", std::move(message)}};
}

Result<Json> chat_me_message(Call& call) {
    chat::PostRequest request;
    auto channel = channel_arg(call.args);
    if (!channel) {
        return channel.error();
    }
    request.channel = std::move(*channel);
    request.text = call.args.text("text");
    request.subtype = "me_message";

    auto posted = call.services.messages.post(call.who().user, request);
    if (!posted) {
        return posted.error();
    }
    return Json{{"channel", posted->conversation.id}, {"ts", format_ts(posted->message.ts)}};
}

// A message named by `channel` and a ts argument (`ts_name`: "ts", "message_ts", ...);
// a missing or malformed ts gives `ts_error`.
struct MessageRef {
    std::string channel;
    TsMicros ts = 0;
};

Result<MessageRef> message_ref(const Args& args, const char* ts_name, const char* ts_error) {
    auto channel = channel_arg(args);
    if (!channel) {
        return channel.error();
    }
    auto ts = ts_arg(args, ts_name, ts_error);
    if (!ts) {
        return ts.error();
    }
    return MessageRef{std::move(*channel), *ts};
}

Result<Json> chat_update(Call& call) {
    auto ref = message_ref(call.args, "ts", "message_not_found");
    if (!ref) {
        return ref.error();
    }
    chat::MessageEdit edit;
    if (auto text = call.args.get("text")) {
        edit.text = std::string(*text);
    }
    if (call.args.get("blocks")) {
        auto blocks = blocks_arg(call.args);
        if (!blocks) {
            return blocks.error();
        }
        edit.blocks_json = std::move(*blocks);
    }
    if (!edit.text && !edit.blocks_json) {
        return make_error("no_text");
    }

    auto updated = call.services.messages.update(call.who().user, ref->channel, ref->ts, edit);
    if (!updated) {
        return updated.error();
    }
    return Json{{"channel", ref->channel},
                {"ts", format_ts(ref->ts)},
                {"text", updated->text},
                {"message", render(*updated, call.who())}};
}

Result<Json> chat_delete(Call& call) {
    auto ref = message_ref(call.args, "ts", "message_not_found");
    if (!ref) {
        return ref.error();
    }
    if (auto deleted =
            call.services.messages.delete_message(call.who().user, ref->channel, ref->ts);
        !deleted) {
        return deleted.error();
    }
    return Json{{"channel", ref->channel}, {"ts", format_ts(ref->ts)}};
}

Result<Json> chat_get_permalink(Call& call) {
    auto ref = message_ref(call.args, "message_ts", "message_not_found");
    if (!ref) {
        return ref.error();
    }
    auto link = call.services.messages.permalink(call.who().user, ref->channel, ref->ts,
                                                 call.services.public_url.get());
    if (!link) {
        return link.error();
    }
    return Json{{"channel", ref->channel}, {"permalink", *link}};
}

// ---- reactions.* and pins.* --------------------------------------------------------------

// The message a reactions.* or pins.* call names ("timestamp" in Slack's API).
Result<MessageRef> item_args(const Args& args) {
    if (!args.has("timestamp")) {
        return make_error("no_item_specified");
    }
    return message_ref(args, "timestamp", "no_item_specified");
}

// reactions.add/remove and pins.add/remove: one change to the named item, an empty answer.
template <class Change>
Result<Json> change_item(Call& call, Change&& change) {
    auto item = item_args(call.args);
    if (!item) {
        return item.error();
    }
    if (Status done = change(call.services.messages, call.who().user, *item); !done) {
        return done.error();
    }
    return Json::object();
}

Result<Json> reactions_add(Call& call) {
    const std::string name = call.args.text("name");
    return change_item(
        call, [&](chat::Messages& messages, const chat::User& who, const MessageRef& item) {
            return messages.add_reaction(who, item.channel, item.ts, name);
        });
}

Result<Json> reactions_remove(Call& call) {
    const std::string name = call.args.text("name");
    return change_item(
        call, [&](chat::Messages& messages, const chat::User& who, const MessageRef& item) {
            return messages.remove_reaction(who, item.channel, item.ts, name);
        });
}

Result<Json> reactions_get(Call& call) {
    auto item = item_args(call.args);
    if (!item) {
        return item.error();
    }
    auto message = call.services.messages.find(call.who().user, item->channel, item->ts);
    if (!message) {
        return message.error();
    }
    return Json{
        {"type", "message"}, {"channel", item->channel}, {"message", render(*message, call.who())}};
}

Result<Json> pins_add(Call& call) {
    return change_item(call,
                       [](chat::Messages& messages, const chat::User& who, const MessageRef& item) {
                           return messages.pin(who, item.channel, item.ts);
                       });
}

Result<Json> pins_remove(Call& call) {
    return change_item(call,
                       [](chat::Messages& messages, const chat::User& who, const MessageRef& item) {
                           return messages.unpin(who, item.channel, item.ts);
                       });
}

Result<Json> pins_list(Call& call) {
    auto channel = channel_arg(call.args);
    if (!channel) {
        return channel.error();
    }
    auto pinned = call.services.messages.pins(call.who().user, *channel);
    if (!pinned) {
        return pinned.error();
    }
    Json items = Json::array();
    for (const auto& message : *pinned) {
        items.push_back({{"type", "message"},
                         {"channel", *channel},
                         {"created", message.pinned_at},
                         {"created_by", message.pinned_by},
                         {"message", render(message, call.who())}});
    }
    return Json{{"items", std::move(items)}};
}

// ---- conversations.history, .replies, .mark ---------------------------------------------

Result<Json> conversations_history(Call& call) {
    auto channel = channel_arg(call.args);
    if (!channel) {
        return channel.error();
    }
    auto window = window_arg(call.args, kHistoryCursor);
    if (!window) {
        return window.error();
    }
    auto page = call.services.messages.history(call.who().user, *channel, *window);
    if (!page) {
        return page.error();
    }

    Json messages = Json::array();
    for (const auto& message : page->messages) {
        messages.push_back(render(message, call.who()));
    }
    return Json{{"messages", std::move(messages)},
                {"has_more", page->has_more},
                {"response_metadata", page_metadata(*page, kHistoryCursor)}};
}

Result<Json> conversations_replies(Call& call) {
    auto ref = message_ref(call.args, "ts", "thread_not_found");
    if (!ref) {
        return ref.error();
    }
    auto window = window_arg(call.args, kRepliesCursor);
    if (!window) {
        return window.error();
    }
    auto page = call.services.messages.replies(call.who().user, ref->channel, ref->ts, *window);
    if (!page) {
        return page.error();
    }

    Json messages = Json::array();
    for (const auto& message : page->messages) {
        Json json = render(message, call.who());
        bool is_reply = message.thread_ts != 0 && message.thread_ts != message.ts;
        if (is_reply && !page->parent_user_id.empty()) {
            json["parent_user_id"] = page->parent_user_id;
        }
        messages.push_back(std::move(json));
    }
    return Json{{"messages", std::move(messages)},
                {"has_more", page->has_more},
                {"response_metadata", page_metadata(*page, kRepliesCursor)}};
}

Result<Json> conversations_mark(Call& call) {
    auto ref = message_ref(call.args, "ts", "invalid_ts");
    if (!ref) {
        return ref.error();
    }
    if (auto marked = call.services.messages.mark(call.who().user, ref->channel, ref->ts);
        !marked) {
        return marked.error();
    }
    return Json::object();
}

}  // namespace

void register_message_methods(MethodTable& table) {
    table.add("chat.postMessage", chat_post_message);
    table.add("chat.meMessage", chat_me_message);
    table.add("chat.update", chat_update);
    table.add("chat.delete", chat_delete);
    table.add("chat.getPermalink", chat_get_permalink);
    table.add("reactions.add", reactions_add);
    table.add("reactions.remove", reactions_remove);
    table.add("reactions.get", reactions_get);
    table.add("pins.add", pins_add);
    table.add("pins.remove", pins_remove);
    table.add("pins.list", pins_list);
    table.add("conversations.history", conversations_history);
    table.add("conversations.replies", conversations_replies);
    table.add("conversations.mark", conversations_mark);
}

}  // namespace parley::api
