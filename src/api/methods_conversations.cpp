// conversations.* (except history, replies and mark, which belong to the messages area) and
// users.conversations. Each method reads its arguments, calls chat::Conversations, and
// renders the outcome in Slack's shape; the rules themselves live in chat/conversations.
#include <optional>
#include <string>
#include <string_view>

#include "api/call.hpp"
#include "api/cursor.hpp"
#include "api/render.hpp"
#include "chat/conversations.hpp"
#include "common/json_value.hpp"

namespace parley::api {

namespace {

constexpr std::string_view kConversationCursor = "conv";
constexpr std::string_view kMemberCursor = "members";

chat::Conversations& conversations(Call& call) {
    return call.services.conversations;
}

const chat::User& caller(Call& call) {
    return call.who().user;
}

Json channel_response(const chat::ConversationView& view, const chat::User& viewer) {
    Json response = Json::object();
    response["channel"] = conversation_view_json(view, viewer);
    return response;
}

Json next_cursor_metadata(std::string_view kind, const std::string& next_after) {
    return Json{
        {"next_cursor", next_after.empty() ? std::string() : encode_cursor(kind, next_after)}};
}

// Takes the next comma-separated item off the front of `list`, without surrounding spaces.
std::string_view take_item(std::string_view& list) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    size_t first = item.find_first_not_of(' ');
    if (first == std::string_view::npos) {
        return {};
    }
    return item.substr(first, item.find_last_not_of(' ') - first + 1);
}

// Turns on the kind `type` names; false for a name Slack does not know.
bool add_type(store::ConversationFilter& filter, std::string_view type) {
    if (type == "public_channel") {
        filter.public_channels = true;
    } else if (type == "private_channel") {
        filter.private_channels = true;
    } else if (type == "im") {
        filter.ims = true;
    } else if (type == "mpim") {
        filter.mpims = true;
    } else {
        return false;
    }
    return true;
}

// `types`: a comma list of public_channel, private_channel, mpim and im; absent or empty
// means public channels only. "invalid_types" for anything else.
Result<store::ConversationFilter> parse_types(const Args& args) {
    store::ConversationFilter filter;
    filter.exclude_archived = args.flag("exclude_archived");
    std::string_view types = args.get("types").value_or("");
    if (types.empty()) {
        return filter;
    }

    filter.public_channels = false;
    while (!types.empty()) {
        std::string_view type = take_item(types);
        if (!type.empty() && !add_type(filter, type)) {
            return make_error("invalid_types");
        }
    }
    return filter;
}

// `limit` (see page_limit) and `cursor` of kind `cursor_kind`.
// Errors: "invalid_limit", "invalid_cursor".
Result<store::Page> parse_page(const Args& args, std::string_view cursor_kind) {
    auto limit = page_limit(args);
    if (!limit) {
        return limit.error();
    }
    store::Page page;
    page.limit = *limit;
    if (args.has("cursor")) {
        auto after = decode_cursor(cursor_kind, args.text("cursor"));
        if (!after) {
            return after.error();
        }
        page.after = std::move(*after);
    }
    return page;
}

Json page_response(const chat::ConversationPage& page, const chat::User& viewer) {
    Json channels = Json::array();
    for (const auto& view : page.conversations) {
        channels.push_back(conversation_view_json(view, viewer));
    }
    Json response = Json::object();
    response["channels"] = std::move(channels);
    response["response_metadata"] = next_cursor_metadata(kConversationCursor, page.next_after);
    return response;
}

// The ids in `users`, "user_not_found" when absent or malformed (an unknown id fails later,
// with the same error, in the domain).
Result<std::vector<std::string>> user_ids_arg(const Args& args, std::string_view name) {
    auto ids = chat::parse_id_list(args.text(name));
    if (!ids) {
        return make_error("user_not_found");
    }
    return std::move(*ids);
}

Result<Json> conversations_create(Call& call) {
    auto created = conversations(call).create(caller(call), call.args.text("name"),
                                              call.args.flag("is_private"));
    if (!created) {
        return created.error();
    }
    return channel_response(*created, caller(call));
}

// conversations.list and users.conversations: `types` and paging in, one page out.
template <class List>
Result<Json> list_page(Call& call, List&& list) {
    auto filter = parse_types(call.args);
    if (!filter) {
        return filter.error();
    }
    auto page = parse_page(call.args, kConversationCursor);
    if (!page) {
        return page.error();
    }
    auto listed = list(*filter, *page);
    if (!listed) {
        return listed.error();
    }
    return page_response(*listed, caller(call));
}

Result<Json> conversations_list(Call& call) {
    return list_page(call, [&](const store::ConversationFilter& filter, const store::Page& page) {
        return conversations(call).list(caller(call), filter, page);
    });
}

Result<Json> users_conversations(Call& call) {
    return list_page(call, [&](const store::ConversationFilter& filter, const store::Page& page) {
        return conversations(call).list_for_user(caller(call), call.args.text("user"), filter,
                                                 page);
    });
}

Result<Json> conversations_info(Call& call) {
    auto found = conversations(call).info(caller(call), call.args.text("channel"));
    if (!found) {
        return found.error();
    }
    Json response = channel_response(*found, caller(call));
    if (!call.args.flag("include_num_members")) {
        response["channel"].erase("num_members");
    }
    return response;
}

Result<Json> conversations_members(Call& call) {
    auto page = parse_page(call.args, kMemberCursor);
    if (!page) {
        return page.error();
    }
    auto members = conversations(call).members(caller(call), call.args.text("channel"), *page);
    if (!members) {
        return members.error();
    }
    Json response = Json::object();
    response["members"] = members->user_ids;
    response["response_metadata"] = next_cursor_metadata(kMemberCursor, members->next_after);
    return response;
}

Result<Json> conversations_join(Call& call) {
    auto joined = conversations(call).join(caller(call), call.args.text("channel"));
    if (!joined) {
        return joined.error();
    }
    Json response = channel_response(joined->view, caller(call));
    if (joined->already_member) {
        response["already_in_channel"] = true;
        response["warning"] = "already_in_channel";
        response["response_metadata"] = Json{{"warnings", Json::array({"already_in_channel"})}};
    }
    return response;
}

Result<Json> conversations_leave(Call& call) {
    auto left = conversations(call).leave(caller(call), call.args.text("channel"));
    if (!left) {
        return left.error();
    }
    Json response = Json::object();
    if (!left->was_member) {
        response["not_in_channel"] = true;
    }
    return response;
}

Result<Json> conversations_invite(Call& call) {
    auto users = user_ids_arg(call.args, "users");
    if (!users) {
        return users.error();
    }
    auto invited = conversations(call).invite(caller(call), call.args.text("channel"), *users);
    if (!invited) {
        return invited.error();
    }
    return channel_response(*invited, caller(call));
}

Result<Json> conversations_kick(Call& call) {
    auto kicked =
        conversations(call).kick(caller(call), call.args.text("channel"), call.args.text("user"));
    if (!kicked) {
        return kicked.error();
    }
    return Json::object();
}

// With `channel`, opens that im or mpim again; with `users`, finds or creates the DM.
// `return_im` is accepted and the full object is always returned, which is a superset of
// Slack's short answer.
Result<Json> conversations_open(Call& call) {
    Result<chat::OpenOutcome> opened = make_error("users_list_not_supplied");
    if (call.args.has("channel")) {
        opened = conversations(call).reopen(caller(call), call.args.text("channel"));
    } else if (call.args.has("users")) {
        auto users = user_ids_arg(call.args, "users");
        if (!users) {
            return users.error();
        }
        opened = conversations(call).open_dm(caller(call), *users);
    }
    if (!opened) {
        return opened.error();
    }

    Json response = channel_response(opened->view, caller(call));
    if (opened->existed) {
        response["no_op"] = true;
        response["already_open"] = opened->was_open;
    }
    return response;
}

Result<Json> conversations_close(Call& call) {
    auto closed = conversations(call).close(caller(call), call.args.text("channel"));
    if (!closed) {
        return closed.error();
    }
    Json response = Json::object();
    if (!closed->was_open) {
        response["no_op"] = true;
        response["already_closed"] = true;
    }
    return response;
}

Result<Json> conversations_set_topic(Call& call) {
    auto updated = conversations(call).set_topic(caller(call), call.args.text("channel"),
                                                 call.args.text("topic"));
    if (!updated) {
        return updated.error();
    }
    return channel_response(*updated, caller(call));
}

Result<Json> conversations_set_purpose(Call& call) {
    auto updated = conversations(call).set_purpose(caller(call), call.args.text("channel"),
                                                   call.args.text("purpose"));
    if (!updated) {
        return updated.error();
    }
    return channel_response(*updated, caller(call));
}

Result<Json> conversations_rename(Call& call) {
    auto renamed =
        conversations(call).rename(caller(call), call.args.text("channel"), call.args.text("name"));
    if (!renamed) {
        return renamed.error();
    }
    return channel_response(*renamed, caller(call));
}

Result<Json> conversations_archive(Call& call) {
    auto archived = conversations(call).archive(caller(call), call.args.text("channel"));
    if (!archived) {
        return archived.error();
    }
    return Json::object();
}

Result<Json> conversations_unarchive(Call& call) {
    auto unarchived = conversations(call).unarchive(caller(call), call.args.text("channel"));
    if (!unarchived) {
        return unarchived.error();
    }
    return Json::object();
}

}  // namespace

void register_conversation_methods(MethodTable& table) {
    table.add("conversations.create", conversations_create);
    table.add("conversations.list", conversations_list);
    table.add("conversations.info", conversations_info);
    table.add("conversations.members", conversations_members);
    table.add("conversations.join", conversations_join);
    table.add("conversations.leave", conversations_leave);
    table.add("conversations.invite", conversations_invite);
    table.add("conversations.kick", conversations_kick);
    table.add("conversations.open", conversations_open);
    table.add("conversations.close", conversations_close);
    table.add("conversations.setTopic", conversations_set_topic);
    table.add("conversations.setPurpose", conversations_set_purpose);
    table.add("conversations.rename", conversations_rename);
    table.add("conversations.archive", conversations_archive);
    table.add("conversations.unarchive", conversations_unarchive);
    table.add("users.conversations", users_conversations);
}

}  // namespace parley::api
