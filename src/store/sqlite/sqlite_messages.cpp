// SqliteTx: messages, threads, mentions, reactions and pins.
//
// Every query is a range or point lookup on a primary key or index: messages by
// (conversation_id, ts), thread members through messages_in_thread, a user's mentions through
// the mentions key (user_id, conversation_id, ts). Queries that use the partial index
// messages_in_thread name it (INDEXED BY) and repeat its condition "thread_ts != 0": without
// statistics SQLite would rather range-scan the primary key over the whole conversation.
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "common/slack_ts.hpp"
#include "store/sqlite/id_lists.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace parley::store::sqlite {

namespace {

// messages.mention_flags bits.
constexpr int kMentionsChannel = 1;
constexpr int kMentionsHere = 2;
constexpr int kMentionsEveryone = 4;

constexpr const char* kMessageColumns =
    "conversation_id, ts, user_id, subtype, text, blocks, thread_ts, reply_count, reply_users, "
    "latest_reply, edited_by, edited_ts, deleted, client_msg_id, mention_users, "
    "mention_channels, mention_flags";

int mention_flags(const chat::Mentions& mentions) {
    return (mentions.channel ? kMentionsChannel : 0) | (mentions.here ? kMentionsHere : 0) |
           (mentions.everyone ? kMentionsEveryone : 0);
}

chat::Message read_message(SQLite::Statement& row) {
    chat::Message message;
    message.conversation_id = row.getColumn(0).getString();
    message.ts = row.getColumn(1).getInt64();
    message.user_id = row.getColumn(2).getString();
    message.subtype = row.getColumn(3).getString();
    message.text = row.getColumn(4).getString();
    message.blocks_json = row.getColumn(5).getString();
    message.thread_ts = row.getColumn(6).getInt64();
    message.reply_count = row.getColumn(7).getInt();
    message.reply_users = split_ids(row.getColumn(8).getString());
    message.latest_reply = row.getColumn(9).getInt64();
    message.edited_by = row.getColumn(10).getString();
    message.edited_ts = row.getColumn(11).getInt64();
    message.deleted = row.getColumn(12).getInt() != 0;
    message.client_msg_id = row.getColumn(13).isNull() ? "" : row.getColumn(13).getString();
    message.mentions.users = split_ids(row.getColumn(14).getString());
    message.mentions.channels = split_ids(row.getColumn(15).getString());
    int flags = row.getColumn(16).getInt();
    message.mentions.channel = (flags & kMentionsChannel) != 0;
    message.mentions.here = (flags & kMentionsHere) != 0;
    message.mentions.everyone = (flags & kMentionsEveryone) != 0;
    return message;
}

// Collects every row first: callers then run other statements, which must not interleave
// with a statement still being stepped through if it is the same cached one.
std::vector<chat::Message> all_messages(SQLite::Statement& query) {
    std::vector<chat::Message> messages;
    while (query.executeStep()) {
        messages.push_back(read_message(query));
    }
    return messages;
}

// Inclusive [low, high] of a range, with the unbounded ends made explicit so the bound
// parameters always form a primary-key range.
struct TsBounds {
    TsMicros low = 0;
    TsMicros high = std::numeric_limits<TsMicros>::max();
};

TsBounds bounds_of(const MessageRange& range) {
    TsBounds bounds;
    if (range.oldest != 0) {
        bounds.low = range.inclusive ? range.oldest : range.oldest + 1;
    }
    if (range.latest != 0) {
        bounds.high = range.inclusive ? range.latest : range.latest - 1;
    }
    return bounds;
}

bool is_thread_reply(TsMicros ts, TsMicros thread_ts) {
    return thread_ts != 0 && thread_ts != ts;
}

}  // namespace

// ---- Reading ----------------------------------------------------------------------------

namespace {

// Reactions grouped by name in order of the first reaction, users in the order they reacted.
// reactions.created holds microseconds (not seconds like other tables' `created`) so that
// this order survives several reactions in one second.
std::vector<chat::Reaction> read_reactions(SQLite::Statement& query) {
    std::vector<chat::Reaction> reactions;
    while (query.executeStep()) {
        std::string name = query.getColumn(0).getString();
        auto found = std::find_if(reactions.begin(), reactions.end(),
                                  [&](const chat::Reaction& r) { return r.name == name; });
        if (found == reactions.end()) {
            reactions.push_back(chat::Reaction{std::move(name), {}});
            found = std::prev(reactions.end());
        }
        found->users.push_back(query.getColumn(1).getString());
    }
    return reactions;
}

// Fills the parts of a message kept outside its row.
void fill_extras(Connection& connection, chat::Message& message) {
    auto& reactions = connection.statement(
        "SELECT name, user_id FROM reactions WHERE conversation_id = ? AND ts = ? "
        "ORDER BY created, name, user_id");
    reactions.bind(1, message.conversation_id);
    reactions.bind(2, static_cast<int64_t>(message.ts));
    message.reactions = read_reactions(reactions);

    auto& pinned = connection.statement(
        "SELECT pinned_by, created FROM pins WHERE conversation_id = ? AND ts = ?");
    pinned.bind(1, message.conversation_id);
    pinned.bind(2, static_cast<int64_t>(message.ts));
    message.pinned = pinned.executeStep();
    if (message.pinned) {
        message.pinned_by = pinned.getColumn(0).getString();
        message.pinned_at = pinned.getColumn(1).getInt64();
    }
}

std::vector<chat::Message> with_extras(Connection& connection,
                                       std::vector<chat::Message> messages) {
    for (auto& message : messages) {
        fill_extras(connection, message);
    }
    return messages;
}

}  // namespace

std::optional<chat::Message> SqliteTx::find_message(const std::string& conversation_id,
                                                    TsMicros ts) {
    static const std::string sql = std::string("SELECT ") + kMessageColumns +
                                   " FROM messages WHERE conversation_id = ? AND ts = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, conversation_id);
    query.bind(2, static_cast<int64_t>(ts));
    if (!query.executeStep()) {
        return std::nullopt;
    }
    chat::Message message = read_message(query);
    fill_extras(connection_, message);
    return message;
}

std::optional<chat::Message> SqliteTx::find_message_by_client_id(const std::string& conversation_id,
                                                                 const std::string& user_id,
                                                                 const std::string& client_msg_id) {
    static const std::string sql =
        std::string("SELECT ") + kMessageColumns +
        " FROM messages WHERE conversation_id = ? AND user_id = ? AND client_msg_id = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, conversation_id);
    query.bind(2, user_id);
    query.bind(3, client_msg_id);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    chat::Message message = read_message(query);
    fill_extras(connection_, message);
    return message;
}

std::vector<chat::Message> SqliteTx::history(const std::string& conversation_id,
                                             const MessageRange& range) {
    // Top level: not in a thread, a thread parent, or a reply broadcast to the channel.
    static const std::string sql =
        std::string("SELECT ") + kMessageColumns +
        " FROM messages WHERE conversation_id = ? AND ts >= ? AND ts <= ? "
        "AND (thread_ts = 0 OR thread_ts = ts OR subtype = 'thread_broadcast') "
        "ORDER BY ts DESC LIMIT ?";
    TsBounds bounds = bounds_of(range);
    auto& query = statement(sql.c_str());
    query.bind(1, conversation_id);
    query.bind(2, static_cast<int64_t>(bounds.low));
    query.bind(3, static_cast<int64_t>(bounds.high));
    query.bind(4, static_cast<int64_t>(range.limit));
    return with_extras(connection_, all_messages(query));
}

std::vector<chat::Message> SqliteTx::replies(const std::string& conversation_id, TsMicros thread_ts,
                                             const MessageRange& range) {
    TsBounds bounds = bounds_of(range);
    auto parent = find_message(conversation_id, thread_ts);
    if (!parent || range.limit == 0) {
        return {};
    }

    // A message nobody replied to is a thread of one.
    if (parent->thread_ts == 0) {
        if (parent->ts < bounds.low || parent->ts > bounds.high) {
            return {};
        }
        return {std::move(*parent)};
    }

    // The parent has thread_ts == ts, so it is part of the thread's index range.
    static const std::string sql = std::string("SELECT ") + kMessageColumns +
                                   " FROM messages INDEXED BY messages_in_thread "
                                   "WHERE conversation_id = ? AND thread_ts = ? AND thread_ts != 0 "
                                   "AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?";
    auto& query = statement(sql.c_str());
    query.bind(1, conversation_id);
    query.bind(2, static_cast<int64_t>(thread_ts));
    query.bind(3, static_cast<int64_t>(bounds.low));
    query.bind(4, static_cast<int64_t>(bounds.high));
    query.bind(5, static_cast<int64_t>(range.limit));
    return with_extras(connection_, all_messages(query));
}

std::vector<chat::Message> SqliteTx::pinned_messages(const std::string& conversation_id) {
    auto& query =
        statement("SELECT ts FROM pins WHERE conversation_id = ? ORDER BY created DESC, ts DESC");
    query.bind(1, conversation_id);
    std::vector<TsMicros> pinned;
    while (query.executeStep()) {
        pinned.push_back(query.getColumn(0).getInt64());
    }

    std::vector<chat::Message> messages;
    for (TsMicros ts : pinned) {
        if (auto message = find_message(conversation_id, ts)) {
            messages.push_back(std::move(*message));
        }
    }
    return messages;
}

size_t SqliteTx::count_unread(const std::string& conversation_id, const std::string& user_id,
                              TsMicros after_ts) {
    // What history shows: thread replies count in their thread, not in the conversation.
    auto& query = statement(
        "SELECT count(*) FROM messages WHERE conversation_id = ? AND ts > ? AND user_id != ? "
        "AND deleted = 0 AND (thread_ts = 0 OR thread_ts = ts OR subtype = 'thread_broadcast')");
    query.bind(1, conversation_id);
    query.bind(2, static_cast<int64_t>(after_ts));
    query.bind(3, user_id);
    query.executeStep();
    return static_cast<size_t>(query.getColumn(0).getInt64());
}

size_t SqliteTx::count_unread_mentions(const std::string& conversation_id,
                                       const std::string& user_id, TsMicros after_ts) {
    // Messages addressed to everyone (@channel, @here, @everyone), from the message rows...
    auto& broadcast = statement(
        "SELECT count(*) FROM messages WHERE conversation_id = ? AND ts > ? AND user_id != ? "
        "AND deleted = 0 AND mention_flags != 0");
    broadcast.bind(1, conversation_id);
    broadcast.bind(2, static_cast<int64_t>(after_ts));
    broadcast.bind(3, user_id);
    broadcast.executeStep();
    int64_t count = broadcast.getColumn(0).getInt64();

    // ...plus direct mentions, from the user's own mention rows, skipping messages already
    // counted above. CROSS JOIN keeps the mention rows outermost: without statistics SQLite
    // would otherwise walk every message after after_ts.
    auto& direct = statement(
        "SELECT count(*) FROM mentions n CROSS JOIN messages m "
        "ON m.conversation_id = n.conversation_id AND m.ts = n.ts "
        "WHERE n.user_id = ? AND n.conversation_id = ? AND n.ts > ? "
        "AND m.mention_flags = 0 AND m.user_id != ? AND m.deleted = 0");
    direct.bind(1, user_id);
    direct.bind(2, conversation_id);
    direct.bind(3, static_cast<int64_t>(after_ts));
    direct.bind(4, user_id);
    direct.executeStep();
    count += direct.getColumn(0).getInt64();
    return static_cast<size_t>(count);
}

// ---- Writing ----------------------------------------------------------------------------

namespace {

void insert_mention_rows(Connection& connection, const std::string& conversation_id, TsMicros ts,
                         const std::vector<std::string>& users) {
    for (const auto& user : users) {
        auto& insert = connection.statement(
            "INSERT OR IGNORE INTO mentions (conversation_id, ts, user_id) VALUES (?, ?, ?)");
        insert.bind(1, conversation_id);
        insert.bind(2, static_cast<int64_t>(ts));
        insert.bind(3, user);
        insert.exec();
    }
}

// Mention rows are keyed by user first, so they are removed one known user at a time.
void delete_mention_rows(Connection& connection, const std::string& conversation_id, TsMicros ts,
                         const std::vector<std::string>& users) {
    for (const auto& user : users) {
        auto& remove = connection.statement(
            "DELETE FROM mentions WHERE user_id = ? AND conversation_id = ? AND ts = ?");
        remove.bind(1, user);
        remove.bind(2, conversation_id);
        remove.bind(3, static_cast<int64_t>(ts));
        remove.exec();
    }
}

void delete_reactions_and_pin(Connection& connection, const std::string& conversation_id,
                              TsMicros ts) {
    auto& reactions =
        connection.statement("DELETE FROM reactions WHERE conversation_id = ? AND ts = ?");
    reactions.bind(1, conversation_id);
    reactions.bind(2, static_cast<int64_t>(ts));
    reactions.exec();

    auto& pin = connection.statement("DELETE FROM pins WHERE conversation_id = ? AND ts = ?");
    pin.bind(1, conversation_id);
    pin.bind(2, static_cast<int64_t>(ts));
    pin.exec();
}

TsMicros claim_next_ts(Connection& connection, const std::string& conversation_id) {
    auto& last = connection.statement("SELECT last_ts FROM conversations WHERE id = ?");
    last.bind(1, conversation_id);
    if (!last.executeStep()) {
        throw std::runtime_error("insert_message: no conversation " + conversation_id);
    }
    TsMicros ts = next_ts(last.getColumn(0).getInt64(), now_micros());

    auto& advance = connection.statement("UPDATE conversations SET last_ts = ? WHERE id = ?");
    advance.bind(1, static_cast<int64_t>(ts));
    advance.bind(2, conversation_id);
    advance.exec();
    return ts;
}

// Adds one reply (at `reply_ts`, by `user_id`) to its parent's thread summary.
void record_reply(Connection& connection, const std::string& conversation_id, TsMicros parent_ts,
                  TsMicros reply_ts, const std::string& user_id) {
    auto& read = connection.statement(
        "SELECT reply_users FROM messages WHERE conversation_id = ? AND ts = ?");
    read.bind(1, conversation_id);
    read.bind(2, static_cast<int64_t>(parent_ts));
    if (!read.executeStep()) {
        return;  // The domain checked the parent; nothing to update if it is gone.
    }
    auto users = split_ids(read.getColumn(0).getString());
    if (std::find(users.begin(), users.end(), user_id) == users.end()) {
        users.push_back(user_id);
    }

    auto& update = connection.statement(
        "UPDATE messages SET thread_ts = ts, reply_count = reply_count + 1, reply_users = ?, "
        "latest_reply = ? WHERE conversation_id = ? AND ts = ?");
    update.bind(1, join_ids(users));
    update.bind(2, static_cast<int64_t>(reply_ts));
    update.bind(3, conversation_id);
    update.bind(4, static_cast<int64_t>(parent_ts));
    update.exec();
}

void delete_message_row(Connection& connection, const std::string& conversation_id, TsMicros ts) {
    auto& remove =
        connection.statement("DELETE FROM messages WHERE conversation_id = ? AND ts = ?");
    remove.bind(1, conversation_id);
    remove.bind(2, static_cast<int64_t>(ts));
    remove.exec();
}

// Recomputes a parent's thread summary from its remaining replies. A thread left empty
// turns its parent back into an ordinary message, or removes it if it was a tombstone.
void refresh_thread(Connection& connection, const std::string& conversation_id,
                    TsMicros parent_ts) {
    auto& replies = connection.statement(
        "SELECT ts, user_id FROM messages INDEXED BY messages_in_thread "
        "WHERE conversation_id = ? AND thread_ts = ? AND thread_ts != 0 AND ts != thread_ts "
        "ORDER BY ts");
    replies.bind(1, conversation_id);
    replies.bind(2, static_cast<int64_t>(parent_ts));
    int64_t count = 0;
    TsMicros latest = 0;
    std::vector<std::string> users;
    while (replies.executeStep()) {
        ++count;
        latest = replies.getColumn(0).getInt64();
        std::string user = replies.getColumn(1).getString();
        if (std::find(users.begin(), users.end(), user) == users.end()) {
            users.push_back(std::move(user));
        }
    }

    if (count == 0) {
        auto& drop_tombstone = connection.statement(
            "DELETE FROM messages WHERE conversation_id = ? AND ts = ? AND deleted = 1");
        drop_tombstone.bind(1, conversation_id);
        drop_tombstone.bind(2, static_cast<int64_t>(parent_ts));
        drop_tombstone.exec();
    }

    // For an empty thread of a live parent this writes thread_ts = 0: no thread any more.
    auto& update = connection.statement(
        "UPDATE messages SET thread_ts = ?, reply_count = ?, reply_users = ?, latest_reply = ? "
        "WHERE conversation_id = ? AND ts = ?");
    update.bind(1, static_cast<int64_t>(count == 0 ? 0 : parent_ts));
    update.bind(2, count);
    update.bind(3, join_ids(users));
    update.bind(4, static_cast<int64_t>(latest));
    update.bind(5, conversation_id);
    update.bind(6, static_cast<int64_t>(parent_ts));
    update.exec();
}

}  // namespace

void SqliteTx::insert_message(chat::Message& message) {
    message.ts = claim_next_ts(connection_, message.conversation_id);

    auto& insert = statement(
        "INSERT INTO messages (conversation_id, ts, user_id, subtype, text, blocks, thread_ts, "
        "edited_by, edited_ts, client_msg_id, mention_users, mention_channels, mention_flags) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, message.conversation_id);
    insert.bind(2, static_cast<int64_t>(message.ts));
    insert.bind(3, message.user_id);
    insert.bind(4, message.subtype);
    insert.bind(5, message.text);
    insert.bind(6, message.blocks_json);
    insert.bind(7, static_cast<int64_t>(message.thread_ts));
    insert.bind(8, message.edited_by);
    insert.bind(9, static_cast<int64_t>(message.edited_ts));
    if (message.client_msg_id.empty()) {
        insert.bind(10);  // NULL: outside the unique index.
    } else {
        insert.bind(10, message.client_msg_id);
    }
    insert.bind(11, join_ids(message.mentions.users));
    insert.bind(12, join_ids(message.mentions.channels));
    insert.bind(13, mention_flags(message.mentions));
    insert.exec();

    insert_mention_rows(connection_, message.conversation_id, message.ts, message.mentions.users);
    if (is_thread_reply(message.ts, message.thread_ts)) {
        record_reply(connection_, message.conversation_id, message.thread_ts, message.ts,
                     message.user_id);
    }
}

void SqliteTx::update_message(const chat::Message& message) {
    auto& old_mentions =
        statement("SELECT mention_users FROM messages WHERE conversation_id = ? AND ts = ?");
    old_mentions.bind(1, message.conversation_id);
    old_mentions.bind(2, static_cast<int64_t>(message.ts));
    if (!old_mentions.executeStep()) {
        return;
    }
    auto previous = split_ids(old_mentions.getColumn(0).getString());

    auto& update = statement(
        "UPDATE messages SET text = ?, blocks = ?, edited_by = ?, edited_ts = ?, "
        "mention_users = ?, mention_channels = ?, mention_flags = ? "
        "WHERE conversation_id = ? AND ts = ?");
    update.bind(1, message.text);
    update.bind(2, message.blocks_json);
    update.bind(3, message.edited_by);
    update.bind(4, static_cast<int64_t>(message.edited_ts));
    update.bind(5, join_ids(message.mentions.users));
    update.bind(6, join_ids(message.mentions.channels));
    update.bind(7, mention_flags(message.mentions));
    update.bind(8, message.conversation_id);
    update.bind(9, static_cast<int64_t>(message.ts));
    update.exec();

    delete_mention_rows(connection_, message.conversation_id, message.ts, previous);
    insert_mention_rows(connection_, message.conversation_id, message.ts, message.mentions.users);
}

void SqliteTx::delete_message(const std::string& conversation_id, TsMicros ts) {
    auto& row = statement(
        "SELECT thread_ts, reply_count, mention_users FROM messages "
        "WHERE conversation_id = ? AND ts = ?");
    row.bind(1, conversation_id);
    row.bind(2, static_cast<int64_t>(ts));
    if (!row.executeStep()) {
        return;
    }
    TsMicros thread_ts = row.getColumn(0).getInt64();
    int reply_count = row.getColumn(1).getInt();
    auto mentioned = split_ids(row.getColumn(2).getString());

    delete_mention_rows(connection_, conversation_id, ts, mentioned);
    delete_reactions_and_pin(connection_, conversation_id, ts);

    // A parent with replies keeps its place so the thread stays reachable.
    if (thread_ts == ts && reply_count > 0) {
        auto& tombstone = statement(
            "UPDATE messages SET deleted = 1, subtype = 'tombstone', text = '', blocks = '', "
            "edited_by = '', edited_ts = 0, mention_users = '', mention_channels = '', "
            "mention_flags = 0 WHERE conversation_id = ? AND ts = ?");
        tombstone.bind(1, conversation_id);
        tombstone.bind(2, static_cast<int64_t>(ts));
        tombstone.exec();
        return;
    }

    delete_message_row(connection_, conversation_id, ts);
    if (is_thread_reply(ts, thread_ts)) {
        refresh_thread(connection_, conversation_id, thread_ts);
    }
}

Status SqliteTx::add_reaction(const std::string& conversation_id, TsMicros ts,
                              const std::string& name, const std::string& user_id) {
    auto& insert = statement(
        "INSERT OR IGNORE INTO reactions (conversation_id, ts, name, user_id, created) "
        "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, conversation_id);
    insert.bind(2, static_cast<int64_t>(ts));
    insert.bind(3, name);
    insert.bind(4, user_id);
    insert.bind(5, static_cast<int64_t>(now_micros()));
    return insert.exec() == 0 ? Status(make_error("already_reacted")) : ok_status();
}

Status SqliteTx::remove_reaction(const std::string& conversation_id, TsMicros ts,
                                 const std::string& name, const std::string& user_id) {
    auto& remove = statement(
        "DELETE FROM reactions WHERE conversation_id = ? AND ts = ? AND name = ? AND user_id = ?");
    remove.bind(1, conversation_id);
    remove.bind(2, static_cast<int64_t>(ts));
    remove.bind(3, name);
    remove.bind(4, user_id);
    return remove.exec() == 0 ? Status(make_error("no_reaction")) : ok_status();
}

Status SqliteTx::add_pin(const std::string& conversation_id, TsMicros ts,
                         const std::string& user_id) {
    auto& insert = statement(
        "INSERT OR IGNORE INTO pins (conversation_id, ts, pinned_by, created) "
        "VALUES (?, ?, ?, ?)");
    insert.bind(1, conversation_id);
    insert.bind(2, static_cast<int64_t>(ts));
    insert.bind(3, user_id);
    insert.bind(4, static_cast<int64_t>(now_seconds()));
    return insert.exec() == 0 ? Status(make_error("already_pinned")) : ok_status();
}

Status SqliteTx::remove_pin(const std::string& conversation_id, TsMicros ts) {
    auto& remove = statement("DELETE FROM pins WHERE conversation_id = ? AND ts = ?");
    remove.bind(1, conversation_id);
    remove.bind(2, static_cast<int64_t>(ts));
    return remove.exec() == 0 ? Status(make_error("no_pin")) : ok_status();
}

}  // namespace parley::store::sqlite
