#include "render/envsubst.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/object.h"
#include "render/glob_match.h"
#include "test_helpers.h"

namespace sluice::render {
namespace {

// testdata/envsubst/cases.json holds texts and the output (or failure) of the real
// github.com/drone/envsubst v1.0.3 for each (regenerate.sh there), hand-picked cases first,
// then random strings over the grammar's characters.
TEST(EnvsubstTest, AgreesWithDroneEnvsubstOnEveryCase) {
  const Json cases =
      Json::parse(testing::read_text_file(SLUICE_TESTDATA_DIR "/envsubst/cases.json"));
  ASSERT_GT(cases.size(), 600u);
  int failures_expected = 0;
  for (const Json& c : cases) {
    const std::string text = c.at("text").get<std::string>();
    const Json& vars = c.at("vars");
    const VariableLookup lookup = [&vars](std::string_view name) {
      const auto found = vars.find(std::string(name));
      return found == vars.end() ? std::string() : found->get<std::string>();
    };
    if (c.at("error").get<bool>()) {
      ++failures_expected;
      EXPECT_THROW(expand_variables(text, lookup), Error) << "text: " << text;
      continue;
    }
    try {
      EXPECT_EQ(expand_variables(text, lookup), c.at("output").get<std::string>())
          << "text: " << text;
    } catch (const Error& e) {
      ADD_FAILURE() << "text: " << text << " failed: " << e.what();
    }
  }
  EXPECT_GT(failures_expected, 50);  // the cases cover the error paths too
}

TEST(EnvsubstTest, DeepNestingIsRefusedNotAStackOverflow) {
  std::string text;
  for (int i = 0; i < 10'000; ++i) text += "${A:-";
  const Error error = testing::error_of([&] { expand_variables(text, [](auto) { return ""; }); });
  EXPECT_NE(std::string(error.what()).find("nested too deeply"), std::string::npos);
}

TEST(EnvsubstTest, ManyExpressionsInOneTextDoNotRecurse) {
  std::string text;
  for (int i = 0; i < 200'000; ++i) text += "${A}.";
  EXPECT_EQ(expand_variables(text, [](auto) { return std::string("x"); }).size(), 400'000u);
}

TEST(EnvsubstTest, GlobMatchIsGoPathMatchWithoutSlashRules) {
  EXPECT_EQ(glob_match("*.gz", "a/b.gz"), true);
  EXPECT_EQ(glob_match("a?c", "a/c"), true);
  EXPECT_EQ(glob_match("[a-c]x", "bx"), true);
  EXPECT_EQ(glob_match("[^a-c]x", "bx"), false);
  EXPECT_EQ(glob_match("\\*", "*"), true);
  EXPECT_EQ(glob_match("[", "a"), std::nullopt);
  EXPECT_EQ(glob_match("x[", "a"), false);  // fails before reading the bad class, as in Go
}

}  // namespace
}  // namespace sluice::render
