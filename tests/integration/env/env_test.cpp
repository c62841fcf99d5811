// The test environment itself (tests/env): every later integration test relies on these
// properties, so they are checked against the real servers, as a user's tools would see them.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.h"
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

// ---- workloads: kube-controller-manager, kube-scheduler and kwok ------------------------------

using namespace std::chrono_literals;

// Polls `done` every half second until it holds or `limit` passes; returns whether it held.
bool poll_until(const std::function<bool()>& done, std::chrono::seconds limit = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(500ms);
  }
}

// The value at `pointer` (e.g. "/status/phase") in `object`, or `fallback` when there is none.
template <typename T>
T field(const Json& object, const std::string& pointer, T fallback) {
  if (!object.is_object()) return fallback;
  return object.value(Json::json_pointer(pointer), fallback);
}
std::string text(const Json& object, const std::string& pointer) {
  return field(object, pointer, std::string());
}
std::int64_t number(const Json& object, const std::string& pointer) {
  return field(object, pointer, std::int64_t{0});
}

// The status of the condition `type` of an object ("True", "False"), empty when it has none.
std::string condition(const Json& object, const std::string& type, std::string* reason = nullptr) {
  for (const Json& c : field(object, "/status/conditions", Json::array())) {
    if (text(c, "/type") != type) continue;
    if (reason != nullptr) *reason = text(c, "/reason");
    return text(c, "/status");
  }
  return {};
}

class WorkloadTest : public EnvTest {
 protected:
  void apply(const std::string& yaml) const {
    const ProcessResult applied = env().kubectl({"-n", ns(), "apply", "-f", "-"}, yaml);
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  // `kubectl get ARGS -o json` in the test's namespace, parsed; null when kubectl fails.
  Json get(const std::vector<std::string>& what) const {
    std::vector<std::string> args{"-n", ns(), "get"};
    args.insert(args.end(), what.begin(), what.end());
    args.insert(args.end(), {"-o", "json"});
    const ProcessResult got = env().kubectl(args);
    if (got.exit_code != 0) return nullptr;
    return Json::parse(got.out);
  }

  // The pods whose labels match `selector`.
  std::vector<Json> pods(const std::string& selector) const {
    const Json list = get({"pods", "-l", selector});
    return field(list, "/items", Json::array()).get<std::vector<Json>>();
  }

  // The names of the nodes kwok plays the kubelet of.
  std::set<std::string> kwok_nodes() const {
    const ProcessResult got = env().kubectl(
        {"get", "nodes", "-l", "type=kwok", "-o", "jsonpath={.items[*].metadata.name}"});
    EXPECT_EQ(got.exit_code, 0) << got.err;
    std::set<std::string> names;
    std::istringstream words(got.out);
    for (std::string name; words >> name;) names.insert(name);
    return names;
  }
};

std::string deployment(const std::string& name, int replicas, const std::string& image,
                       const std::string& extra_spec = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
         "}\nspec:\n  replicas: " + std::to_string(replicas) + "\n" + extra_spec +
         "  selector: {matchLabels: {app: " + name +
         "}}\n"
         "  template:\n    metadata: {labels: {app: " +
         name +
         "}}\n"
         "    spec: {containers: [{name: main, image: \"" +
         image + "\"}]}\n";
}

std::string job(const std::string& name, const std::string& image, const std::string& spec) {
  return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: " + name + "}\nspec:\n" + spec +
         "  template:\n    metadata: {labels: {job: " + name +
         "}}\n"
         "    spec:\n      restartPolicy: Never\n"
         "      containers: [{name: main, image: \"" +
         image + "\"}]\n";
}

TEST_F(WorkloadTest, DeploymentBecomesAvailableOnKwokNodes) {
  apply(deployment("web", 3, "registry.example.com/shop/web:1"));
  Json d;
  EXPECT_TRUE(poll_until([&] {
    d = get({"deployment", "web"});
    return number(d, "/status/availableReplicas") == 3 && condition(d, "Available") == "True";
  })) << d.dump(2);
  EXPECT_EQ(number(d, "/status/updatedReplicas"), 3);
  const std::set<std::string> nodes = kwok_nodes();
  const std::vector<Json> running = pods("app=web");
  ASSERT_EQ(running.size(), 3u);
  for (const Json& pod : running) {
    EXPECT_EQ(text(pod, "/status/phase"), "Running") << pod.dump(2);
    EXPECT_EQ(condition(pod, "Ready"), "True") << pod.dump(2);
    EXPECT_EQ(condition(pod, "PodScheduled"), "True") << pod.dump(2);
    EXPECT_TRUE(nodes.contains(text(pod, "/spec/nodeName"))) << pod.dump(2);
    // The pod's IP comes from its node's podCIDR (10.244.<node>.0/24).
    EXPECT_TRUE(text(pod, "/status/podIP").starts_with("10.244.")) << pod.dump(2);
    // ServiceAccount admission mounted the projected token, as in a real cluster.
    EXPECT_EQ(text(pod, "/spec/serviceAccountName"), "default");
    EXPECT_NE(field(pod, "/spec", Json()).dump().find("kube-api-access-"), std::string::npos)
        << pod.dump(2);
  }
}

TEST_F(WorkloadTest, StatefulSetRollsOut) {
  apply(
      "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n"
      "spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}\n"
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n"
      "  serviceName: db\n  replicas: 2\n  selector: {matchLabels: {app: db}}\n"
      "  template:\n    metadata: {labels: {app: db}}\n"
      "    spec: {containers: [{name: main, image: registry.example.com/db:1}]}\n");
  Json s;
  EXPECT_TRUE(poll_until([&] {
    s = get({"statefulset", "db"});
    return number(s, "/status/readyReplicas") == 2 && number(s, "/status/availableReplicas") == 2 &&
           text(s, "/status/currentRevision") == text(s, "/status/updateRevision");
  })) << s.dump(2);
  // Pods come in order with stable names, and the endpoints controllers publish them.
  std::set<std::string> names;
  for (const Json& pod : pods("app=db")) names.insert(text(pod, "/metadata/name"));
  EXPECT_EQ(names, (std::set<std::string>{"db-0", "db-1"}));
  Json slices;
  EXPECT_TRUE(poll_until([&] {
    slices = get({"endpointslices", "-l", "kubernetes.io/service-name=db"});
    return field(slices, "/items", Json::array()).size() == 1 &&
           field(slices, "/items/0/endpoints", Json::array()).size() == 2;
  })) << slices.dump(2);
}

TEST_F(WorkloadTest, DaemonSetRunsOnePodOnEveryKwokNode) {
  apply(
      "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n"
      "  selector: {matchLabels: {app: agent}}\n"
      "  template:\n    metadata: {labels: {app: agent}}\n"
      "    spec: {containers: [{name: main, image: registry.example.com/agent:1}]}\n");
  const std::set<std::string> nodes = kwok_nodes();
  ASSERT_EQ(nodes.size(), 3u);
  Json d;
  EXPECT_TRUE(poll_until([&] {
    d = get({"daemonset", "agent"});
    return number(d, "/status/desiredNumberScheduled") == 3 &&
           number(d, "/status/numberAvailable") == 3 &&
           number(d, "/status/updatedNumberScheduled") == 3;
  })) << d.dump(2);
  std::multiset<std::string> on;
  for (const Json& pod : pods("app=agent")) on.insert(text(pod, "/spec/nodeName"));
  EXPECT_EQ(on, std::multiset<std::string>(nodes.begin(), nodes.end()));
}

TEST_F(WorkloadTest, JobCompletes) {
  apply(job("batch", "registry.example.com/batch:1", "  completions: 2\n  parallelism: 1\n"));
  Json j;
  EXPECT_TRUE(poll_until([&] {
    j = get({"job", "batch"});
    return condition(j, "Complete") == "True";
  })) << j.dump(2);
  EXPECT_EQ(number(j, "/status/succeeded"), 2);
  EXPECT_EQ(number(j, "/status/failed"), 0);
  for (const Json& pod : pods("job=batch")) {
    EXPECT_EQ(text(pod, "/status/phase"), "Succeeded") << pod.dump(2);
  }
}

TEST_F(WorkloadTest, NeverReadyImageKeepsADeploymentUnavailable) {
  // A short progress deadline, so the Deployment controller itself declares the rollout stuck.
  apply(
      deployment("stuck", 2, "registry.invalid/never-ready:1", "  progressDeadlineSeconds: 15\n"));
  Json d;
  std::string reason;
  EXPECT_TRUE(poll_until([&] {
    d = get({"deployment", "stuck"});
    return condition(d, "Progressing", &reason) == "False";
  })) << d.dump(2);
  EXPECT_EQ(reason, "ProgressDeadlineExceeded");
  EXPECT_EQ(condition(d, "Available"), "False") << d.dump(2);
  EXPECT_EQ(number(d, "/status/availableReplicas"), 0);
  EXPECT_EQ(number(d, "/status/readyReplicas"), 0);
  const std::vector<Json> stuck = pods("app=stuck");
  ASSERT_EQ(stuck.size(), 2u);
  for (const Json& pod : stuck) {
    EXPECT_EQ(text(pod, "/status/phase"), "Pending") << pod.dump(2);
    EXPECT_EQ(condition(pod, "Ready"), "False") << pod.dump(2);
    EXPECT_EQ(text(pod, "/status/containerStatuses/0/state/waiting/reason"), "ImagePullBackOff")
        << pod.dump(2);
    EXPECT_FALSE(field(pod, "/status/containerStatuses/0/ready", true));
  }
}

TEST_F(WorkloadTest, FailingImageFailsAJobAfterItsBackoffLimit) {
  apply(job("broken", "registry.invalid/fail:1", "  backoffLimit: 1\n"));
  Json j;
  std::string reason;
  EXPECT_TRUE(poll_until([&] {
    j = get({"job", "broken"});
    return condition(j, "Failed", &reason) == "True";
  })) << j.dump(2);
  EXPECT_EQ(reason, "BackoffLimitExceeded");
  EXPECT_NE(condition(j, "Complete"), "True");
  // One try plus backoffLimit retries, every pod failed by its container's exit code.
  EXPECT_EQ(number(j, "/status/failed"), 2);
  EXPECT_EQ(number(j, "/status/succeeded"), 0);
  const std::vector<Json> failed = pods("job=broken");
  EXPECT_EQ(failed.size(), 2u);
  for (const Json& pod : failed) {
    EXPECT_EQ(text(pod, "/status/phase"), "Failed") << pod.dump(2);
    EXPECT_EQ(number(pod, "/status/containerStatuses/0/state/terminated/exitCode"), 1)
        << pod.dump(2);
    EXPECT_EQ(text(pod, "/status/containerStatuses/0/state/terminated/reason"), "Error");
  }
}

TEST_F(WorkloadTest, FailingImageCrashLoopsInADeployment) {
  apply(deployment("crash", 1, "registry.invalid/fail:1"));
  std::vector<Json> crashing;
  // kwok restarts the container every 10 s; a second restart proves the loop goes on.
  EXPECT_TRUE(poll_until([&] {
    crashing = pods("app=crash");
    return crashing.size() == 1 &&
           number(crashing[0], "/status/containerStatuses/0/restartCount") >= 2;
  })) << (crashing.empty() ? "no pod" : crashing[0].dump(2));
  ASSERT_EQ(crashing.size(), 1u);
  const Json& pod = crashing[0];
  EXPECT_EQ(text(pod, "/status/phase"), "Running");
  EXPECT_EQ(condition(pod, "Ready"), "False");
  EXPECT_EQ(text(pod, "/status/containerStatuses/0/state/waiting/reason"), "CrashLoopBackOff")
      << pod.dump(2);
  EXPECT_EQ(number(pod, "/status/containerStatuses/0/lastState/terminated/exitCode"), 1)
      << pod.dump(2);
  const Json d = get({"deployment", "crash"});
  EXPECT_EQ(number(d, "/status/availableReplicas"), 0) << d.dump(2);
}

TEST_F(WorkloadTest, DeletedNamespaceIsRemoved) {
  // A namespace of its own with a running workload: the namespace controller deletes its
  // content (kwok removes the deleted pods, as a kubelet would), then the namespace itself.
  const std::string doomed = ns() + "-gone";
  ASSERT_EQ(env().kubectl({"create", "namespace", doomed}).exit_code, 0);
  const ProcessResult applied = env().kubectl({"-n", doomed, "apply", "-f", "-"},
                                              deployment("web", 2, "registry.example.com/web:1"));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(poll_until([&] {
    const ProcessResult ready = env().kubectl(
        {"-n", doomed, "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}"});
    return ready.out == "2";
  }));
  // The serviceaccount and root-ca-cert-publisher controllers filled the namespace too.
  EXPECT_EQ(env().kubectl({"-n", doomed, "get", "serviceaccount", "default"}).exit_code, 0);
  EXPECT_EQ(env().kubectl({"-n", doomed, "get", "configmap", "kube-root-ca.crt"}).exit_code, 0);

  const ProcessResult deleted = env().kubectl({"delete", "namespace", doomed, "--wait=false"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  ProcessResult got;
  EXPECT_TRUE(poll_until([&] {
    got = env().kubectl({"get", "namespace", doomed});
    return got.exit_code != 0;
  })) << got.out;
  EXPECT_NE(got.err.find("NotFound"), std::string::npos) << got.err;
}

TEST_F(WorkloadTest, ClusterProcessesListenOnLoopbackOnly) {
  // Every listening socket of the processes tests/env started (etcd, kube-apiserver,
  // kube-controller-manager, kube-scheduler, kwok) is on 127.0.0.1.
  const fs::path pids = fs::path(env().var("SLUICE_ENV_DIR")) / "pids";
  std::set<std::string> ours;
  for (const auto& entry : fs::directory_iterator(pids)) {
    std::ifstream in(entry.path());
    std::string pid;
    in >> pid;
    ours.insert("pid=" + pid + ",");
  }
  EXPECT_EQ(ours.size(), 5u);
  const ProcessResult listening = run_process({"ss", "-Hltnp"});
  ASSERT_EQ(listening.exit_code, 0) << listening.err;
  std::set<std::string> seen;
  std::istringstream lines(listening.out);
  for (std::string line; std::getline(lines, line);) {
    for (const std::string& pid : ours) {
      if (line.find(pid) == std::string::npos) continue;
      seen.insert(pid);
      std::istringstream fields(line);
      std::string state, recv_q, send_q, local;
      fields >> state >> recv_q >> send_q >> local;
      EXPECT_TRUE(local.starts_with("127.0.0.1:")) << line;
    }
  }
  // kwok opens no port at all; the four others do.
  EXPECT_EQ(seen.size(), 4u) << listening.out;
}

}  // namespace
}  // namespace sluice::testing
