#include "store/sqlite/schema.hpp"

namespace parley::store::sqlite {

// Each entry is one migration, applied in order exactly once; PRAGMA user_version records how
// many have run. Never edit a released migration: append a new one.
const std::vector<std::string_view>& migrations() {
    static const std::vector<std::string_view> kMigrations = {
        R"sql(
CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    is_bot INTEGER NOT NULL DEFAULT 0,
    manual_away INTEGER NOT NULL DEFAULT 0,
    real_name TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    tz TEXT NOT NULL DEFAULT 'UTC',
    status_text TEXT NOT NULL DEFAULT '',
    status_emoji TEXT NOT NULL DEFAULT '',
    status_expiration INTEGER NOT NULL DEFAULT 0,
    avatar_hash TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    UNIQUE (team_id, email),
    UNIQUE (team_id, name)
);
CREATE INDEX users_by_email ON users(email);

CREATE TABLE tokens (
    digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    kind TEXT NOT NULL,
    created INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_user ON tokens(user_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    team_id TEXT NOT NULL REFERENCES teams(id),
    inviter_id TEXT NOT NULL REFERENCES users(id),
    email TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    max_uses INTEGER NOT NULL,
    uses INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);

-- kind: 'public', 'private', 'im', 'mpim'. dm_key: the sorted participant ids joined by
-- ',' for im and mpim, NULL for channels. last_ts: the newest message's ts in microseconds.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    creator TEXT NOT NULL,
    created INTEGER NOT NULL,
    is_archived INTEGER NOT NULL DEFAULT 0,
    is_general INTEGER NOT NULL DEFAULT 0,
    topic TEXT NOT NULL DEFAULT '',
    topic_creator TEXT NOT NULL DEFAULT '',
    topic_last_set INTEGER NOT NULL DEFAULT 0,
    purpose TEXT NOT NULL DEFAULT '',
    purpose_creator TEXT NOT NULL DEFAULT '',
    purpose_last_set INTEGER NOT NULL DEFAULT 0,
    last_ts INTEGER NOT NULL DEFAULT 0,
    dm_key TEXT
);
CREATE UNIQUE INDEX conversations_channel_name ON conversations(team_id, name)
    WHERE kind IN ('public', 'private');
CREATE UNIQUE INDEX conversations_dm_key ON conversations(team_id, dm_key)
    WHERE dm_key IS NOT NULL;

CREATE TABLE members (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    joined INTEGER NOT NULL,
    last_read INTEGER NOT NULL DEFAULT 0,
    is_open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members(user_id, conversation_id);

-- ts and thread_ts in microseconds; thread_ts 0 means not in a thread. reply_users and the
-- mention columns hold ids separated by ','.
CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    ts INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    subtype TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    blocks TEXT NOT NULL DEFAULT '',
    thread_ts INTEGER NOT NULL DEFAULT 0,
    reply_count INTEGER NOT NULL DEFAULT 0,
    reply_users TEXT NOT NULL DEFAULT '',
    latest_reply INTEGER NOT NULL DEFAULT 0,
    edited_by TEXT NOT NULL DEFAULT '',
    edited_ts INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    client_msg_id TEXT,
    mention_users TEXT NOT NULL DEFAULT '',
    mention_channels TEXT NOT NULL DEFAULT '',
    mention_flags INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, ts)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client_msg_id ON messages(conversation_id, user_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
CREATE INDEX messages_in_thread ON messages(conversation_id, thread_ts, ts)
    WHERE thread_ts != 0;

-- One row a mentioned user a message, so unread mention counts are an index range scan.
CREATE TABLE mentions (
    conversation_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (user_id, conversation_id, ts)
) WITHOUT ROWID;

CREATE TABLE reactions (
    conversation_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, ts, name, user_id)
) WITHOUT ROWID;

CREATE TABLE pins (
    conversation_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    pinned_by TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, ts)
) WITHOUT ROWID;
)sql",
        // 2: the event log behind real-time delivery and resume (docs/realtime.md). seq is
        // AUTOINCREMENT so that a seq is never reused, even after old events are pruned.
        R"sql(
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    conversation_id TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE INDEX events_by_team ON events(team_id, seq);
CREATE INDEX events_by_created ON events(created);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('log_epoch', lower(hex(randomblob(8))));
)sql",
        // 3: the user's chosen avatar image.
        R"sql(
ALTER TABLE users ADD COLUMN avatar_url TEXT NOT NULL DEFAULT '';
)sql",
    };
    return kMigrations;
}

}  // namespace parley::store::sqlite
