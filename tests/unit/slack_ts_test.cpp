#include "common/slack_ts.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(SlackTs, FormatsSecondsAndSixDigitMicros) {
    EXPECT_EQ(format_ts(1712345678000123), "1712345678.000123");
    EXPECT_EQ(format_ts(1000000), "1.000000");
    EXPECT_EQ(format_ts(0), "0.000000");
}

TEST(SlackTs, ParsesWhatItFormats) {
    for (TsMicros ts : {TsMicros{0}, TsMicros{1}, TsMicros{1712345678000123}}) {
        EXPECT_EQ(parse_ts(format_ts(ts)), ts);
    }
}

TEST(SlackTs, ParsesShortFractionsAndWholeSeconds) {
    EXPECT_EQ(parse_ts("1712345678.1"), 1712345678100000);
    EXPECT_EQ(parse_ts("1712345678"), 1712345678000000);
}

TEST(SlackTs, RejectsMalformedText) {
    for (const char* bad : {"", ".", "1.", ".5", "-1.000000", "+1.0", "1.0000001", "abc", "1.00a",
                            "1e5", "123456789012.0", "1.-5", " 1.0"}) {
        EXPECT_FALSE(parse_ts(bad).has_value()) << bad;
    }
}

TEST(SlackTs, NextTsIsStrictlyIncreasingEvenWhenTheClockIsNot) {
    EXPECT_EQ(next_ts(100, 200), 200);
    EXPECT_EQ(next_ts(200, 200), 201);
    EXPECT_EQ(next_ts(500, 200), 501);
    TsMicros last = 0;
    for (int i = 0; i < 1000; ++i) {
        TsMicros next = next_ts(last, 42);
        EXPECT_GT(next, last);
        last = next;
    }
}

}  // namespace
}  // namespace parley
