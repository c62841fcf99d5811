// cosign's identity/issuer matching: exact, or Go regexp.MatchString (unanchored search).
#include "core/value_matcher.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice {
namespace {

TEST(ValueMatcherTest, ExactComparesWholeValueByteForByte) {
  const ValueMatcher matcher = ValueMatcher::exactly("alice@example.com");
  EXPECT_TRUE(matcher.matches("alice@example.com"));
  EXPECT_FALSE(matcher.matches("Alice@example.com"));
  EXPECT_FALSE(matcher.matches("alice@example.com "));
  EXPECT_FALSE(matcher.matches("xalice@example.com"));
  EXPECT_EQ(matcher.to_string(), "\"alice@example.com\"");
}

TEST(ValueMatcherTest, RegexpIsSearchedUnanchoredLikeGoMatchString) {
  const ValueMatcher matcher = ValueMatcher::by_regexp("@example\\.com");
  EXPECT_TRUE(matcher.matches("alice@example.com"));
  EXPECT_TRUE(matcher.matches("alice@example.com.evil.org"));  // unanchored, as cosign
  EXPECT_FALSE(matcher.matches("alice@exampleXcom"));
  const ValueMatcher anchored = ValueMatcher::by_regexp("^[a-z]+@example\\.com$");
  EXPECT_TRUE(anchored.matches("alice@example.com"));
  EXPECT_FALSE(anchored.matches("alice@example.com.evil.org"));
  EXPECT_EQ(anchored.to_string(), "/^[a-z]+@example\\.com$/");
}

TEST(ValueMatcherTest, BothGivenBothMustHold) {
  const ValueMatcher matcher("https://issuer.example", "^https://");
  EXPECT_TRUE(matcher.matches("https://issuer.example"));
  EXPECT_FALSE(matcher.matches("https://other.example"));
  const ValueMatcher contradicting("https://issuer.example", "^http://");
  EXPECT_FALSE(contradicting.matches("https://issuer.example"));
  EXPECT_EQ(matcher.to_string(), "\"https://issuer.example\" and /^https:///");
}

TEST(ValueMatcherTest, EmptyMatchesNothing) {
  const ValueMatcher matcher;
  EXPECT_TRUE(matcher.empty());
  EXPECT_FALSE(matcher.matches(""));
  EXPECT_FALSE(matcher.matches("anything"));
}

TEST(ValueMatcherTest, InvalidOrMissingIsInvalidArgument) {
  for (const std::string& pattern : {std::string("(unclosed"), std::string("[z-a]"),
                                     std::string("(?i)alice"), std::string(1025, 'a')}) {
    try {
      ValueMatcher::by_regexp(pattern, "--certificate-identity-regexp");
      ADD_FAILURE() << pattern << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(e.message().find("--certificate-identity-regexp"), std::string::npos);
    }
  }
  EXPECT_THROW(ValueMatcher("", ""), Error);
}

TEST(ValueMatcherTest, OverlongValuesDoNotMatchARegexp) {
  const ValueMatcher matcher = ValueMatcher::by_regexp("a");
  EXPECT_TRUE(matcher.matches(std::string(ValueMatcher::kMaxMatchedLength, 'a')));
  EXPECT_FALSE(matcher.matches(std::string(ValueMatcher::kMaxMatchedLength + 1, 'a')));
}

TEST(ValueMatcherTest, CopiesShareTheCompiledRegexp) {
  const ValueMatcher original = ValueMatcher::by_regexp("b+");
  const ValueMatcher copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_TRUE(copy.matches("abbbc"));
  EXPECT_EQ(copy, original);
}

}  // namespace
}  // namespace sluice
