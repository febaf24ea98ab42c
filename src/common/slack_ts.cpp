#include "common/slack_ts.hpp"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace parley {

namespace {

constexpr TsMicros kMicrosPerSecond = 1'000'000;
constexpr int64_t kMaxSeconds = 99'999'999'999;  // Keeps seconds * 1e6 far from overflow.

std::optional<int64_t> parse_digits(std::string_view text) {
    if (text.empty() || text.size() > 11) {
        return std::nullopt;
    }
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::string format_ts(TsMicros ts) {
    return fmt::format("{}.{:06d}", ts / kMicrosPerSecond, ts % kMicrosPerSecond);
}

std::optional<TsMicros> parse_ts(std::string_view text) {
    size_t dot = text.find('.');
    std::string_view seconds_part = text.substr(0, dot);
    if (seconds_part.empty() || seconds_part[0] == '-' || seconds_part[0] == '+') {
        return std::nullopt;
    }
    auto seconds = parse_digits(seconds_part);
    if (!seconds || *seconds > kMaxSeconds) {
        return std::nullopt;
    }
    int64_t micros = 0;
    if (dot != std::string_view::npos) {
        std::string_view fraction = text.substr(dot + 1);
        if (fraction.empty() || fraction.size() > 6 || fraction[0] == '-' || fraction[0] == '+') {
            return std::nullopt;
        }
        auto digits = parse_digits(fraction);
        if (!digits) {
            return std::nullopt;
        }
        micros = *digits;
        for (size_t i = fraction.size(); i < 6; ++i) {
            micros *= 10;
        }
    }
    return *seconds * kMicrosPerSecond + micros;
}

TsMicros next_ts(TsMicros last_ts, TsMicros now) {
    return now > last_ts ? now : last_ts + 1;
}

TsMicros now_micros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t now_seconds() {
    return now_micros() / kMicrosPerSecond;
}

}  // namespace parley
