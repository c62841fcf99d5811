// Unified diffs: exact output of GNU `diff -u` on small cases, and on random texts an exact
// round trip (the hunks, applied to the old text, give the new one) with as few changed lines
// as `diff --minimal` finds.
#include "core/unified_diff.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace sluice {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Applies the hunks of `diff` to `before` (texts whose lines all end in '\n').
std::string apply_hunks(const std::string& before, const std::string& diff) {
  const std::vector<std::string> old_lines = lines_of(before);
  std::vector<std::string> result;
  std::size_t next_old = 0;  // 0-based index of the next old line not yet copied
  const std::vector<std::string> lines = lines_of(diff);
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.starts_with("@@ -")) {
      std::size_t start = std::stoul(line.substr(4));
      const std::size_t comma = line.find(',');
      const bool empty = comma < line.find(' ', 4) && line.substr(comma + 1, 2) == "0 ";
      const std::size_t first = empty ? start : start - 1;  // 0-based first old line
      while (next_old < first) result.push_back(old_lines.at(next_old++));
      continue;
    }
    const std::string text = line.substr(1);
    if (line[0] == ' ') {
      EXPECT_EQ(old_lines.at(next_old), text) << diff;
      result.push_back(old_lines.at(next_old++));
    } else if (line[0] == '-') {
      EXPECT_EQ(old_lines.at(next_old), text) << diff;
      ++next_old;
    } else if (line[0] == '+') {
      result.push_back(text);
    } else {
      ADD_FAILURE() << "unexpected line \"" << line << "\" in\n" << diff;
    }
  }
  while (next_old < old_lines.size()) result.push_back(old_lines[next_old++]);
  std::string text;
  for (const std::string& line : result) text += line + "\n";
  return text;
}

std::size_t changed_lines(const std::string& diff) {
  std::size_t count = 0;
  const std::vector<std::string> lines = lines_of(diff);
  for (std::size_t i = 2; i < lines.size(); ++i) {
    if (lines[i][0] == '-' || lines[i][0] == '+') ++count;
  }
  return count;
}

// GNU diff's output for the same texts.
std::string gnu_diff(const std::string& before, const std::string& after,
                     const std::string& flags) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sluice-unified-diff-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a", std::ios::binary) << before;
  std::ofstream(dir / "b", std::ios::binary) << after;
  const std::string command = "diff " + flags + " --label before --label after " +
                              (dir / "a").string() + " " + (dir / "b").string();
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  std::filesystem::remove_all(dir);
  return out;
}

TEST(UnifiedDiffTest, EqualTextsHaveNoDiff) {
  EXPECT_EQ(unified_diff("", ""), "");
  EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n"), "");
}

TEST(UnifiedDiffTest, PrintsWhatGnuDiffPrints) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // Two changes too far apart for one hunk; then closer ones that share a hunk.
      {"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\nl\nm\nN\n"},
      {"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nK\nl\nm\nn\n"},
      {"a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nX\nd\ne\nf\ng\nh\n"},
      {"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n6\n7\n8\n9\n"},
      {"", "one\ntwo\n"},
      {"one\ntwo\n", ""},
      {"x\ny", "x\ny\n"},
      {"x\ny\n", "x\nz"},
      {"only\n", "other\n"},
  };
  for (const auto& [before, after] : cases) {
    EXPECT_EQ(unified_diff(before, after), gnu_diff(before, after, "-u")) << before << "|" << after;
  }
}

TEST(UnifiedDiffTest, SmallCasesSpelledOut) {
  EXPECT_EQ(unified_diff("x\ny", "x\ny\n"),
            "--- before\n+++ after\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n");
  EXPECT_EQ(unified_diff("", "one\ntwo\n", {"live", "merged", 3}),
            "--- live\n+++ merged\n@@ -0,0 +1,2 @@\n+one\n+two\n");
  EXPECT_EQ(unified_diff("a\nb\nc\n", "a\nB\nc\n", {"x", "y", 0}),
            "--- x\n+++ y\n@@ -2 +2 @@\n-b\n+B\n");
}

TEST(UnifiedDiffTest, RandomTextsRoundTripWithAMinimalScript) {
  std::mt19937 random(1729);
  for (int round = 0; round < 300; ++round) {
    std::uniform_int_distribution<int> length(0, 40);
    std::uniform_int_distribution<int> letter(0, 4);
    std::string before;
    for (int i = length(random); i > 0; --i) before += std::string(1, 'a' + letter(random)) + "\n";
    // Mostly the same text with a few edits, sometimes an unrelated one.
    std::string after;
    if (round % 7 == 0) {
      for (int i = length(random); i > 0; --i) after += std::string(1, 'a' + letter(random)) + "\n";
    } else {
      for (const std::string& line : lines_of(before)) {
        const int dice = letter(random) * 5 + letter(random);
        if (dice == 0) continue;
        after += (dice == 1 ? "z" : line) + "\n";
        if (dice == 2) after += "new\n";
      }
    }
    const std::string diff = unified_diff(before, after);
    if (before == after) {
      EXPECT_EQ(diff, "");
      continue;
    }
    EXPECT_EQ(apply_hunks(before, diff), after) << diff;
    EXPECT_EQ(changed_lines(diff), changed_lines(gnu_diff(before, after, "--minimal -u")))
        << before << "|" << after << "\n"
        << diff;
  }
}

TEST(UnifiedDiffTest, TextsTooDifferentForTheBudgetStillRoundTrip) {
  // 20,000 lines that all differ: past the edit budget, written as removed then added.
  std::string before;
  std::string after;
  for (int i = 0; i < 20000; ++i) {
    before += "old " + std::to_string(i) + "\n";
    after += "new " + std::to_string(i) + "\n";
  }
  before = "head\n" + before + "tail\n";
  after = "head\n" + after + "tail\n";
  const std::string diff = unified_diff(before, after);
  EXPECT_EQ(apply_hunks(before, diff), after);
  EXPECT_EQ(changed_lines(diff), 40000U);
}

}  // namespace
}  // namespace sluice
