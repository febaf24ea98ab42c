#include "common/ids.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

namespace parley {
namespace {

class IdsTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(IdsTest, NewIdHasKindLetterAndTenCharacters) {
    std::string id = new_id('C');
    EXPECT_EQ(id.size(), 11u);
    EXPECT_EQ(id[0], 'C');
    EXPECT_TRUE(is_id_shaped(id, 'C'));
    EXPECT_FALSE(is_id_shaped(id, 'U'));
}

TEST_F(IdsTest, IdsDoNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        EXPECT_TRUE(seen.insert(new_id('U')).second);
    }
}

TEST_F(IdsTest, RejectsMalformedIds) {
    EXPECT_FALSE(is_id_shaped(""));
    EXPECT_FALSE(is_id_shaped("C"));
    EXPECT_FALSE(is_id_shaped("c0123456789"));
    EXPECT_FALSE(is_id_shaped("C01234'; DROP"));
    EXPECT_FALSE(is_id_shaped(std::string(40, 'C')));
}

TEST_F(IdsTest, SecretsAre256BitsAndDigestsAreStable) {
    std::string secret = new_secret("xoxp-");
    EXPECT_EQ(secret.rfind("xoxp-", 0), 0u);
    EXPECT_EQ(secret.size(), 5u + 64u);
    EXPECT_NE(secret, new_secret("xoxp-"));
    EXPECT_EQ(secret_digest(secret), secret_digest(secret));
    EXPECT_NE(secret_digest(secret), secret_digest(secret + "x"));
    EXPECT_EQ(secret_digest("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace parley
