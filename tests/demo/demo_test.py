#!/usr/bin/env python3
"""`make demo` end to end: scripts/demo tells its story, scripts/demo down leaves nothing.

Usage: demo_test.py [unittest args]   (tests/env up, or brought up by load_env)

The demo must show the Application Ready from a signed commit, the unsigned commit refused
(Verified=False) and the running app kept at the signed revision, in under 3 minutes; the
cluster must agree with what it printed. Then `scripts/demo down` must stop the operator it
started and remove its Helm release, namespaces, SigningPolicy, repository and files.
"""
import os
import re
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "package"))
import package_env  # noqa: E402  (after the path it is found on)
from package_env import SOURCE_DIR, eventually, get, kubectl, run  # noqa: E402

DEMO = os.path.join(SOURCE_DIR, "scripts", "demo")
STATE = os.path.join(SOURCE_DIR, "build", "demo")
BUDGET_SECONDS = 180


class DemoTest(unittest.TestCase):
    def test_demo_tells_the_story_and_demo_down_cleans_up(self):
        if os.path.exists(STATE):
            run([DEMO, "down"], timeout=180)
        self.addCleanup(run, [DEMO, "down"], timeout=180)
        started = time.monotonic()
        demo = run([DEMO], timeout=2 * BUDGET_SECONDS)
        took = time.monotonic() - started
        out = demo.stdout + demo.stderr
        print(f"scripts/demo took {took:.0f} s", file=sys.stderr)
        self.assertEqual(demo.returncode, 0, out[-8000:])
        self.assertLess(took, BUDGET_SECONDS, "the demo must finish in under 3 minutes")

        ready = re.search(r"==> shop/shop is Ready at (\S+) \(signed commit ([0-9a-f]{12})", out)
        self.assertIsNotNone(ready, out)
        self.assertIn(ready.group(2), ready.group(1))
        self.assertRegex(out, r"Good \"git\" signature for demo@sluice\.dev")
        self.assertRegex(out, r"==> refused: Verified=False \(CommitUnsigned")
        kept = re.search(r"==> the running app stays: lastAppliedRevision (\S+), prod-web still "
                         r"has 2 replicas", out)
        self.assertIsNotNone(kept, out)
        self.assertEqual(kept.group(1), ready.group(1))
        self.assertIn("make demo-down", out)

        # The cluster agrees with what the demo printed.
        app = get("applications.sluice.dev", "shop", "shop")
        self.assertEqual(app["status"]["lastAppliedRevision"], ready.group(1))
        self.assertEqual(package_env.condition(app, "Verified")["status"], "False")
        self.assertEqual(get("deployment", "prod-web", "shop-prod")["spec"]["replicas"], 2)
        self.assertIsNotNone(get("clusterrole", "sluice-demo-controller"))

        with open(os.path.join(STATE, "operator.pid"), encoding="utf-8") as pid_file:
            pid = int(pid_file.read())
        self.assertTrue(os.path.exists(f"/proc/{pid}"), "the operator stays up for exploring")

        # The status page the demo points at answers and shows the refused revision.
        page = re.search(r"Status page: open (http://127\.0\.0\.1:\d+/) ", out)
        self.assertIsNotNone(page, out)
        with urllib.request.urlopen(page.group(1) + "api/v1/status", timeout=10) as response:
            status = response.read().decode()
        self.assertIn("CommitUnsigned", status)
        self.assertIn(ready.group(1), status)

        down = run([DEMO, "down"], timeout=180)
        self.assertEqual(down.returncode, 0, down.stdout + down.stderr)
        self.assertFalse(os.path.exists(f"/proc/{pid}"), "demo-down left the operator running")
        self.assertFalse(os.path.exists(STATE))
        self.assertFalse(os.path.exists(os.path.join(os.environ["GIT_ROOT"], "shop-demo.git")))
        helm = run([os.environ["HELM"], "status", "sluice-demo", "-n", "sluice-demo"])
        self.assertNotEqual(helm.returncode, 0, "the Helm release is still installed")
        self.assertIsNone(get("signingpolicies.sluice.dev", "demo-signed-commits"))
        self.assertIsNone(get("clusterrole", "sluice-demo-controller"))
        self.assertIsNone(get("clusterrolebinding", "sluice-demo-applier"))
        gone = eventually(lambda: all(kubectl("get", "namespace", ns).returncode != 0
                                      for ns in ("shop", "shop-prod", "sluice-demo")), 120)
        self.assertTrue(gone, kubectl("get", "namespaces").stdout)


if __name__ == "__main__":
    package_env.load_env()
    unittest.main()
