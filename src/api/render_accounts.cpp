// Slack's JSON shapes for teams, users and profiles.
#include "api/render.hpp"

#include "common/json_value.hpp"

namespace parley::api {

Json team_json(const chat::Team& team) {
    return Json{
        {"id", team.id},
        {"name", team.name},
        {"domain", team.domain},
        {"email_domain", ""},
        {"icon", Json{{"image_default", true}}},
    };
}

Json profile_json(const chat::User& user) {
    const chat::UserProfile& p = user.profile;
    return Json{
        {"real_name", p.real_name},
        {"real_name_normalized", p.real_name},
        {"display_name", p.display_name},
        {"display_name_normalized", p.display_name},
        {"title", p.title},
        {"phone", p.phone},
        {"status_text", p.status_text},
        {"status_emoji", p.status_emoji},
        {"status_expiration", p.status_expiration},
        {"avatar_hash", p.avatar_hash},
        {"image_original", p.avatar_url},
        {"image_24", p.avatar_url},
        {"image_32", p.avatar_url},
        {"image_48", p.avatar_url},
        {"image_72", p.avatar_url},
        {"image_192", p.avatar_url},
        {"image_512", p.avatar_url},
        {"email", user.email},
        {"team", user.team_id},
    };
}

// TODO(#2): tz_offset needs a time zone database lookup (GCC 12 lacks std::chrono::tzdb);
// it is 0 for every zone until then.
Json user_json(const chat::User& user) {
    return Json{
        {"id", user.id},
        {"team_id", user.team_id},
        {"name", user.name},
        {"deleted", user.deleted},
        {"real_name", user.profile.real_name},
        {"tz", user.profile.tz},
        {"tz_label", user.profile.tz},
        {"tz_offset", 0},
        {"profile", profile_json(user)},
        {"is_admin", chat::is_admin_or_owner(user.role)},
        {"is_owner", user.role == chat::Role::owner},
        {"is_primary_owner", false},
        {"is_restricted", user.role == chat::Role::guest},
        {"is_ultra_restricted", false},
        {"is_bot", user.is_bot},
        {"is_app_user", false},
        {"updated", user.updated},
        {"is_email_confirmed", true},
    };
}

}  // namespace parley::api
