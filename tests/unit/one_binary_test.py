#!/usr/bin/env python3
"""`sluice` is one executable: copied alone into an empty folder it does everything.

Usage: one_binary_test.py SLUICE VERSION CASES_DIR SUBSTITUTE_DIR

CASES_DIR is the kustomize conformance cases' folder, SUBSTITUTE_DIR an overlay with ${VAR}s.

Until issue 17, `sluice` was a static front end that rendered and handed every other command
line to a second executable (the full CLI) next to it. Users and the image now get one file:
this checks that a copy of it with nothing beside it renders, answers --version and help, runs
the commands that need no cluster, and keeps `sluice build`'s contract (output, errors on
stderr only, exit codes 0 / 1 / 2) whatever global flags come first.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SLUICE, VERSION, CASES, SUBSTITUTE = sys.argv[1:5]
del sys.argv[1:5]

GOOD_CASE = "components-generators"
FAILING_CASE = "error-cycle"


class OneBinaryTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = temp.name
        self.sluice = shutil.copy(SLUICE, os.path.join(self.dir, "sluice"))
        self.assertEqual(os.listdir(self.dir), ["sluice"])

    def run_sluice(self, *args):
        return subprocess.run([self.sluice, *args], capture_output=True, check=False, timeout=60,
                              cwd=self.dir)

    def test_version_and_help_cover_every_command(self):
        version = self.run_sluice("--version")
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertIn(VERSION.encode(), version.stdout)
        usage = self.run_sluice("--help")
        self.assertEqual(usage.returncode, 0, usage.stderr)
        for command in (b"run", b"build", b"pull", b"get", b"crds", b"verify-commit"):
            self.assertIn(b"\n  " + command + b" ", usage.stdout)
        self.assertEqual(self.run_sluice("help", "build").returncode, 0)
        unknown = self.run_sluice("no-such-command")
        self.assertEqual(unknown.returncode, 2)
        self.assertEqual(unknown.stdout, b"")

    def test_build_renders_and_reports_like_before(self):
        case = os.path.join(CASES, GOOD_CASE)
        rendered = self.run_sluice("build", case)
        self.assertEqual(rendered.returncode, 0, rendered.stderr)
        self.assertIn(b"kind:", rendered.stdout)
        # A global flag before the command (the front end used to hand these on) changes nothing
        # in the output.
        logged = self.run_sluice("--log-level", "debug", "build", case)
        self.assertEqual((logged.returncode, logged.stdout), (0, rendered.stdout))
        substituted = self.run_sluice("build", SUBSTITUTE, "--substitute", "ENV=prod",
                                      "--substitute=REPLICAS=3", "--root", SUBSTITUTE)
        self.assertEqual(substituted.returncode, 0, substituted.stderr)
        self.assertIn(b"name: web-prod", substituted.stdout)
        failed = self.run_sluice("build", os.path.join(CASES, FAILING_CASE))
        self.assertEqual(failed.returncode, 1)
        self.assertEqual(failed.stdout, b"")
        self.assertTrue(failed.stderr.startswith(b"Error: "), failed.stderr)
        for usage_error in (["build"], ["build", case, "--no-such-flag"]):
            refused = self.run_sluice(*usage_error)
            self.assertEqual(refused.returncode, 2, usage_error)
            self.assertEqual(refused.stdout, b"")

    def test_commands_beyond_build_run_from_the_same_file(self):
        out = os.path.join(self.dir, "crds")
        written = self.run_sluice("crds", "--out", out)
        self.assertEqual(written.returncode, 0, written.stderr)
        self.assertIn("sluice.dev_applications.yaml", os.listdir(out))
        # The cluster commands start and fail cleanly without a cluster (no kubeconfig here).
        cluster = subprocess.run([self.sluice, "get", "apps", "--kubeconfig",
                                  os.path.join(self.dir, "missing")],
                                 capture_output=True, check=False, timeout=60, cwd=self.dir)
        self.assertEqual(cluster.returncode, 1, cluster.stderr)
        self.assertIn(b"missing", cluster.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
