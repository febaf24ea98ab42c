// Slack-style object ids: one letter naming the kind, then ten random characters from
// [0-9A-Z]. T team, U user, C public channel, G private channel or group DM, D direct
// message, B bot, I invitation. Random (not sequential) so ids reveal nothing about counts.
#pragma once

#include <string>
#include <string_view>

namespace parley {

std::string new_id(char kind);

// True when `id` has the shape of an id of the given kind (any kind when kind is 0).
bool is_id_shaped(std::string_view id, char kind = 0);

// A 256-bit random secret rendered as lowercase hex after `prefix` ("xoxp-", "xoxc-").
std::string new_secret(std::string_view prefix);

// SHA-256 of a secret, hex. Only this digest is ever stored.
std::string secret_digest(std::string_view secret);

}  // namespace parley
