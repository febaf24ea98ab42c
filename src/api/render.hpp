// Domain objects in Slack's JSON shapes. One function per object, defined in the file of
// its area (render_accounts.cpp, render_conversations.cpp, render_messages.cpp), so every
// method that returns a user, channel or message returns the same shape.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>

#include "chat/model.hpp"

namespace parley::chat {
struct ConversationView;
}

namespace parley::api {

using Json = nlohmann::json;

Json team_json(const chat::Team& team);
Json user_json(const chat::User& user);     // users.info's "user" object.
Json profile_json(const chat::User& user);  // users.profile.get's "profile" object.

// What the viewer's own membership adds to a conversation object (is_member, last_read,
// unread counts). Absent: the fields describing the viewer are false or omitted.
struct ViewerState {
    bool is_member = false;
    std::optional<chat::Membership> membership;
    size_t member_count = 0;
    std::optional<size_t> unread_count;  // Only when asked (include_num_members etc.).
    std::optional<size_t> unread_mention_count;
    std::string viewer_id;  // For im: which side is "user".
};
Json conversation_json(const chat::Conversation& conversation, const ViewerState& viewer);
// The conversation as `viewer` sees it, with the im's "is_user_deleted".
Json conversation_view_json(const chat::ConversationView& view, const chat::User& viewer);

Json message_json(const chat::Message& message);

}  // namespace parley::api
