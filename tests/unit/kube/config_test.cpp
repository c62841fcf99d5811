#include "kube/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::kube {
namespace {

namespace fs = std::filesystem;

const fs::path kTestdata = SLUICE_TESTDATA_DIR;

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorCode::kInternal;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.message();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

class TempDir {
 public:
  TempDir() {
    path_ =
        fs::temp_directory_path() /
        ("sluice-kube-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
  }

 private:
  fs::path path_;
};

TEST(KubeconfigTest, CurrentContextWithFilesRelativeToTheKubeconfig) {
  const ClusterConfig config = load_kubeconfig(kTestdata / "kubeconfig-two-contexts.yaml");
  EXPECT_EQ(config.server, "https://10.0.0.1:6443");  // trailing slash dropped
  EXPECT_NE(config.ca_pem.find("CA-FROM-FILE"), std::string::npos);
  EXPECT_NE(config.client_cert_pem.find("CERT-FROM-DATA"), std::string::npos);
  EXPECT_NE(config.client_key_pem.find("KEY-FROM-FILE"), std::string::npos);
  EXPECT_FALSE(config.insecure_skip_tls_verify);
  EXPECT_EQ(config.ns, "apps");
  EXPECT_FALSE(config.bearer_token().has_value());
  EXPECT_TRUE(config.impersonate.user.empty());
}

TEST(KubeconfigTest, ExplicitContextWithTokenFileInsecureAndImpersonation) {
  const ClusterConfig config =
      load_kubeconfig(kTestdata / "kubeconfig-two-contexts.yaml", {.context = "dev-robot"});
  EXPECT_EQ(config.server, "https://127.0.0.1:8443");
  EXPECT_TRUE(config.insecure_skip_tls_verify);
  EXPECT_TRUE(config.ca_pem.empty());
  EXPECT_TRUE(config.client_cert_pem.empty());
  ASSERT_NE(config.token_file, nullptr);
  EXPECT_EQ(config.token_file->path(), kTestdata / "certs" / "token");
  EXPECT_EQ(config.bearer_token(), "file-token-1");
  EXPECT_EQ(config.impersonate.user, "jane");
  EXPECT_EQ(config.impersonate.groups, std::vector<std::string>{"reviewers"});
  EXPECT_EQ(config.ns, "default");
}

TEST(KubeconfigTest, DataFieldsWinOverFilesAndStaticTokenOverTokenFile) {
  const ClusterConfig config = load_kubeconfig(kTestdata / "kubeconfig-token.yaml");
  EXPECT_NE(config.ca_pem.find("DATA-WINS"), std::string::npos);
  EXPECT_EQ(config.bearer_token(), "static-token");
  EXPECT_EQ(config.token_file, nullptr);
}

TEST(KubeconfigTest, InsecureOnlyWhenTheFileSaysSo) {
  const std::string text = R"(
clusters: [{name: c, cluster: {server: "https://h", insecure-skip-tls-verify: false}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)";
  EXPECT_FALSE(parse_kubeconfig(text, ".").insecure_skip_tls_verify);
  const std::string quoted = R"(
clusters: [{name: c, cluster: {server: "https://h", insecure-skip-tls-verify: "true"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)";
  EXPECT_EQ(code_of([&] { parse_kubeconfig(quoted, "."); }), ErrorCode::kInvalidArgument);
}

TEST(KubeconfigTest, MissingPiecesAreNamed) {
  const fs::path file = kTestdata / "kubeconfig-two-contexts.yaml";
  EXPECT_EQ(code_of([&] { load_kubeconfig(file, {.context = "nope"}); }), ErrorCode::kNotFound);
  EXPECT_NE(message_of([&] { load_kubeconfig(file, {.context = "nope"}); }).find("\"nope\""),
            std::string::npos);
  EXPECT_EQ(code_of([&] { load_kubeconfig(kTestdata / "no-such-kubeconfig"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([] { parse_kubeconfig("clusters: []\n", "."); }), ErrorCode::kInvalidArgument);
  const std::string no_server = R"(
clusters: [{name: c, cluster: {}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)";
  EXPECT_NE(message_of([&] {
              parse_kubeconfig(no_server, ".", {}, "my.yaml");
            }).find("my.yaml: cluster c has no server"),
            std::string::npos);
  const std::string missing_ca_file = R"(
clusters: [{name: c, cluster: {server: "https://h", certificate-authority: missing.crt}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)";
  EXPECT_NE(message_of([&] {
              parse_kubeconfig(missing_ca_file, "/nonexistent");
            }).find("/nonexistent/missing.crt"),
            std::string::npos);
}

TEST(KubeconfigTest, UnsupportedAuthIsRefusedNotIgnored) {
  const std::string text = R"(
clusters: [{name: c, cluster: {server: "https://h"}}]
users: [{name: u, user: {exec: {command: aws}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)";
  EXPECT_EQ(code_of([&] { parse_kubeconfig(text, "."); }), ErrorCode::kUnimplemented);
}

TEST(KubeconfigTest, BadBase64AndHalfAClientCertificateAreRefused) {
  const std::string bad_data = R"(
clusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: "!!notbase64!!"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)";
  EXPECT_EQ(code_of([&] { parse_kubeconfig(bad_data, "."); }), ErrorCode::kInvalidArgument);
  const std::string half = R"(
clusters: [{name: c, cluster: {server: "https://h"}}]
users: [{name: u, user: {client-certificate-data: "YQ=="}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)";
  EXPECT_EQ(code_of([&] { parse_kubeconfig(half, "."); }), ErrorCode::kInvalidArgument);
}

TEST(TokenFileTest, ReReadWhenTheFileChangesAndTrimmed) {
  TempDir dir;
  dir.write("token", "first\n");
  TokenFile file(dir.path() / "token");
  EXPECT_EQ(file.token(), "first");
  dir.write("token", "second-token");
  // Make sure the mtime differs even on coarse-grained file systems.
  fs::last_write_time(dir.path() / "token",
                      fs::last_write_time(dir.path() / "token") + std::chrono::seconds(5));
  EXPECT_EQ(file.token(), "second-token");
}

TEST(TokenFileTest, ReReadAfterMaxAgeEvenWithTheSameMtime) {
  TempDir dir;
  dir.write("token", "first");
  const auto mtime = fs::last_write_time(dir.path() / "token");
  TokenFile file(dir.path() / "token", std::chrono::seconds(0));
  EXPECT_EQ(file.token(), "first");
  dir.write("token", "other");
  fs::last_write_time(dir.path() / "token", mtime);
  EXPECT_EQ(file.token(), "other");

  TokenFile cached(dir.path() / "token", std::chrono::seconds(3600));
  EXPECT_EQ(cached.token(), "other");
  dir.write("token", "third");
  fs::last_write_time(dir.path() / "token", mtime);
  EXPECT_EQ(cached.token(), "other");  // same mtime, not stale yet: the cached value
}

TEST(TokenFileTest, EmptyOrMissingFileIsAnErrorWithoutTheContent) {
  TempDir dir;
  dir.write("token", "  \n");
  EXPECT_EQ(code_of([&] { TokenFile(dir.path() / "token").token(); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { TokenFile(dir.path() / "missing").token(); }),
            ErrorCode::kInvalidArgument);
}

class InClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  }
  void TearDown() override {
    ::unsetenv("KUBERNETES_SERVICE_HOST");
    ::unsetenv("KUBERNETES_SERVICE_PORT");
  }
};

TEST_F(InClusterTest, ReadsTheServiceAccountMount) {
  TempDir dir;
  dir.write("token", "sa-token\n");
  dir.write("ca.crt", "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
  dir.write("namespace", "sluice-system\n");
  const ClusterConfig config = in_cluster_config(dir.path());
  EXPECT_EQ(config.server, "https://10.96.0.1:443");
  EXPECT_EQ(config.bearer_token(), "sa-token");
  EXPECT_NE(config.ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(config.ns, "sluice-system");
  EXPECT_TRUE(config.token.empty());  // always through the file, which the kubelet rotates
}

TEST_F(InClusterTest, Ipv6HostIsBracketed) {
  ::setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
  TempDir dir;
  dir.write("token", "t");
  dir.write("ca.crt", "ca");
  const ClusterConfig config = in_cluster_config(dir.path());
  EXPECT_EQ(config.server, "https://[fd00::1]:443");
  EXPECT_EQ(config.ns, "default");
}

TEST_F(InClusterTest, NotInAClusterOrNoToken) {
  TempDir dir;
  EXPECT_EQ(code_of([&] { in_cluster_config(dir.path()); }), ErrorCode::kInvalidArgument);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_EQ(code_of([&] { in_cluster_config(dir.path()); }), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sluice::kube
