#include "common/utf8.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Utf8, AcceptsValidText) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
}

TEST(Utf8, RejectsInvalidSequences) {
    EXPECT_FALSE(is_valid_utf8("\xc3"));              // Truncated.
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // Overlong '/'.
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // UTF-16 surrogate.
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // Above U+10FFFF.
    EXPECT_FALSE(is_valid_utf8("\xff"));
    EXPECT_FALSE(is_valid_utf8("a\x80z"));
}

TEST(Utf8, CountsCodePoints) {
    EXPECT_EQ(utf8_length("abc"), 3u);
    EXPECT_EQ(utf8_length("\xf0\x9f\x98\x80\xc3\xa9"), 2u);
}

}  // namespace
}  // namespace parley
