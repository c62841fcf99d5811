// OpenSSH's match_pattern and match_pattern_list semantics.
#include "core/openssh_pattern.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(OpenSshPatternTest, WildcardsAndLiterals) {
  EXPECT_TRUE(match_openssh_pattern("*", ""));
  EXPECT_TRUE(match_openssh_pattern("*.example.com", "git.example.com"));
  EXPECT_FALSE(match_openssh_pattern("*.example.com", "example.com"));
  EXPECT_TRUE(match_openssh_pattern("a?c", "abc"));
  EXPECT_FALSE(match_openssh_pattern("a?c", "ac"));
  EXPECT_TRUE(match_openssh_pattern("[host]:22", "[host]:22"));  // brackets are literal
  EXPECT_FALSE(match_openssh_pattern("Alice", "alice"));         // case-sensitive
  EXPECT_TRUE(match_openssh_pattern("a*b*c", "aXbYbZc"));
}

TEST(OpenSshPatternTest, ListsWithNegation) {
  EXPECT_TRUE(match_openssh_pattern_list("file,git", "git"));
  EXPECT_FALSE(match_openssh_pattern_list("file,tag", "git"));
  EXPECT_FALSE(match_openssh_pattern_list("!git,*", "git"));
  EXPECT_TRUE(match_openssh_pattern_list("!file,*", "git"));
  EXPECT_FALSE(match_openssh_pattern_list("!file", "git"));  // a negation alone never matches
  EXPECT_FALSE(match_openssh_pattern_list("", "git"));
}

}  // namespace
}  // namespace sluice
