// SqliteTx: channels, direct messages and their members.
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/id_lists.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace parley::store::sqlite {

namespace {

constexpr const char* kConversationColumns =
    "c.id, c.team_id, c.kind, c.name, c.creator, c.created, c.is_archived, c.is_general, "
    "c.topic, c.topic_creator, c.topic_last_set, c.purpose, c.purpose_creator, "
    "c.purpose_last_set, c.last_ts, c.dm_key";

std::string_view kind_name(chat::ConversationKind kind) {
    switch (kind) {
        case chat::ConversationKind::public_channel:
            return "public";
        case chat::ConversationKind::private_channel:
            return "private";
        case chat::ConversationKind::im:
            return "im";
        case chat::ConversationKind::mpim:
            return "mpim";
    }
    return "public";
}

chat::ConversationKind parse_kind(const std::string& name) {
    if (name == "private")
        return chat::ConversationKind::private_channel;
    if (name == "im")
        return chat::ConversationKind::im;
    if (name == "mpim")
        return chat::ConversationKind::mpim;
    return chat::ConversationKind::public_channel;
}

// The dm_key of a participant list: sorted, so any order of the same people finds one row.
std::string dm_key(std::vector<std::string> users) {
    std::sort(users.begin(), users.end());
    return join_ids(users);
}

chat::Conversation read_conversation(SQLite::Statement& row) {
    chat::Conversation conversation;
    conversation.id = row.getColumn(0).getString();
    conversation.team_id = row.getColumn(1).getString();
    conversation.kind = parse_kind(row.getColumn(2).getString());
    conversation.name = row.getColumn(3).getString();
    conversation.creator = row.getColumn(4).getString();
    conversation.created = row.getColumn(5).getInt64();
    conversation.is_archived = row.getColumn(6).getInt() != 0;
    conversation.is_general = row.getColumn(7).getInt() != 0;
    conversation.topic.value = row.getColumn(8).getString();
    conversation.topic.creator = row.getColumn(9).getString();
    conversation.topic.last_set = row.getColumn(10).getInt64();
    conversation.purpose.value = row.getColumn(11).getString();
    conversation.purpose.creator = row.getColumn(12).getString();
    conversation.purpose.last_set = row.getColumn(13).getInt64();
    conversation.last_ts = row.getColumn(14).getInt64();
    if (!row.getColumn(15).isNull()) {
        conversation.dm_users = split_ids(row.getColumn(15).getString());
    }
    return conversation;
}

std::optional<chat::Conversation> first_conversation(SQLite::Statement& query) {
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_conversation(query);
}

std::vector<chat::Conversation> all_conversations(SQLite::Statement& query) {
    std::vector<chat::Conversation> conversations;
    while (query.executeStep()) {
        conversations.push_back(read_conversation(query));
    }
    return conversations;
}

// Binds the filter's five switches from parameter `first`, in the order the list queries
// name them: exclude_archived, public, private, im, mpim.
void bind_filter(SQLite::Statement& query, int first, const ConversationFilter& filter) {
    query.bind(first, filter.exclude_archived ? 1 : 0);
    query.bind(first + 1, filter.public_channels ? 1 : 0);
    query.bind(first + 2, filter.private_channels ? 1 : 0);
    query.bind(first + 3, filter.ims ? 1 : 0);
    query.bind(first + 4, filter.mpims ? 1 : 0);
}

bool is_unique_violation(const SQLite::Exception& e) {
    return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE;
}

}  // namespace

std::optional<chat::Conversation> SqliteTx::find_conversation(const std::string& id) {
    static const std::string sql =
        std::string("SELECT ") + kConversationColumns + " FROM conversations c WHERE c.id = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, id);
    return first_conversation(query);
}

std::optional<chat::Conversation> SqliteTx::find_channel_by_name(const std::string& team_id,
                                                                 const std::string& name) {
    static const std::string sql = std::string("SELECT ") + kConversationColumns +
                                   " FROM conversations c WHERE c.team_id = ? AND c.name = ? "
                                   "AND c.kind IN ('public', 'private')";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    query.bind(2, name);
    return first_conversation(query);
}

std::optional<chat::Conversation> SqliteTx::find_general_channel(const std::string& team_id) {
    static const std::string sql = std::string("SELECT ") + kConversationColumns +
                                   " FROM conversations c WHERE c.team_id = ? AND c.is_general = 1";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    return first_conversation(query);
}

std::optional<chat::Conversation> SqliteTx::find_dm(const std::string& team_id,
                                                    const std::vector<std::string>& users) {
    static const std::string sql = std::string("SELECT ") + kConversationColumns +
                                   " FROM conversations c WHERE c.team_id = ? AND c.dm_key = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    query.bind(2, dm_key(users));
    return first_conversation(query);
}

std::vector<chat::Conversation> SqliteTx::list_conversations(const std::string& team_id,
                                                             const std::string& user_id,
                                                             const ConversationFilter& filter,
                                                             const Page& page) {
    // Two ranges merged: the team's public channels (through the channel-name index, whose
    // WHERE clause the query repeats so SQLite may use it) and the caller's own memberships
    // of the other kinds (through members_by_user). A single scan of conversations would
    // also walk every DM of the team, which grows with the square of its size.
    static const std::string sql =
        std::string("SELECT ") + kConversationColumns +
        " FROM conversations c WHERE c.team_id = ?1 AND c.kind IN ('public', 'private') "
        "AND c.kind = 'public' AND ?4 != 0 AND c.id > ?2 AND (?3 = 0 OR c.is_archived = 0) "
        "UNION ALL SELECT " +
        kConversationColumns +
        " FROM members m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE m.user_id = ?8 AND m.conversation_id > ?2 AND c.team_id = ?1 "
        "AND c.kind != 'public' "
        "AND ((c.kind = 'private' AND ?5 != 0) OR (c.kind = 'im' AND ?6 != 0) "
        "     OR (c.kind = 'mpim' AND ?7 != 0)) "
        "AND (?3 = 0 OR c.is_archived = 0) "
        "ORDER BY 1 LIMIT ?9";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    query.bind(2, page.after);
    bind_filter(query, 3, filter);
    query.bind(8, user_id);
    query.bind(9, static_cast<int64_t>(page.limit));
    return all_conversations(query);
}

std::vector<chat::Conversation> SqliteTx::list_user_conversations(const std::string& user_id,
                                                                  const ConversationFilter& filter,
                                                                  const Page& page) {
    // Walks members_by_user (user_id, conversation_id), already in the listing's order.
    static const std::string sql =
        std::string("SELECT ") + kConversationColumns +
        " FROM members m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE m.user_id = ?1 AND m.conversation_id > ?2 "
        "AND (?3 = 0 OR c.is_archived = 0) "
        "AND ((c.kind = 'public' AND ?4 != 0) OR (c.kind = 'private' AND ?5 != 0) "
        "     OR (c.kind = 'im' AND ?6 != 0) OR (c.kind = 'mpim' AND ?7 != 0)) "
        "ORDER BY m.conversation_id LIMIT ?8";
    auto& query = statement(sql.c_str());
    query.bind(1, user_id);
    query.bind(2, page.after);
    bind_filter(query, 3, filter);
    query.bind(8, static_cast<int64_t>(page.limit));
    return all_conversations(query);
}

std::optional<chat::Membership> SqliteTx::find_membership(const std::string& conversation_id,
                                                          const std::string& user_id) {
    auto& query = statement(
        "SELECT joined, last_read, is_open FROM members WHERE conversation_id = ? AND user_id = ?");
    query.bind(1, conversation_id);
    query.bind(2, user_id);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    chat::Membership membership;
    membership.conversation_id = conversation_id;
    membership.user_id = user_id;
    membership.joined = query.getColumn(0).getInt64();
    membership.last_read = query.getColumn(1).getInt64();
    membership.is_open = query.getColumn(2).getInt() != 0;
    return membership;
}

std::vector<std::string> SqliteTx::list_member_ids(const std::string& conversation_id,
                                                   const Page& page) {
    auto& query = statement(
        "SELECT user_id FROM members WHERE conversation_id = ? AND user_id > ? "
        "ORDER BY user_id LIMIT ?");
    query.bind(1, conversation_id);
    query.bind(2, page.after);
    query.bind(3, static_cast<int64_t>(page.limit));
    std::vector<std::string> ids;
    while (query.executeStep()) {
        ids.push_back(query.getColumn(0).getString());
    }
    return ids;
}

size_t SqliteTx::count_members(const std::string& conversation_id) {
    auto& query = statement("SELECT COUNT(*) FROM members WHERE conversation_id = ?");
    query.bind(1, conversation_id);
    query.executeStep();
    return static_cast<size_t>(query.getColumn(0).getInt64());
}

Status SqliteTx::insert_conversation(const chat::Conversation& conversation) {
    auto& query = statement(
        "INSERT INTO conversations (id, team_id, kind, name, creator, created, is_archived, "
        "is_general, topic, topic_creator, topic_last_set, purpose, purpose_creator, "
        "purpose_last_set, last_ts, dm_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    query.bind(1, conversation.id);
    query.bind(2, conversation.team_id);
    query.bind(3, std::string(kind_name(conversation.kind)));
    query.bind(4, conversation.name);
    query.bind(5, conversation.creator);
    query.bind(6, static_cast<int64_t>(conversation.created));
    query.bind(7, conversation.is_archived ? 1 : 0);
    query.bind(8, conversation.is_general ? 1 : 0);
    query.bind(9, conversation.topic.value);
    query.bind(10, conversation.topic.creator);
    query.bind(11, static_cast<int64_t>(conversation.topic.last_set));
    query.bind(12, conversation.purpose.value);
    query.bind(13, conversation.purpose.creator);
    query.bind(14, static_cast<int64_t>(conversation.purpose.last_set));
    query.bind(15, static_cast<int64_t>(conversation.last_ts));
    if (conversation.is_channel_kind()) {
        query.bind(16);  // NULL: channels have no participant key.
    } else {
        query.bind(16, dm_key(conversation.dm_users));
    }

    // The unique indexes are the final word on names: the domain checks first for a clear
    // error, but only the index also holds against other writers of the file (the admin CLI).
    try {
        query.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) {
            return make_error("name_taken", "conversation insert hit a unique index");
        }
        throw;
    }
    return ok_status();
}

Status SqliteTx::update_conversation(const chat::Conversation& conversation) {
    auto& query = statement(
        "UPDATE conversations SET name = ?, is_archived = ?, topic = ?, topic_creator = ?, "
        "topic_last_set = ?, purpose = ?, purpose_creator = ?, purpose_last_set = ? "
        "WHERE id = ?");
    query.bind(1, conversation.name);
    query.bind(2, conversation.is_archived ? 1 : 0);
    query.bind(3, conversation.topic.value);
    query.bind(4, conversation.topic.creator);
    query.bind(5, static_cast<int64_t>(conversation.topic.last_set));
    query.bind(6, conversation.purpose.value);
    query.bind(7, conversation.purpose.creator);
    query.bind(8, static_cast<int64_t>(conversation.purpose.last_set));
    query.bind(9, conversation.id);
    try {
        query.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) {
            return make_error("name_taken", "conversation rename hit a unique index");
        }
        throw;
    }
    return ok_status();
}

void SqliteTx::add_member(const chat::Membership& membership) {
    auto& query = statement(
        "INSERT OR IGNORE INTO members (conversation_id, user_id, joined, last_read, is_open) "
        "VALUES (?, ?, ?, ?, ?)");
    query.bind(1, membership.conversation_id);
    query.bind(2, membership.user_id);
    query.bind(3, static_cast<int64_t>(membership.joined));
    query.bind(4, static_cast<int64_t>(membership.last_read));
    query.bind(5, membership.is_open ? 1 : 0);
    query.exec();
}

void SqliteTx::remove_member(const std::string& conversation_id, const std::string& user_id) {
    auto& query = statement("DELETE FROM members WHERE conversation_id = ? AND user_id = ?");
    query.bind(1, conversation_id);
    query.bind(2, user_id);
    query.exec();
}

void SqliteTx::set_last_read(const std::string& conversation_id, const std::string& user_id,
                             TsMicros ts) {
    auto& query =
        statement("UPDATE members SET last_read = ? WHERE conversation_id = ? AND user_id = ?");
    query.bind(1, static_cast<int64_t>(ts));
    query.bind(2, conversation_id);
    query.bind(3, user_id);
    query.exec();
}

void SqliteTx::set_open(const std::string& conversation_id, const std::string& user_id,
                        bool is_open) {
    auto& query =
        statement("UPDATE members SET is_open = ? WHERE conversation_id = ? AND user_id = ?");
    query.bind(1, is_open ? 1 : 0);
    query.bind(2, conversation_id);
    query.bind(3, user_id);
    query.exec();
}

}  // namespace parley::store::sqlite
