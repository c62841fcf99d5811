// cosign's identity/issuer matching: exact, or Go regexp.MatchString (unanchored search).
#include "core/value_matcher.h"

#include <chrono>

#include <gtest/gtest.h>
#include <pthread.h>

#include "core/error.h"
#include "sanitizer_slowdown.h"

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
  for (const std::string& pattern :
       {std::string("(unclosed"), std::string("[z-a]"), std::string("(?i)alice"),
        std::string("(a)\\1"), std::string(1025, 'a')}) {
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

// Patterns that make a backtracking matcher exponential or recurse once per character of the
// value: bounded time, and no deep recursion even on a small (fiber-sized) stack.
TEST(ValueMatcherTest, NoCatastrophicBacktrackingOrDeepRecursion) {
  struct Run {
    bool results[3] = {};
  } run;
  const auto body = [](void* argument) -> void* {
    auto* out = static_cast<Run*>(argument);
    const std::string value(ValueMatcher::kMaxMatchedLength, 'a');
    out->results[0] = ValueMatcher::by_regexp("^(a+)+$").matches(value);
    out->results[1] = ValueMatcher::by_regexp("^(a|aa)+b$").matches(value);
    out->results[2] = ValueMatcher::by_regexp("(a|b)*c").matches(value);
    return nullptr;
  };
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, std::size_t{64} * 1024);
  pthread_t thread;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(pthread_create(&thread, &attributes, body, &run), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::seconds(20) * sluice::testing::kSanitizerSlowdown);
  EXPECT_TRUE(run.results[0]);
  EXPECT_FALSE(run.results[1]);
  EXPECT_FALSE(run.results[2]);
}

TEST(ValueMatcherTest, CopiesShareTheCompiledRegexp) {
  const ValueMatcher original = ValueMatcher::by_regexp("b+");
  const ValueMatcher copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_TRUE(copy.matches("abbbc"));
  EXPECT_EQ(copy, original);
}

}  // namespace
}  // namespace sluice
