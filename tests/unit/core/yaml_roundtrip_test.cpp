// Reader and writer together against the reference: each testdata/yaml_roundtrip/<case>.yaml,
// read by parse_yaml_documents and written by write_yaml_documents, must equal byte for byte
// what `kubectl kustomize` printed for it (<case>.expected, made by regenerate.sh there).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/yaml_reader.h"
#include "core/yaml_writer.h"
#include "test_helpers.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(SLUICE_TESTDATA_DIR) / "yaml_roundtrip";

using sluice::testing::read_text_file;

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCases)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class YamlRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(YamlRoundTripTest, MatchesKubectlKustomize) {
  const std::string input = read_text_file(kCases / (GetParam() + ".yaml"));
  const std::string expected = read_text_file(kCases / (GetParam() + ".expected"));
  ASSERT_FALSE(expected.empty()) << "run regenerate.sh";
  EXPECT_EQ(write_yaml_documents(parse_yaml_documents(input)), expected);
}

INSTANTIATE_TEST_SUITE_P(Kubectl, YamlRoundTripTest, ::testing::ValuesIn(case_names()),
                         [](const auto& param_info) { return param_info.param; });

TEST(YamlRoundTripTest, FoundTheCases) {
  EXPECT_GE(case_names().size(), 6u);
}

}  // namespace
}  // namespace sluice
