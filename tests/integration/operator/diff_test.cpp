// `sluice diff app` as users run it (build/bin/sluice, a process) against the real API server
// and git server, next to the real operator: nothing to show right after a reconcile, then a
// hand edit, a new commit (a created, a changed, a pruned object, a Secret whose value is
// masked) and a local folder; an unknown Application. The API server's audit log shows the
// command wrote nothing: every request it sent was a read or a dryRun=All apply.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include <gtest/gtest.h>

#include "core/base64.h"
#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

std::string secret_yaml(const std::string& value) {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\ndata:\n"
         "  password: " +
         encode_base64(value) + "\n  user: " + encode_base64("shop") + "\n";
}

class DiffTest : public OperatorTest {
 protected:
  // `sluice diff ARGS...` with `kubeconfig` (default: the admin's).
  ProcessResult diff(std::vector<std::string> args, const std::string& kubeconfig = "") const {
    args.insert(args.begin(), {std::string(SLUICE_BINARY_DIR) + "/bin/sluice", "diff"});
    args.insert(args.end(),
                {"--kubeconfig", kubeconfig.empty() ? env().var("KUBECONFIG") : kubeconfig});
    return run_process(args, ProcessOptions().set_timeout(std::chrono::minutes(2)));
  }

  // A GitSource over HTTP with credentials from a Secret (secretRef, as the operator reads
  // them), and the Application "shop" on ./app with prune, Ready.
  void deploy() {
    apply("apiVersion: v1\nkind: Secret\nmetadata: {name: git, namespace: " + ns() +
          "}\nstringData:\n  username: " + env().var("GIT_HTTP_USER") +
          "\n  password: " + env().var("GIT_HTTP_PASSWORD") +
          "\n---\napiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata: {name: repo, "
          "namespace: " +
          ns() + "}\nspec:\n  url: " + env().var("GIT_HTTP_URL") + "/" + repo().name() +
          ".git\n  ref: {branch: main}\n  interval: 2s\n  secretRef: {name: git}\n---\n" +
          application_yaml("shop", "./app"));
    wait_ready("shop");
  }

  // Suspends the Application and waits until the operator has skipped a reconcile, so what
  // the test changes next stays as it is.
  void suspend() {
    ASSERT_EQ(env()
                  .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "shop", "--type=merge",
                            "-p", R"({"spec":{"suspend":true}})"})
                  .exit_code,
              0);
    const std::regex skipped(
        R"(sluice_reconcile_total\{[^}]*kind="Application"[^}]*result="skipped"[^}]*\} [1-9])");
    ASSERT_TRUE(eventually([&] {
      return std::regex_search(op().get(op().metrics_port(), "/metrics").second, skipped);
    })) << op().log();
  }

  void wait_source_revision(const std::string& sha) {
    ASSERT_TRUE(eventually([&] {
      return string_member(get("gitsources.sluice.dev", "repo"),
                           {"status", "artifact", "revision"}) == "main@sha1:" + sha;
    })) << op().log();
  }

  std::string resource_version(const std::string& kind, const std::string& name) const {
    return string_member(get(kind, name), {"metadata", "resourceVersion"});
  }

  // The requests of `account` since `offset` that could have written something: anything but
  // get, list, watch and a dryRun=All patch. Also counts the dry-run patches.
  std::vector<std::string> writes(const std::string& account, std::uintmax_t offset,
                                  std::size_t& dry_runs) const {
    std::vector<std::string> found;
    dry_runs = 0;
    for (const std::string& request : audit_requests(account, offset)) {
      const bool read = request.find(" get ") != std::string::npos ||
                        request.find(" list ") != std::string::npos ||
                        request.find(" watch ") != std::string::npos;
      const bool dry_run = request.find(" patch ") != std::string::npos &&
                           request.find("dryRun=All") != std::string::npos;
      if (dry_run) ++dry_runs;
      if (!read && !dry_run) found.push_back(request);
    }
    return found;
  }
};

TEST_F(DiffTest, ShowsHandEditsAndANewCommitAsDiffsWithoutWritingAnything) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")},
                 {"app/old.yaml", config_map_yaml("old", "1")},
                 {"app/secret.yaml", secret_yaml("first-secret-value")}},
                "first");
  deploy();
  const std::string account = "differ-" + ns().substr(ns().size() - 6);
  std::string kubeconfig;
  ASSERT_NO_THROW(kubeconfig = account_kubeconfig(account));

  // Right after a reconcile: nothing to show, exit 0, and nothing written.
  const std::string version_a = resource_version("configmap", "a");
  const std::string version_secret = resource_version("secret", "creds");
  std::uintmax_t offset = audit_offset();
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult same = diff({"app", "shop", "-n", ns()}, kubeconfig);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_EQ(same.out, "") << same.out;
  EXPECT_NE(same.err.find("comparing 3 objects of the revision main@sha1:"), std::string::npos)
      << same.err;
  EXPECT_EQ(resource_version("configmap", "a"), version_a);
  std::cout << "[ measure  ] diff of 3 unchanged objects: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";

  // A hand edit, with the operator kept from putting it back.
  suspend();
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "configmap", "a", "--type=merge", "-p",
                          R"({"data":{"value":"by hand"}})"})
                .exit_code,
            0);
  const std::string version_edited = resource_version("configmap", "a");
  const ProcessResult edited = diff({"app", "shop", "-n", ns()}, kubeconfig);
  EXPECT_EQ(edited.exit_code, 1) << edited.out << edited.err;
  const std::string subject = "ConfigMap/" + ns() + "/a";
  EXPECT_NE(edited.out.find("► " + subject + " drifted\n--- " + subject + " (live)\n+++ " +
                            subject + " (after apply)\n@@ "),
            std::string::npos)
      << edited.out;
  EXPECT_NE(edited.out.find("\n-  value: by hand\n+  value: \"1\"\n"), std::string::npos)
      << edited.out;

  // A new commit: b is new, old is gone (prune), the Secret's password changed.
  repo().commit({{"app/b.yaml", config_map_yaml("b", "1")},
                 {"app/secret.yaml", secret_yaml("second-secret-value")}},
                "second");
  repo().remove({"app/old.yaml"}, "drop old");
  const std::string head = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "third");
  wait_source_revision(head);
  const ProcessResult changed = diff({"app", "shop", "-n", ns()}, kubeconfig);
  EXPECT_EQ(changed.exit_code, 1) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("► ConfigMap/" + ns() + "/b created\n"), std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("► ConfigMap/" + ns() + "/old deleted\n"), std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("\n-  value: by hand\n+  value: \"2\"\n"), std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("► Secret/" + ns() + "/creds drifted\n"), std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("\n-  password: '*** (before)'\n+  password: '*** (after)'\n"),
            std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("\n   user: '***'\n"), std::string::npos) << changed.out;
  for (const std::string& value : {std::string("first-secret-value"), std::string("second-secret"),
                                   encode_base64("first-secret-value"),
                                   encode_base64("second-secret-value"), encode_base64("shop")}) {
    EXPECT_EQ(changed.out.find(value), std::string::npos) << value;
    EXPECT_EQ(changed.err.find(value), std::string::npos) << value;
  }
  EXPECT_NE(changed.err.find("have not judged revision main@sha1:" + head), std::string::npos)
      << changed.err;

  // Nothing was written: the objects kept their versions, b does not exist, old still does,
  // and the API server saw only reads and dry-runs from the command.
  EXPECT_EQ(resource_version("secret", "creds"), version_secret);
  EXPECT_TRUE(get("configmap", "b").is_null());
  EXPECT_FALSE(get("configmap", "old").is_null());
  EXPECT_EQ(string_member(get("configmap", "a"), {"data", "value"}), "by hand");
  EXPECT_EQ(resource_version("configmap", "a"), version_edited);
  std::size_t dry_runs = 0;
  EXPECT_EQ(writes(account, offset, dry_runs), std::vector<std::string>{});
  EXPECT_GE(dry_runs, 9U);  // one per object diffed (three in each run)
}

TEST_F(DiffTest, ComparesALocalFolderForAPullRequest) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  deploy();
  const fs::path folder = storage_dir().string() + "-pr";
  fs::create_directories(folder);
  std::ofstream(folder / "a.yaml") << config_map_yaml("a", "1");
  const ProcessResult same = diff({"app", "shop", "-n", ns(), "--path", folder.string()});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_EQ(same.out, "");
  EXPECT_NE(same.err.find("a local folder has no commit"), std::string::npos) << same.err;

  // A pull request that changes a, adds c, and brings a Namespace with an object in it and a
  // CRD with an object of its kind: neither can be dry-run before the other exists, so they
  // show as created.
  std::ofstream(folder / "a.yaml") << config_map_yaml("a", "from the pull request");
  std::ofstream(folder / "c.yaml") << config_map_yaml("c", "1");
  const std::string other = ns() + "-x";
  std::ofstream(folder / "namespace.yaml")
      << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + other + "\n---\n" +
             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: in-x\n  namespace: " + other +
             "\ndata: {value: \"1\"}\n";
  const std::string group = ns() + ".example.com";
  std::ofstream(folder / "crd.yaml")
      << "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
         "  name: widgets." +
             group + "\nspec:\n  group: " + group +
             "\n  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}\n"
             "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n"
             "    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
             "        x-kubernetes-preserve-unknown-fields: true\n---\napiVersion: " +
             group + "/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {size: 1}\n";
  const ProcessResult changed = diff({"app", "shop", "-n", ns(), "--path", folder.string()});
  EXPECT_EQ(changed.exit_code, 1) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("\n-  value: \"1\"\n+  value: from the pull request\n"),
            std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("► ConfigMap/" + ns() + "/c created\n"), std::string::npos)
      << changed.out;
  for (const std::string& subject :
       {"Namespace/" + other, "ConfigMap/" + other + "/in-x",
        "CustomResourceDefinition/widgets." + group, "Widget/" + ns() + "/w"}) {
    EXPECT_NE(changed.out.find("► " + subject + " created\n"), std::string::npos)
        << subject << "\n"
        << changed.out << changed.err;
  }
  EXPECT_TRUE(get("configmap", "c").is_null());
  EXPECT_TRUE(get("namespace", other).is_null());
  EXPECT_TRUE(get("customresourcedefinition", "widgets." + group).is_null());
  fs::remove_all(folder);
}

TEST_F(DiffTest, AnUnknownApplicationOrABrokenRenderExitsTwo) {
  const ProcessResult unknown = diff({"app", "nope", "-n", ns()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.out, "");
  EXPECT_EQ(unknown.err, "Error: application \"nope\" not found in namespace \"" + ns() + "\"\n");

  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  deploy();
  const fs::path folder = storage_dir().string() + "-broken";
  fs::create_directories(folder);
  std::ofstream(folder / "kustomization.yaml") << kustomization_yaml({"missing.yaml"});
  const ProcessResult broken = diff({"app", "shop", "-n", ns(), "--path", folder.string()});
  EXPECT_EQ(broken.exit_code, 2) << broken.out << broken.err;
  EXPECT_NE(broken.err.find("Error: "), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("missing.yaml"), std::string::npos) << broken.err;
  fs::remove_all(folder);
}

}  // namespace
}  // namespace sluice::testing
