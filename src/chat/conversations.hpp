// Conversation rules: channels, DMs and group DMs, membership, topic, purpose, rename,
// archive. Stateless apart from the store; safe to call from any worker thread.
//
// Every call that names a conversation finds it through chat/access.hpp, so a conversation
// the caller may not see fails with "channel_not_found" exactly like one that does not exist.
// Each call's checks and changes run inside one store transaction, so two racing calls (two
// joins, a rename and a create of the same name) cannot both pass a check meant for one.
//
// Who may do what (Slack's defaults, where Slack leaves it to workspace settings):
// - create: anyone but guests.
// - join: public channels only; guests see only channels they were invited to, so for them
//   every other channel is "channel_not_found".
// - invite: members of the channel, except guests.
// - kick: in private channels any member (not guests); in public channels only admins,
//   owners and the channel's creator.
// - rename: the channel's creator, admins and owners; the general channel admins and owners
//   only. Renamer must be a member.
// - archive, unarchive: members of the channel, and admins and owners, but never guests.
// - open: anyone may open a DM with any active user of the workspace.
//   TODO(#2): Slack lets guests message only people they share a channel with; not enforced.
//
// Real-time events (realtime/events.hpp) are appended in the same transaction as the change,
// so they exist exactly when the change committed: create (channel_created and channel_joined,
// or group_joined), join and invite (member_joined_channel, channel_joined / group_joined),
// leave and kick (member_left_channel, channel_left / group_left), rename (only when the name
// changed), archive, unarchive, and DMs (im_created / mpim_joined when new, im_open / im_close
// and the mpim_ kinds when a DM is opened again or closed). A call that changes nothing emits
// nothing.
// TODO(#3): topic and purpose changes emit no event; Slack tells clients through the
// channel_topic / channel_purpose messages below, which do not exist yet.
// TODO(#2): Slack posts a channel_join / channel_topic message into the channel for joins and
// topic changes; that needs the messages service and is not done here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/model.hpp"
#include "common/result.hpp"
#include "store/store.hpp"

namespace parley::chat {

constexpr size_t kMaxChannelNameChars = 80;
constexpr size_t kMaxTopicChars = 250;  // Topic and purpose, in characters (code points).
constexpr size_t kMaxDmOthers = 8;      // An mpim holds the caller and up to 8 others.
constexpr size_t kMaxInvitedUsers = 1000;

// Channel name rules: lowercase ASCII letters, digits, '-' and '_', at most 80 characters,
// not only punctuation. Errors: "invalid_name_required", "invalid_name_maxlength",
// "invalid_name_specials" (any other character, upper case included),
// "invalid_name_punctuation".
Status check_channel_name(std::string_view name);

// A comma-separated list of ids ("U1,U2, U3"): spaces around ids trimmed, empty items
// skipped, duplicates dropped (first kept). Nothing when the list is empty or an item is
// not shaped like an id.
std::optional<std::vector<std::string>> parse_id_list(std::string_view text);

// The name Slack gives a group DM: "mpdm-" + handles sorted and joined by "--" + "-1".
std::string mpim_name(std::vector<std::string> handles);

// A conversation as one viewer sees it: what the API renders.
struct ConversationView {
    Conversation conversation;
    std::optional<Membership> membership;  // The viewer's own, when a member.
    size_t member_count = 0;
    bool dm_user_deleted = false;  // im only: the other participant is deactivated.
    // Only from info() and member_views(), for a member: messages by others after the read
    // position, and how many of those mention the viewer (directly, or by channel, here or
    // everyone).
    std::optional<size_t> unread_count;
    std::optional<size_t> unread_mention_count;
};

struct ConversationPage {
    std::vector<ConversationView> conversations;
    std::string next_after;  // Where the next page starts (a conversation id); empty at the end.
};

struct MemberPage {
    std::vector<std::string> user_ids;
    std::string next_after;  // A user id; empty at the end.
};

struct JoinOutcome {
    ConversationView view;
    bool already_member = false;
};

struct LeaveOutcome {
    bool was_member = true;  // false: nothing to do, Slack's "not_in_channel": true.
};

struct OpenOutcome {
    ConversationView view;
    bool existed = false;   // The DM was there before this call.
    bool was_open = false;  // ... and already open for the caller.
};

struct CloseOutcome {
    bool was_open = true;  // false: already closed, nothing done.
};

class Conversations {
  public:
    explicit Conversations(store::Store& store) : store_(store) {}

    // A new channel with `creator` as its first member. Errors: "restricted_action" (guest),
    // the check_channel_name errors, "name_taken".
    Result<ConversationView> create(const User& creator, const std::string& name, bool is_private);

    // Errors: "channel_not_found".
    Result<ConversationView> info(const User& viewer, const std::string& id);

    // The conversations the viewer may list, ordered by id, at most page.limit of them:
    // public channels of the team (not for guests) and, of the kinds the filter asks for,
    // those the viewer belongs to.
    Result<ConversationPage> list(const User& viewer, const store::ConversationFilter& filter,
                                  const store::Page& page);

    // The conversations `user_id` (empty: the viewer) belongs to, limited to those the viewer
    // may see. Errors: "user_not_found" (unknown or of another team).
    Result<ConversationPage> list_for_user(const User& viewer, const std::string& user_id,
                                           const store::ConversationFilter& filter,
                                           const store::Page& page);

    // Every conversation the viewer belongs to, of every kind, each with the unread counts
    // info() gives, read in one snapshot: a client's first screen in one call.
    Result<std::vector<ConversationView>> member_views(const User& viewer);

    // Member ids ordered by id. Errors: "channel_not_found".
    Result<MemberPage> members(const User& viewer, const std::string& id, const store::Page& page);

    // Errors: "channel_not_found", "method_not_supported_for_channel_type" (not a public
    // channel), "is_archived".
    Result<JoinOutcome> join(const User& viewer, const std::string& id);

    // Errors: "channel_not_found", "method_not_supported_for_channel_type" (im, mpim),
    // "cant_leave_general", "is_archived", "last_member" (a private channel's last member).
    Result<LeaveOutcome> leave(const User& viewer, const std::string& id);

    // Adds every user or none. Errors: "channel_not_found", "not_in_channel" (inviter),
    // "is_archived", "method_not_supported_for_channel_type", "restricted_action" (guest
    // inviter), "user_not_found" (empty list, unknown, other team, deactivated),
    // "cant_invite_self", "already_in_channel", "too_many_users".
    Result<ConversationView> invite(const User& inviter, const std::string& id,
                                    const std::vector<std::string>& user_ids);

    // Errors: "channel_not_found", "not_in_channel" (kicker or target), "is_archived",
    // "method_not_supported_for_channel_type", "user_not_found", "cant_kick_self",
    // "cant_kick_from_general", "restricted_action".
    Status kick(const User& kicker, const std::string& id, const std::string& user_id);

    // Finds or creates the DM between the viewer and `user_ids` (the viewer may be among
    // them; alone, it is the viewer's self-DM) and opens it for the viewer. One other person
    // makes an im, two to eight an mpim. Errors: "users_list_not_supplied", "user_not_found"
    // (unknown, other team, or deactivated when the DM would be new), "too_many_users".
    Result<OpenOutcome> open_dm(const User& viewer, const std::vector<std::string>& user_ids);

    // Opens an existing im or mpim again. Errors: "channel_not_found", "not_in_channel",
    // "method_not_supported_for_channel_type".
    Result<OpenOutcome> reopen(const User& viewer, const std::string& id);

    // Errors: "channel_not_found", "not_in_channel", "method_not_supported_for_channel_type".
    Result<CloseOutcome> close(const User& viewer, const std::string& id);

    // Errors: "channel_not_found", "not_in_channel", "is_archived", "too_long".
    Result<ConversationView> set_topic(const User& viewer, const std::string& id,
                                       const std::string& topic);
    Result<ConversationView> set_purpose(const User& viewer, const std::string& id,
                                         const std::string& purpose);

    // Errors: "channel_not_found", "not_in_channel", "method_not_supported_for_channel_type",
    // "is_archived", "not_authorized", the check_channel_name errors, "name_taken".
    Result<ConversationView> rename(const User& viewer, const std::string& id,
                                    const std::string& name);

    // Errors: "channel_not_found", "not_in_channel", "method_not_supported_for_channel_type",
    // "restricted_action" (guest), "cant_archive_general", "already_archived" /
    // "not_archived".
    Status archive(const User& viewer, const std::string& id);
    Status unarchive(const User& viewer, const std::string& id);

  private:
    Result<ConversationView> set_topic_or_purpose(const User& viewer, const std::string& id,
                                                  const std::string& text, bool is_topic);
    Status set_archived(const User& viewer, const std::string& id, bool archived);

    store::Store& store_;
};

}  // namespace parley::chat
