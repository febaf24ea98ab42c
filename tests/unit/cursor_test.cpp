#include "api/cursor.hpp"

#include <gtest/gtest.h>

namespace parley::api {
namespace {

TEST(Cursor, RoundTrips) {
    std::string cursor = encode_cursor("user", "U0123456789");
    EXPECT_NE(cursor.find("user"), 0u);  // Opaque: not the plain text.
    EXPECT_EQ(decode_cursor("user", cursor).value(), "U0123456789");
}

TEST(Cursor, RejectsOtherKindsAndGarbage) {
    std::string cursor = encode_cursor("user", "U1");
    EXPECT_EQ(decode_cursor("conv", cursor).error().name, "invalid_cursor");
    for (const char* bad : {"", "!!!", "bm90IGEgY3Vyc29y", "====", "dXNlcg"}) {
        EXPECT_EQ(decode_cursor("user", bad).error().name, "invalid_cursor") << bad;
    }
    EXPECT_FALSE(decode_cursor("user", std::string(10000, 'A')).ok());
}

}  // namespace
}  // namespace parley::api
