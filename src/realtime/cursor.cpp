#include "realtime/cursor.hpp"

#include <charconv>

#include "api/cursor.hpp"

namespace parley::realtime {

namespace {
constexpr std::string_view kCursorKind = "v1";
}  // namespace

std::string encode_resume_cursor(const LogPosition& position) {
    return api::encode_cursor(kCursorKind, position.epoch + ":" + std::to_string(position.seq));
}

Result<LogPosition> decode_resume_cursor(std::string_view cursor) {
    auto text = api::decode_cursor(kCursorKind, cursor);
    if (!text) {
        return text.error();
    }
    size_t colon = text->find(':');
    if (colon == std::string::npos || colon == 0) {
        return make_error("invalid_cursor");
    }
    LogPosition position;
    position.epoch = text->substr(0, colon);
    const char* begin = text->data() + colon + 1;
    const char* end = text->data() + text->size();
    auto [stop, ec] = std::from_chars(begin, end, position.seq);
    if (ec != std::errc{} || stop != end || position.seq < 0) {
        return make_error("invalid_cursor");
    }
    return position;
}

}  // namespace parley::realtime
