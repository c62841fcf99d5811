#include "cli/app.h"

#include <vector>

#include <gtest/gtest.h>

#include "cli_test_support.h"
#include "core/json.h"

namespace sluice::cli {
namespace {

CliResult run(const std::vector<std::string>& args) {
  return run_sluice(args);
}

TEST(AppTest, VersionPrintsTheProjectVersion) {
  const CliResult result = run({"--version"});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_EQ(result.out, "sluice " SLUICE_VERSION "\n");
}

TEST(AppTest, HelpListsEverySubcommand) {
  const CliResult result = run({"--help"});
  EXPECT_EQ(result.code, kExitOk);
  for (const char* name : {"run", "build", "pull", "verify-bundle", "verify-commit", "get",
                           "reconcile", "suspend", "resume", "diff"}) {
    EXPECT_NE(result.out.find(std::string("\n  ") + name + " "), std::string::npos) << name;
  }
}

TEST(AppTest, NoArgumentsIsAUsageError) {
  const CliResult result = run({});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("Usage: sluice"), std::string::npos);
}

TEST(AppTest, UnknownCommandExitsNonZeroWithUsage) {
  const CliResult result = run({"deploy-everything"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("unknown command \"deploy-everything\""), std::string::npos);
  EXPECT_NE(result.err.find("Usage: sluice"), std::string::npos);
  EXPECT_TRUE(result.out.empty());
}

TEST(AppTest, CommandHelpShowsItsSynopsis) {
  for (const auto& args :
       {std::vector<std::string>{"build", "--help"}, std::vector<std::string>{"help", "build"}}) {
    const CliResult result = run(args);
    EXPECT_EQ(result.code, kExitOk);
    EXPECT_NE(result.out.find("Usage: sluice build DIR"), std::string::npos) << result.out;
  }
}

TEST(AppTest, BadGlobalFlagsAreUsageErrors) {
  EXPECT_EQ(run({"--log-level", "loud", "run"}).code, kExitUsage);
  EXPECT_EQ(run({"run", "--log-format=xml"}).code, kExitUsage);
  EXPECT_EQ(run({"run", "--log-level"}).code, kExitUsage);
}

TEST(AppTest, LeaderElectionTimingIsCheckedAsAUsageError) {
  const CliResult result = run({"run", "--leader-elect", "--leader-election-lease-duration", "2s",
                                "--leader-election-renew-deadline", "3s"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("lease_duration must be greater than renew_deadline"),
            std::string::npos)
      << result.err;
  // Without --leader-elect the durations are not used, so not checked.
  EXPECT_NE(
      run({"run", "--leader-election-lease-duration", "2s", "--leader-election-renew-deadline",
           "3s", "--kubeconfig", "/nonexistent/kubeconfig"})
          .code,
      kExitUsage);
}

TEST(AppTest, RunLogsJsonLinesByDefault) {
  const CliResult result = run({"run", "--kubeconfig", "/nonexistent/kubeconfig"});
  EXPECT_EQ(result.code, kExitFailure);
  ASSERT_FALSE(result.log.empty());
  const auto line = sluice::Json::parse(result.log.substr(0, result.log.find('\n')));
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["logger"], "sluice");
  EXPECT_NE(line["msg"].get<std::string>().find("/nonexistent/kubeconfig"), std::string::npos)
      << result.log;
  EXPECT_TRUE(line["ts"].get<std::string>().ends_with("Z"));
}

TEST(AppTest, LogFormatFlagOverridesTheDefault) {
  const CliResult result = run({"--log-format", "text", "run", "--kubeconfig", "/nonexistent/x"});
  EXPECT_TRUE(result.log.starts_with("error: ")) << result.log;
  EXPECT_NE(result.log.find("/nonexistent/x"), std::string::npos) << result.log;
}

TEST(AppTest, LogLevelFlagFilters) {
  const CliResult result = run({"run", "--log-level=off", "--kubeconfig", "/nonexistent/x"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_TRUE(result.log.empty()) << result.log;
}

TEST(AppTest, BuildPrintsWhatKubectlKustomizePrints) {
  const std::string dir = SLUICE_SOURCE_DIR "/tests/conformance/kustomize/plain-resources";
  const CliResult result = run({"build", dir});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_TRUE(result.out.starts_with("apiVersion: v1\ndata:\n")) << result.out;
  EXPECT_NE(result.out.find("\n---\napiVersion: apps/v1\nkind: Deployment\n"), std::string::npos);
}

TEST(AppTest, BuildFailsWithOneLineAndNoOutput) {
  const std::string dir = SLUICE_SOURCE_DIR "/tests/conformance/kustomize/error-missing-file";
  const CliResult result = run({"build", dir});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
  EXPECT_NE(result.err.find("absent.yaml"), std::string::npos) << result.err;
}

TEST(AppTest, BuildSubstitutesVariablesLikeFluxPostBuild) {
  const std::string dir = SLUICE_SOURCE_DIR "/tests/unit/cli/testdata/substitute";
  const CliResult result = run({"build", dir, "--substitute", "ENV=prod", "--substitute=REPLICAS=3",
                                "--substitute", "HOME=/root"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_NE(result.out.find("  name: web-prod\nspec:\n  replicas: 3\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("image: nginx:1.25\n"), std::string::npos) << result.out;
  // The disabled ConfigMap keeps its text.
  EXPECT_NE(result.out.find("run.sh: echo ${HOME}\n"), std::string::npos) << result.out;
}

TEST(AppTest, BuildRefusesBadSubstitutions) {
  const std::string dir = SLUICE_SOURCE_DIR "/tests/unit/cli/testdata/substitute";
  for (const char* flag : {"1X=a", "NOEQUALS", "A-B=c"}) {
    const CliResult result = run({"build", dir, "--substitute", flag});
    EXPECT_EQ(result.code, kExitUsage) << flag;
    EXPECT_TRUE(result.out.empty()) << flag;
  }
}

}  // namespace
}  // namespace sluice::cli
