// Pagination: cursors and page sizes, the same for every method that pages. A cursor is
// opaque to clients: base64 of "<kind>:<position>", so the server can change what a
// position means without breaking anyone who stores cursors.
#pragma once

#include <string>
#include <string_view>

#include "api/args.hpp"
#include "common/result.hpp"

namespace parley::api {

std::string encode_cursor(std::string_view kind, std::string_view position);

// The position, or Error{"invalid_cursor"} if the text is not a cursor of this kind.
Result<std::string> decode_cursor(std::string_view kind, std::string_view cursor);

constexpr size_t kDefaultPageLimit = 100;
constexpr size_t kMaxPageLimit = 1000;

// The `limit` argument: absent, empty or 0 means kDefaultPageLimit; larger than
// kMaxPageLimit is clamped to it, as Slack does; anything but a non-negative integer is
// Error{"invalid_limit"}.
Result<size_t> page_limit(const Args& args);

}  // namespace parley::api
