// SqliteTx: workspaces, users, tokens and invitations.
#include <SQLiteCpp/Statement.h>

#include "store/sqlite/sqlite_tx.hpp"

namespace parley::store::sqlite {

namespace {

constexpr const char* kUserColumns =
    "id, team_id, name, email, role, deleted, is_bot, manual_away, real_name, display_name, "
    "title, phone, tz, status_text, status_emoji, status_expiration, avatar_hash, created, "
    "updated, avatar_url";

chat::Team read_team(SQLite::Statement& row) {
    chat::Team team;
    team.id = row.getColumn(0).getString();
    team.name = row.getColumn(1).getString();
    team.domain = row.getColumn(2).getString();
    team.created = row.getColumn(3).getInt64();
    return team;
}

chat::User read_user(SQLite::Statement& row) {
    chat::User user;
    user.id = row.getColumn(0).getString();
    user.team_id = row.getColumn(1).getString();
    user.name = row.getColumn(2).getString();
    user.email = row.getColumn(3).getString();
    user.role = chat::parse_role(row.getColumn(4).getString()).value_or(chat::Role::member);
    user.deleted = row.getColumn(5).getInt() != 0;
    user.is_bot = row.getColumn(6).getInt() != 0;
    user.manual_away = row.getColumn(7).getInt() != 0;
    user.profile.real_name = row.getColumn(8).getString();
    user.profile.display_name = row.getColumn(9).getString();
    user.profile.title = row.getColumn(10).getString();
    user.profile.phone = row.getColumn(11).getString();
    user.profile.tz = row.getColumn(12).getString();
    user.profile.status_text = row.getColumn(13).getString();
    user.profile.status_emoji = row.getColumn(14).getString();
    user.profile.status_expiration = row.getColumn(15).getInt64();
    user.profile.avatar_hash = row.getColumn(16).getString();
    user.created = row.getColumn(17).getInt64();
    user.updated = row.getColumn(18).getInt64();
    user.profile.avatar_url = row.getColumn(19).getString();
    return user;
}

std::optional<chat::User> first_user(SQLite::Statement& query) {
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_user(query);
}

std::vector<chat::User> all_users(SQLite::Statement& query) {
    std::vector<chat::User> users;
    while (query.executeStep()) {
        users.push_back(read_user(query));
    }
    return users;
}

std::string_view token_kind_name(chat::TokenKind kind) {
    return kind == chat::TokenKind::session ? "session" : "user";
}

// Binds the profile and state columns shared by insert and update, from parameter `first`.
void bind_user_fields(SQLite::Statement& query, int first, const chat::User& user) {
    query.bind(first, user.name);
    query.bind(first + 1, user.email);
    query.bind(first + 2, std::string(chat::role_name(user.role)));
    query.bind(first + 3, user.deleted ? 1 : 0);
    query.bind(first + 4, user.is_bot ? 1 : 0);
    query.bind(first + 5, user.manual_away ? 1 : 0);
    query.bind(first + 6, user.profile.real_name);
    query.bind(first + 7, user.profile.display_name);
    query.bind(first + 8, user.profile.title);
    query.bind(first + 9, user.profile.phone);
    query.bind(first + 10, user.profile.tz);
    query.bind(first + 11, user.profile.status_text);
    query.bind(first + 12, user.profile.status_emoji);
    query.bind(first + 13, static_cast<int64_t>(user.profile.status_expiration));
    query.bind(first + 14, user.profile.avatar_hash);
    query.bind(first + 15, static_cast<int64_t>(user.updated));
    query.bind(first + 16, user.profile.avatar_url);
}

}  // namespace

std::optional<chat::Team> SqliteTx::find_team(const std::string& team_id) {
    auto& query = statement("SELECT id, name, domain, created FROM teams WHERE id = ?");
    query.bind(1, team_id);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_team(query);
}

std::optional<chat::Team> SqliteTx::find_team_by_domain(const std::string& domain) {
    auto& query = statement("SELECT id, name, domain, created FROM teams WHERE domain = ?");
    query.bind(1, domain);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_team(query);
}

bool SqliteTx::has_teams() {
    auto& query = statement("SELECT 1 FROM teams LIMIT 1");
    return query.executeStep();
}

std::optional<chat::User> SqliteTx::find_user(const std::string& user_id) {
    static const std::string sql =
        std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, user_id);
    return first_user(query);
}

std::optional<chat::User> SqliteTx::find_user_by_email(const std::string& team_id,
                                                       const std::string& email) {
    static const std::string sql =
        std::string("SELECT ") + kUserColumns + " FROM users WHERE team_id = ? AND email = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    query.bind(2, email);
    return first_user(query);
}

std::optional<chat::User> SqliteTx::find_user_by_name(const std::string& team_id,
                                                      const std::string& name) {
    static const std::string sql =
        std::string("SELECT ") + kUserColumns + " FROM users WHERE team_id = ? AND name = ?";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    query.bind(2, name);
    return first_user(query);
}

std::vector<chat::User> SqliteTx::users_with_email(const std::string& email) {
    static const std::string sql =
        std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ? ORDER BY id";
    auto& query = statement(sql.c_str());
    query.bind(1, email);
    return all_users(query);
}

std::vector<chat::User> SqliteTx::list_users(const std::string& team_id, const Page& page) {
    static const std::string sql = std::string("SELECT ") + kUserColumns +
                                   " FROM users WHERE team_id = ? AND id > ? ORDER BY id LIMIT ?";
    auto& query = statement(sql.c_str());
    query.bind(1, team_id);
    query.bind(2, page.after);
    query.bind(3, static_cast<int64_t>(page.limit));
    return all_users(query);
}

std::string SqliteTx::password_hash(const std::string& user_id) {
    auto& query = statement("SELECT password_hash FROM users WHERE id = ?");
    query.bind(1, user_id);
    return query.executeStep() ? query.getColumn(0).getString() : std::string();
}

std::optional<chat::TokenGrant> SqliteTx::find_token(const std::string& digest) {
    auto& query = statement("SELECT user_id, team_id, kind, revoked FROM tokens WHERE digest = ?");
    query.bind(1, digest);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    chat::TokenGrant grant;
    grant.user_id = query.getColumn(0).getString();
    grant.team_id = query.getColumn(1).getString();
    grant.kind = query.getColumn(2).getString() == "session" ? chat::TokenKind::session
                                                             : chat::TokenKind::user;
    grant.revoked = query.getColumn(3).getInt() != 0;
    return grant;
}

std::optional<chat::Invitation> SqliteTx::find_invitation(const std::string& digest) {
    auto& query = statement(
        "SELECT id, team_id, inviter_id, email, role, created, expires, max_uses, uses, revoked "
        "FROM invitations WHERE digest = ?");
    query.bind(1, digest);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    chat::Invitation inv;
    inv.id = query.getColumn(0).getString();
    inv.team_id = query.getColumn(1).getString();
    inv.inviter_id = query.getColumn(2).getString();
    inv.email = query.getColumn(3).getString();
    inv.role = chat::parse_role(query.getColumn(4).getString()).value_or(chat::Role::member);
    inv.created = query.getColumn(5).getInt64();
    inv.expires = query.getColumn(6).getInt64();
    inv.max_uses = query.getColumn(7).getInt();
    inv.uses = query.getColumn(8).getInt();
    inv.revoked = query.getColumn(9).getInt() != 0;
    return inv;
}

void SqliteTx::insert_team(const chat::Team& team) {
    auto& query = statement("INSERT INTO teams (id, name, domain, created) VALUES (?, ?, ?, ?)");
    query.bind(1, team.id);
    query.bind(2, team.name);
    query.bind(3, team.domain);
    query.bind(4, static_cast<int64_t>(team.created));
    query.exec();
}

void SqliteTx::insert_user(const chat::User& user, const std::string& password_hash) {
    auto& query = statement(
        "INSERT INTO users (name, email, role, deleted, is_bot, manual_away, real_name, "
        "display_name, title, phone, tz, status_text, status_emoji, status_expiration, "
        "avatar_hash, updated, avatar_url, id, team_id, password_hash, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bind_user_fields(query, 1, user);
    query.bind(18, user.id);
    query.bind(19, user.team_id);
    query.bind(20, password_hash);
    query.bind(21, static_cast<int64_t>(user.created));
    query.exec();
}

void SqliteTx::update_user(const chat::User& user) {
    auto& query = statement(
        "UPDATE users SET name = ?, email = ?, role = ?, deleted = ?, is_bot = ?, "
        "manual_away = ?, real_name = ?, display_name = ?, title = ?, phone = ?, tz = ?, "
        "status_text = ?, status_emoji = ?, status_expiration = ?, avatar_hash = ?, "
        "updated = ?, avatar_url = ? WHERE id = ?");
    bind_user_fields(query, 1, user);
    query.bind(18, user.id);
    query.exec();
}

void SqliteTx::set_password_hash(const std::string& user_id, const std::string& hash) {
    auto& query = statement("UPDATE users SET password_hash = ? WHERE id = ?");
    query.bind(1, hash);
    query.bind(2, user_id);
    query.exec();
}

void SqliteTx::insert_token(const std::string& digest, const chat::TokenGrant& grant) {
    auto& query = statement(
        "INSERT INTO tokens (digest, user_id, team_id, kind, created) "
        "VALUES (?, ?, ?, ?, strftime('%s', 'now'))");
    query.bind(1, digest);
    query.bind(2, grant.user_id);
    query.bind(3, grant.team_id);
    query.bind(4, std::string(token_kind_name(grant.kind)));
    query.exec();
}

void SqliteTx::revoke_token(const std::string& digest) {
    auto& query = statement("UPDATE tokens SET revoked = 1 WHERE digest = ?");
    query.bind(1, digest);
    query.exec();
}

void SqliteTx::revoke_user_tokens(const std::string& user_id) {
    auto& query = statement("UPDATE tokens SET revoked = 1 WHERE user_id = ?");
    query.bind(1, user_id);
    query.exec();
}

void SqliteTx::insert_invitation(const std::string& digest, const chat::Invitation& inv) {
    auto& query = statement(
        "INSERT INTO invitations (id, digest, team_id, inviter_id, email, role, created, "
        "expires, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    query.bind(1, inv.id);
    query.bind(2, digest);
    query.bind(3, inv.team_id);
    query.bind(4, inv.inviter_id);
    query.bind(5, inv.email);
    query.bind(6, std::string(chat::role_name(inv.role)));
    query.bind(7, static_cast<int64_t>(inv.created));
    query.bind(8, static_cast<int64_t>(inv.expires));
    query.bind(9, inv.max_uses);
    query.exec();
}

void SqliteTx::record_invitation_use(const std::string& invitation_id) {
    auto& query = statement("UPDATE invitations SET uses = uses + 1 WHERE id = ?");
    query.bind(1, invitation_id);
    query.exec();
}

void SqliteTx::revoke_invitation(const std::string& invitation_id) {
    auto& query = statement("UPDATE invitations SET revoked = 1 WHERE id = ?");
    query.bind(1, invitation_id);
    query.exec();
}

}  // namespace parley::store::sqlite
