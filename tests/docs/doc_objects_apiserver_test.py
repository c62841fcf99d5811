#!/usr/bin/env python3
"""Every sluice.dev object in the docs is accepted by a real API server holding crds/.

doc_objects_test.py checks the objects against the schema offline; this one sends each, with
`kubectl create --dry-run=server`, to the test environment's kube-apiserver, so the CRDs'
CEL rules (exactly one of branch/tag/semver/commit, of subject/subjectRegExp, ...) and RE2
patterns are applied as a user's cluster applies them. Namespaced objects go to a scratch
namespace (the docs' own namespaces need not exist); nothing is stored (dry run).
"""
import os
import subprocess
import unittest
import uuid

import yaml

from doc_objects_test import doc_files
from docs_support import ROOT, fenced_blocks


def environment():
    """os.environ plus the variables of the test environment's env.sh (KUBECONFIG, ...)."""
    env_sh = subprocess.run([os.path.join(ROOT, "tests/env/up")], check=True, text=True,
                            stdout=subprocess.PIPE).stdout.strip()
    printed = subprocess.run(["bash", "-c", '. "$1" && env -0', "bash", env_sh], check=True,
                             stdout=subprocess.PIPE).stdout.decode()
    return dict(item.split("=", 1) for item in printed.split("\0") if "=" in item)


def doc_objects():
    """(where, object) for every sluice.dev object in a YAML block of the docs."""
    for path in doc_files():
        with open(path) as f:
            markdown = f.read()
        for _, text in fenced_blocks(markdown, "yaml"):
            for document in yaml.safe_load_all(text):
                if isinstance(document, dict) and \
                        str(document.get("apiVersion", "")).startswith("sluice.dev/"):
                    where = "%s: %s %s" % (os.path.relpath(path, ROOT), document.get("kind"),
                                           document["metadata"]["name"])
                    yield where, document


class DocObjectsOnTheApiServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = environment()
        cls.kubectl("apply", "--server-side", "--force-conflicts", "-k",
                    os.path.join(ROOT, "crds"))
        cls.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                    "crd/gitsources.sluice.dev", "crd/applications.sluice.dev",
                    "crd/signingpolicies.sluice.dev")
        cls.namespace = "sluice-docs-" + uuid.uuid4().hex[:8]
        cls.kubectl("create", "namespace", cls.namespace)

    @classmethod
    def tearDownClass(cls):
        cls.kubectl("delete", "namespace", cls.namespace, "--wait=false", check=False)

    @classmethod
    def kubectl(cls, *args, stdin=None, check=True):
        result = subprocess.run(["kubectl", *args], env=cls.env, input=stdin,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError("kubectl %s: %s" % (" ".join(args), result.stderr))
        return result

    def create(self, document):
        document = dict(document, metadata=dict(document["metadata"]))
        if document["kind"] != "SigningPolicy":
            document["metadata"]["namespace"] = self.namespace
        return self.kubectl("create", "--dry-run=server", "-o", "name", "-f", "-",
                            stdin=yaml.safe_dump(document), check=False)

    def test_the_api_server_accepts_every_object(self):
        objects = list(doc_objects())
        self.assertGreaterEqual(len(objects), 6)
        for where, document in objects:
            with self.subTest(where):
                result = self.create(document)
                self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_broken_object_is_refused(self):
        # The check is a real one: a CEL rule of the GitSource CRD refuses two refs at once.
        broken = {"apiVersion": "sluice.dev/v1alpha1", "kind": "GitSource",
                  "metadata": {"name": "two-refs"},
                  "spec": {"url": "https://git.example.com/x.git",
                           "ref": {"branch": "main", "tag": "v1"}}}
        result = self.create(broken)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("exactly one of branch, tag, semver, commit", result.stderr)


if __name__ == "__main__":
    unittest.main()
