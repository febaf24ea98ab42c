// The storage contract. Everything above src/store/ talks to a Store and never to SQL; the
// SQLite store (store/sqlite/) is the embedded default and a PostgreSQL store will implement
// the same interface. Domain operations are composed inside one read() or write() call, so a
// change that touches several tables (a message and its thread parent) is one transaction.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "common/result.hpp"

namespace parley::store {

// Page requests: rows after `after` in the listing's order, at most `limit` of them.
struct Page {
    std::string after;  // Empty: from the start.
    size_t limit = 100;
};

// A window of a conversation's messages, for conversations.history and .replies.
struct MessageRange {
    TsMicros oldest = 0;     // 0: no lower bound.
    TsMicros latest = 0;     // 0: no upper bound.
    bool inclusive = false;  // Whether messages exactly at oldest/latest count.
    size_t limit = 100;
};

// Who an event is for. An event is delivered to a user when:
//   team:         the user is in team_id;
//   conversation: the user is a member of conversation_id, or is user_id (the subject,
//                 e.g. the person who just left, who must still hear of it);
//   user:         the user is user_id.
enum class EventAudience { team, conversation, user };

// A change that clients must hear about, written in the same transaction as the change
// itself, so the log and the data never disagree. `payload` is the complete JSON object
// sent to clients, except for its "resume_cursor", which is added from `seq` on delivery.
struct NewEvent {
    std::string team_id;
    EventAudience audience = EventAudience::conversation;
    std::string conversation_id;
    std::string user_id;
    std::string type;  // Same as the payload's "type"; for metrics and logs.
    std::string payload;
};

struct StoredEvent : NewEvent {
    int64_t seq = 0;       // Position in the log: unique, increasing in commit order.
    TsMicros created = 0;  // When it was committed (close to; the writer's clock).
};

struct ConversationFilter {
    bool public_channels = true;
    bool private_channels = false;
    bool ims = false;
    bool mpims = false;
    bool exclude_archived = false;
};

// Queries. Every call inside one read() sees one consistent snapshot. Implementations may
// throw their own exceptions from these methods; read() and write() turn them into
// Error{"internal_error"} so nothing escapes the store.
class StoreReader {
  public:
    virtual ~StoreReader() = default;

    // Workspaces.
    virtual std::optional<chat::Team> find_team(const std::string& team_id) = 0;
    virtual std::optional<chat::Team> find_team_by_domain(const std::string& domain) = 0;
    virtual bool has_teams() = 0;  // False only before the first workspace exists.

    // Users. Lists are ordered by id; Page::after is the last id already returned.
    virtual std::optional<chat::User> find_user(const std::string& user_id) = 0;
    virtual std::optional<chat::User> find_user_by_email(const std::string& team_id,
                                                         const std::string& email) = 0;
    virtual std::optional<chat::User> find_user_by_name(const std::string& team_id,
                                                        const std::string& name) = 0;
    virtual std::vector<chat::User> users_with_email(const std::string& email) = 0;
    virtual std::vector<chat::User> list_users(const std::string& team_id, const Page& page) = 0;
    virtual std::string password_hash(const std::string& user_id) = 0;  // Empty if none.

    // Credentials. Only digests of secrets are stored or looked up. Revoked tokens are
    // found too (with revoked set), so callers can say "token_revoked".
    virtual std::optional<chat::TokenGrant> find_token(const std::string& digest) = 0;
    virtual std::optional<chat::Invitation> find_invitation(const std::string& digest) = 0;

    // Conversations. Lists are ordered by id.
    virtual std::optional<chat::Conversation> find_conversation(const std::string& id) = 0;
    virtual std::optional<chat::Conversation> find_channel_by_name(const std::string& team_id,
                                                                   const std::string& name) = 0;
    // The workspace-wide channel every non-guest joins, whatever it has been renamed to.
    virtual std::optional<chat::Conversation> find_general_channel(const std::string& team_id) = 0;
    // im and mpim by their sorted participant list.
    virtual std::optional<chat::Conversation> find_dm(
        const std::string& team_id, const std::vector<std::string>& sorted_users) = 0;
    // Public channels of the team plus, of the other kinds, only those `user_id` belongs to.
    virtual std::vector<chat::Conversation> list_conversations(const std::string& team_id,
                                                               const std::string& user_id,
                                                               const ConversationFilter& filter,
                                                               const Page& page) = 0;
    // Only the conversations `user_id` belongs to.
    virtual std::vector<chat::Conversation> list_user_conversations(
        const std::string& user_id, const ConversationFilter& filter, const Page& page) = 0;
    virtual std::optional<chat::Membership> find_membership(const std::string& conversation_id,
                                                            const std::string& user_id) = 0;
    // Member user ids ordered by id.
    virtual std::vector<std::string> list_member_ids(const std::string& conversation_id,
                                                     const Page& page) = 0;
    virtual size_t count_members(const std::string& conversation_id) = 0;

    // Messages, with reactions and pinned state filled in.
    virtual std::optional<chat::Message> find_message(const std::string& conversation_id,
                                                      TsMicros ts) = 0;
    virtual std::optional<chat::Message> find_message_by_client_id(
        const std::string& conversation_id, const std::string& user_id,
        const std::string& client_msg_id) = 0;
    // Top-level messages (not thread replies), newest first, at most range.limit.
    virtual std::vector<chat::Message> history(const std::string& conversation_id,
                                               const MessageRange& range) = 0;
    // A thread: the parent then its replies, oldest first, at most range.limit.
    virtual std::vector<chat::Message> replies(const std::string& conversation_id,
                                               TsMicros thread_ts, const MessageRange& range) = 0;
    virtual std::vector<chat::Message> pinned_messages(const std::string& conversation_id) = 0;
    // Messages after `after_ts` not written by `user_id`, and how many of those mention them.
    virtual size_t count_unread(const std::string& conversation_id, const std::string& user_id,
                                TsMicros after_ts) = 0;
    virtual size_t count_unread_mentions(const std::string& conversation_id,
                                         const std::string& user_id, TsMicros after_ts) = 0;

    // The event log. Events of `team_id` with seq > after_seq, oldest first, at most limit.
    virtual std::vector<StoredEvent> events_after(const std::string& team_id, int64_t after_seq,
                                                  size_t limit) = 0;
    // The newest seq in the log, 0 when empty.
    virtual int64_t latest_event_seq() = 0;
    // The oldest seq still kept; replays from before it are impossible. 0 when empty.
    virtual int64_t oldest_event_seq() = 0;
    // A random id made when the database was created. Cursors carry it, so a cursor from
    // another database is recognised instead of being misread.
    virtual std::string log_epoch() = 0;
};

// Changes, inside one transaction. Reads made through the writer see its own changes.
class StoreWriter : public StoreReader {
  public:
    virtual void insert_team(const chat::Team& team) = 0;

    virtual void insert_user(const chat::User& user, const std::string& password_hash) = 0;
    // Writes every field of `user` except id and team_id.
    virtual void update_user(const chat::User& user) = 0;
    virtual void set_password_hash(const std::string& user_id, const std::string& hash) = 0;

    virtual void insert_token(const std::string& digest, const chat::TokenGrant& grant) = 0;
    virtual void revoke_token(const std::string& digest) = 0;
    virtual void revoke_user_tokens(const std::string& user_id) = 0;

    virtual void insert_invitation(const std::string& digest, const chat::Invitation& inv) = 0;
    virtual void record_invitation_use(const std::string& invitation_id) = 0;
    virtual void revoke_invitation(const std::string& invitation_id) = 0;

    // Fails with "name_taken" if a channel of the team already has the name.
    virtual Status insert_conversation(const chat::Conversation& conversation) = 0;
    // Writes name, is_archived, topic and purpose. Fails with "name_taken" like insert.
    virtual Status update_conversation(const chat::Conversation& conversation) = 0;

    virtual void add_member(const chat::Membership& membership) = 0;  // No-op if present.
    virtual void remove_member(const std::string& conversation_id, const std::string& user_id) = 0;
    virtual void set_last_read(const std::string& conversation_id, const std::string& user_id,
                               TsMicros ts) = 0;
    virtual void set_open(const std::string& conversation_id, const std::string& user_id,
                          bool is_open) = 0;

    // Assigns message.ts (strictly greater than the conversation's last ts, from the wall
    // clock where possible) and stores the message with its mentions. A reply
    // (thread_ts != 0) also updates the parent's reply_count, reply_users and latest_reply and
    // marks the parent with thread_ts == its own ts.
    virtual void insert_message(chat::Message& message) = 0;
    // Writes text, blocks_json, edited_by, edited_ts and mentions.
    virtual void update_message(const chat::Message& message) = 0;
    // Removes a message. A thread parent that still has replies becomes a tombstone
    // (deleted = true, subtype "tombstone", empty text). Deleting a reply updates the
    // parent's reply stats. Reactions and pins of a removed message go with it.
    virtual void delete_message(const std::string& conversation_id, TsMicros ts) = 0;

    // Fail with "already_reacted" / "no_reaction".
    virtual Status add_reaction(const std::string& conversation_id, TsMicros ts,
                                const std::string& name, const std::string& user_id) = 0;
    virtual Status remove_reaction(const std::string& conversation_id, TsMicros ts,
                                   const std::string& name, const std::string& user_id) = 0;
    // Fail with "already_pinned" / "no_pin".
    virtual Status add_pin(const std::string& conversation_id, TsMicros ts,
                           const std::string& user_id) = 0;
    virtual Status remove_pin(const std::string& conversation_id, TsMicros ts) = 0;

    // Appends to the event log; returns the event's seq. If this write is rolled back, the
    // event goes with it and is never published.
    virtual int64_t append_event(const NewEvent& event) = 0;
    // Drops events with created < before (retention). Returns how many.
    virtual size_t prune_events(TsMicros before) = 0;
};

// Called after every commit that made events durable, with those events in seq order,
// always from the same thread (the store's writer), one call at a time. Must be quick and
// must not call back into the store.
using CommitListener = std::function<void(std::vector<StoredEvent> events)>;

class Store {
  public:
    virtual ~Store() = default;

    // Runs `fn` against one snapshot. May be called from any thread, concurrently. Returns
    // what fn returned, or Error{"internal_error"} if the store failed.
    virtual Status read(const std::function<Status(StoreReader&)>& fn) = 0;

    // Runs `fn` in a transaction and returns once that transaction is durably committed (or
    // rolled back). If fn returns an error, its changes are rolled back and the error is
    // returned. Writes are serialised; concurrent callers are batched into one commit.
    virtual Status write(const std::function<Status(StoreWriter&)>& fn) = 0;

    // Installs the one listener for committed events (the real-time hub). Set it before the
    // first write; replaces any earlier listener.
    virtual void set_commit_listener(CommitListener listener) = 0;
};

namespace detail {

// read_value and write_value: `run` is Store::read or Store::write, `Tx` what it hands over.
template <class T, class Tx, class Run, class Fn>
Result<T> value_from(Run&& run, Fn&& fn) {
    std::optional<T> value;
    Status status = run([&](Tx& tx) -> Status {
        Result<T> outcome = fn(tx);
        if (!outcome) {
            return outcome.error();
        }
        value = std::move(outcome).value();
        return ok_status();
    });
    if (!status) {
        return status.error();
    }
    return std::move(*value);
}

}  // namespace detail

// Runs `fn` (returning Result<T>) inside one read snapshot and hands back its value.
template <class T, class Fn>
Result<T> read_value(Store& store, Fn&& fn) {
    return detail::value_from<T, StoreReader>(
        [&store](const auto& body) { return store.read(body); }, std::forward<Fn>(fn));
}

// As read_value, inside one write transaction; an error rolls every change of `fn` back.
template <class T, class Fn>
Result<T> write_value(Store& store, Fn&& fn) {
    return detail::value_from<T, StoreWriter>(
        [&store](const auto& body) { return store.write(body); }, std::forward<Fn>(fn));
}

}  // namespace parley::store
