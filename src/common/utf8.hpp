// UTF-8 checks for everything that arrives from outside. Hand-written because the check is
// twenty lines and the libraries at hand (nlohmann-json) only validate inside their parser.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace parley {

// Strict validation: rejects overlong forms, surrogates and code points above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// Number of code points in valid UTF-8 text (Slack's "characters").
size_t utf8_length(std::string_view text);

}  // namespace parley
