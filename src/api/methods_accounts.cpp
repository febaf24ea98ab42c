// api.test, auth.*, team.info, invitations and first-run setup: who is calling and how
// people get in.
#include <fmt/format.h>

#include "api/call.hpp"
#include "api/render.hpp"
#include "chat/accounts.hpp"
#include "common/json_value.hpp"

namespace parley::api {

namespace {

constexpr int64_t kDefaultInviteTtlSeconds = 7 * 24 * 3600;
constexpr int64_t kMaxInviteTtlSeconds = 90 * 24 * 3600;

// Echoes its arguments; `error` makes it fail with that error, as Slack's does.
Result<Json> api_test(Call& call) {
    if (call.args.has("error")) {
        return make_error(call.args.text("error"));
    }
    Json args = Json::object();
    call.args.for_each([&](const std::string& name, const std::string& value) {
        if (name != "token") {
            args[name] = value;
        }
    });
    return args.empty() ? Json::object() : Json{{"args", args}};
}

Result<Json> auth_test(Call& call) {
    const Caller& who = call.who();
    return Json{
        {"url", call.services.public_url.get() + "/"},
        {"team", who.team.name},
        {"user", who.user.name},
        {"team_id", who.team.id},
        {"user_id", who.user.id},
        {"is_enterprise_install", false},
    };
}

Json credentials_json(const chat::Credentials& credentials) {
    return Json{
        {"token", credentials.token},          {"user_id", credentials.user.id},
        {"team_id", credentials.team.id},      {"user", user_json(credentials.user)},
        {"team", team_json(credentials.team)},
    };
}

// Email and password to a session token: Parley's own method (Slack signs people in through
// its web pages, which have no API equivalent).
Result<Json> auth_signin(Call& call) {
    auto signed_in =
        call.services.accounts.sign_in(call.args.text("team"), call.args.text("email"),
                                       call.args.text("password"), call.remote_address);
    if (!signed_in) {
        return signed_in.error();
    }
    return credentials_json(*signed_in);
}

// Revokes the calling token (auth.signout and Slack's auth.revoke); `test` only checks.
Result<Json> auth_revoke(Call& call) {
    if (call.args.flag("test")) {
        return Json{{"revoked", false}};
    }
    if (auto revoked = call.services.accounts.revoke_token(call.who().token_digest); !revoked) {
        return revoked.error();
    }
    return Json{{"revoked", true}};
}

Result<Json> team_info(Call& call) {
    std::string wanted = call.args.text("team");
    if (!wanted.empty() && wanted != call.who().team.id) {
        return make_error("team_not_found");
    }
    return Json{{"team", team_json(call.who().team)}};
}

Result<Json> invites_create(Call& call) {
    auto role = chat::parse_role(call.args.get("role").value_or("member"));
    if (!role) {
        return make_error("invalid_arguments", "unknown role");
    }
    auto max_uses = call.args.integer("max_uses", 1, 1, 1000);
    auto ttl = call.args.integer("expires_in", kDefaultInviteTtlSeconds, 60, kMaxInviteTtlSeconds);
    if (!max_uses || !ttl) {
        return make_error("invalid_arguments");
    }
    auto issued = call.services.accounts.invite(call.who().user, call.args.text("email"), *role,
                                                static_cast<int>(*max_uses), *ttl);
    if (!issued) {
        return issued.error();
    }
    const chat::Invitation& inv = issued->invitation;
    return Json{
        {"invite",
         Json{{"id", inv.id},
              {"code", issued->secret},
              {"url", fmt::format("{}/join/{}", call.services.public_url.get(), issued->secret)},
              {"email", inv.email},
              {"role", chat::role_name(inv.role)},
              {"expires", inv.expires},
              {"max_uses", inv.max_uses}}},
    };
}

Result<Json> invites_accept(Call& call) {
    chat::NewUser user;
    user.email = call.args.text("email");
    user.name = call.args.text("name");
    user.real_name = call.args.text("real_name");
    user.password = call.args.text("password");
    auto joined =
        call.services.accounts.accept_invitation(call.args.text("code"), user, call.remote_address);
    if (!joined) {
        return joined.error();
    }
    return credentials_json(*joined);
}

// Parley only: tells the web client whether to show its first-run page.
Result<Json> setup_info(Call& call) {
    auto required = call.services.accounts.setup_required();
    if (!required) {
        return required.error();
    }
    return Json{{"setup_required", *required}};
}

// Parley only: the first-run page creates the first workspace; its creator becomes the
// owner and is signed in. Refused once any workspace exists.
Result<Json> setup_create_workspace(Call& call) {
    chat::NewUser owner;
    owner.email = call.args.text("email");
    owner.name = call.args.text("name");
    owner.real_name = call.args.text("real_name");
    owner.password = call.args.text("password");
    auto created =
        call.services.accounts.create_first_workspace(call.args.text("team_name"), owner);
    if (!created) {
        return created.error();
    }
    return credentials_json(*created);
}

}  // namespace

void register_account_methods(MethodTable& table) {
    table.add("api.test", api_test, /*needs_auth=*/false);
    table.add("auth.test", auth_test);
    table.add("auth.signin", auth_signin, /*needs_auth=*/false);
    table.add("auth.signout", auth_revoke);
    table.add("auth.revoke", auth_revoke);
    table.add("team.info", team_info);
    table.add("invites.create", invites_create);
    table.add("invites.accept", invites_accept, /*needs_auth=*/false);
    table.add("setup.info", setup_info, /*needs_auth=*/false);
    table.add("setup.createWorkspace", setup_create_workspace, /*needs_auth=*/false);
}

}  // namespace parley::api
