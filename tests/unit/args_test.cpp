#include "api/args.hpp"

#include <gtest/gtest.h>

namespace parley::api {
namespace {

TEST(Args, ReadsQueryAndFormBody) {
    auto args = Args::parse("channel=C1&limit=5", "application/x-www-form-urlencoded",
                            "text=hello+world%21&empty=");
    ASSERT_TRUE(args.ok());
    EXPECT_EQ(args->text("channel"), "C1");
    EXPECT_EQ(args->text("text"), "hello world!");
    EXPECT_TRUE(args->get("empty").has_value());
    EXPECT_FALSE(args->has("empty"));
    EXPECT_EQ(args->integer("limit", 100, 1, 1000).value(), 5);
}

TEST(Args, BodyWinsOverQuery) {
    auto args = Args::parse("text=query", "application/x-www-form-urlencoded", "text=body");
    ASSERT_TRUE(args.ok());
    EXPECT_EQ(args->text("text"), "body");
}

TEST(Args, JsonBodyKeepsNonStringsAsJsonText) {
    auto args = Args::parse("", "application/json; charset=utf-8",
                            R"({"channel":"C1","blocks":[{"type":"divider"}],"n":3,"b":true})");
    ASSERT_TRUE(args.ok());
    EXPECT_EQ(args->text("channel"), "C1");
    EXPECT_EQ(args->text("blocks"), R"([{"type":"divider"}])");
    EXPECT_EQ(args->text("n"), "3");
    EXPECT_TRUE(args->flag("b"));
}

TEST(Args, RejectsBadJson) {
    EXPECT_EQ(Args::parse("", "application/json", "{").error().name, "invalid_json");
    EXPECT_EQ(Args::parse("", "application/json", "[1,2]").error().name, "json_not_object");
    std::string deep = R"({"a":)" + std::string(100, '[') + std::string(100, ']') + "}";
    EXPECT_EQ(Args::parse("", "application/json", deep).error().name, "invalid_json");
}

TEST(Args, RejectsBadEncodingAndCharset) {
    EXPECT_EQ(Args::parse("a=%zz", "", "").error().name, "invalid_form_data");
    EXPECT_EQ(Args::parse("a=%4", "", "").error().name, "invalid_form_data");
    EXPECT_EQ(Args::parse("a=%ff%fe", "", "").error().name, "invalid_charset");
    EXPECT_EQ(Args::parse("", "application/json", "{\"a\":\"\xc3\x28\"}").error().name,
              "invalid_json");
}

TEST(Args, EnforcesLimits) {
    ArgLimits limits;
    limits.max_args = 2;
    limits.max_value_bytes = 4;
    EXPECT_FALSE(Args::parse("a=1&b=2&c=3", "", "", limits).ok());
    EXPECT_FALSE(Args::parse("a=12345", "", "", limits).ok());
    EXPECT_TRUE(Args::parse("a=1234&b=1", "", "", limits).ok());
}

TEST(Args, IntegersAndFlags) {
    auto args = Args::parse("n=abc&m=-3&big=99999999999999999999&t=true&z=0", "", "");
    ASSERT_TRUE(args.ok());
    EXPECT_FALSE(args->integer("n", 1, 0, 10).ok());
    EXPECT_FALSE(args->integer("m", 1, 0, 10).ok());
    EXPECT_FALSE(args->integer("big", 1, 0, INT64_MAX).ok());
    EXPECT_EQ(args->integer("absent", 7, 0, 10).value(), 7);
    EXPECT_TRUE(args->flag("t"));
    EXPECT_FALSE(args->flag("z", true));
    EXPECT_TRUE(args->flag("absent", true));
}

}  // namespace
}  // namespace parley::api
