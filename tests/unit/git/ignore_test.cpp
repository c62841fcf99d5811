#include "git/ignore.h"

#include <gtest/gtest.h>

namespace sluice::git {
namespace {

TEST(GlobMatchTest, StarAndQuestionMarkStopAtSlash) {
  EXPECT_TRUE(glob_match("*.yaml", "a.yaml"));
  EXPECT_TRUE(glob_match("*.yaml", ".yaml"));
  EXPECT_FALSE(glob_match("*.yaml", "a/b.yaml"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "a/c"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
}

TEST(GlobMatchTest, DoubleStar) {
  EXPECT_TRUE(glob_match("**/foo", "foo"));
  EXPECT_TRUE(glob_match("**/foo", "a/b/foo"));
  EXPECT_FALSE(glob_match("**/foo", "a/xfoo"));
  EXPECT_TRUE(glob_match("abc/**", "abc/x"));
  EXPECT_TRUE(glob_match("abc/**", "abc/x/y"));
  EXPECT_FALSE(glob_match("abc/**", "abc"));
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(glob_match("a/**/b", "a/x/yb"));
  // Not between slashes: an ordinary star.
  EXPECT_TRUE(glob_match("a**b", "axxb"));
  EXPECT_FALSE(glob_match("a**b", "ax/xb"));
}

TEST(GlobMatchTest, CharacterClasses) {
  EXPECT_TRUE(glob_match("[abc].txt", "b.txt"));
  EXPECT_FALSE(glob_match("[abc].txt", "d.txt"));
  EXPECT_TRUE(glob_match("[a-c]x", "bx"));
  EXPECT_FALSE(glob_match("[a-c]x", "dx"));
  EXPECT_TRUE(glob_match("[!a-c]x", "dx"));
  EXPECT_TRUE(glob_match("[^a-c]x", "dx"));
  EXPECT_FALSE(glob_match("[!a-c]x", "ax"));
  EXPECT_TRUE(glob_match("[]]", "]"));
  EXPECT_TRUE(glob_match("[a\\]]", "]"));
  EXPECT_FALSE(glob_match("a[/]b", "a/b"));
  EXPECT_TRUE(glob_match("[ab", "[ab"));  // unterminated: literal
}

TEST(GlobMatchTest, EscapedCharacters) {
  EXPECT_TRUE(glob_match("\\*", "*"));
  EXPECT_FALSE(glob_match("\\*", "a"));
  EXPECT_TRUE(glob_match("\\?x", "?x"));
  EXPECT_TRUE(glob_match("a\\[b]", "a[b]"));
}

TEST(IgnoreRulesTest, EmptyIgnoresNothing) {
  const IgnoreRules rules;
  EXPECT_TRUE(rules.empty());
  EXPECT_FALSE(rules.ignored("a", false));
}

TEST(IgnoreRulesTest, UnanchoredPatternMatchesAtAnyDepth) {
  IgnoreRules rules;
  rules.add("*.md");
  EXPECT_TRUE(rules.ignored("README.md", false));
  EXPECT_TRUE(rules.ignored("docs/deep/x.md", false));
  EXPECT_FALSE(rules.ignored("a.yaml", false));
}

TEST(IgnoreRulesTest, LeadingOrInnerSlashAnchors) {
  IgnoreRules rules;
  rules.add("/top.yaml\ndocs/*.txt");
  EXPECT_TRUE(rules.ignored("top.yaml", false));
  EXPECT_FALSE(rules.ignored("sub/top.yaml", false));
  EXPECT_TRUE(rules.ignored("docs/a.txt", false));
  EXPECT_FALSE(rules.ignored("x/docs/a.txt", false));
  EXPECT_FALSE(rules.ignored("docs/sub/a.txt", false));
}

TEST(IgnoreRulesTest, TrailingSlashMatchesDirectoriesOnly) {
  IgnoreRules rules;
  rules.add("build/");
  EXPECT_TRUE(rules.ignored("build", true));
  EXPECT_FALSE(rules.ignored("build", false));
  EXPECT_TRUE(rules.ignored("build/out.bin", false));
  EXPECT_TRUE(rules.ignored("src/build/x", false));
}

TEST(IgnoreRulesTest, NegationAndLastMatchWins) {
  IgnoreRules rules;
  rules.add("*.yaml\n!keep.yaml");
  EXPECT_TRUE(rules.ignored("a.yaml", false));
  EXPECT_FALSE(rules.ignored("keep.yaml", false));
  EXPECT_FALSE(rules.ignored("dir/keep.yaml", false));
  rules.add("dir/keep.yaml");
  EXPECT_TRUE(rules.ignored("dir/keep.yaml", false));
  EXPECT_FALSE(rules.ignored("keep.yaml", false));
}

TEST(IgnoreRulesTest, FileUnderIgnoredDirectoryStaysIgnored) {
  IgnoreRules rules;
  rules.add("secret/\n!secret/public.yaml");
  EXPECT_TRUE(rules.ignored("secret/public.yaml", false));
  // Excluding everything but one directory, the Flux way.
  IgnoreRules only;
  only.add("/*\n!/deploy/");
  EXPECT_TRUE(only.ignored("README.md", false));
  EXPECT_TRUE(only.ignored("src/main.go", false));
  EXPECT_FALSE(only.ignored("deploy/app.yaml", false));
  EXPECT_FALSE(only.ignored("deploy/sub/app.yaml", false));
}

TEST(IgnoreRulesTest, CommentsBlankLinesAndEscapes) {
  IgnoreRules rules;
  rules.add("# a comment\n\n\\#hash\n\\!bang\r\ntrailing   \nspace\\ \n");
  EXPECT_FALSE(rules.ignored("# a comment", false));
  EXPECT_TRUE(rules.ignored("#hash", false));
  EXPECT_TRUE(rules.ignored("!bang", false));
  EXPECT_TRUE(rules.ignored("trailing", false));
  EXPECT_TRUE(rules.ignored("space ", false));
  EXPECT_FALSE(rules.ignored("space", false));
}

TEST(IgnoreRulesTest, DoubleStarPatterns) {
  IgnoreRules rules;
  rules.add("**/tmp\nlogs/**\na/**/z.txt");
  EXPECT_TRUE(rules.ignored("tmp", true));
  EXPECT_TRUE(rules.ignored("x/y/tmp/f", false));
  EXPECT_TRUE(rules.ignored("logs/1/2.log", false));
  EXPECT_FALSE(rules.ignored("logs", false));
  EXPECT_TRUE(rules.ignored("a/z.txt", false));
  EXPECT_TRUE(rules.ignored("a/b/c/z.txt", false));
  EXPECT_FALSE(rules.ignored("b/a/z.txt", false));
}

}  // namespace
}  // namespace sluice::git
