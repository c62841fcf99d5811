#include "cli/cluster_command.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>

#include "cli/command_line.h"
#include "cli_test_support.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

TEST(ParseKindTest, AcceptsSingularPluralAndFullNames) {
  for (const char* word :
       {"app", "apps", "application", "applications", "Applications", "applications.sluice.dev"}) {
    EXPECT_EQ(parse_kind(word).kind, ObjectKind::kApplication) << word;
  }
  for (const char* word : {"source", "sources", "gitsource", "gitsources", "GitSource"}) {
    EXPECT_EQ(parse_kind(word).kind, ObjectKind::kGitSource) << word;
  }
  for (const char* word : {"policy", "policies", "signingpolicy", "signingpolicies"}) {
    EXPECT_EQ(parse_kind(word).kind, ObjectKind::kSigningPolicy) << word;
  }
}

TEST(ParseKindTest, RefusesOtherWords) {
  for (const char* word : {"pods", "", "appz", "sluice.dev"}) {
    try {
      parse_kind(word);
      ADD_FAILURE() << word;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(e.message().find("apps, sources or policies"), std::string::npos);
    }
  }
}

TEST(ParseKindTest, KindsNameTheirResources) {
  const kube::Resource apps = parse_kind("apps").resource();
  EXPECT_EQ(apps.collection_path("shop"), "/apis/sluice.dev/v1alpha1/namespaces/shop/applications");
  EXPECT_EQ(parse_kind("sources").resource().collection_path(""),
            "/apis/sluice.dev/v1alpha1/gitsources");
  const KindInfo& policies = parse_kind("policies");
  EXPECT_FALSE(policies.namespaced);
  EXPECT_EQ(policies.resource().collection_path(""), "/apis/sluice.dev/v1alpha1/signingpolicies");
  EXPECT_EQ(describe(parse_kind("app"), "web"), "application \"web\"");
  EXPECT_EQ(object_not_found(parse_kind("app"), "shop", "web").message(),
            "application \"web\" not found in namespace \"shop\"");
  EXPECT_EQ(object_not_found(policies, "", "strict").message(),
            "signingpolicy \"strict\" not found");
}

TEST(NormalizeFlagsTest, SpellsShortFlagsLong) {
  const std::vector<std::string> args{"-n",  "shop",          "-A", "-w", "-nteam", "-n=x",
                                      "get", "--with-source", "--", "-A"};
  EXPECT_EQ(normalize_flags(args, {"--with-source"}),
            (std::vector<std::string>{"--namespace=shop", "--all-namespaces=true", "--watch=true",
                                      "--namespace=team", "--namespace=x", "get",
                                      "--with-source=true", "--", "-A"}));
  EXPECT_THROW(normalize_flags(std::vector<std::string>{"apps", "-n"}, {}), Error);
}

TEST(ClusterFlagsTest, TakesKubeconfigAndNamespace) {
  ClusterFlags flags;
  EXPECT_TRUE(flags.take("--kubeconfig", "/k"));
  EXPECT_TRUE(flags.take("--namespace", "shop"));
  EXPECT_FALSE(flags.take("--watch", "true"));
  EXPECT_EQ(flags.kubeconfig, "/k");
  EXPECT_EQ(flags.ns, "shop");
  EXPECT_THROW(flags.take("--namespace", ""), Error);
}

// Sets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_.path()); }

  fs::path write_kubeconfig(const std::string& name, const std::string& context_namespace) {
    fs::path path = dir_.path() / name;
    std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
                        << "    server: https://127.0.0.1:1\nusers:\n- name: u\n  user:\n"
                        << "    token: not-a-real-token\ncontexts:\n- name: x\n  context:\n"
                        << "    cluster: c\n    user: u\n"
                        << (context_namespace.empty()
                                ? ""
                                : "    namespace: " + context_namespace + "\n")
                        << "current-context: x\n";
    return path;
  }

  TempDir dir_{"sluice-cli-test-"};
};

TEST_F(KubeconfigTest, FlagThenKubeconfigVariableThenHome) {
  const fs::path existing = write_kubeconfig("config", "");
  {
    const ScopedEnv env("KUBECONFIG",
                        (dir_.path() / "missing").string() + "::" + existing.string());
    EXPECT_EQ(kubeconfig_path("/from/flag"), "/from/flag");
    EXPECT_EQ(kubeconfig_path(""), existing);
  }
  {
    const ScopedEnv env("KUBECONFIG", "/none/a:/none/b");
    EXPECT_EQ(kubeconfig_path(""), "/none/a");  // so the error names it
  }
  const ScopedEnv no_kubeconfig("KUBECONFIG", std::nullopt);
  {
    const ScopedEnv home("HOME", "/home/someone");
    EXPECT_EQ(kubeconfig_path(""), "/home/someone/.kube/config");
  }
  const ScopedEnv no_home("HOME", std::nullopt);
  EXPECT_THROW(kubeconfig_path(""), Error);
}

TEST_F(KubeconfigTest, NamespaceFromFlagThenContextThenDefault) {
  const fs::path with_namespace = write_kubeconfig("team", "team-a");
  const fs::path without = write_kubeconfig("plain", "");
  EXPECT_EQ(connect({with_namespace.string(), ""}).ns, "team-a");
  EXPECT_EQ(connect({with_namespace.string(), "shop"}).ns, "shop");
  EXPECT_EQ(connect({without.string(), ""}).ns, "default");
}

TEST_F(KubeconfigTest, AMissingKubeconfigIsAnErrorNamingIt) {
  const std::string path = (dir_.path() / "nope").string();
  const CliResult result = run_sluice_command("get", {"apps", "--kubeconfig", path});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err.rfind("Error: ", 0), 0U) << result.err;
  EXPECT_NE(result.err.find(path), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << "one line: " << result.err;
}

TEST_F(KubeconfigTest, AnUnreachableClusterIsOneErrorLineWithoutTheToken) {
  const fs::path path = write_kubeconfig("config", "");
  for (const std::vector<std::string>& line : {std::vector<std::string>{"get", "apps"},
                                               {"suspend", "source", "repo"},
                                               {"resume", "app", "shop", "--timeout", "2s"}}) {
    std::vector<std::string> args(line.begin(), line.end());
    args.insert(args.end(), {"--kubeconfig", path.string()});
    const CliResult result = run_sluice(args);
    EXPECT_EQ(result.code, kExitFailure) << line[0];
    EXPECT_EQ(result.err.rfind("Error: ", 0), 0U) << result.err;
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << "one line: " << result.err;
    EXPECT_EQ(result.err.find("not-a-real-token"), std::string::npos) << result.err;
    EXPECT_EQ(result.out.find("not-a-real-token"), std::string::npos) << result.out;
  }
}

TEST(DeadlineTest, AbortsWhenTheTimeoutPasses) {
  Deadline deadline(std::chrono::milliseconds(20));
  EXPECT_FALSE(deadline.expired());
  EXPECT_THROW(runtime::sleep_for(std::chrono::seconds(30), deadline.abort()), Error);
  EXPECT_TRUE(deadline.expired());
}

TEST(InterruptScopeTest, SigintAbortsInsteadOfEndingTheProcess) {
  runtime::AbortSource abort;
  {
    const InterruptScope scope(abort);
    EXPECT_FALSE(scope.interrupted());
    raise(SIGINT);
    EXPECT_THROW(runtime::sleep_for(std::chrono::seconds(30), abort), Error);
    EXPECT_TRUE(scope.interrupted());
  }
  // A second scope may follow the first.
  runtime::AbortSource second;
  const InterruptScope scope(second);
  EXPECT_FALSE(second.abort_requested());
}

}  // namespace
}  // namespace sluice::cli
