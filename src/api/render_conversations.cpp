// Conversation objects in Slack's shape. Fields Slack sends for features Parley does not
// have (sharing between organisations) are sent with their "not shared" values, because
// clients read them without checking they exist.
#include <algorithm>

#include "api/render.hpp"
#include "chat/conversations.hpp"
#include "common/json_value.hpp"
#include "common/slack_ts.hpp"

namespace parley::api {

namespace {

// Slack's spelling of "never": clients compare last_read with message ts as text too.
constexpr const char* kNeverRead = "0000000000.000000";

Json topic_json(const chat::TopicOrPurpose& topic) {
    return Json{{"value", topic.value}, {"creator", topic.creator}, {"last_set", topic.last_set}};
}

// An im's "user": the participant who is not the viewer (the viewer itself in a self-DM).
std::string im_user(const chat::Conversation& im, const std::string& viewer_id) {
    auto other = std::find_if(im.dm_users.begin(), im.dm_users.end(),
                              [&](const std::string& id) { return id != viewer_id; });
    if (other != im.dm_users.end()) {
        return *other;
    }
    return im.dm_users.empty() ? viewer_id : im.dm_users.front();
}

void add_sharing_fields(Json& json, const chat::Conversation& conversation) {
    json["is_shared"] = false;
    json["is_ext_shared"] = false;
    json["is_org_shared"] = false;
    json["is_pending_ext_shared"] = false;
    json["pending_shared"] = Json::array();
    json["context_team_id"] = conversation.team_id;
    json["shared_team_ids"] = Json::array({conversation.team_id});
}

void add_channel_fields(Json& json, const chat::Conversation& conversation,
                        const ViewerState& viewer) {
    json["name"] = conversation.name;
    json["name_normalized"] = conversation.name;
    json["is_general"] = conversation.is_general;
    json["unlinked"] = 0;
    json["parent_conversation"] = nullptr;
    json["previous_names"] = Json::array();
    json["topic"] = topic_json(conversation.topic);
    json["purpose"] = topic_json(conversation.purpose);
    json["num_members"] = viewer.member_count;
}

void add_viewer_fields(Json& json, const chat::Conversation& conversation,
                       const ViewerState& viewer) {
    json["is_member"] = viewer.is_member;
    if (!viewer.membership) {
        return;
    }
    const chat::Membership& membership = *viewer.membership;
    json["last_read"] = membership.last_read == 0 ? kNeverRead : format_ts(membership.last_read);
    if (!conversation.is_channel_kind()) {
        json["is_open"] = membership.is_open;
    }
    if (viewer.unread_count) {
        json["unread_count"] = *viewer.unread_count;
        json["unread_count_display"] = *viewer.unread_count;
    }
    if (viewer.unread_mention_count) {
        json["mention_count"] = *viewer.unread_mention_count;
    }
}

}  // namespace

Json conversation_json(const chat::Conversation& conversation, const ViewerState& viewer) {
    using Kind = chat::ConversationKind;
    Json json = Json::object();
    json["id"] = conversation.id;
    json["created"] = conversation.created;
    json["creator"] = conversation.creator;
    json["is_archived"] = conversation.is_archived;
    json["is_channel"] = conversation.is_channel_kind();
    json["is_group"] = false;  // Only private channels made before 2021 are groups in Slack.
    json["is_im"] = conversation.kind == Kind::im;
    json["is_mpim"] = conversation.kind == Kind::mpim;
    json["is_private"] = conversation.is_private();
    add_sharing_fields(json, conversation);

    if (conversation.kind == Kind::im) {
        json["user"] = im_user(conversation, viewer.viewer_id);
        json["priority"] = 0;
    } else {
        add_channel_fields(json, conversation, viewer);
    }
    add_viewer_fields(json, conversation, viewer);
    return json;
}

// ViewerState does not carry the other participant, so the im's "is_user_deleted" is added
// here from the view.
Json conversation_view_json(const chat::ConversationView& view, const chat::User& viewer) {
    ViewerState state;
    state.is_member = view.membership.has_value();
    state.membership = view.membership;
    state.member_count = view.member_count;
    state.viewer_id = viewer.id;
    state.unread_count = view.unread_count;
    state.unread_mention_count = view.unread_mention_count;
    Json json = conversation_json(view.conversation, state);
    if (view.conversation.kind == chat::ConversationKind::im) {
        json["is_user_deleted"] = view.dm_user_deleted;
    }
    return json;
}

}  // namespace parley::api
