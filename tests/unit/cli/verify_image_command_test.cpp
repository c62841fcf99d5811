// `sluice verify-image`'s command line: --key or the keyless identity flags (exactly one way),
// their checks before anything is fetched (usage errors exit 2), and the trusted root each needs.
// Verdicts on real images are tests/integration/verify/cosign_*_matrix.py.
#include "cli/verify_image_command.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace sluice::cli {
namespace {

CliResult run(const std::vector<std::string>& args) {
  return run_sluice_command("verify-image", args);
}

const std::string kRoot =
    std::string(SLUICE_SIGSTORE_CONFORMANCE_DIR) + "/trusted_root.public-good.json";
// Nothing listens there: the tests below must fail before any request.
const std::string kImage = "127.0.0.1:1/shop/app:v1";

TEST(VerifyImageCommandTest, KeyOrIdentityFlagsExactlyOne) {
  const std::vector<std::vector<std::string>> mistakes = {
      {kImage},
      {kImage, "--insecure-ignore-tlog"},
      {kImage, "--key", "k.pem", "--certificate-identity", "a@b", "--certificate-oidc-issuer",
       "https://i", "--trusted-root", kRoot},
      {kImage, "--key", "k.pem", "--insecure-ignore-sct"},
      {kImage, "--certificate-identity", "a@b", "--trusted-root", kRoot},          // no issuer
      {kImage, "--certificate-oidc-issuer-regexp", ".", "--trusted-root", kRoot},  // no identity
      {kImage, "--certificate-identity", "a@b", "--certificate-oidc-issuer", "https://i"},
      {kImage, "--certificate-identity-regexp", "(", "--certificate-oidc-issuer", "https://i",
       "--trusted-root", kRoot},
      {kImage, "--certificate-identity", "a@b", "--certificate-oidc-issuer-regexp", "a{2,1}",
       "--trusted-root", kRoot},
      {kImage, "--certificate-identity", "a@b", "--certificate-oidc-issuer", "https://i",
       "--trusted-root", kRoot, "--insecure-ignore-sct=maybe"},
  };
  for (const auto& args : mistakes) {
    const CliResult result = run(args);
    EXPECT_EQ(result.code, kExitUsage) << args.size() << ": " << result.err;
    EXPECT_TRUE(result.err.starts_with("Error: ")) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

TEST(VerifyImageCommandTest, KeylessWithTheLogParsesAndGoesToTheRegistry) {
  // Without --insecure-ignore-tlog the flags are complete; the test registry is not there.
  const CliResult result =
      run({kImage, "--certificate-identity-regexp", "@example\\.com$", "--certificate-oidc-issuer",
           "https://issuer.example", "--trusted-root", kRoot, "--allow-http-registry"});
  EXPECT_EQ(result.code, kExitFailure) << result.err;
  EXPECT_NE(result.err.find("127.0.0.1"), std::string::npos) << result.err;
}

TEST(VerifyImageCommandTest, KeylessReadsTheTrustedRootFirst) {
  const CliResult result = run(
      {kImage, "--certificate-identity", "a@b", "--certificate-oidc-issuer", "https://i",
       "--trusted-root", kRoot + ".missing", "--insecure-ignore-tlog", "--allow-http-registry"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_NE(result.err.find("cannot read trusted root"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace sluice::cli
