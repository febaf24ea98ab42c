// Resume cursors: where in the event log a client has got to. Opaque to clients (base64 of
// "v1:<log epoch>:<seq>"). The epoch names the database the log lives in, so a cursor from
// another installation, or from before a restore, is recognised as unknown instead of being
// read as a position in the wrong log. See docs/realtime.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace parley::realtime {

struct LogPosition {
    std::string epoch;
    int64_t seq = 0;
};

std::string encode_resume_cursor(const LogPosition& position);

// Error{"invalid_cursor"} when the text is not a cursor at all.
Result<LogPosition> decode_resume_cursor(std::string_view cursor);

}  // namespace parley::realtime
