// `sluice diff`'s command line (the command against a cluster is tested in
// tests/integration/operator/diff_test.cpp).
#include "cli/diff_command.h"

#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace sluice::cli {
namespace {

TEST(DiffCommandTest, ParsesNameNamespacePathAndKubeconfig) {
  const std::vector<std::string> args{"app",         "shop",         "-n", "prod",
                                      "--path=./pr", "--kubeconfig", "/k"};
  const DiffArgs parsed = parse_diff_args(args);
  EXPECT_EQ(parsed.name, "shop");
  EXPECT_EQ(parsed.cluster.ns, "prod");
  EXPECT_EQ(parsed.cluster.kubeconfig, "/k");
  ASSERT_TRUE(parsed.path.has_value());
  EXPECT_EQ(*parsed.path, "./pr");
  const std::vector<std::string> plain{"applications", "shop"};
  EXPECT_FALSE(parse_diff_args(plain).path.has_value());
}

TEST(DiffCommandTest, UsageErrorsExitTwoWithOneLine) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{},
                                               {"app"},
                                               {"source", "repo"},
                                               {"app", "a", "b"},
                                               {"app", "a", "--frobnicate", "x"},
                                               {"app", "a", "--path"},
                                               {"widgets", "a"}}) {
    const CliResult result = run_sluice_command("diff", args);
    EXPECT_EQ(result.code, 2) << result.err;
    EXPECT_TRUE(result.err.starts_with("Error: ")) << result.err;
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

TEST(DiffCommandTest, AClusterThatCannotBeReachedIsAnError) {
  const CliResult result =
      run_sluice_command("diff", {"app", "shop", "--kubeconfig", "/nonexistent/kubeconfig"});
  EXPECT_EQ(result.code, 2);
  EXPECT_TRUE(result.err.starts_with("Error: ")) << result.err;
  EXPECT_EQ(result.out, "");
}

}  // namespace
}  // namespace sluice::cli
