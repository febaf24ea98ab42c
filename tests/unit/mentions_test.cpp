// Mention markup in message text: people, channels and the @channel/@here/@everyone forms.
#include "chat/mentions.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace parley::chat {
namespace {

using Ids = std::vector<std::string>;

TEST(Mentions, PlainTextHasNone) {
    Mentions mentions = parse_mentions("hello world, 1 < 2 > 0");
    EXPECT_TRUE(mentions.users.empty());
    EXPECT_TRUE(mentions.channels.empty());
    EXPECT_FALSE(mentions.channel || mentions.here || mentions.everyone);
}

TEST(Mentions, UsersWithAndWithoutLabel) {
    Mentions mentions = parse_mentions("hi <@U0ABCDEF12> and <@U9ZZZZZZZZ|bob>, also <@W1234567>");
    EXPECT_EQ(mentions.users, (Ids{"U0ABCDEF12", "U9ZZZZZZZZ", "W1234567"}));
}

TEST(Mentions, ChannelsWithAndWithoutLabel) {
    Mentions mentions = parse_mentions("see <#C0GENERAL1> and <#G0SECRET12|secret>");
    EXPECT_EQ(mentions.channels, (Ids{"C0GENERAL1", "G0SECRET12"}));
    EXPECT_TRUE(mentions.users.empty());
}

TEST(Mentions, SpecialMentions) {
    EXPECT_TRUE(parse_mentions("<!channel> look").channel);
    EXPECT_TRUE(parse_mentions("look <!here>").here);
    EXPECT_TRUE(parse_mentions("<!everyone>").everyone);
    // Older clients send a label after the command.
    Mentions labelled = parse_mentions("<!here|@here> <!channel|@channel>");
    EXPECT_TRUE(labelled.here);
    EXPECT_TRUE(labelled.channel);
    EXPECT_FALSE(labelled.everyone);
}

TEST(Mentions, UnknownCommandsAndLinksAreIgnored) {
    Mentions mentions = parse_mentions("<!subteam^S123> <https://example.com|site> <mailto:a@b>");
    EXPECT_FALSE(mentions.channel || mentions.here || mentions.everyone);
    EXPECT_TRUE(mentions.users.empty());
    EXPECT_TRUE(mentions.channels.empty());
}

TEST(Mentions, DuplicatesKeepFirstAppearanceOrder) {
    Mentions mentions =
        parse_mentions("<@U2222222222> <@U1111111111> <@U2222222222|again> <@U1111111111>");
    EXPECT_EQ(mentions.users, (Ids{"U2222222222", "U1111111111"}));
}

TEST(Mentions, MalformedMarkupIsIgnored) {
    EXPECT_TRUE(parse_mentions("<@U1234567890").users.empty());      // Never closed.
    EXPECT_TRUE(parse_mentions("@U1234567890>").users.empty());      // Never opened.
    EXPECT_TRUE(parse_mentions("<@>").users.empty());                // No id.
    EXPECT_TRUE(parse_mentions("<@u1234567890>").users.empty());     // Lowercase.
    EXPECT_TRUE(parse_mentions("<@C1234567890>").users.empty());     // Not a user id.
    EXPECT_TRUE(parse_mentions("<#U1234567890>").channels.empty());  // Not a channel id.
    EXPECT_TRUE(parse_mentions("<@U12 34>").users.empty());          // Space inside.
    EXPECT_TRUE(parse_mentions("<>< <<>> <@|name>").users.empty());
    EXPECT_FALSE(parse_mentions("<!channelx> <!here!>").channel);
}

TEST(Mentions, UnclosedBracketDoesNotHideALaterMention) {
    Mentions mentions = parse_mentions("a < b and <@U1234567890> < <#C1234567890>");
    EXPECT_EQ(mentions.users, (Ids{"U1234567890"}));
    EXPECT_EQ(mentions.channels, (Ids{"C1234567890"}));
}

TEST(Mentions, NestedBracketsTakeTheInnermost) {
    EXPECT_EQ(parse_mentions("<<@U1234567890>>").users, (Ids{"U1234567890"}));
    EXPECT_EQ(parse_mentions("<x <@U1234567890|n>").users, (Ids{"U1234567890"}));
}

TEST(Mentions, MultiByteTextAroundMentions) {
    Mentions mentions = parse_mentions("héllo 🎉 <@U1234567890> ünd <!here> 日本");
    EXPECT_EQ(mentions.users, (Ids{"U1234567890"}));
    EXPECT_TRUE(mentions.here);
}

TEST(Mentions, HugeInputsStayBounded) {
    // Many distinct mentions: capped per kind.
    std::string many;
    for (size_t i = 0; i < kMaxMentionsPerKind + 100; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "U%010zu", i);
        many += "<@" + std::string(id) + "> ";
    }
    EXPECT_EQ(parse_mentions(many).users.size(), kMaxMentionsPerKind);

    // Pathological bracket runs finish (the parser is linear) and find nothing.
    EXPECT_TRUE(parse_mentions(std::string(1'000'000, '<')).users.empty());
    EXPECT_TRUE(parse_mentions(std::string(1'000'000, '>')).users.empty());
    std::string unclosed;
    for (int i = 0; i < 100'000; ++i) {
        unclosed += "<@U1234567890";
    }
    EXPECT_TRUE(parse_mentions(unclosed).users.empty());

    // The same mention repeated many times is one mention.
    std::string repeated;
    for (int i = 0; i < 20'000; ++i) {
        repeated += "<@U1234567890>";
    }
    EXPECT_EQ(parse_mentions(repeated).users, (Ids{"U1234567890"}));
}

}  // namespace
}  // namespace parley::chat
