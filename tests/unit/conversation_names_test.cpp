// The pure helpers behind conversations.create, rename, invite and open.
#include <gtest/gtest.h>

#include <string>

#include "chat/conversations.hpp"

namespace parley::chat {
namespace {

std::string error_of(const Status& status) {
    return status ? "" : status.error().name;
}

TEST(ChannelName, AcceptsLowercaseDigitsDashesAndUnderscores) {
    EXPECT_TRUE(check_channel_name("general"));
    EXPECT_TRUE(check_channel_name("team-2_ops"));
    EXPECT_TRUE(check_channel_name("a"));
    EXPECT_TRUE(check_channel_name("-leading-dash"));
    EXPECT_TRUE(check_channel_name(std::string(kMaxChannelNameChars, 'x')));
}

TEST(ChannelName, EmptyIsRequired) {
    EXPECT_EQ(error_of(check_channel_name("")), "invalid_name_required");
}

TEST(ChannelName, LongerThanEightyIsMaxlength) {
    EXPECT_EQ(error_of(check_channel_name(std::string(kMaxChannelNameChars + 1, 'x'))),
              "invalid_name_maxlength");
}

TEST(ChannelName, UppercaseSpacesAndSymbolsAreSpecials) {
    EXPECT_EQ(error_of(check_channel_name("General")), "invalid_name_specials");
    EXPECT_EQ(error_of(check_channel_name("two words")), "invalid_name_specials");
    EXPECT_EQ(error_of(check_channel_name("#general")), "invalid_name_specials");
    EXPECT_EQ(error_of(check_channel_name("dot.name")), "invalid_name_specials");
    EXPECT_EQ(error_of(check_channel_name("caf\xc3\xa9")), "invalid_name_specials");
    EXPECT_EQ(error_of(check_channel_name(std::string("nul\0byte", 8))), "invalid_name_specials");
}

TEST(ChannelName, OnlyPunctuationIsRejected) {
    EXPECT_EQ(error_of(check_channel_name("---")), "invalid_name_punctuation");
    EXPECT_EQ(error_of(check_channel_name("_")), "invalid_name_punctuation");
}

TEST(IdList, SplitsTrimsAndDropsDuplicates) {
    auto ids = parse_id_list("U1AAAAAAAA, U2BBBBBBBB,,U1AAAAAAAA ");
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, (std::vector<std::string>{"U1AAAAAAAA", "U2BBBBBBBB"}));
}

TEST(IdList, EmptyOrMalformedGivesNothing) {
    EXPECT_FALSE(parse_id_list(""));
    EXPECT_FALSE(parse_id_list(" , ,"));
    EXPECT_FALSE(parse_id_list("U1AAAAAAAA,not-an-id"));
    EXPECT_FALSE(parse_id_list("u1aaaaaaaa"));
}

TEST(MpimName, SortsHandlesAndJoinsThemLikeSlack) {
    EXPECT_EQ(mpim_name({"carol", "alice", "bob"}), "mpdm-alice--bob--carol-1");
}

}  // namespace
}  // namespace parley::chat
