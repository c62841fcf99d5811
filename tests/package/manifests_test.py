#!/usr/bin/env python3
"""manifests/, the kustomize base for installing sluice without Helm.

Usage: manifests_test.py SLUICE [unittest args]   (KUBECONFIG from tests/env's env.sh)

`sluice build` renders it exactly as `kubectl kustomize` does, and it holds the whole install:
the CRDs (crds/, by reference), the namespace, RBAC, the Deployment and the Service. Applied
server-side to the test apiserver through an overlay, as a user adapts it: its own namespace
and a name suffix, so it never touches the sluice-system ServiceAccount and the shared
sluice-controller ClusterRole of the other tests; then deleted again (all but the CRDs, which
the other tests share).
"""
import json
import os
import secrets
import shutil
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import package_env  # noqa: E402  (after the path it is found on)
from package_env import SOURCE_DIR, eventually, kubectl, must, run  # noqa: E402

SLUICE = os.path.abspath(sys.argv[1])
del sys.argv[1]
MANIFESTS = os.path.join(SOURCE_DIR, "manifests")
CRDS = {"gitsources.sluice.dev", "applications.sluice.dev", "signingpolicies.sluice.dev"}


def render(folder):
    """`sluice build` and `kubectl kustomize` of `folder`, checked to be byte-identical."""
    ours = must([SLUICE, "build", folder])
    theirs = must(["kubectl", "kustomize", folder])
    if ours != theirs:
        raise AssertionError(f"sluice build {folder} differs from kubectl kustomize")
    return [doc for doc in yaml.safe_load_all(ours) if doc]


class ManifestsTest(unittest.TestCase):
    def test_renders_the_whole_install_as_kubectl(self):
        objects = {(doc["kind"], doc["metadata"]["name"]): doc for doc in render(MANIFESTS)}
        crds = {name for kind, name in objects if kind == "CustomResourceDefinition"}
        self.assertEqual(crds, CRDS)
        for key in (("Namespace", "sluice-system"), ("ServiceAccount", "sluice"),
                    ("ClusterRole", "sluice-controller"),
                    ("ClusterRoleBinding", "sluice-controller"),
                    ("ClusterRoleBinding", "sluice-applier"), ("Role", "sluice-leader-election"),
                    ("RoleBinding", "sluice-leader-election"), ("Deployment", "sluice"),
                    ("Service", "sluice-metrics")):
            self.assertIn(key, objects)
        for (kind, name), doc in objects.items():
            if kind in ("ServiceAccount", "Role", "RoleBinding", "Deployment", "Service"):
                self.assertEqual(doc["metadata"].get("namespace"), "sluice-system", (kind, name))
        pod = objects[("Deployment", "sluice")]["spec"]["template"]["spec"]
        box = pod["containers"][0]
        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        self.assertIs(box["securityContext"]["readOnlyRootFilesystem"], True)
        self.assertEqual(box["securityContext"]["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(box["readinessProbe"]["httpGet"]["port"], "health")

    def test_applies_server_side_and_deletes(self):
        suffix = secrets.token_hex(3)
        namespace = f"sluice-manifests-{suffix}"
        # The overlay lives in a folder next to manifests/ (kustomize wants relative bases).
        top = tempfile.mkdtemp(prefix="manifests-test-", dir=os.path.join(SOURCE_DIR, "build"))
        self.addCleanup(shutil.rmtree, top, True)
        with open(os.path.join(top, "kustomization.yaml"), "w", encoding="utf-8") as out:
            out.write(f"namespace: {namespace}\nnameSuffix: \"-{suffix}\"\n"
                      f"resources:\n- {os.path.relpath(MANIFESTS, top)}\n")
        objects = render(top)
        by_kind = {}
        for doc in objects:
            by_kind.setdefault(doc["kind"], []).append(doc)
        self.assertEqual(by_kind["Namespace"][0]["metadata"]["name"], namespace)
        self.assertEqual({doc["metadata"]["name"] for doc in by_kind["CustomResourceDefinition"]},
                         CRDS)
        rendered = yaml.safe_dump_all(objects)
        self.assertNotIn("sluice-system", rendered)

        # Everything but the CRDs is this test's; the CRDs are shared and stay.
        own = [doc for doc in objects if doc["kind"] != "CustomResourceDefinition"]
        own_yaml = yaml.safe_dump_all(own)
        self.addCleanup(kubectl, "delete", "-f", "-", "--ignore-not-found", "--wait=false",
                        stdin=own_yaml)
        applied = run(["kubectl", "apply", "--server-side", "--field-manager=manifests-test",
                       "-f", "-"], stdin=rendered)
        if applied.returncode != 0 and "conflict" in applied.stderr.lower():
            # The CRDs, applied before by another manager with the same values: take them over.
            applied = run(["kubectl", "apply", "--server-side", "--force-conflicts",
                           "--field-manager=manifests-test", "-f", "-"], stdin=rendered)
        self.assertEqual(applied.returncode, 0, applied.stderr)
        for doc in objects:
            args = ["get", doc["kind"], doc["metadata"]["name"], "-o", "json"]
            if "namespace" in doc["metadata"]:
                args += ["-n", doc["metadata"]["namespace"]]
            live = kubectl(*args)
            self.assertEqual(live.returncode, 0,
                             (doc["kind"], doc["metadata"]["name"], live.stderr))
        deployment = json.loads(kubectl("get", "deployment", f"sluice-{suffix}", "-n", namespace,
                                        "-o", "json").stdout)
        self.assertEqual(deployment["spec"]["template"]["spec"]["serviceAccountName"],
                         f"sluice-{suffix}")
        binding = json.loads(kubectl("get", "clusterrolebinding", f"sluice-controller-{suffix}",
                                     "-o", "json").stdout)
        self.assertEqual(binding["roleRef"]["name"], f"sluice-controller-{suffix}")
        self.assertEqual(binding["subjects"][0]["namespace"], namespace)

        deleted = run(["kubectl", "delete", "-f", "-", "--wait=false"], stdin=own_yaml)
        self.assertEqual(deleted.returncode, 0, deleted.stderr)
        gone = eventually(lambda: kubectl("get", "namespace", namespace).returncode != 0, 120)
        self.assertTrue(gone, f"namespace {namespace} still there")
        for name in (f"sluice-controller-{suffix}", f"sluice-applier-{suffix}"):
            self.assertNotEqual(kubectl("get", "clusterrolebinding", name).returncode, 0, name)
        for crd in CRDS:
            self.assertEqual(kubectl("get", "crd", crd).returncode, 0, crd)


if __name__ == "__main__":
    package_env.load_env()
    unittest.main()
