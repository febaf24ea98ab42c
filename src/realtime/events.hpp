// The real-time events the domain emits, in Slack's RTM shapes. Each function builds one
// change's event payloads and appends them to the event log through `tx`, the write
// transaction that made the change: the log and the data commit or roll back together, and
// after commit the store hands the events to the real-time hub (see store/store.hpp, "Who an
// event is for"). Call them inside the store's write() lambda, after the change succeeded.
//
// Some functions read through `tx` (which sees the transaction's own changes) to fill in
// what the caller does not hold: a thread parent's new reply count, a member count, whether
// pins remain. None of them fails: appending is part of the write, and a store error is
// thrown to write(), which rolls the whole change back.
//
// Payloads are built once for every recipient, so conversation objects carry no
// per-viewer state unless the event is for one user only (audience user).
#pragma once

#include <optional>
#include <string>

#include "chat/model.hpp"

namespace parley::store {
class StoreWriter;
}

namespace parley::realtime {

// ---- Messages (audience: the conversation) -----------------------------------------------

// A new message, as stored ("message", subtype me_message / thread_broadcast as stored).
// A thread reply also sends the parent's new state as "message_replied"; a broadcast reply
// carries its parent as "root".
void message_posted(store::StoreWriter& tx, const chat::Conversation& conversation,
                    const chat::Message& message);

// "message" subtype "message_changed", with the edited message and the one before.
void message_changed(store::StoreWriter& tx, const chat::Conversation& conversation,
                     const std::string& actor_id, const chat::Message& before,
                     const chat::Message& after);

// Call after the store deleted `before`. "message_deleted", or "message_changed" with the
// tombstone when a thread parent stayed as one. A deleted reply also updates its parent
// (`parent_before`, read before the delete): "message_changed" with the new reply stats, or
// "message_deleted" when the parent was a tombstone that went with its last reply.
void message_deleted(store::StoreWriter& tx, const chat::Conversation& conversation,
                     const std::string& actor_id, const chat::Message& before,
                     const std::optional<chat::Message>& parent_before);

// reaction_added / reaction_removed on `message` by `user_id`.
void reaction_added(store::StoreWriter& tx, const chat::Conversation& conversation,
                    const chat::Message& message, const std::string& user_id,
                    const std::string& reaction);
void reaction_removed(store::StoreWriter& tx, const chat::Conversation& conversation,
                      const chat::Message& message, const std::string& user_id,
                      const std::string& reaction);

// Call after the store pinned / unpinned message `ts`. pin_removed says whether pins remain.
void pin_added(store::StoreWriter& tx, const chat::Conversation& conversation, TsMicros ts,
               const std::string& user_id);
void pin_removed(store::StoreWriter& tx, const chat::Conversation& conversation,
                 const chat::Message& message, const std::string& user_id);

// ---- Read positions (audience: the reader) -----------------------------------------------

// channel_marked (public), group_marked (private, mpim) or im_marked, with the reader's
// unread counts after the mark.
void conversation_marked(store::StoreWriter& tx, const chat::Conversation& conversation,
                         const std::string& user_id, TsMicros ts);

// ---- Conversations -------------------------------------------------------------------------

// Call after the channel and its creator's membership are stored. Public: channel_created
// to the team, then channel_joined to the creator. Private: group_joined to the creator only.
void channel_created(store::StoreWriter& tx, const chat::Conversation& channel);

// channel_rename (to the team: everyone lists public channels) or group_rename (to members).
void channel_renamed(store::StoreWriter& tx, const chat::Conversation& channel);

// channel_archive / channel_unarchive (team) or group_archive / group_unarchive (members).
void channel_archived(store::StoreWriter& tx, const chat::Conversation& channel,
                      const std::string& actor_id);
void channel_unarchived(store::StoreWriter& tx, const chat::Conversation& channel,
                        const std::string& actor_id);

// Call after `user_id` was added. member_joined_channel to the members (the joiner
// included), with "inviter" unless `inviter_id` is empty; then channel_joined (public) or
// group_joined (private) with the channel to the joiner alone.
void member_joined_channel(store::StoreWriter& tx, const chat::Conversation& channel,
                           const std::string& user_id, const std::string& inviter_id);

// Call after `user_id` was removed, by themselves or by `actor_id`. member_left_channel to
// the members and the leaver, then channel_left / group_left to the leaver alone.
void member_left_channel(store::StoreWriter& tx, const chat::Conversation& channel,
                         const std::string& user_id, const std::string& actor_id);

// Call after a new im or mpim and its memberships are stored: im_created (im) or
// mpim_joined (mpim) to each participant, with the conversation as that participant sees it.
void dm_created(store::StoreWriter& tx, const chat::Conversation& dm);

// im_open / mpim_open and im_close / mpim_close, to `user_id` alone.
void dm_opened(store::StoreWriter& tx, const chat::Conversation& dm, const std::string& user_id);
void dm_closed(store::StoreWriter& tx, const chat::Conversation& dm, const std::string& user_id);

// ---- People (audience: the team) -----------------------------------------------------------

// user_change with the user as stored now (profile edits, deactivation).
void user_changed(store::StoreWriter& tx, const chat::User& user);

// team_join for a user just added to the workspace.
void team_joined(store::StoreWriter& tx, const chat::User& user);

}  // namespace parley::realtime
