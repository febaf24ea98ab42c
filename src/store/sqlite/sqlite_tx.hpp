// One transaction's view of the SQLite database: implements every StoreReader and
// StoreWriter call. Internal to store/sqlite/. The calls are defined in several files, one
// per area (sqlite_accounts.cpp, sqlite_conversations.cpp, sqlite_messages.cpp).
// SQLiteCpp throws SQLite::Exception on failure; SqliteStore turns that into an Error.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace parley::store::sqlite {

// A connection with its prepared statements, reused across transactions. Used by one
// thread at a time (the writer thread, or the reader that checked it out of the pool).
class Connection {
  public:
    Connection(const std::string& path, int flags, int busy_timeout_ms);

    SQLite::Database& db() { return db_; }

    // The statement for `sql`, prepared once per connection, reset and unbound. `sql` must
    // have static storage: the cache is keyed by its address.
    SQLite::Statement& statement(const char* sql);

    // Resets every statement used since the last call. Must run before a transaction ends:
    // a statement left mid-result keeps SQLite's read snapshot open past COMMIT, and the
    // connection would go on reading stale data.
    void release_statements();

    // Events appended by the writer's current batch, in seq order; handed to the commit
    // listener after COMMIT. Only the writer connection uses it.
    std::vector<StoredEvent>& pending_events() { return pending_events_; }

  private:
    SQLite::Database db_;
    std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
    std::vector<SQLite::Statement*> in_use_;
    std::vector<StoredEvent> pending_events_;
};

class SqliteTx final : public StoreWriter {
  public:
    explicit SqliteTx(Connection& connection) : connection_(connection) {}

    // StoreReader: accounts (sqlite_accounts.cpp).
    std::optional<chat::Team> find_team(const std::string& team_id) override;
    std::optional<chat::Team> find_team_by_domain(const std::string& domain) override;
    bool has_teams() override;
    std::optional<chat::User> find_user(const std::string& user_id) override;
    std::optional<chat::User> find_user_by_email(const std::string& team_id,
                                                 const std::string& email) override;
    std::optional<chat::User> find_user_by_name(const std::string& team_id,
                                                const std::string& name) override;
    std::vector<chat::User> users_with_email(const std::string& email) override;
    std::vector<chat::User> list_users(const std::string& team_id, const Page& page) override;
    std::string password_hash(const std::string& user_id) override;
    std::optional<chat::TokenGrant> find_token(const std::string& digest) override;
    std::optional<chat::Invitation> find_invitation(const std::string& digest) override;

    // StoreReader: conversations (sqlite_conversations.cpp).
    std::optional<chat::Conversation> find_conversation(const std::string& id) override;
    std::optional<chat::Conversation> find_channel_by_name(const std::string& team_id,
                                                           const std::string& name) override;
    std::optional<chat::Conversation> find_general_channel(const std::string& team_id) override;
    std::optional<chat::Conversation> find_dm(const std::string& team_id,
                                              const std::vector<std::string>& users) override;
    std::vector<chat::Conversation> list_conversations(const std::string& team_id,
                                                       const std::string& user_id,
                                                       const ConversationFilter& filter,
                                                       const Page& page) override;
    std::vector<chat::Conversation> list_user_conversations(const std::string& user_id,
                                                            const ConversationFilter& filter,
                                                            const Page& page) override;
    std::optional<chat::Membership> find_membership(const std::string& conversation_id,
                                                    const std::string& user_id) override;
    std::vector<std::string> list_member_ids(const std::string& conversation_id,
                                             const Page& page) override;
    size_t count_members(const std::string& conversation_id) override;

    // StoreReader: messages (sqlite_messages.cpp).
    std::optional<chat::Message> find_message(const std::string& conversation_id,
                                              TsMicros ts) override;
    std::optional<chat::Message> find_message_by_client_id(
        const std::string& conversation_id, const std::string& user_id,
        const std::string& client_msg_id) override;
    std::vector<chat::Message> history(const std::string& conversation_id,
                                       const MessageRange& range) override;
    std::vector<chat::Message> replies(const std::string& conversation_id, TsMicros thread_ts,
                                       const MessageRange& range) override;
    std::vector<chat::Message> pinned_messages(const std::string& conversation_id) override;
    size_t count_unread(const std::string& conversation_id, const std::string& user_id,
                        TsMicros after_ts) override;
    size_t count_unread_mentions(const std::string& conversation_id, const std::string& user_id,
                                 TsMicros after_ts) override;

    // StoreWriter: accounts (sqlite_accounts.cpp).
    void insert_team(const chat::Team& team) override;
    void insert_user(const chat::User& user, const std::string& password_hash) override;
    void update_user(const chat::User& user) override;
    void set_password_hash(const std::string& user_id, const std::string& hash) override;
    void insert_token(const std::string& digest, const chat::TokenGrant& grant) override;
    void revoke_token(const std::string& digest) override;
    void revoke_user_tokens(const std::string& user_id) override;
    void insert_invitation(const std::string& digest, const chat::Invitation& inv) override;
    void record_invitation_use(const std::string& invitation_id) override;
    void revoke_invitation(const std::string& invitation_id) override;

    // StoreWriter: conversations (sqlite_conversations.cpp).
    Status insert_conversation(const chat::Conversation& conversation) override;
    Status update_conversation(const chat::Conversation& conversation) override;
    void add_member(const chat::Membership& membership) override;
    void remove_member(const std::string& conversation_id, const std::string& user_id) override;
    void set_last_read(const std::string& conversation_id, const std::string& user_id,
                       TsMicros ts) override;
    void set_open(const std::string& conversation_id, const std::string& user_id,
                  bool is_open) override;

    // StoreWriter: messages (sqlite_messages.cpp).
    void insert_message(chat::Message& message) override;
    void update_message(const chat::Message& message) override;
    void delete_message(const std::string& conversation_id, TsMicros ts) override;
    Status add_reaction(const std::string& conversation_id, TsMicros ts, const std::string& name,
                        const std::string& user_id) override;
    Status remove_reaction(const std::string& conversation_id, TsMicros ts, const std::string& name,
                           const std::string& user_id) override;
    Status add_pin(const std::string& conversation_id, TsMicros ts,
                   const std::string& user_id) override;
    Status remove_pin(const std::string& conversation_id, TsMicros ts) override;

    // The event log (sqlite_events.cpp).
    std::vector<StoredEvent> events_after(const std::string& team_id, int64_t after_seq,
                                          size_t limit) override;
    int64_t latest_event_seq() override;
    int64_t oldest_event_seq() override;
    std::string log_epoch() override;
    int64_t append_event(const NewEvent& event) override;
    size_t prune_events(TsMicros before) override;

  private:
    SQLite::Statement& statement(const char* sql) { return connection_.statement(sql); }

    Connection& connection_;
};

}  // namespace parley::store::sqlite
