// The domain's plain data: workspaces, users, conversations and messages as the store keeps
// them. No behaviour here; rules live in the chat services, storage in src/store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/slack_ts.hpp"

namespace parley::chat {

enum class Role { owner, admin, member, guest };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);
inline bool is_admin_or_owner(Role role) {
    return role == Role::owner || role == Role::admin;
}

struct Team {
    std::string id;
    std::string name;
    std::string domain;   // Unique, lowercase, derived from the name.
    int64_t created = 0;  // Epoch seconds.
};

struct UserProfile {
    std::string real_name;
    std::string display_name;
    std::string title;
    std::string phone;
    std::string tz = "UTC";  // IANA zone name.
    std::string status_text;
    std::string status_emoji;
    int64_t status_expiration = 0;
    std::string avatar_hash;  // Changes whenever the avatar does (Slack's cache key).
    std::string avatar_url;   // An http(s) image the user chose; empty: the default avatar.
};

struct User {
    std::string id;
    std::string team_id;
    std::string name;   // Unique handle within the team ("alice").
    std::string email;  // Lowercased; unique within the team.
    Role role = Role::member;
    bool deleted = false;  // Deactivated.
    bool is_bot = false;
    bool manual_away = false;  // Set by users.setPresence away.
    UserProfile profile;
    int64_t created = 0;
    int64_t updated = 0;
};

enum class TokenKind { user, session };

struct TokenGrant {
    std::string user_id;
    std::string team_id;
    TokenKind kind = TokenKind::user;
    bool revoked = false;
};

struct Invitation {
    std::string id;
    std::string team_id;
    std::string inviter_id;
    std::string email;  // Empty: anyone with the link may join.
    Role role = Role::member;
    int64_t created = 0;
    int64_t expires = 0;  // Epoch seconds.
    int max_uses = 1;
    int uses = 0;
    bool revoked = false;
};

enum class ConversationKind { public_channel, private_channel, im, mpim };

struct TopicOrPurpose {
    std::string value;
    std::string creator;
    int64_t last_set = 0;
};

struct Conversation {
    std::string id;
    std::string team_id;
    ConversationKind kind = ConversationKind::public_channel;
    std::string name;  // Channels: unique in the team. mpim: "mpdm-a--b--c-1". im: empty.
    std::string creator;
    int64_t created = 0;
    bool is_archived = false;
    bool is_general = false;
    TopicOrPurpose topic;
    TopicOrPurpose purpose;
    TsMicros last_ts = 0;  // ts of the newest message; the next gets a strictly greater one.
    std::vector<std::string> dm_users;  // im and mpim: every participant, sorted.

    bool is_channel_kind() const {
        return kind == ConversationKind::public_channel ||
               kind == ConversationKind::private_channel;
    }
    bool is_private() const { return kind != ConversationKind::public_channel; }
};

struct Membership {
    std::string conversation_id;
    std::string user_id;
    int64_t joined = 0;
    TsMicros last_read = 0;
    bool is_open = true;  // DMs only: false after conversations.close.
};

struct Reaction {
    std::string name;                // Emoji short name without colons.
    std::vector<std::string> users;  // In the order they reacted.
};

struct Mentions {
    std::vector<std::string> users;     // <@U…> in order of first appearance, unique.
    std::vector<std::string> channels;  // <#C…> in order, unique.
    bool channel = false;               // <!channel>
    bool here = false;                  // <!here>
    bool everyone = false;              // <!everyone>
};

struct Message {
    std::string conversation_id;
    TsMicros ts = 0;
    std::string user_id;
    std::string subtype;  // Empty for an ordinary message; "me_message", "tombstone", ...
    std::string text;
    std::string blocks_json;  // Raw JSON array as given, or empty.
    TsMicros thread_ts = 0;   // 0: not in a thread. A parent with replies has thread_ts == ts.
    int reply_count = 0;      // Parents only.
    std::vector<std::string> reply_users;  // Parents only; distinct, first-reply order.
    TsMicros latest_reply = 0;             // Parents only.
    std::string edited_by;
    TsMicros edited_ts = 0;
    bool deleted = false;  // A deleted thread parent stays as a tombstone.
    std::string client_msg_id;
    Mentions mentions;
    std::vector<Reaction> reactions;
    bool pinned = false;
    std::string pinned_by;  // Who pinned it, when pinned.
    int64_t pinned_at = 0;  // Epoch seconds, when pinned.
};

}  // namespace parley::chat
