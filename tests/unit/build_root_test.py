#!/usr/bin/env python3
"""`sluice build`'s default root, end to end: the top of the Git work tree holding DIR.

Usage: build_root_test.py SLUICE KUBECTL

In a `git init`ed temp folder, `sluice build repo/overlays/prod` with `resources: [../../base]`
must print what `kubectl kustomize` prints, from a relative DIR, a symlink to it and a linked
worktree; paths leaving the work tree stay refused.
"""
import os
import subprocess
import sys
import tempfile
import unittest

# The builds run in a temp folder: a relative program path must not depend on it.
SLUICE, KUBECTL = (os.path.abspath(arg) if os.sep in arg else arg for arg in sys.argv[1:3])
del sys.argv[1:3]

FILES = {
    "base/kustomization.yaml": "resources:\n- deployment.yaml\n"
    "configMapGenerator:\n- name: settings\n  literals: [LEVEL=info]\n",
    "base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
    "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n"
    "        envFrom:\n        - configMapRef:\n            name: settings\n",
    "overlays/prod/kustomization.yaml": "namePrefix: prod-\nnamespace: prod\n"
    "resources:\n- ../../base\nimages:\n- name: nginx\n  newTag: '1.27'\n",
}
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, check=False, timeout=60)


class BuildRootTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.top = temp.name
        self.repo = os.path.join(self.top, "repo")
        for name, text in FILES.items():
            path = os.path.join(self.repo, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
        subprocess.run([*GIT, "init", "-q", self.repo], check=True)

    def assert_renders_as_kubectl(self, folder):
        expected = run([KUBECTL, "kustomize", folder], self.top)
        self.assertEqual(expected.returncode, 0, expected.stderr)
        self.assertIn(b"name: prod-settings-", expected.stdout)
        rendered = run([SLUICE, "build", folder], self.top)
        self.assertEqual(rendered.returncode, 0, (folder, rendered.stderr))
        self.assertEqual(rendered.stdout, expected.stdout, folder)

    def assert_refused(self, args, root):
        refused = run([SLUICE, "build", *args], self.top)
        self.assertEqual(refused.returncode, 1, args)
        self.assertEqual(refused.stdout, b"")
        self.assertIn(b"outside the root '" + os.path.realpath(root).encode() + b"'",
                      refused.stderr)

    def test_overlay_reaches_its_base_in_the_work_tree(self):
        self.assert_renders_as_kubectl("repo/overlays/prod")
        self.assert_renders_as_kubectl(os.path.join(self.repo, "overlays", "prod"))
        os.symlink(os.path.join(self.repo, "overlays", "prod"), os.path.join(self.top, "prod"))
        self.assert_renders_as_kubectl("prod")

    def test_linked_worktree_is_a_work_tree_too(self):
        subprocess.run([*GIT, "-C", self.repo, "add", "."], check=True)
        subprocess.run([*GIT, "-C", self.repo, "commit", "-qm", "init"], check=True)
        subprocess.run([*GIT, "-C", self.repo, "worktree", "add", "-q", "../linked"], check=True)
        self.assertTrue(os.path.isfile(os.path.join(self.top, "linked", ".git")))
        self.assert_renders_as_kubectl("linked/overlays/prod")

    def test_nothing_outside_the_root_is_read(self):
        self.assert_refused(["repo/overlays/prod", "--root", "repo/overlays/prod"],
                            os.path.join(self.repo, "overlays", "prod"))
        os.makedirs(os.path.join(self.top, "shared"))
        with open(os.path.join(self.top, "shared", "kustomization.yaml"), "w",
                  encoding="utf-8") as out:
            out.write("resources: []\n")
        with open(os.path.join(self.repo, "overlays", "prod", "kustomization.yaml"), "w",
                  encoding="utf-8") as out:
            out.write("resources:\n- ../../base\n- ../../../shared\n")
        self.assert_refused(["repo/overlays/prod"], self.repo)


if __name__ == "__main__":
    unittest.main(verbosity=2)
