#include "api/cursor.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/utf8.hpp"

namespace parley::api {

namespace {
constexpr size_t kMaxCursorBytes = 512;
constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
}  // namespace

std::string encode_cursor(std::string_view kind, std::string_view position) {
    std::string plain = std::string(kind) + ":" + std::string(position);
    std::string encoded(sodium_base64_encoded_len(plain.size(), kVariant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(),
                      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), kVariant);
    encoded.pop_back();  // The terminating NUL sodium writes.
    return encoded;
}

Result<std::string> decode_cursor(std::string_view kind, std::string_view cursor) {
    if (cursor.empty() || cursor.size() > kMaxCursorBytes) {
        return make_error("invalid_cursor");
    }
    std::vector<unsigned char> plain(cursor.size());
    size_t length = 0;
    if (sodium_base642bin(plain.data(), plain.size(), cursor.data(), cursor.size(), nullptr,
                          &length, nullptr, kVariant) != 0) {
        return make_error("invalid_cursor");
    }
    std::string text(plain.begin(), plain.begin() + static_cast<long>(length));
    std::string prefix = std::string(kind) + ":";
    if (text.rfind(prefix, 0) != 0 || !is_valid_utf8(text)) {
        return make_error("invalid_cursor");
    }
    return text.substr(prefix.size());
}

Result<size_t> page_limit(const Args& args) {
    auto limit = args.integer("limit", 0, 0, INT64_MAX);
    if (!limit) {
        return make_error("invalid_limit");
    }
    if (*limit == 0) {
        return kDefaultPageLimit;
    }
    return std::min(static_cast<size_t>(*limit), kMaxPageLimit);
}

}  // namespace parley::api
