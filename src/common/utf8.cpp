#include "common/utf8.hpp"

#include <cstdint>

namespace parley {

namespace {

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

// Length of the sequence starting with `lead`, or 0 if `lead` cannot start one.
size_t sequence_length(unsigned char lead) {
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    size_t i = 0;
    while (i < text.size()) {
        size_t length = sequence_length(bytes[i]);
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (size_t k = 1; k < length; ++k) {
            if (!is_continuation(bytes[i + k])) {
                return false;
            }
        }
        // Second-byte ranges exclude overlong forms, UTF-16 surrogates and > U+10FFFF.
        unsigned char lead = bytes[i];
        unsigned char second = length > 1 ? bytes[i + 1] : 0;
        if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
            (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
            return false;
        }
        i += length;
    }
    return true;
}

size_t utf8_length(std::string_view text) {
    size_t count = 0;
    for (char c : text) {
        if (!is_continuation(static_cast<unsigned char>(c))) {
            ++count;
        }
    }
    return count;
}

}  // namespace parley
