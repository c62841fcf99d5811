// The test environment itself (tests/env): every later integration test relies on these
// properties, so they are checked against the real servers, as a user's tools would see them.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "test_env.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

class EnvironmentTest : public EnvTest {};

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

TEST_F(EnvironmentTest, KubeApiserverIsReadyForTheAdmin) {
  const ProcessResult ready = env().kubectl({"get", "--raw", "/readyz"});
  ASSERT_EQ(ready.exit_code, 0) << ready.err;
  EXPECT_EQ(ready.out, "ok");
  const ProcessResult can = env().kubectl({"auth", "can-i", "*", "*", "--all-namespaces"});
  EXPECT_EQ(first_line(can.out), "yes") << can.err;
  const ProcessResult version = env().kubectl({"version", "-o", "json"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("\"gitVersion\": \"v1.34.4\""), std::string::npos) << version.out;
}

TEST_F(EnvironmentTest, ServerIsOnLoopbackOnly) {
  const ProcessResult server =
      env().kubectl({"config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"});
  EXPECT_TRUE(server.out.starts_with("https://127.0.0.1:")) << server.out;
}

TEST_F(EnvironmentTest, EachTestGetsItsOwnNamespace) {
  const ProcessResult got = env().kubectl({"get", "namespace", ns(), "-o", "name"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(first_line(got.out), "namespace/" + ns());
  const ProcessResult cm =
      env().kubectl({"-n", ns(), "create", "configmap", "c", "--from-literal=a=b"});
  EXPECT_EQ(cm.exit_code, 0) << cm.err;
}

TEST_F(EnvironmentTest, RbacIsEnforcedForTheOperatorServiceAccount) {
  // TokenRequest works (service-account signing keys are configured) ...
  const ProcessResult token = env().kubectl({"create", "token", "sluice", "-n", "sluice-system"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string jwt = first_line(token.out);
  EXPECT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2) << jwt;
  // ... and the token authenticates, but RBAC grants it nothing yet. (No admin kubeconfig
  // here: its client certificate would authenticate first.)
  auto as_operator = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{
        "kubectl", "--kubeconfig=/dev/null", "--server=" + env().var("SLUICE_APISERVER_URL"),
        "--certificate-authority=" + env().var("SLUICE_CA_FILE"), "--token=" + jwt};
    argv.insert(argv.end(), args.begin(), args.end());
    return env().run(argv);
  };
  const ProcessResult who =
      as_operator({"auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"});
  EXPECT_EQ(who.out, "system:serviceaccount:sluice-system:sluice") << who.err;
  const ProcessResult can = as_operator({"auth", "can-i", "list", "secrets", "--all-namespaces"});
  EXPECT_EQ(first_line(can.out), "no") << can.err;
  const ProcessResult denied = as_operator({"get", "secrets", "-n", "kube-system"});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(denied.err.find("Forbidden"), std::string::npos) << denied.err;
}

// Clones `url` into a fresh folder and returns the result; the clone's HEAD must be `sha`.
ProcessResult clone(const TestEnvironment& env, const std::string& url, const std::string& sha,
                    const ProcessOptions& options = {}) {
  const fs::path target = fs::temp_directory_path() / ("clone-" + unique_test_name());
  ProcessOptions quiet = options;
  quiet.set_env("GIT_TERMINAL_PROMPT", "0");
  ProcessResult result = env.run({"git", "clone", "-q", url, target.string()}, quiet);
  if (result.exit_code == 0) {
    const ProcessResult head = run_process({"git", "-C", target.string(), "rev-parse", "HEAD"});
    EXPECT_EQ(first_line(head.out), sha);
  }
  fs::remove_all(target);
  return result;
}

TEST_F(EnvironmentTest, GitOverHttpNeedsTheRightPassword) {
  const std::string sha = repo().commit({{"README.md", "hello\n"}}, "first");
  const ProcessResult cloned = clone(env(), repo().http_url(), sha);
  EXPECT_EQ(cloned.exit_code, 0) << cloned.err;

  std::string wrong = repo().http_url();
  const std::string& password = env().var("GIT_HTTP_PASSWORD");
  wrong.replace(wrong.find(password), password.size(), "wrong-password");
  const ProcessResult refused = clone(env(), wrong, sha);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("Authentication failed"), std::string::npos) << refused.err;

  const std::string anonymous = env().var("GIT_HTTP_URL") + "/" + repo().name() + ".git";
  const ProcessResult no_credentials = clone(env(), anonymous, sha);
  EXPECT_NE(no_credentials.exit_code, 0);
  // git asks for a user name only after the server answered 401.
  EXPECT_NE(no_credentials.err.find("could not read Username"), std::string::npos)
      << no_credentials.err;
}

TEST_F(EnvironmentTest, GitOverHttpsIsTrustedThroughTheTestCaOnly) {
  const std::string sha = repo().commit({{"README.md", "hello\n"}}, "first");
  const std::string base = env().var("GIT_HTTPS_URL");  // https://127.0.0.1:PORT
  const std::string url =
      "https://" + env().var("GIT_HTTP_USER") + ":" + env().var("GIT_HTTP_PASSWORD") + "@" +
      base.substr(std::string("https://").size()) + "/" + repo().name() + ".git";
  const ProcessResult cloned =
      clone(env(), url, sha, ProcessOptions().set_env("GIT_SSL_CAINFO", env().var("GIT_CA_FILE")));
  EXPECT_EQ(cloned.exit_code, 0) << cloned.err;
  // The system's trust store does not know the test CA.
  const ProcessResult refused = clone(env(), url, sha);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
}

TEST_F(EnvironmentTest, GitOverSshNeedsTheKeyAndChecksTheHostKey) {
  const std::string sha = repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  const ProcessResult cloned =
      clone(env(), repo().ssh_url(), sha,
            ProcessOptions().set_env("GIT_SSH_COMMAND", repo().git_ssh_command()));
  EXPECT_EQ(cloned.exit_code, 0) << cloned.err;

  const std::string key_flag = "-i " + env().var("GIT_SSH_KEY");
  std::string keyless = repo().git_ssh_command();
  keyless.replace(keyless.find(key_flag), key_flag.size(), "-o BatchMode=yes");
  const ProcessResult no_key =
      clone(env(), repo().ssh_url(), sha, ProcessOptions().set_env("GIT_SSH_COMMAND", keyless));
  EXPECT_NE(no_key.exit_code, 0);
  EXPECT_NE(no_key.err.find("Permission denied"), std::string::npos) << no_key.err;

  const fs::path empty_known_hosts = fs::temp_directory_path() / (ns() + "-known_hosts");
  std::ofstream(empty_known_hosts).flush();
  std::string unknown_host = repo().git_ssh_command();
  const std::string& known_hosts = env().var("GIT_SSH_KNOWN_HOSTS");
  unknown_host.replace(unknown_host.find(known_hosts), known_hosts.size(),
                       empty_known_hosts.string());
  const ProcessResult refused = clone(env(), repo().ssh_url(), sha,
                                      ProcessOptions().set_env("GIT_SSH_COMMAND", unknown_host));
  fs::remove(empty_known_hosts);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("Host key verification failed"), std::string::npos) << refused.err;
}

TEST_F(EnvironmentTest, GitDaemonServesTheSameRepositories) {
  const std::string sha = repo().commit({{"b.txt", "b\n"}}, "first");
  const ProcessResult cloned = clone(env(), repo().daemon_url(), sha);
  EXPECT_EQ(cloned.exit_code, 0) << cloned.err;
  const std::string branch_sha = repo().commit({{"c.txt", "c\n"}}, "second", "release");
  const ProcessResult listed = env().run({"git", "ls-remote", repo().daemon_url(), "release"});
  EXPECT_TRUE(listed.out.starts_with(branch_sha)) << listed.out << listed.err;
}

TEST_F(EnvironmentTest, HelmAndCosignReportTheirVersions) {
  const ProcessResult helm = env().run({env().var("HELM"), "version", "--short"});
  EXPECT_EQ(helm.exit_code, 0) << helm.err;
  EXPECT_TRUE(helm.out.starts_with("v3.19.5")) << helm.out;
  const ProcessResult cosign = env().run({env().var("COSIGN"), "version"});
  EXPECT_EQ(cosign.exit_code, 0) << cosign.err;
  EXPECT_NE((cosign.out + cosign.err).find("v2.6.5"), std::string::npos) << cosign.out;
}

TEST_F(EnvironmentTest, HelmRendersAChart) {
  const fs::path chart = fs::temp_directory_path() / (ns() + "-chart");
  fs::create_directories(chart / "templates");
  std::ofstream(chart / "Chart.yaml") << "apiVersion: v2\nname: demo\nversion: 0.1.0\n";
  std::ofstream(chart / "values.yaml") << "greeting: hello\n";
  std::ofstream(chart / "templates" / "cm.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
         "data:\n  greeting: {{ .Values.greeting | quote }}\n";
  const ProcessResult rendered =
      env().run({env().var("HELM"), "template", "shop", chart.string(), "--set", "greeting=hi"});
  fs::remove_all(chart);
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_NE(rendered.out.find("name: shop"), std::string::npos) << rendered.out;
  EXPECT_NE(rendered.out.find("greeting: \"hi\""), std::string::npos) << rendered.out;
}

TEST_F(EnvironmentTest, CosignSignsAndVerifiesABlob) {
  const fs::path dir = fs::temp_directory_path() / (ns() + "-cosign");
  fs::create_directories(dir);
  const ProcessOptions in_dir =
      ProcessOptions().set_env("COSIGN_PASSWORD", "test").set_working_dir(dir.string());
  const ProcessResult keys = env().run({env().var("COSIGN"), "generate-key-pair"}, in_dir);
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  std::ofstream(dir / "blob") << "release manifest\n";
  const ProcessResult signed_blob =
      env().run({env().var("COSIGN"), "sign-blob", "--yes", "--key", "cosign.key",
                 "--tlog-upload=false", "--output-signature", "blob.sig", "blob"},
                in_dir);
  ASSERT_EQ(signed_blob.exit_code, 0) << signed_blob.err;
  const std::vector<std::string> verify{
      env().var("COSIGN"),      "verify-blob", "--key", "cosign.pub", "--signature", "blob.sig",
      "--insecure-ignore-tlog", "blob"};
  const ProcessResult verified = env().run(verify, in_dir);
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  std::ofstream(dir / "blob") << "tampered manifest\n";
  const ProcessResult tampered = env().run(verify, in_dir);
  EXPECT_NE(tampered.exit_code, 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
