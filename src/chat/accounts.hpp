// Workspaces, people and their credentials: creating a workspace with its owner, adding
// users, tokens, sign-in and sign-out, invitations, password resets and deactivation.
// Stateless apart from the store and the sign-in throttle; safe from any worker thread.
//
// Real-time events (realtime/events.hpp) go out in the same transaction as the change: every
// new user (create_workspace, create_user, accept_invitation) appends team_join, and
// member_joined_channel when they join the general channel; deactivate_user appends
// user_change. Credentials, invitations and passwords emit nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chat/model.hpp"
#include "common/result.hpp"

namespace parley::store {
class Store;
}
namespace parley::auth {
class SigninThrottle;
}

namespace parley::chat {

struct NewUser {
    std::string team_id;
    std::string email;
    std::string name;  // Handle; derived from the email when empty.
    std::string real_name;
    std::string password;
    Role role = Role::member;
};

// A user together with a freshly issued secret token. The token is shown once: only its
// digest is stored.
struct Credentials {
    User user;
    Team team;
    std::string token;
};

// The identity behind a token, as every authenticated method sees it.
struct Authenticated {
    User user;
    Team team;
    TokenKind kind = TokenKind::user;
    std::string token_digest;
};

struct IssuedInvitation {
    Invitation invitation;
    std::string secret;  // Goes into the link; only its digest is stored.
};

class Accounts {
  public:
    Accounts(store::Store& store, auth::SigninThrottle& throttle)
        : store_(store), throttle_(throttle) {}

    // A new workspace named `name`, its owner, and its "general" channel. Errors:
    // "invalid_name", "invalid_email", "password_too_short", "password_too_long".
    Result<Credentials> create_workspace(const std::string& name, const NewUser& owner);

    // The web client's first-run page: as create_workspace, but only while no workspace
    // exists at all ("setup_already_done" after), and the owner gets a session token.
    Result<Credentials> create_first_workspace(const std::string& name, const NewUser& owner);

    // Whether the first-run page should be offered.
    Result<bool> setup_required();

    // A new user of an existing workspace; non-guests join "general". Errors: "team_not_found",
    // "invalid_email", "invalid_name", "already_in_team" (email), "name_taken" (handle),
    // "password_too_short", "password_too_long".
    Result<Credentials> create_user(const NewUser& user);

    // Many users of one workspace at once, for fixtures and benchmarks (`parley admin seed`).
    // Each user is created as create_user creates one (team_join, general, an xoxp- token),
    // but all share `password`, hashed once: Argon2id costs tens of milliseconds a hash, so
    // hashing per user would take minutes for thousands. `per_transaction` users are written
    // in each transaction. The users' own `password` fields are ignored. Errors as
    // create_user; on an error the users of earlier transactions stay created.
    Result<std::vector<Credentials>> create_users_sharing_password(
        const std::string& team_id, const std::vector<NewUser>& users, const std::string& password,
        size_t per_transaction);

    // Resolves a presented token. "invalid_auth" for unknown tokens, "token_revoked" for
    // revoked ones, "account_inactive" for deactivated users.
    Result<Authenticated> authenticate(std::string_view token);

    // Email and password to a session token (xoxc-). `team` is a team id or domain and may be
    // empty when the email belongs to one workspace only. Errors: "invalid_credentials" (also
    // for unknown emails, indistinguishably), "team_required", "account_inactive",
    // "ratelimited" (too many failures for the account or the address).
    Result<Credentials> sign_in(const std::string& team, const std::string& email,
                                const std::string& password, const std::string& address);

    Status revoke_token(const std::string& token_digest);

    // A token for an existing user (xoxp- for kind user, xoxc- for session).
    Result<std::string> issue_token(const User& user, TokenKind kind);

    // Sets a new password and revokes every token of the user.
    Status reset_password(const std::string& user_id, const std::string& password);

    // Marks the user deleted. Their tokens are kept but refused ("account_inactive") for as
    // long as the user stays deactivated. "user_not_found"; owners cannot be deactivated
    // ("cant_deactivate_owner"): demote them first, so a workspace keeps one.
    Status deactivate_user(const std::string& user_id);

    // An invitation link for `email` (empty: anyone, up to max_uses). Only admins and owners
    // may invite guests or admins; members may invite members. "restricted_action",
    // "invalid_email".
    Result<IssuedInvitation> invite(const User& inviter, const std::string& email, Role role,
                                    int max_uses, int64_t ttl_seconds);

    // Joins through an invitation: "invalid_invite" (unknown, revoked, expired, used up, or
    // for another email), "ratelimited" (too many bad codes from `address`), then the
    // create_user errors. Returns a session token.
    Result<Credentials> accept_invitation(const std::string& secret, NewUser user,
                                          const std::string& address);

  private:
    Result<Credentials> insert_workspace(const std::string& name, const NewUser& owner,
                                         TokenKind token_kind, bool first_only);
    Status check_invitation(const std::string& secret, const std::string& email);

    store::Store& store_;
    auth::SigninThrottle& throttle_;
};

// Validation shared with the API layer. Emails are lowercased by normalize_email.
std::string normalize_email(std::string_view email);
bool is_valid_email(std::string_view email);
bool is_valid_handle(std::string_view name);
Status check_password(std::string_view password);
std::string domain_from_name(std::string_view name);

}  // namespace parley::chat
