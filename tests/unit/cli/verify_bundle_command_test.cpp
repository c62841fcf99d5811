// `sluice verify-bundle`: the command line (usage errors exit 2), and verification of the
// conformance vectors' bundles through it: what it prints on success, one "Error:" line and
// exit 1 otherwise.
#include "cli/verify_bundle_command.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace sluice::cli {
namespace {

constexpr const char* kIdentity =
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
constexpr const char* kIssuer = "https://token.actions.githubusercontent.com";
// sha256 of bundle-verify/a.txt
constexpr const char* kArtifactDigest =
    "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

std::string vectors(const std::string& relative) {
  return std::string(SLUICE_SIGSTORE_CONFORMANCE_DIR) + "/" + relative;
}

CliResult run(const std::vector<std::string>& args) {
  return run_sluice_command("verify-bundle", args);
}

std::vector<std::string> identity_args(const std::string& bundle_case,
                                       const std::string& artifact) {
  return {"--bundle",
          vectors("bundle-verify/" + bundle_case + "/bundle.sigstore.json"),
          "--certificate-identity",
          kIdentity,
          "--certificate-oidc-issuer",
          kIssuer,
          "--trusted-root",
          vectors("trusted_root.public-good.json"),
          artifact};
}

bool one_error_line(const std::string& err) {
  return err.starts_with("Error: ") && err.find('\n') == err.size() - 1;
}

TEST(VerifyBundleCommandTest, VerifiesByPathAndByDigest) {
  for (const std::string& artifact :
       {vectors("bundle-verify/a.txt"), std::string(kArtifactDigest)}) {
    const CliResult result = run(identity_args("happy-path-v0.3", artifact));
    EXPECT_EQ(result.code, kExitOk) << result.err;
    EXPECT_EQ(result.out, "verified: " + artifact + "\nsigner: identity " + kIdentity +
                              " (issuer " + kIssuer + ")\nlog index: 79571823\n");
    EXPECT_EQ(result.err, "");
  }
}

TEST(VerifyBundleCommandTest, VerifiesKeySignedBundles) {
  const std::string folder = vectors("bundle-verify/managed-key-happy-path/");
  const CliResult result =
      run({"--bundle", folder + "bundle.sigstore.json", "--key", folder + "key.pub",
           "--trusted-root", vectors("trusted_root.public-good.json"), kArtifactDigest});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_NE(result.out.find("signer: key ECDSA P-256 sha256:"), std::string::npos);
  EXPECT_NE(result.out.find("log index: 771488337\n"), std::string::npos);
}

// cosign's --certificate-identity-regexp / --certificate-oidc-issuer-regexp: searched
// unanchored in the SAN and the issuer; with an exact value too, both must hold.
TEST(VerifyBundleCommandTest, MatchesIdentityAndIssuerByRegexp) {
  const auto with = [](std::vector<std::string> flags) {
    std::vector<std::string> args = {
        "--bundle", vectors("bundle-verify/happy-path-v0.3/bundle.sigstore.json"), "--trusted-root",
        vectors("trusted_root.public-good.json"), kArtifactDigest};
    args.insert(args.begin(), flags.begin(), flags.end());
    return run(args);
  };
  const std::string beacon = "extremely-dangerous-oidc-beacon\\.yml@refs/heads/main$";
  CliResult result = with({"--certificate-identity-regexp", beacon,
                           "--certificate-oidc-issuer-regexp", "^https://token\\.actions\\."});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_NE(result.out.find("signer: identity /" + beacon + "/ (issuer /"), std::string::npos)
      << result.out;
  result = with({"--certificate-identity-regexp", "sigstore-conformance",
                 "--certificate-oidc-issuer", kIssuer});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  result = with({"--certificate-identity", kIdentity, "--certificate-identity-regexp",
                 "sigstore-conformance", "--certificate-oidc-issuer", kIssuer});
  EXPECT_EQ(result.code, kExitOk) << result.err;

  for (const auto& flags : std::vector<std::vector<std::string>>{
           {"--certificate-identity-regexp", "^extremely", "--certificate-oidc-issuer", kIssuer},
           {"--certificate-identity-regexp", "beacon", "--certificate-oidc-issuer-regexp",
            "accounts\\.google"},
           {"--certificate-identity", kIdentity, "--certificate-identity-regexp", "gitlab",
            "--certificate-oidc-issuer", kIssuer},
           {"--certificate-identity", std::string(kIdentity) + "x", "--certificate-identity-regexp",
            "beacon", "--certificate-oidc-issuer", kIssuer}}) {
    result = with(flags);
    EXPECT_EQ(result.code, kExitFailure) << flags[1];
    EXPECT_TRUE(one_error_line(result.err)) << result.err;
  }
}

TEST(VerifyBundleCommandTest, RejectionIsOneErrorLine) {
  std::vector<std::string> args = identity_args("happy-path-v0.3", kArtifactDigest);
  args[3] = "https://github.com/someone/else";
  CliResult result = run(args);
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_TRUE(one_error_line(result.err)) << result.err;
  EXPECT_NE(result.err.find("certificate identity"), std::string::npos);
  EXPECT_EQ(result.out, "");

  result = run(identity_args("bundle-malformed-json_fail", kArtifactDigest));
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_TRUE(one_error_line(result.err)) << result.err;

  result = run(identity_args("no-such-case", kArtifactDigest));
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_NE(result.err.find("cannot read bundle"), std::string::npos);

  result = run(identity_args("happy-path-v0.3", vectors("bundle-verify/no-such-artifact")));
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_NE(result.err.find("cannot read artifact"), std::string::npos);
}

TEST(VerifyBundleCommandTest, CommandLineMistakesAreUsageErrors) {
  const std::string bundle = vectors("bundle-verify/happy-path-v0.3/bundle.sigstore.json");
  const std::string root = vectors("trusted_root.public-good.json");
  const std::vector<std::vector<std::string>> mistakes = {
      {"--certificate-identity", kIdentity, "--certificate-oidc-issuer", kIssuer, "--trusted-root",
       root, kArtifactDigest},  // no --bundle
      {"--bundle", bundle, "--certificate-identity", kIdentity, "--trusted-root", root,
       kArtifactDigest},  // no issuer
      {"--bundle", bundle, "--key", "k.pem", "--certificate-identity", kIdentity,
       "--certificate-oidc-issuer", kIssuer, "--trusted-root", root, kArtifactDigest},
      {"--bundle", bundle, "--certificate-identity", kIdentity, "--certificate-oidc-issuer",
       kIssuer, kArtifactDigest},  // no trusted root
      {"--bundle", bundle, "--certificate-identity", kIdentity, "--certificate-oidc-issuer",
       kIssuer, "--trusted-root", root},  // no artifact
      {"--bundle", bundle, "--certificate-identity", kIdentity, "--certificate-oidc-issuer",
       kIssuer, "--trusted-root", root, kArtifactDigest, kArtifactDigest},
      {"--bundle", bundle, "--certificate-identity", kIdentity, "--certificate-oidc-issuer",
       kIssuer, "--trusted-root", root, "sha256:abc"},
      {"--bundle", bundle, "--frobnicate", "x", "--trusted-root", root, kArtifactDigest},
      {"--bundle", bundle, "--certificate-identity-regexp", "(unclosed",
       "--certificate-oidc-issuer", kIssuer, "--trusted-root", root, kArtifactDigest},
      {"--bundle", bundle, "--certificate-identity", kIdentity, "--certificate-oidc-issuer-regexp",
       "[z-a]", "--trusted-root", root, kArtifactDigest},
      {"--bundle", bundle, "--certificate-oidc-issuer-regexp", ".", "--trusted-root", root,
       kArtifactDigest},  // no identity
      {"--bundle", bundle, "--key", "k.pem", "--certificate-identity-regexp", ".", "--trusted-root",
       root, kArtifactDigest},
  };
  for (const auto& args : mistakes) {
    const CliResult result = run(args);
    EXPECT_EQ(result.code, kExitUsage) << result.err;
    EXPECT_TRUE(one_error_line(result.err)) << result.err;
  }
}

}  // namespace
}  // namespace sluice::cli
