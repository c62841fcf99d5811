// verify-commit's flags: SSH or keyless (gitsign), never both. Verdicts on real commits are in
// tests/integration/verify (ssh_signature_matrix.py, gitsign_matrix.py).
#include <vector>

#include <gtest/gtest.h>

#include "cli/app.h"
#include "cli_test_support.h"
namespace sluice::cli {
namespace {

CliResult run(const std::vector<std::string>& args) {
  return run_sluice_command("verify-commit", args);
}

const std::vector<std::string> kKeyless = {"--repo",
                                           "/nonexistent",
                                           "--certificate-identity",
                                           "alice@example.com",
                                           "--certificate-oidc-issuer",
                                           "https://issuer.example.com",
                                           "--trusted-root",
                                           "root.json"};

std::vector<std::string> keyless_with(const std::vector<std::string>& extra) {
  std::vector<std::string> args = kKeyless;
  for (const std::string& arg : extra) args.push_back(arg);
  return args;
}

TEST(VerifyCommitCommand, KeylessNeedsIdentityIssuerAndTrustedRoot) {
  const CliResult result =
      run({"--repo", "/nonexistent", "--certificate-identity", "a@example.com"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is "
                            "required"),
            std::string::npos)
      << result.err;
  const CliResult no_root =
      run({"--repo", "/nonexistent", "--certificate-identity", "a@example.com",
           "--certificate-oidc-issuer", "https://issuer.example.com"});
  EXPECT_EQ(no_root.code, kExitUsage);
  EXPECT_NE(no_root.err.find("needs --trusted-root"), std::string::npos) << no_root.err;
}

TEST(VerifyCommitCommand, SshAndKeylessFlagsExcludeEachOther) {
  const CliResult result = run(keyless_with({"--allowed-signers", "allowed"}));
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("not both"), std::string::npos) << result.err;
  const CliResult ignore =
      run({"--repo", "/r", "--allowed-signers", "a", "--insecure-ignore-tlog"});
  EXPECT_EQ(ignore.code, kExitUsage);
  EXPECT_NE(ignore.err.find("keyless verification only"), std::string::npos) << ignore.err;
}

TEST(VerifyCommitCommand, RegexpIdentitiesAreCheckedWhenParsed) {
  const CliResult invalid = run(keyless_with({"--certificate-identity-regexp", "("}));
  EXPECT_EQ(invalid.code, kExitUsage);
  EXPECT_NE(invalid.err.find("--certificate-identity-regexp"), std::string::npos) << invalid.err;
  // A valid one parses; the command then fails on the missing repository.
  const CliResult valid = run(keyless_with({"--certificate-identity-regexp", "@example\\.com$"}));
  EXPECT_EQ(valid.code, kExitFailure) << valid.err;
}

TEST(VerifyCommitCommand, BareInsecureIgnoreTlogIsAccepted) {
  // The flags parse (the bare boolean too); it then fails on the missing repository.
  const CliResult result = run(keyless_with({"--insecure-ignore-tlog"}));
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err.find("unknown flag"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace sluice::cli
