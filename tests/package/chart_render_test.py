#!/usr/bin/env python3
"""The Helm chart charts/sluice, rendered by the real helm: lint, template, values schema.

Usage: chart_render_test.py [unittest args]   (HELM from tests/env's env.sh)

Checks what the chart promises without a cluster: its CRDs are crds/'s files byte for byte, the
Deployment is locked down (non-root, read-only root, no capabilities, RuntimeDefault seccomp,
requests and limits, probes on the health port, emptyDir storage), the values reach the
`sluice run` flags, the RBAC modes, the optional objects, and values.schema.json refusing bad
values. chart_install_test.py installs it.
"""
import os
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import package_env  # noqa: E402  (after the path it is found on)
from package_env import SOURCE_DIR, must, run  # noqa: E402

CHART = os.path.join(SOURCE_DIR, "charts", "sluice")


def helm(*args):
    return run([os.environ["HELM"], *args], timeout=60)


def render(*sets):
    """The chart's objects for `--set` values, as {(kind, name): object}."""
    args = ["template", "sluice", CHART, "--namespace", "sluice-system"]
    for value in sets:
        args += ["--set", value]
    out = must([os.environ["HELM"], *args], timeout=60)
    objects = {}
    for doc in yaml.safe_load_all(out):
        if doc:
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def container(objects):
    return objects[("Deployment", "sluice")]["spec"]["template"]["spec"]["containers"][0]


def controller_rules_of_manifests():
    with open(os.path.join(SOURCE_DIR, "manifests", "rbac.yaml"), encoding="utf-8") as text:
        for doc in yaml.safe_load_all(text):
            if doc["kind"] == "ClusterRole" and doc["metadata"]["name"] == "sluice-controller":
                return doc["rules"]
    raise AssertionError("manifests/rbac.yaml has no ClusterRole sluice-controller")


class ChartRenderTest(unittest.TestCase):
    def test_crds_are_the_files_of_crds(self):
        top = os.path.join(SOURCE_DIR, "crds")
        wanted = sorted(name for name in os.listdir(top) if name.startswith("sluice.dev_"))
        self.assertEqual(len(wanted), 3)
        self.assertEqual(sorted(os.listdir(os.path.join(CHART, "crds"))), wanted)
        for name in wanted:
            with open(os.path.join(top, name), "rb") as a, \
                    open(os.path.join(CHART, "crds", name), "rb") as b:
                self.assertEqual(a.read(), b.read(), f"charts/sluice/crds/{name} differs")

    def test_lint_is_clean(self):
        result = helm("lint", "--strict", CHART)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("1 chart(s) linted, 0 chart(s) failed", result.stdout)

    def test_deployment_is_locked_down(self):
        objects = render()
        pod = objects[("Deployment", "sluice")]["spec"]["template"]["spec"]
        self.assertEqual(pod["serviceAccountName"], "sluice")
        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertNotEqual(pod["securityContext"]["runAsUser"], 0)
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        box = container(objects)
        self.assertIs(box["securityContext"]["readOnlyRootFilesystem"], True)
        self.assertIs(box["securityContext"]["allowPrivilegeEscalation"], False)
        self.assertEqual(box["securityContext"]["capabilities"], {"drop": ["ALL"]})
        for kind in ("requests", "limits"):
            self.assertIn("cpu", box["resources"][kind])
            self.assertIn("memory", box["resources"][kind])
        ports = {port["name"]: port["containerPort"] for port in box["ports"]}
        self.assertEqual(ports, {"metrics": 8080, "health": 8081})
        self.assertEqual(box["livenessProbe"]["httpGet"], {"path": "/healthz", "port": "health"})
        self.assertEqual(box["readinessProbe"]["httpGet"], {"path": "/readyz", "port": "health"})
        self.assertEqual(box["args"][:3], ["--log-level=info", "--log-format=json", "run"])
        self.assertIn("--health-addr=:8081", box["args"])
        self.assertIn("--metrics-addr=:8080", box["args"])
        self.assertIn("--storage-dir=/data", box["args"])
        self.assertNotIn("--leader-elect", box["args"])
        mounts = {mount["name"]: mount["mountPath"] for mount in box["volumeMounts"]}
        self.assertEqual(mounts["data"], "/data")
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        self.assertIn("emptyDir", volumes["data"])
        self.assertIn("emptyDir", volumes[next(n for n, p in mounts.items() if p == "/tmp")])

    def test_default_rbac_applies_cluster_wide(self):
        objects = render()
        self.assertIn(("ServiceAccount", "sluice"), objects)
        role = objects[("ClusterRole", "sluice-controller")]
        self.assertEqual(role["rules"], controller_rules_of_manifests())
        applier = objects[("ClusterRoleBinding", "sluice-applier")]
        self.assertEqual(applier["roleRef"]["name"], "cluster-admin")
        self.assertEqual(applier["subjects"],
                         [{"kind": "ServiceAccount", "name": "sluice",
                           "namespace": "sluice-system"}])
        lease = objects[("Role", "sluice-leader-election")]
        self.assertEqual(lease["metadata"]["namespace"], "sluice-system")
        self.assertEqual(lease["rules"], [{"apiGroups": ["coordination.k8s.io"],
                                           "resources": ["leases"],
                                           "verbs": ["get", "create", "update"]}])
        self.assertIn(("RoleBinding", "sluice-leader-election"), objects)
        service = objects[("Service", "sluice-metrics")]
        self.assertEqual(service["spec"]["ports"][0]["targetPort"], "metrics")
        kinds = {kind for kind, _ in objects}
        for optional in ("ServiceMonitor", "Ingress", "SigningPolicy"):
            self.assertNotIn(optional, kinds)

    def test_restricted_rbac_has_no_apply_rights(self):
        objects = render("rbac.clusterAdmin=false", "defaultServiceAccount=deployer")
        for (kind, name), obj in objects.items():
            if kind == "ClusterRoleBinding":
                self.assertNotEqual(obj["roleRef"]["name"], "cluster-admin", name)
        restricted = objects[("ClusterRole", "sluice-restricted")]
        verbs = {verb for rule in restricted["rules"] for verb in rule["verbs"]}
        self.assertEqual(verbs, {"get", "list", "watch"})
        self.assertIn(("ClusterRoleBinding", "sluice-restricted"), objects)
        self.assertIn("--default-service-account=deployer", container(objects)["args"])

    def test_values_reach_the_flags(self):
        args = container(render("replicas=2", "concurrency=9", "logLevel=debug",
                                "watchLabelSelector=shard in (a)", "watchNamespace=apps",
                                "noCrossNamespaceRefs=true"))["args"]
        self.assertEqual(args[0], "--log-level=debug")
        for flag in ("--leader-elect", "--concurrency=9", "--watch-label-selector=shard in (a)",
                     "--namespace=apps", "--no-cross-namespace-refs"):
            self.assertIn(flag, args)
        self.assertEqual(render("replicas=2")[("Deployment", "sluice")]["spec"]["replicas"], 2)
        self.assertIn("--leader-elect", container(render("leaderElection.enabled=true"))["args"])

    def test_optional_objects(self):
        objects = render("metrics.serviceMonitor.enabled=true", "statusPage.enabled=true",
                         "webhook.enabled=true",
                         "webhook.ingress.enabled=true", "webhook.ingress.host=hooks.example.com",
                         "signingPolicy.enabled=true", "signingPolicy.spec.mode=Audit",
                         "signingPolicy.spec.commits.required=true")
        monitor = objects[("ServiceMonitor", "sluice")]
        self.assertEqual(monitor["spec"]["endpoints"][0]["port"], "metrics")
        self.assertIn("--webhook-addr=:9292", container(objects)["args"])
        self.assertIn("--status-addr=:9393", container(objects)["args"])
        self.assertIn({"name": "status", "containerPort": 9393}, container(objects)["ports"])
        self.assertNotIn("--status-addr=:9393", container(render())["args"])
        self.assertEqual(objects[("Service", "sluice-webhook")]["spec"]["ports"][0]["targetPort"],
                         "webhook")
        rule = objects[("Ingress", "sluice-webhook")]["spec"]["rules"][0]
        self.assertEqual(rule["host"], "hooks.example.com")
        self.assertEqual(rule["http"]["paths"][0]["path"], "/hook/")
        policy = objects[("SigningPolicy", "sluice")]
        self.assertNotIn("namespace", policy["metadata"])
        self.assertEqual(policy["spec"], {"mode": "Audit", "commits": {"required": True}})

    def test_schema_refuses_bad_values(self):
        for value in ("logLevel=loud", "replicas=-1", "concurrency=0", "replica=2",
                      "signingPolicy.spec.mode=Block", "metrics.port=70000",
                      "extraArgs[0]=run"):
            result = helm("template", "sluice", CHART, "--set", value)
            self.assertNotEqual(result.returncode, 0, value)
            self.assertIn("schema", result.stderr, value)
        result = helm("template", "sluice", CHART, "--set", "webhook.ingress.enabled=true")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("webhook.ingress.enabled needs webhook.enabled", result.stderr)


if __name__ == "__main__":
    package_env.load_env()
    unittest.main()
