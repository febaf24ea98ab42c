#include "chat/accounts.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <iterator>

#include "auth/password.hpp"
#include "auth/signin_throttle.hpp"
#include "common/ids.hpp"
#include "common/utf8.hpp"
#include "realtime/events.hpp"
#include "store/store.hpp"

namespace parley::chat {

namespace {

constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxHandleBytes = 80;
constexpr size_t kMaxTeamNameChars = 100;
constexpr size_t kMaxRealNameChars = 250;
constexpr std::string_view kGeneralChannel = "general";

std::string_view token_prefix(TokenKind kind) {
    return kind == TokenKind::session ? "xoxc-" : "xoxp-";
}

// A handle from the part of the email before '@': lowercased, other characters dropped.
std::string handle_from_email(std::string_view email) {
    std::string handle;
    for (char c : email.substr(0, email.find('@'))) {
        auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '.' || c == '-' || c == '_') {
            handle += static_cast<char>(std::tolower(byte));
        }
    }
    return handle.empty() ? std::string("user") : handle.substr(0, kMaxHandleBytes - 4);
}

// The first of base, base2, base3, ... that `taken` says is free.
template <class Taken>
std::string first_free(const std::string& base, Taken taken) {
    if (!taken(base)) {
        return base;
    }
    for (int suffix = 2;; ++suffix) {
        std::string candidate = base + std::to_string(suffix);
        if (!taken(candidate)) {
            return candidate;
        }
    }
}

Status validate_new_user(const NewUser& user) {
    if (!is_valid_email(user.email)) {
        return make_error("invalid_email");
    }
    if (!user.name.empty() && !is_valid_handle(user.name)) {
        return make_error("invalid_name");
    }
    if (utf8_length(user.real_name) > kMaxRealNameChars) {
        return make_error("invalid_name");
    }
    return check_password(user.password);
}

// Spends the time a real verification would, so a missing account is not revealed by a
// faster answer.
void verify_against_dummy(std::string_view password) {
    static const std::string dummy = auth::hash_password("parley-timing-equaliser");
    (void)auth::verify_password(dummy, password);
}

// The workspace-wide channel every non-guest joins, created with the owner as its member.
Status insert_general_channel(store::StoreWriter& tx, const User& owner) {
    Conversation general;
    general.id = new_id('C');
    general.team_id = owner.team_id;
    general.name = std::string(kGeneralChannel);
    general.is_general = true;
    general.creator = owner.id;
    general.created = owner.created;
    general.purpose.value = "This channel is for workspace-wide communication.";
    general.purpose.creator = owner.id;
    general.purpose.last_set = owner.created;
    if (auto inserted = tx.insert_conversation(general); !inserted) {
        return inserted;
    }
    tx.add_member(Membership{general.id, owner.id, owner.created, 0, true});
    return ok_status();
}

// Issues a token for `user` inside the caller's transaction; returns the secret.
std::string insert_token(store::StoreWriter& tx, const User& user, TokenKind kind) {
    std::string secret = new_secret(token_prefix(kind));
    tx.insert_token(secret_digest(secret), TokenGrant{user.id, user.team_id, kind});
    return secret;
}

// Inside the caller's write transaction. The password is hashed before the transaction
// starts, because Argon2 takes tens of milliseconds and the writer thread must not wait.
Result<Credentials> insert_user_with_token(store::StoreWriter& tx, const Team& team,
                                           const NewUser& request, const std::string& password_hash,
                                           TokenKind kind) {
    if (tx.find_user_by_email(team.id, request.email)) {
        return make_error("already_in_team");
    }
    User user;
    user.id = new_id('U');
    user.team_id = team.id;
    user.email = request.email;
    user.role = request.role;
    if (!request.name.empty()) {
        if (tx.find_user_by_name(team.id, request.name)) {
            return make_error("name_taken");
        }
        user.name = request.name;
    } else {
        user.name = first_free(handle_from_email(request.email), [&](const std::string& name) {
            return tx.find_user_by_name(team.id, name).has_value();
        });
    }
    user.profile.real_name = request.real_name.empty() ? user.name : request.real_name;
    user.created = now_seconds();
    user.updated = user.created;
    tx.insert_user(user, password_hash);
    realtime::team_joined(tx, user);

    auto general = tx.find_general_channel(team.id);
    if (general && user.role != Role::guest) {
        tx.add_member(Membership{general->id, user.id, user.created, 0, true});
        realtime::member_joined_channel(tx, *general, user.id, "");
    }
    std::string token = insert_token(tx, user, kind);
    return Credentials{std::move(user), team, std::move(token)};
}

// Not revoked, not expired, not used up, and for this email if it names one.
bool is_usable(const std::optional<Invitation>& inv, const std::string& email) {
    return inv && !inv->revoked && inv->expires >= now_seconds() && inv->uses < inv->max_uses &&
           (inv->email.empty() || inv->email == email);
}

}  // namespace

std::string normalize_email(std::string_view email) {
    std::string lowered(email);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lowered;
}

bool is_valid_email(std::string_view email) {
    size_t at = email.find('@');
    if (email.size() > kMaxEmailBytes || at == 0 || at == std::string_view::npos ||
        at + 1 >= email.size() || email.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    for (char c : email) {
        if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',') {
            return false;
        }
    }
    return is_valid_utf8(email) && email.find('.', at) != std::string_view::npos;
}

bool is_valid_handle(std::string_view name) {
    if (name.empty() || name.size() > kMaxHandleBytes) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    });
}

Status check_password(std::string_view password) {
    if (utf8_length(password) < auth::kMinPasswordLength) {
        return make_error("password_too_short");
    }
    if (password.size() > auth::kMaxPasswordBytes) {
        return make_error("password_too_long");
    }
    return ok_status();
}

std::string domain_from_name(std::string_view name) {
    std::string domain;
    for (char c : name) {
        auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte)) {
            domain += static_cast<char>(std::tolower(byte));
        } else if (!domain.empty() && domain.back() != '-') {
            domain += '-';
        }
    }
    while (!domain.empty() && domain.back() == '-') {
        domain.pop_back();
    }
    return domain.empty() ? std::string("workspace") : domain.substr(0, 40);
}

Result<Credentials> Accounts::create_workspace(const std::string& name, const NewUser& owner) {
    return insert_workspace(name, owner, TokenKind::user, /*first_only=*/false);
}

Result<Credentials> Accounts::create_first_workspace(const std::string& name,
                                                     const NewUser& owner) {
    // Checked before hashing too: once set up, the page must not be a way to make the
    // server spend Argon2's time and memory for nothing.
    auto required = setup_required();
    if (!required) {
        return required.error();
    }
    if (!*required) {
        return make_error("setup_already_done");
    }
    return insert_workspace(name, owner, TokenKind::session, /*first_only=*/true);
}

Result<bool> Accounts::setup_required() {
    return store::read_value<bool>(
        store_, [](store::StoreReader& reader) -> Result<bool> { return !reader.has_teams(); });
}

Result<Credentials> Accounts::insert_workspace(const std::string& name, const NewUser& owner,
                                               TokenKind token_kind, bool first_only) {
    if (name.empty() || utf8_length(name) > kMaxTeamNameChars || !is_valid_utf8(name)) {
        return make_error("invalid_name");
    }
    NewUser first = owner;
    first.email = normalize_email(owner.email);
    first.role = Role::owner;
    if (auto valid = validate_new_user(first); !valid) {
        return valid.error();
    }
    std::string password_hash = auth::hash_password(first.password);

    Team team;
    team.id = new_id('T');
    team.name = name;
    team.created = now_seconds();
    first.team_id = team.id;
    std::optional<Credentials> created;
    Status written = store_.write([&](store::StoreWriter& tx) -> Status {
        // Checked inside the write transaction, so two first-run pages racing each other
        // cannot both create a workspace.
        if (first_only && tx.has_teams()) {
            return make_error("setup_already_done");
        }
        team.domain = first_free(domain_from_name(name), [&](const std::string& candidate) {
            return tx.find_team_by_domain(candidate).has_value();
        });
        tx.insert_team(team);

        auto credentials = insert_user_with_token(tx, team, first, password_hash, token_kind);
        if (!credentials) {
            return credentials.error();
        }
        if (auto general = insert_general_channel(tx, credentials->user); !general) {
            return general;
        }
        created = std::move(credentials.value());
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    spdlog::info("accounts: workspace created team={} owner={}", team.id, created->user.id);
    return std::move(*created);
}

Result<Credentials> Accounts::create_user(const NewUser& request) {
    NewUser user = request;
    user.email = normalize_email(request.email);
    if (auto valid = validate_new_user(user); !valid) {
        return valid.error();
    }
    std::string password_hash = auth::hash_password(user.password);

    auto created =
        store::write_value<Credentials>(store_, [&](store::StoreWriter& tx) -> Result<Credentials> {
            auto team = tx.find_team(user.team_id);
            if (!team) {
                return make_error("team_not_found");
            }
            return insert_user_with_token(tx, *team, user, password_hash, TokenKind::user);
        });
    if (!created) {
        return created.error();
    }
    spdlog::info("accounts: user created team={} user={} role={}", created->team.id,
                 created->user.id, role_name(created->user.role));
    return std::move(*created);
}

Result<std::vector<Credentials>> Accounts::create_users_sharing_password(
    const std::string& team_id, const std::vector<NewUser>& users, const std::string& password,
    size_t per_transaction) {
    std::vector<NewUser> requests;
    requests.reserve(users.size());
    for (const auto& user : users) {
        NewUser request = user;
        request.team_id = team_id;
        request.email = normalize_email(user.email);
        request.password = password;
        if (auto valid = validate_new_user(request); !valid) {
            return valid.error();
        }
        requests.push_back(std::move(request));
    }
    const std::string password_hash = auth::hash_password(password);

    std::vector<Credentials> created;
    created.reserve(requests.size());
    const size_t batch = std::max<size_t>(per_transaction, 1);
    for (size_t first = 0; first < requests.size(); first += batch) {
        const size_t last = std::min(first + batch, requests.size());
        std::vector<Credentials> written;
        Status status = store_.write([&](store::StoreWriter& tx) -> Status {
            written.clear();  // A retried transaction starts over.
            auto team = tx.find_team(team_id);
            if (!team) {
                return make_error("team_not_found");
            }
            for (size_t i = first; i < last; ++i) {
                auto credentials =
                    insert_user_with_token(tx, *team, requests[i], password_hash, TokenKind::user);
                if (!credentials) {
                    return credentials.error();
                }
                written.push_back(std::move(*credentials));
            }
            return ok_status();
        });
        if (!status) {
            return status.error();
        }
        std::move(written.begin(), written.end(), std::back_inserter(created));
    }
    spdlog::info("accounts: users created team={} count={}", team_id, created.size());
    return created;
}

Status Accounts::check_invitation(const std::string& secret, const std::string& email) {
    return store_.read([&](store::StoreReader& reader) -> Status {
        if (!is_usable(reader.find_invitation(secret_digest(secret)), email)) {
            return make_error("invalid_invite");
        }
        return ok_status();
    });
}

Result<Authenticated> Accounts::authenticate(std::string_view token) {
    std::optional<Authenticated> found;
    std::string digest = secret_digest(token);
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        auto grant = reader.find_token(digest);
        if (!grant) {
            return make_error("invalid_auth");
        }
        if (grant->revoked) {
            return make_error("token_revoked");
        }
        auto user = reader.find_user(grant->user_id);
        auto team = reader.find_team(grant->team_id);
        if (!user || !team) {
            return make_error("invalid_auth");
        }
        if (user->deleted) {
            return make_error("account_inactive");
        }
        found = Authenticated{std::move(*user), std::move(*team), grant->kind, digest};
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    return std::move(*found);
}

Result<Credentials> Accounts::sign_in(const std::string& team, const std::string& email,
                                      const std::string& password, const std::string& address) {
    std::string account = normalize_email(email);
    if (!throttle_.allowed(account, address)) {
        spdlog::warn("accounts: sign-in throttled remote={}", address);
        return make_error("ratelimited");
    }

    std::vector<User> matches;
    std::vector<std::string> hashes;
    std::optional<Team> chosen;
    Status read = store_.read([&](store::StoreReader& reader) -> Status {
        for (auto& user : reader.users_with_email(account)) {
            auto user_team = reader.find_team(user.team_id);
            if (user_team && (team.empty() || team == user_team->id || team == user_team->domain)) {
                chosen = user_team;
                hashes.push_back(reader.password_hash(user.id));
                matches.push_back(std::move(user));
            }
        }
        return ok_status();
    });
    if (!read) {
        return read.error();
    }
    if (matches.empty()) {
        verify_against_dummy(password);
        throttle_.record_failure(account, address);
        return make_error("invalid_credentials");
    }
    // With several workspaces to choose from, "team_required" is said only to someone who
    // knows one of the passwords, so it reveals nothing to a stranger.
    bool any_matches = false;
    for (const auto& hash : hashes) {
        any_matches = any_matches || auth::verify_password(hash, password);
    }
    if (!any_matches) {
        throttle_.record_failure(account, address);
        return make_error("invalid_credentials");
    }
    if (matches.size() > 1) {
        return make_error("team_required");
    }
    if (matches.front().deleted) {
        return make_error("account_inactive");
    }
    throttle_.record_success(account);

    auto token = issue_token(matches.front(), TokenKind::session);
    if (!token) {
        return token.error();
    }
    return Credentials{std::move(matches.front()), std::move(*chosen), std::move(*token)};
}

Status Accounts::revoke_token(const std::string& token_digest) {
    return store_.write([&](store::StoreWriter& tx) -> Status {
        tx.revoke_token(token_digest);
        return ok_status();
    });
}

Result<std::string> Accounts::issue_token(const User& user, TokenKind kind) {
    std::string secret;
    Status written = store_.write([&](store::StoreWriter& tx) -> Status {
        secret = insert_token(tx, user, kind);
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return secret;
}

Status Accounts::reset_password(const std::string& user_id, const std::string& password) {
    if (auto valid = check_password(password); !valid) {
        return valid;
    }
    std::string hash = auth::hash_password(password);
    return store_.write([&](store::StoreWriter& tx) -> Status {
        if (!tx.find_user(user_id)) {
            return make_error("user_not_found");
        }
        tx.set_password_hash(user_id, hash);
        tx.revoke_user_tokens(user_id);
        return ok_status();
    });
}

Status Accounts::deactivate_user(const std::string& user_id) {
    return store_.write([&](store::StoreWriter& tx) -> Status {
        auto user = tx.find_user(user_id);
        if (!user) {
            return make_error("user_not_found");
        }
        if (user->role == Role::owner) {
            return make_error("cant_deactivate_owner");
        }
        user->deleted = true;
        user->updated = now_seconds();
        tx.update_user(*user);
        realtime::user_changed(tx, *user);
        return ok_status();
    });
}

Result<IssuedInvitation> Accounts::invite(const User& inviter, const std::string& email, Role role,
                                          int max_uses, int64_t ttl_seconds) {
    if (inviter.role == Role::guest || (!is_admin_or_owner(inviter.role) && role != Role::member) ||
        role == Role::owner) {
        return make_error("restricted_action");
    }
    std::string normalized = normalize_email(email);
    if (!normalized.empty() && !is_valid_email(normalized)) {
        return make_error("invalid_email");
    }

    IssuedInvitation issued;
    issued.secret = new_secret("inv-");
    Invitation& inv = issued.invitation;
    inv.id = new_id('I');
    inv.team_id = inviter.team_id;
    inv.inviter_id = inviter.id;
    inv.email = normalized;
    inv.role = role;
    inv.created = now_seconds();
    inv.expires = inv.created + ttl_seconds;
    inv.max_uses = normalized.empty() ? max_uses : 1;
    Status written = store_.write([&](store::StoreWriter& tx) -> Status {
        if (!normalized.empty() && tx.find_user_by_email(inviter.team_id, normalized)) {
            return make_error("already_in_team");
        }
        tx.insert_invitation(secret_digest(issued.secret), inv);
        return ok_status();
    });
    if (!written) {
        return written.error();
    }
    return issued;
}

Result<Credentials> Accounts::accept_invitation(const std::string& secret, NewUser request,
                                                const std::string& address) {
    // Invitation codes are guessed like passwords are, so failures count the same way.
    const std::string throttle_key = "invitation";
    if (!throttle_.allowed(throttle_key, address)) {
        return make_error("ratelimited");
    }
    request.email = normalize_email(request.email);
    if (auto usable = check_invitation(secret, request.email); !usable) {
        throttle_.record_failure(throttle_key, address);
        return usable.error();
    }
    if (auto valid = validate_new_user(request); !valid) {
        return valid.error();
    }
    std::string password_hash = auth::hash_password(request.password);

    auto created =
        store::write_value<Credentials>(store_, [&](store::StoreWriter& tx) -> Result<Credentials> {
            auto inv = tx.find_invitation(secret_digest(secret));
            if (!is_usable(inv, request.email)) {
                return make_error("invalid_invite");
            }
            auto team = tx.find_team(inv->team_id);
            if (!team) {
                return make_error("invalid_invite");
            }
            request.team_id = team->id;
            request.role = inv->role;
            auto credentials =
                insert_user_with_token(tx, *team, request, password_hash, TokenKind::session);
            if (credentials) {
                tx.record_invitation_use(inv->id);
            }
            return credentials;
        });
    if (!created) {
        return created.error();
    }
    spdlog::info("accounts: invitation accepted team={} user={}", created->team.id,
                 created->user.id);
    return std::move(*created);
}

}  // namespace parley::chat
