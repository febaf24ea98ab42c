// Pagination cursors. A cursor is opaque to clients: base64 of "<kind>:<position>", so the
// server can change what a position means without breaking anyone who stores cursors.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace parley::api {

std::string encode_cursor(std::string_view kind, std::string_view position);

// The position, or Error{"invalid_cursor"} if the text is not a cursor of this kind.
Result<std::string> decode_cursor(std::string_view kind, std::string_view cursor);

}  // namespace parley::api
