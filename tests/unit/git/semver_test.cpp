#include "git/semver.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::git {
namespace {

Version v(const char* text) {
  const auto version = Version::parse(text);
  EXPECT_TRUE(version) << text;
  return version.value_or(Version{});
}

bool in(const char* range, const char* version) {
  return VersionRange::parse(range).contains(v(version));
}

TEST(SemverTest, ParsesTags) {
  EXPECT_EQ(v("v1.2.3").major, 1U);
  EXPECT_EQ(v("1.2.3").patch, 3U);
  EXPECT_EQ(v("1.2").patch, 0U);
  EXPECT_EQ(v("1.2.3-rc.1+build.5").prerelease, (std::vector<std::string>{"rc", "1"}));
  for (const char* bad : {"", "v", "latest", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3-rc..1", "1.x",
                          "1.2-rc.1", "1.2.3+", "1.2.3-01"}) {
    EXPECT_FALSE(Version::parse(bad)) << bad;
  }
}

TEST(SemverTest, PrecedenceFollowsTheSpec) {
  // semver.org section 11's example chain.
  const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                         "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                         "1.1.0",       "2.0.0",         "10.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(chain); ++i) {
    EXPECT_LT(compare(v(chain[i]), v(chain[i + 1])), 0) << chain[i] << " < " << chain[i + 1];
    EXPECT_GT(compare(v(chain[i + 1]), v(chain[i])), 0);
  }
  EXPECT_EQ(compare(v("v1.0.0+a"), v("1.0.0+b")), 0);
}

TEST(SemverTest, Comparisons) {
  EXPECT_TRUE(in(">=1.0.0 <2.0.0", "1.0.0"));
  EXPECT_TRUE(in(">=1.0.0 <2.0.0", "1.9.9"));
  EXPECT_FALSE(in(">=1.0.0 <2.0.0", "2.0.0"));
  EXPECT_FALSE(in(">=1.0.0, <2.0.0", "0.9.0"));
  EXPECT_TRUE(in(">= 1.0.0", "1.0.0"));
  EXPECT_TRUE(in(">1.2", "1.3.0"));
  EXPECT_FALSE(in(">1.2", "1.2.9"));
  EXPECT_TRUE(in("<=1.2", "1.2.9"));
  EXPECT_FALSE(in("<=1.2", "1.3.0"));
  EXPECT_TRUE(in("=1.2.3", "1.2.3"));
  EXPECT_TRUE(in("1.2.3", "v1.2.3"));
  EXPECT_FALSE(in("!=1.2.3", "1.2.3"));
  EXPECT_TRUE(in("!=1.2.3", "1.2.4"));
  EXPECT_FALSE(in("!=1.2", "1.2.7"));
}

TEST(SemverTest, TildeCaretWildcardsAndHyphens) {
  EXPECT_TRUE(in("~1.2.3", "1.2.9"));
  EXPECT_FALSE(in("~1.2.3", "1.3.0"));
  EXPECT_TRUE(in("~1", "1.9.0"));
  EXPECT_FALSE(in("~1", "2.0.0"));
  EXPECT_TRUE(in("^1.2.3", "1.9.0"));
  EXPECT_FALSE(in("^1.2.3", "2.0.0"));
  EXPECT_TRUE(in("^0.2.3", "0.2.9"));
  EXPECT_FALSE(in("^0.2.3", "0.3.0"));
  EXPECT_TRUE(in("^0.0.3", "0.0.3"));
  EXPECT_FALSE(in("^0.0.3", "0.0.4"));
  EXPECT_TRUE(in("1.2.x", "1.2.7"));
  EXPECT_FALSE(in("1.2.x", "1.3.0"));
  EXPECT_TRUE(in("1.*", "1.9.9"));
  EXPECT_TRUE(in("1.2", "1.2.5"));
  EXPECT_TRUE(in("*", "7.0.0"));
  EXPECT_TRUE(in("1.2 - 1.4.5", "1.4.5"));
  EXPECT_FALSE(in("1.2 - 1.4.5", "1.4.6"));
  EXPECT_TRUE(in("1.2 - 1.4", "1.4.9"));
  EXPECT_FALSE(in("1.2 - 1.4", "1.1.9"));
  EXPECT_TRUE(in("<1.0.0 || >=3.0.0", "3.1.0"));
  EXPECT_TRUE(in("<1.0.0 || >=3.0.0", "0.1.0"));
  EXPECT_FALSE(in("<1.0.0 || >=3.0.0", "2.0.0"));
}

TEST(SemverTest, PreReleasesOnlyWhenTheRangeNamesOne) {
  EXPECT_FALSE(in(">=1.0.0", "1.1.0-rc.1"));
  EXPECT_FALSE(in("*", "1.1.0-rc.1"));
  EXPECT_FALSE(in("^1.0.0", "1.1.0-rc.1"));
  EXPECT_TRUE(in(">=1.1.0-0", "1.1.0-rc.1"));
  EXPECT_TRUE(in(">=1.0.0-rc.1 <2.0.0", "1.5.0-beta"));
  EXPECT_FALSE(in(">=1.0.0-rc.2", "1.0.0-rc.1"));
  EXPECT_TRUE(in(">=1.0.0-rc.2", "1.0.0"));
  EXPECT_FALSE(in(">=1.0.0 || >=2.0.0-rc.1", "1.5.0-rc.1"));
}

TEST(SemverTest, MalformedRangesAreRefused) {
  for (const char* bad : {"", "||", ">=1.0.0 ||", "latest", ">=1.x.3", "1.2.3.4", ">>1", "~"}) {
    EXPECT_THROW(static_cast<void>(VersionRange::parse(bad)), Error) << bad;
  }
}

TEST(SemverTest, HighestMatchingTag) {
  const std::vector<std::string> tags{"v1.0.0", "v1.2.0", "1.2.0", "v1.10.0-rc.1",
                                      "v2.0.0", "latest", "v1.9.0"};
  EXPECT_EQ(highest_matching_tag(tags, VersionRange::parse(">=1.0.0 <2.0.0")), "v1.9.0");
  EXPECT_EQ(highest_matching_tag(tags, VersionRange::parse("~1.2")), "v1.2.0");
  EXPECT_EQ(highest_matching_tag(tags, VersionRange::parse(">=1.10.0-0 <2.0.0")), "v1.10.0-rc.1");
  EXPECT_EQ(highest_matching_tag(tags, VersionRange::parse("*")), "v2.0.0");
  EXPECT_EQ(highest_matching_tag(tags, VersionRange::parse(">=3")), std::nullopt);
}

}  // namespace
}  // namespace sluice::git
