#!/usr/bin/env python3
"""The Helm chart charts/sluice installed by the real helm into the test apiserver.

Usage: chart_install_test.py SLUICE [unittest args]   (KUBECONFIG, HELM, GIT_* from env.sh)

One story, in order, as a user meets it: `helm install` (CRDs, RBAC, Deployment, a
SigningPolicy from the values; NOTES printed), `helm upgrade` (two replicas: leader election;
CRDs and custom resources kept, as helm never upgrades crds/), then `sluice run` as a local
process holding only a token of the chart's ServiceAccount (there is no kubelet: kwok fakes the
pods) reconciles an Application from a signed commit to Ready under the chart's SigningPolicy;
an upgrade to the restricted RBAC mode takes its apply rights away: sluice, started afresh with
only those rights, takes the Lease and reports the apply Forbidden until the Application applies
as a tenant's ServiceAccount; `helm uninstall` removes what it installed
and leaves the CRDs and custom resources.
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import package_env  # noqa: E402  (after the path it is found on)
from package_env import SOURCE_DIR, condition, eventually, get, kubectl, must, run  # noqa: E402

SLUICE = os.path.abspath(sys.argv[1])
del sys.argv[1]
CHART = os.path.join(SOURCE_DIR, "charts", "sluice")
CRDS = ("gitsources.sluice.dev", "applications.sluice.dev", "signingpolicies.sluice.dev")


class ChartInstallTest(unittest.TestCase):
    def setUp(self):
        suffix = secrets.token_hex(3)
        # The release name holds "sluice", so its objects are named after it: none of them
        # collides with the sluice-controller ClusterRole the operator tests share.
        self.release = f"sluice-chart-{suffix}"
        self.ns = f"sluice-chart-{suffix}"
        self.app_ns = f"chart-app-{suffix}"
        self.work = tempfile.mkdtemp(prefix="sluice-chart-")
        self.repo_name = f"chart-{suffix}.git"
        self.operator = None
        self.addCleanup(self.clean_up)
        must(["kubectl", "create", "namespace", self.app_ns])
        self.key = os.path.join(self.work, "signer")
        must(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "chart@sluice.dev", "-f",
              self.key])
        with open(self.key + ".pub", encoding="utf-8") as public:
            kind, blob = public.read().split()[:2]
        self.allowed_signer = f"chart@sluice.dev {kind} {blob}"

    def clean_up(self):
        self.stop_operator()
        run([os.environ["HELM"], "uninstall", self.release, "-n", self.ns, "--wait"], timeout=120)
        for resource in ("applications.sluice.dev", "gitsources.sluice.dev"):
            names = kubectl("get", resource, "-n", self.app_ns, "-o", "name").stdout.split()
            for name in names:
                kubectl("patch", name, "-n", self.app_ns, "--type=merge", "-p",
                        '{"metadata":{"finalizers":null}}')
        kubectl("delete", "namespace", self.ns, self.app_ns, "--wait=false", "--ignore-not-found")
        kubectl("delete", "signingpolicies.sluice.dev", self.release, "--ignore-not-found")
        shutil.rmtree(os.path.join(os.environ["GIT_ROOT"], self.repo_name), ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)

    # ---- helpers ---------------------------------------------------------------------------

    def helm(self, *args):
        return must([os.environ["HELM"], *args, "--namespace", self.ns], timeout=300)

    def values_file(self):
        """The SigningPolicy of the release: Enforce SSH-signed commits in the app namespace."""
        path = os.path.join(self.work, "values.yaml")
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"signingPolicy": {"enabled": True, "spec": {
                "mode": "Enforce", "match": {"namespaces": [self.app_ns]},
                "commits": {"required": True, "ssh": {"allowedSigners": self.allowed_signer}}}}},
                out)
        return path

    def commit(self, files, message):
        """Writes `files` in the work tree, commits them signed and pushes; the commit's id."""
        tree = os.path.join(self.work, "src")
        if not os.path.isdir(tree):
            must(["git", "init", "-q", "-b", "main", tree])
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(tree, name)), exist_ok=True)
            with open(os.path.join(tree, name), "w", encoding="utf-8") as out:
                out.write(text)
        git = ["git", "-C", tree, "-c", "user.name=chart", "-c", "user.email=chart@sluice.dev",
               "-c", "gpg.format=ssh", "-c", f"user.signingkey={self.key}"]
        must([*git, "add", "-A"])
        must([*git, "commit", "-q", "-S", "-m", message])
        bare = os.path.join(os.environ["GIT_ROOT"], self.repo_name)
        if not os.path.isdir(bare):
            must(["git", "init", "-q", "--bare", "-b", "main", bare])
        must([*git, "push", "-q", bare, "main"])
        return must([*git, "rev-parse", "HEAD"]).strip()

    def start_operator(self, kubeconfig):
        log = open(os.path.join(self.work, "operator.log"), "a", encoding="utf-8")
        self.addCleanup(log.close)
        self.operator = subprocess.Popen(
            [SLUICE, "--log-format", "text", "run", "--kubeconfig", kubeconfig,
             "--namespace", self.app_ns, "--operator-namespace", self.ns, "--leader-elect",
             "--storage-dir", os.path.join(self.work, "storage"),
             "--metrics-addr", "127.0.0.1:0", "--health-addr", "127.0.0.1:0"],
            stdout=log, stderr=subprocess.STDOUT)

    def stop_operator(self):
        if self.operator and self.operator.poll() is None:
            self.operator.send_signal(signal.SIGTERM)
            try:
                self.operator.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.operator.kill()
                self.operator.wait()

    def operator_log(self):
        path = os.path.join(self.work, "operator.log")
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8") as log:
            return log.read()[-6000:]

    def wait_app(self, reason, revision=None, seconds=90):
        def check():
            app = get("applications.sluice.dev", "app", self.app_ns)
            ready = condition(app, "Ready")
            if ready.get("reason") != reason:
                return None
            if revision and app["status"].get("lastAppliedRevision", "").find(revision) < 0:
                return None
            return app
        app = eventually(check, seconds)
        if not app:
            self.fail(f"no Ready reason {reason}: "
                      f"{json.dumps(get('applications.sluice.dev', 'app', self.app_ns), indent=1)}"
                      f"\n--- operator log:\n{self.operator_log()}")
        return app

    def config_map(self, name):
        return get("configmap", name, self.app_ns)

    # ---- the story -------------------------------------------------------------------------

    def test_install_upgrade_run_uninstall(self):
        installed = self.helm("install", self.release, CHART, "--create-namespace",
                              "--values", self.values_file())
        self.assertIn("sluice get apps -A --watch", installed)  # NOTES.txt
        self.assertIn(f'SigningPolicy "{self.release}" (Enforce)', installed)
        for crd in CRDS:
            self.assertIsNotNone(get("crd", crd), crd)
        account = get("serviceaccount", self.release, self.ns)
        self.assertIsNotNone(account)
        deployment = get("deployment", self.release, self.ns)
        box = deployment["spec"]["template"]["spec"]["containers"][0]
        self.assertIs(box["securityContext"]["readOnlyRootFilesystem"], True)
        self.assertEqual(box["securityContext"]["capabilities"]["drop"], ["ALL"])
        self.assertIsNotNone(get("clusterrole", f"{self.release}-controller"))
        applier = get("clusterrolebinding", f"{self.release}-applier")
        self.assertEqual(applier["roleRef"]["name"], "cluster-admin")
        self.assertIsNotNone(get("role", f"{self.release}-leader-election", self.ns))
        self.assertIsNotNone(get("service", f"{self.release}-metrics", self.ns))
        policy = get("signingpolicies.sluice.dev", self.release)
        self.assertEqual(policy["spec"]["mode"], "Enforce")
        # kwok plays the kubelet: the chart's pod is admitted, scheduled and reported Ready.
        must(["kubectl", "-n", self.ns, "rollout", "status", f"deployment/{self.release}",
              "--timeout=90s"], timeout=120)

        # A custom resource made before the upgrade must survive it (and the uninstall).
        first = self.commit({"app/settings.yaml": config_map_yaml("settings", "v1")}, "v1")
        must(["kubectl", "apply", "-f", "-"], stdin=source_and_app_yaml(
            self.app_ns, f"{os.environ['GIT_DAEMON_URL']}/{self.repo_name}"))
        crd_versions = {crd: get("crd", crd)["metadata"]["resourceVersion"] for crd in CRDS}
        upgraded = self.helm("upgrade", self.release, CHART, "--reuse-values",
                             "--set", "replicas=2", "--set", "logLevel=debug")
        self.assertIn("Leader election is on", upgraded)
        box = get("deployment", self.release, self.ns)["spec"]["template"]["spec"]["containers"][0]
        self.assertIn("--leader-elect", box["args"])
        self.assertIn("--log-level=debug", box["args"])
        for crd, version in crd_versions.items():
            self.assertEqual(get("crd", crd)["metadata"]["resourceVersion"], version, crd)
        self.assertIsNotNone(get("gitsources.sluice.dev", "app", self.app_ns))

        # sluice with exactly the chart's RBAC: a token of its ServiceAccount, nothing else.
        token = must(["kubectl", "-n", self.ns, "create", "token", self.release,
                      "--duration=1h"]).strip()
        kubeconfig = os.path.join(self.work, "operator.kubeconfig")
        package_env.write_kubeconfig(kubeconfig, token)
        user = f"system:serviceaccount:{self.ns}:{self.release}"
        self.assertEqual(kubectl("auth", "can-i", "create", "clusterroles",
                                 "--as", user).stdout.strip(), "yes")
        self.start_operator(kubeconfig)
        app = self.wait_app("ReconciliationSucceeded", first)
        self.assertEqual(condition(app, "Verified").get("status"), "True", app["status"])
        self.assertEqual(self.config_map("settings")["data"], {"value": "v1"})
        lease = get("lease", "sluice-leader-election", self.ns)
        self.assertIsNotNone(lease, "the leader-election Role let it take the Lease")

        # Restricted mode: no apply rights of its own any more; the tenant's account applies.
        restricted = self.helm("upgrade", self.release, CHART, "--reuse-values",
                               "--set", "rbac.clusterAdmin=false")
        self.assertIn("Restricted mode", restricted)
        self.assertIsNone(get("clusterrolebinding", f"{self.release}-applier"))
        self.assertEqual(kubectl("auth", "can-i", "create", "configmaps", "-n", self.app_ns,
                                 "--as", user).stdout.strip(), "no")
        # A fresh start with only these rights: it must create the Lease, read its resources,
        # patch their status and finalizers, and impersonate the tenant.
        self.stop_operator()
        self.assertEqual(self.operator.returncode, 0, self.operator_log())
        must(["kubectl", "-n", self.ns, "delete", "lease", "sluice-leader-election"])
        self.start_operator(kubeconfig)
        second = self.commit({"app/settings.yaml": config_map_yaml("settings", "v2")}, "v2")
        app = self.wait_app("ApplyFailed")
        self.assertIn("Forbidden", condition(app, "Ready")["message"])
        self.assertEqual(self.config_map("settings")["data"], {"value": "v1"})
        must(["kubectl", "apply", "-f", "-"], stdin=tenant_yaml(self.app_ns))
        must(["kubectl", "-n", self.app_ns, "patch", "applications.sluice.dev", "app",
              "--type=merge", "-p", '{"spec":{"serviceAccountName":"deployer"}}'])
        self.wait_app("ReconciliationSucceeded", second)
        self.assertEqual(self.config_map("settings")["data"], {"value": "v2"})
        self.assertIsNotNone(get("lease", "sluice-leader-election", self.ns))
        self.stop_operator()
        self.assertEqual(self.operator.returncode, 0, self.operator_log())

        # Uninstall: the release's objects go, the CRDs and custom resources stay.
        self.helm("uninstall", self.release, "--wait")
        self.assertIsNone(get("deployment", self.release, self.ns))
        self.assertIsNone(get("serviceaccount", self.release, self.ns))
        self.assertIsNone(get("clusterrole", f"{self.release}-controller"))
        self.assertIsNone(get("clusterrolebinding", f"{self.release}-restricted"))
        self.assertIsNone(get("signingpolicies.sluice.dev", self.release))
        for crd in CRDS:
            self.assertIsNotNone(get("crd", crd), crd)
        self.assertIsNotNone(get("applications.sluice.dev", "app", self.app_ns))


def config_map_yaml(name, value):
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  value: {value}\n"


def source_and_app_yaml(namespace, url):
    return f"""apiVersion: sluice.dev/v1alpha1
kind: GitSource
metadata: {{name: app, namespace: {namespace}}}
spec:
  url: {url}
  ref: {{branch: main}}
  interval: 2s
---
apiVersion: sluice.dev/v1alpha1
kind: Application
metadata: {{name: app, namespace: {namespace}}}
spec:
  sourceRef: {{name: app}}
  path: ./app
  interval: 1m
  prune: true
"""


def tenant_yaml(namespace):
    """A tenant's ServiceAccount that may manage ConfigMaps in its namespace, nothing else."""
    return f"""apiVersion: v1
kind: ServiceAccount
metadata: {{name: deployer, namespace: {namespace}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: deployer, namespace: {namespace}}}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, patch, update, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: deployer, namespace: {namespace}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}}
subjects: [{{kind: ServiceAccount, name: deployer, namespace: {namespace}}}]
"""


if __name__ == "__main__":
    package_env.load_env()
    unittest.main()
