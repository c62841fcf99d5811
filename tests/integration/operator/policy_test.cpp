// Signing policy: an unsigned revision is refused under an Enforce policy (the last applied
// revision stays in the cluster) and applied and reported under Audit; a commit signed by an
// allowed SSH key passes.
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class PolicyTest : public OperatorTest {
 protected:
  void SetUp() override {
    OperatorTest::SetUp();
    key_dir_ = fs::temp_directory_path() / ("sluice-keys-" + ns());
    fs::create_directories(key_dir_);
    const ProcessResult keygen =
        run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tests@sluice.dev", "-f",
                     (key_dir_ / "signer").string()});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    std::ifstream public_key(key_dir_ / "signer.pub");
    std::string type, blob;
    public_key >> type >> blob;
    allowed_signer_ = "tests@sluice.dev " + type + " " + blob;
  }
  void TearDown() override {
    env().kubectl({"delete", "signingpolicies.sluice.dev", policy_name(), "--ignore-not-found"});
    fs::remove_all(key_dir_);
    OperatorTest::TearDown();
  }

  std::string policy_name() const { return ns() + "-commits"; }
  std::string policy_yaml(const std::string& mode) const {
    return "apiVersion: sluice.dev/v1alpha1\nkind: SigningPolicy\nmetadata:\n  name: " +
           policy_name() + "\nspec:\n  mode: " + mode + "\n  match: {namespaces: [" + ns() +
           "]}\n  commits:\n    required: true\n    ssh:\n      allowedSigners: \"" +
           allowed_signer_ + "\"\n";
  }
  std::string key() const { return (key_dir_ / "signer").string(); }

  fs::path key_dir_;
  std::string allowed_signer_;
};

TEST_F(PolicyTest, EnforceRefusesUnsignedRevisionsAndKeepsTheLastSignedOne) {
  apply(policy_yaml("Enforce"));
  repo().commit({{"app/a.yaml", config_map_yaml("a", "unsigned")}}, "unsigned");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  Json app = wait_ready("shop", "False", seconds(60), "CommitUnsigned");
  EXPECT_EQ(condition(app, "Ready")["reason"], "CommitUnsigned") << app["status"].dump(2);
  const Json verified = condition(app, "Verified");
  EXPECT_EQ(verified["status"], "False");
  EXPECT_EQ(verified["reason"], "CommitUnsigned");
  EXPECT_TRUE(get("configmap", "a").is_null()) << "an unsigned revision reached the cluster";
  EXPECT_EQ(app["status"]["history"][0]["result"], "Blocked");

  repo().sign_with(key());
  const std::string good =
      repo().commit({{"app/a.yaml", config_map_yaml("a", "signed")}}, "signed");
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastAppliedRevision"}) == "main@sha1:" + good;
  })) << app.dump(2)
      << op().log();
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "signed");
  const Json allowed = condition(app, "Verified");
  EXPECT_EQ(allowed["reason"], "PolicyAllowed");
  EXPECT_NE(string_member(allowed, {"message"}).find("tests@sluice.dev"), std::string::npos)
      << allowed.dump();

  repo().sign_with("");
  const std::string bad = repo().commit({{"app/a.yaml", config_map_yaml("a", "evil")}}, "evil");
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastAttemptedRevision"}) == "main@sha1:" + bad &&
           string_member(condition(app, "Verified"), {"status"}) == "False";
  })) << app.dump(2)
      << op().log();
  EXPECT_EQ(app["status"]["lastAppliedRevision"], "main@sha1:" + good);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "signed");
  const ProcessResult events = env().kubectl(
      {"-n", ns(), "get", "events", "--field-selector", "reason=CommitUnsigned", "-o", "name"});
  EXPECT_FALSE(events.out.empty()) << events.err;
}

TEST_F(PolicyTest, AuditAppliesUnsignedRevisionsAndReportsThem) {
  apply(policy_yaml("Audit"));
  repo().commit({{"app/a.yaml", config_map_yaml("a", "unsigned")}}, "unsigned");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  const Json app = wait_ready("shop");
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "unsigned");
  const Json verified = condition(app, "Verified");
  EXPECT_EQ(verified["status"], "True");
  EXPECT_EQ(verified["reason"], "PolicyAuditViolation");
  EXPECT_NE(string_member(verified, {"message"}).find("CommitUnsigned"), std::string::npos)
      << verified.dump();
  const ProcessResult events = env().kubectl({"-n", ns(), "get", "events", "--field-selector",
                                              "reason=PolicyAuditViolation", "-o", "name"});
  EXPECT_FALSE(events.out.empty()) << events.err;
  const auto [status, metrics] = op().get(op().metrics_port(), "/metrics");
  EXPECT_EQ(status, 200);
  EXPECT_NE(metrics.find(R"(sluice_policy_violations_total{mode="Audit",rule="CommitUnsigned"})"),
            std::string::npos)
      << metrics;
}

TEST_F(PolicyTest, AMalformedPolicyFailsClosedAndSaysWhy) {
  apply(
      "apiVersion: sluice.dev/v1alpha1\nkind: SigningPolicy\nmetadata:\n  name: " + policy_name() +
      "\nspec:\n  match: {namespaces: [" + ns() + "]}\n  commits:\n    required: true\n");
  Json policy;
  ASSERT_TRUE(eventually([&] {
    policy = get("signingpolicies.sluice.dev", policy_name());
    return string_member(condition(policy, "Ready"), {"reason"}) == "PolicyInvalid";
  })) << policy.dump(2)
      << op().log();
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "a");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  const Json app = wait_ready("shop", "False", seconds(60), "PolicyInvalid");
  EXPECT_EQ(condition(app, "Verified")["reason"], "PolicyInvalid") << app["status"].dump(2);
  EXPECT_TRUE(get("configmap", "a").is_null());
}

}  // namespace
}  // namespace sluice::testing
