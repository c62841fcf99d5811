#!/usr/bin/env python3
"""The `sluice` front end (operator/src/front_main.cpp) against sluice-full, as users run them.

Usage: front_main_test.py SLUICE SLUICE_FULL CASES_DIR SUBSTITUTE_DIR STATIC(ON|OFF)

CASES_DIR is the kustomize conformance cases' folder, SUBSTITUTE_DIR an overlay with ${VAR}s.

Checks that the front end renders what sluice-full renders (output, errors, exit codes), that it
renders without sluice-full and hands every other command line to it unchanged, that a missing
sluice-full is a clear error, and, when built with SLUICE_STATIC_FRONT, that it loads no shared
library at all.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SLUICE, SLUICE_FULL, CASES, SUBSTITUTE, STATIC = sys.argv[1:6]
del sys.argv[1:6]

# A good overlay with a generator, prefix and patches; a folder without a kustomization; and a
# failing one.
GOOD_CASES = ["components-generators", "configurations-images-prefix", "flux-folder"]
FAILING_CASE = "error-cycle"


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, check=False, timeout=60)


class FrontEndTest(unittest.TestCase):
    def assert_same(self, args):
        front = run(SLUICE, *args)
        full = run(SLUICE_FULL, *args)
        self.assertEqual(front.returncode, full.returncode, args)
        self.assertEqual(front.stdout, full.stdout, args)
        self.assertEqual(front.stderr, full.stderr, args)
        return front

    def test_build_prints_what_the_full_cli_prints(self):
        for case in GOOD_CASES:
            result = self.assert_same(["build", os.path.join(CASES, case)])
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn(b"kind:", result.stdout)

    def test_build_flags_and_errors_match(self):
        substituted = self.assert_same(["build", SUBSTITUTE, "--substitute", "ENV=prod",
                                        "--substitute=REPLICAS=3", "--root", SUBSTITUTE])
        self.assertIn(b"name: web-prod", substituted.stdout)
        case = os.path.join(CASES, GOOD_CASES[0])
        failed = self.assert_same(["build", os.path.join(CASES, FAILING_CASE)])
        self.assertEqual(failed.returncode, 1)
        self.assertEqual(failed.stdout, b"")
        self.assertTrue(failed.stderr.startswith(b"Error: "), failed.stderr)
        usage = self.assert_same(["build"])
        self.assertEqual(usage.returncode, 2)
        self.assert_same(["build", case, "--no-such-flag"])

    def test_other_command_lines_reach_the_full_cli(self):
        self.assertEqual(self.assert_same(["--version"]).returncode, 0)
        self.assertEqual(self.assert_same(["no-such-command"]).returncode, 2)
        self.assertEqual(self.assert_same(["help", "build"]).returncode, 0)
        self.assert_same(["build", "--help"])
        self.assert_same(["--log-level", "debug", "build", os.path.join(CASES, GOOD_CASES[0])])

    def test_renders_without_the_full_cli_and_hands_the_rest_on(self):
        with tempfile.TemporaryDirectory() as alone:
            front = shutil.copy(SLUICE, os.path.join(alone, "sluice"))
            case = os.path.join(CASES, GOOD_CASES[0])
            rendered = run(front, "build", case)
            self.assertEqual(rendered.returncode, 0, rendered.stderr)
            self.assertEqual(rendered.stdout, run(SLUICE_FULL, "build", case).stdout)
            # A global flag is sluice-full's business, so without it the front end must fail.
            for args in (["--version"], ["build", case, "--log-level", "debug"], ["pull"]):
                handed_on = run(front, *args)
                self.assertEqual(handed_on.returncode, 127, args)
                self.assertEqual(handed_on.stdout, b"")
                self.assertIn(b"cannot run " + os.path.join(alone, "sluice-full").encode(),
                              handed_on.stderr)

    def test_static_front_end_loads_no_shared_library(self):
        headers = subprocess.run(["readelf", "--program-headers", "--dynamic", SLUICE],
                                 capture_output=True, check=True, text=True).stdout
        if STATIC == "ON":
            self.assertNotIn("INTERP", headers)
            self.assertNotIn("(NEEDED)", headers)
        else:
            self.assertIn("(NEEDED)", headers)
        self.assertIn("(NEEDED)", subprocess.run(
            ["readelf", "--dynamic", SLUICE_FULL], capture_output=True, check=True,
            text=True).stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
