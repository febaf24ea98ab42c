// Message rules: posting, threads, edits, deletes, reactions, pins, reading and read
// positions. Every lookup of a conversation goes through chat/access.hpp, so a conversation
// the caller may not see is "channel_not_found" whatever they ask of it.
// Stateless apart from the store; safe to call from any worker thread.
//
// Threads: a reply names its parent by thread_ts; replies to replies are refused. A reply
// posted with reply_broadcast is stored with subtype "thread_broadcast" and also shows in the
// conversation's history, as in Slack. A deleted parent that still has replies stays as a
// "tombstone" (as Slack shows it) until its last reply goes.
//
// Every change appends its real-time events (realtime/events.hpp) in its own transaction:
// post (message; a reply also message_replied; a new DM to a user id also im_created),
// update (message_changed), delete (message_deleted, or message_changed with the tombstone;
// a reply's parent also gets its new state), reactions (reaction_added / _removed), pins
// (pin_added / pin_removed) and mark (channel_marked, group_marked or im_marked, to the
// reader). A repeated post (same client_msg_id) and every failed call emit nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/model.hpp"
#include "common/result.hpp"

namespace parley::store {
class Store;
}

namespace parley::chat {

// Slack's limit on a message's text, in characters (code points).
constexpr size_t kMaxMessageChars = 40'000;
// Bounds on what one message may gather, so a single client cannot grow a row without end.
constexpr size_t kMaxReactionNamesPerMessage = 50;  // Distinct emoji on one message.
constexpr size_t kMaxReactionsPerUser = 23;         // One person's reactions on one message.
constexpr size_t kMaxPinsPerConversation = 100;     // pins.list returns all of them at once.
constexpr size_t kMaxReactionNameBytes = 100;

struct PostRequest {
    std::string channel;  // A conversation id, or a user id: the DM with that user.
    std::string text;
    std::string blocks_json;  // A JSON array's text (the caller checked it), or empty.
    TsMicros thread_ts = 0;   // 0: not a reply.
    bool reply_broadcast = false;
    std::string client_msg_id;  // Empty: none.
    std::string subtype;        // "" or "me_message".
};

struct Posted {
    Conversation conversation;
    Message message;
    std::string parent_user_id;  // Replies: the thread parent's author.
    bool created = true;         // False: an earlier post with the same client_msg_id was returned.
};

// A change to a message's content; an absent field keeps its value.
struct MessageEdit {
    std::optional<std::string> text;
    std::optional<std::string> blocks_json;  // "" removes the blocks.
};

// Which slice of history or of a thread to read. Bounds of 0 mean unbounded. `after` is a
// paging position from an earlier MessagePage: the read continues past it (older for
// history, newer for replies), whatever `inclusive` says.
struct ReadWindow {
    TsMicros oldest = 0;
    TsMicros latest = 0;
    bool inclusive = false;
    size_t limit = 100;
    std::optional<TsMicros> after;
};

struct MessagePage {
    std::vector<Message> messages;
    bool has_more = false;
    TsMicros next_position = 0;  // With has_more: where the next page starts (exclusive).
    std::string parent_user_id;  // Replies: the thread parent's author, if it still exists.
};

class Messages {
  public:
    explicit Messages(store::Store& store) : store_(store) {}

    // Posts as `author`. Errors: "no_text", "msg_too_long", "channel_not_found",
    // "not_in_channel", "is_archived", "thread_not_found" (no such message, or it is itself a
    // reply). With a client_msg_id the author already used in that conversation, returns that
    // message and creates nothing (checked inside the write, so concurrent retries are safe).
    Result<Posted> post(const User& author, const PostRequest& request);

    // Edits `ts` in `channel`; only its author may. Errors: "channel_not_found",
    // "is_archived", "message_not_found", "cant_update_message", "no_text", "msg_too_long".
    Result<Message> update(const User& editor, const std::string& channel, TsMicros ts,
                           const MessageEdit& edit);

    // Deletes `ts`; its author, an admin or an owner may. Errors: "channel_not_found",
    // "is_archived", "message_not_found", "cant_delete_message".
    Status delete_message(const User& actor, const std::string& channel, TsMicros ts);

    // Errors: "invalid_name", "channel_not_found", "not_in_channel", "is_archived",
    // "message_not_found", "already_reacted" / "no_reaction", "too_many_emoji",
    // "too_many_reactions".
    Status add_reaction(const User& actor, const std::string& channel, TsMicros ts,
                        const std::string& name);
    Status remove_reaction(const User& actor, const std::string& channel, TsMicros ts,
                           const std::string& name);

    // Errors: "channel_not_found", "not_in_channel", "is_archived", "message_not_found",
    // "already_pinned" / "no_pin", "too_many_pins".
    Status pin(const User& actor, const std::string& channel, TsMicros ts);
    Status unpin(const User& actor, const std::string& channel, TsMicros ts);

    // One visible message with its reactions. "channel_not_found", "message_not_found".
    Result<Message> find(const User& viewer, const std::string& channel, TsMicros ts);
    // Pinned messages, most recently pinned first. "channel_not_found".
    Result<std::vector<Message>> pins(const User& viewer, const std::string& channel);

    // Top-level messages (and broadcast replies), newest first. Public channels can be read
    // by any non-guest of the team; other conversations only by their members.
    // "channel_not_found".
    Result<MessagePage> history(const User& viewer, const std::string& channel,
                                const ReadWindow& window);
    // The thread `ts` belongs to (ts may name the parent or any reply): the parent, then the
    // replies, oldest first. A message without replies is a thread of one.
    // "channel_not_found", "thread_not_found".
    Result<MessagePage> replies(const User& viewer, const std::string& channel, TsMicros ts,
                                const ReadWindow& window);

    // Sets the viewer's read position. "channel_not_found", "not_in_channel".
    Status mark(const User& viewer, const std::string& channel, TsMicros ts);

    // A link to a visible message: public_url/archives/<channel>/p<digits of ts>, with
    // ?thread_ts=…&cid=… for a reply. "channel_not_found", "message_not_found".
    Result<std::string> permalink(const User& viewer, const std::string& channel, TsMicros ts,
                                  std::string_view public_url);

  private:
    store::Store& store_;
};

// Emoji names as reactions.add takes them: letters, digits, '_', '+', '-', at most 100 bytes,
// optionally followed by a skin tone ("thumbsup::skin-tone-2").
bool is_valid_reaction_name(std::string_view name);

}  // namespace parley::chat
