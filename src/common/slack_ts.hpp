// Message timestamps in Slack's "epoch.micro" form ("1712345678.000123"). Parley keeps them
// as integer microseconds since the epoch; the text form is only for the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

using TsMicros = int64_t;

std::string format_ts(TsMicros ts);

// Accepts "1712345678.000123", "1712345678.1" (fraction right-padded) and "1712345678".
// Returns nothing for anything else, including negative or absurdly large values.
std::optional<TsMicros> parse_ts(std::string_view text);

// The ts the next message of a conversation gets: the wall clock, unless that would not be
// strictly greater than the conversation's last ts (clock skew, many posts per microsecond).
TsMicros next_ts(TsMicros last_ts, TsMicros now);

TsMicros now_micros();
int64_t now_seconds();

}  // namespace parley
