// SqliteTx: the event log. Appends happen inside the write transaction of the change they
// describe; the writer hands them to the commit listener once COMMIT has succeeded.
#include <SQLiteCpp/Statement.h>

#include "store/sqlite/sqlite_tx.hpp"

namespace parley::store::sqlite {

namespace {

std::string_view audience_name(EventAudience audience) {
    switch (audience) {
        case EventAudience::team:
            return "team";
        case EventAudience::user:
            return "user";
        case EventAudience::conversation:
            return "conversation";
    }
    return "conversation";
}

EventAudience parse_audience(const std::string& name) {
    if (name == "team")
        return EventAudience::team;
    if (name == "user")
        return EventAudience::user;
    return EventAudience::conversation;
}

}  // namespace

std::vector<StoredEvent> SqliteTx::events_after(const std::string& team_id, int64_t after_seq,
                                                size_t limit) {
    auto& query = statement(
        "SELECT seq, audience, conversation_id, user_id, type, payload, created FROM events "
        "WHERE team_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    query.bind(1, team_id);
    query.bind(2, static_cast<int64_t>(after_seq));
    query.bind(3, static_cast<int64_t>(limit));
    std::vector<StoredEvent> events;
    while (query.executeStep()) {
        StoredEvent event;
        event.team_id = team_id;
        event.seq = query.getColumn(0).getInt64();
        event.audience = parse_audience(query.getColumn(1).getString());
        event.conversation_id = query.getColumn(2).getString();
        event.user_id = query.getColumn(3).getString();
        event.type = query.getColumn(4).getString();
        event.payload = query.getColumn(5).getString();
        event.created = query.getColumn(6).getInt64();
        events.push_back(std::move(event));
    }
    return events;
}

int64_t SqliteTx::latest_event_seq() {
    auto& query = statement("SELECT COALESCE(MAX(seq), 0) FROM events");
    query.executeStep();
    return query.getColumn(0).getInt64();
}

int64_t SqliteTx::oldest_event_seq() {
    auto& query = statement("SELECT COALESCE(MIN(seq), 0) FROM events");
    query.executeStep();
    return query.getColumn(0).getInt64();
}

std::string SqliteTx::log_epoch() {
    auto& query = statement("SELECT value FROM meta WHERE key = 'log_epoch'");
    return query.executeStep() ? query.getColumn(0).getString() : std::string();
}

int64_t SqliteTx::append_event(const NewEvent& event) {
    StoredEvent stored;
    static_cast<NewEvent&>(stored) = event;
    stored.created = now_micros();

    auto& insert = statement(
        "INSERT INTO events (team_id, audience, conversation_id, user_id, type, payload, "
        "created) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, event.team_id);
    insert.bind(2, std::string(audience_name(event.audience)));
    insert.bind(3, event.conversation_id);
    insert.bind(4, event.user_id);
    insert.bind(5, event.type);
    insert.bind(6, event.payload);
    insert.bind(7, static_cast<int64_t>(stored.created));
    insert.exec();

    stored.seq = connection_.db().getLastInsertRowid();
    connection_.pending_events().push_back(std::move(stored));
    return connection_.pending_events().back().seq;
}

size_t SqliteTx::prune_events(TsMicros before) {
    auto& remove = statement("DELETE FROM events WHERE created < ?");
    remove.bind(1, static_cast<int64_t>(before));
    return static_cast<size_t>(remove.exec());
}

}  // namespace parley::store::sqlite
