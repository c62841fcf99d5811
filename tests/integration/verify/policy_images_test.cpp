// The policy gate's image rules end to end: images pushed to the real distribution registry on
// 127.0.0.1, signed by real cosign, checked by verify::PolicyImageVerifier under a SigningPolicy
// with an inline cosign key, or keyless identities with a trusted root from a Secret (a test CA
// made by keyless_fixture.py; cosign signs with its leaf certificate), for Deployments that use
// them.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "policy/gate.h"
#include "process.h"
#include "test_helpers.h"
#include "verify/policy_verifiers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string tool(const std::string& name) {
  const ProcessResult result =
      run_process({std::string(SLUICE_SOURCE_DIR) + "/tests/env/build-tools", "--path", name});
  std::string path = result.out.substr(0, result.out.find('\n'));
  return path;
}

// The registry, a key pair and three images: `signed` (by the key), `unsigned` and `foreign`
// (signed by another key). Everything is stopped and removed at the end, pass or fail.
class PolicyImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sluice-policy-images-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    port_ = unused_loopback_port();
    std::ofstream(dir_ / "registry.yml") << "version: 0.1\nlog:\n  level: error\nstorage:\n"
                                         << "  filesystem:\n    rootdirectory: " << dir_.string()
                                         << "/data\nhttp:\n  addr: 127.0.0.1:" << port_ << "\n";
    const ProcessResult started =
        run_process({"bash", "-c",
                     tool("registry") + " serve " + (dir_ / "registry.yml").string() +
                         " >/dev/null 2>&1 </dev/null & echo $!"});
    registry_pid_ = std::stoi(started.out);
    for (int i = 0; i < 100; ++i) {
      if (run_process({"curl", "-sf", "http://127.0.0.1:" + std::to_string(port_) + "/v2/"})
              .exit_code == 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    cosign({"generate-key-pair", "--output-key-prefix", "owner"});
    cosign({"generate-key-pair", "--output-key-prefix", "stranger"});
    for (const std::string name : {"signed", "unsigned", "foreign"}) {
      std::ofstream(dir_ / (name + ".txt")) << "content of " << name << "\n";
      cosign({"upload", "blob", "-f", name + ".txt", "--allow-http-registry", image(name)});
    }
    cosign({"sign", "--key", "owner.key", "--tlog-upload=false", "--allow-http-registry", "--yes",
            image("signed")});
    cosign({"sign", "--key", "stranger.key", "--tlog-upload=false", "--allow-http-registry",
            "--yes", image("foreign")});
    // The keyless fixture: CA "fulcio", leaf "alice" (alice@example.test), trusted_root.json.
    const ProcessResult fixture = run_process(
        {"python3", std::string(SLUICE_SOURCE_DIR) + "/tests/integration/verify/keyless_fixture.py",
         tool("cosign"), dir_.string()});
    ASSERT_EQ(fixture.exit_code, 0) << fixture.out << fixture.err;
    std::ofstream(dir_ / "keyless.txt") << "content of keyless\n";
    cosign({"upload", "blob", "-f", "keyless.txt", "--allow-http-registry", image("keyless")});
    cosign({"sign", "--key", "alice-cosign.key", "--certificate", "alice.pem",
            "--certificate-chain", "fulcio-chain.pem", "--tlog-upload=false",
            "--allow-http-registry", "--yes", image("keyless")});
  }

  void TearDown() override {
    if (registry_pid_ > 0) ::kill(registry_pid_, SIGTERM);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string image(const std::string& name) const {
    return "127.0.0.1:" + std::to_string(port_) + "/shop/" + name + ":v1";
  }

  void cosign(std::vector<std::string> args) {
    args.insert(args.begin(), tool("cosign"));
    const ProcessResult result = run_process(
        args, ProcessOptions().set_working_dir(dir_.string()).set_env("COSIGN_PASSWORD", ""));
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  }

  // The owner's key; `ignore_tlog` sets the entry's ignoreTlog.
  policy::LoadedPolicy policy_for_key(const std::string& mode,
                                      std::optional<bool> ignore_tlog = std::nullopt) const {
    Json pem = read_text_file(dir_ / "owner.pub");
    Json entry = {{"glob", "127.0.0.1:" + std::to_string(port_) + "/shop/*"},
                  {"keys", Json::array({{{"pem", pem}}})}};
    if (ignore_tlog) entry["ignoreTlog"] = *ignore_tlog;
    const Json object = {{"apiVersion", "sluice.dev/v1alpha1"},
                         {"kind", "SigningPolicy"},
                         {"metadata", {{"name", "images"}}},
                         {"spec", {{"mode", mode}, {"images", Json::array({entry})}}}};
    return policy::load_signing_policy(Object(object));
  }

  // Keyless identities (issuer exact; subject exact or by regexp), the trusted root from the
  // Secret sluice-system/test-root, and insecure-ignore-sct (the test CA has no CT log).
  policy::LoadedPolicy policy_for_identities(const Json& identities) const {
    const Json object = {
        {"apiVersion", "sluice.dev/v1alpha1"},
        {"kind", "SigningPolicy"},
        {"metadata", {{"name", "keyless"}}},
        {"spec",
         {{"images", Json::array({{{"glob", "127.0.0.1:" + std::to_string(port_) + "/shop/*"},
                                   {"keyless",
                                    {{"identities", identities},
                                     {"trustedRootSecretRef", {{"name", "test-root"}}}}}}})}}}};
    return policy::load_signing_policy(Object(object));
  }

  class FileSecrets final : public policy::SecretResolver {
   public:
    explicit FileSecrets(fs::path root) : root_(std::move(root)) {}
    std::string resolve(const policy::SecretKeyRef& ref) const override {
      if (ref.name != "test-root") throw not_found("no Secret " + ref.name);
      return read_text_file(root_);
    }

   private:
    fs::path root_;
  };

  // `options`: the verifier's own; by default offline (no Rekor here, nor a CT log), the
  // operator's are the defaults.
  policy::Verdict evaluate(const policy::LoadedPolicy& loaded, const std::string& image_name,
                           verify::oci::ImageVerifyOptions verifier_options = {
                               .ignore_tlog = true, .ignore_sct = true}) {
    const Object application(Json{{"apiVersion", "sluice.dev/v1alpha1"},
                                  {"kind", "Application"},
                                  {"metadata", {{"name", "shop"}, {"namespace", "shop"}}}});
    std::vector<Object> manifests;
    manifests.emplace_back(
        Json{{"apiVersion", "apps/v1"},
             {"kind", "Deployment"},
             {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
             {"spec",
              {{"template",
                {{"spec",
                  {{"containers",
                    Json::array({{{"name", "web"}, {"image", image(image_name)}}})}}}}}}}});
    const verify::PolicyImageVerifier images(
        [](const std::string&) {
          verify::oci::RegistryOptions options;
          options.plain_http = true;  // the test registry speaks plain HTTP on loopback
          return options;
        },
        verifier_options);
    const FileSecrets secrets(dir_ / "trusted_root.json");
    policy::GateInput input;
    input.application = &application;
    input.manifests = &manifests;
    input.default_namespace = "shop";
    return policy::evaluate({loaded}, input,
                            {.secrets = &secrets, .commits = nullptr, .images = &images});
  }

  fs::path dir_;
  int port_ = 0;
  pid_t registry_pid_ = -1;
};

TEST_F(PolicyImagesTest, EnforcesTheKeyOnEveryMatchingImage) {
  const policy::LoadedPolicy enforce = policy_for_key("Enforce");
  ASSERT_FALSE(enforce.error) << enforce.error->message();

  const policy::Verdict signed_verdict = evaluate(enforce, "signed");
  EXPECT_TRUE(signed_verdict.allowed) << signed_verdict.summary();
  EXPECT_TRUE(signed_verdict.violations.empty());

  const policy::Verdict unsigned_verdict = evaluate(enforce, "unsigned");
  EXPECT_FALSE(unsigned_verdict.allowed);
  ASSERT_EQ(unsigned_verdict.violations.size(), 1U) << unsigned_verdict.summary();
  EXPECT_EQ(unsigned_verdict.violations[0].rule, "ImageUnsigned");

  const policy::Verdict foreign_verdict = evaluate(enforce, "foreign");
  EXPECT_FALSE(foreign_verdict.allowed);
  ASSERT_EQ(foreign_verdict.violations.size(), 1U) << foreign_verdict.summary();
  EXPECT_EQ(foreign_verdict.violations[0].rule, "ImageSignerNotAllowed");
  EXPECT_THAT(foreign_verdict.violations[0].message, HasSubstr("verifies with the key"));
}

// As the operator verifies (its verifier has no trusted root and does not ignore the log): a
// key entry needs ignoreTlog for images signed without a log entry (cosign sign
// --tlog-upload=false), and says so when it lacks it; the accepted signer tells which.
TEST_F(PolicyImagesTest, KeyEntriesWithoutALogNeedIgnoreTlogAsTheOperatorVerifies) {
  const policy::Verdict with = evaluate(policy_for_key("Enforce", true), "signed", {});
  EXPECT_TRUE(with.allowed) << with.summary();
  ASSERT_EQ(with.signers.size(), 1U);
  EXPECT_THAT(with.signers[0].signer, HasSubstr("(no transparency log: ignoreTlog)"));
  const policy::Verdict foreign = evaluate(policy_for_key("Enforce", true), "foreign", {});
  EXPECT_FALSE(foreign.allowed);
  ASSERT_EQ(foreign.violations.size(), 1U) << foreign.summary();
  EXPECT_EQ(foreign.violations[0].rule, "ImageSignerNotAllowed");

  const policy::Verdict without = evaluate(policy_for_key("Enforce", false), "signed", {});
  EXPECT_FALSE(without.allowed);
  ASSERT_EQ(without.violations.size(), 1U) << without.summary();
  EXPECT_EQ(without.violations[0].rule, "ImageVerificationError");
  EXPECT_THAT(without.violations[0].message, HasSubstr("ignoreTlog"));
}

TEST_F(PolicyImagesTest, AuditReportsButLetsThrough) {
  const policy::Verdict verdict = evaluate(policy_for_key("Audit"), "unsigned");
  EXPECT_TRUE(verdict.allowed);
  ASSERT_EQ(verdict.violations.size(), 1U);
  EXPECT_EQ(verdict.violations[0].rule, "ImageUnsigned");
}

TEST_F(PolicyImagesTest, AcceptsAMatchingKeylessIdentity) {
  const Json exact =
      Json::array({{{"issuer", "https://issuer.example.test"}, {"subject", "alice@example.test"}}});
  const Json by_regexp = Json::array(
      {{{"issuer", "https://nobody.example.test"}, {"subject", "x"}},
       {{"issuer", "https://issuer.example.test"}, {"subjectRegExp", "^[a-z]+@example\\.test$"}}});
  for (const Json& identities : {exact, by_regexp}) {
    const policy::LoadedPolicy loaded = policy_for_identities(identities);
    ASSERT_FALSE(loaded.error) << loaded.error->message();
    const policy::Verdict verdict = evaluate(loaded, "keyless");
    EXPECT_TRUE(verdict.allowed) << verdict.summary();
    ASSERT_EQ(verdict.signers.size(), 1U) << verdict.summary();
    EXPECT_EQ(verdict.signers[0].method, "keyless");
    EXPECT_EQ(verdict.signers[0].signer, "alice@example.test (issuer https://issuer.example.test)");
    EXPECT_THAT(verdict.signers[0].fingerprint, HasSubstr("SHA256:"));
  }
}

TEST_F(PolicyImagesTest, RefusesOtherIdentitiesAndKeySignedImages) {
  const policy::LoadedPolicy other = policy_for_identities(
      Json::array({{{"issuer", "https://issuer.example.test"}, {"subjectRegExp", "^bob@"}},
                   {{"issuer", "https://other.example.test"}, {"subject", "alice@example.test"}}}));
  ASSERT_FALSE(other.error) << other.error->message();
  const policy::Verdict verdict = evaluate(other, "keyless");
  EXPECT_FALSE(verdict.allowed);
  ASSERT_EQ(verdict.violations.size(), 1U) << verdict.summary();
  EXPECT_EQ(verdict.violations[0].rule, "ImageSignerNotAllowed");
  EXPECT_THAT(verdict.violations[0].message, HasSubstr("certificate"));

  const policy::LoadedPolicy alice = policy_for_identities(Json::array(
      {{{"issuer", "https://issuer.example.test"}, {"subject", "alice@example.test"}}}));
  const policy::Verdict key_signed = evaluate(alice, "signed");
  EXPECT_FALSE(key_signed.allowed);
  ASSERT_EQ(key_signed.violations.size(), 1U) << key_signed.summary();
  EXPECT_EQ(key_signed.violations[0].rule, "ImageSignerNotAllowed");
  EXPECT_THAT(key_signed.violations[0].message, HasSubstr("no signing certificate"));
}

}  // namespace
}  // namespace sluice::testing
