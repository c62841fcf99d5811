#!/usr/bin/env python3
"""`sluice run` inside the image's root filesystem, against the test environment.

Usage: image_run_test.py SLUICE ENV_FILE CRDS_DIR

ENV_FILE is tests/env's build/env/env.sh (the environment is up: ctest fixture test_env).
Assembles the rootfs (scripts/image-rootfs) and runs the operator in it as the image would,
chrooted as user 65532 with none of the host's environment, on a kubeconfig copied into it. It
must start, sync its informers (/readyz 200 on its health address), fetch a GitSource over https
with a login and its own CA (the Secret's ca.crt: libgit2 on mbedTLS, checked with OpenSSL),
apply the Application's ConfigMap and stop cleanly on SIGTERM. Its log must show no missing
library or file. (A source trusting the image's CA bundle instead cannot be tried here: the test
git server's certificate names 127.0.0.1 as an IP address, which Debian's libgit2 on mbedTLS 2.28
never matches; image_rootfs_test.py checks that the bundle is where that libgit2 reads it.)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import image_support

SLUICE, ENV_FILE, CRDS = sys.argv[1:4]
del sys.argv[1:4]

NAMESPACE = "image-test-%d" % os.getpid()
KUBECTL = os.environ.get("KUBECTL") or shutil.which("kubectl") or "kubectl"
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
WAIT_SECONDS = 90
# The line `sluice run` logs once it listens: the health port is the one /readyz is on.
STARTED = re.compile(r"operator started: metrics on [0-9.]+:[0-9]+, health on [0-9.]+:([0-9]+)")


def load_env(path):
    """The variables env.sh exports, read by bash as a shell would."""
    printed = subprocess.run(["bash", "-c", 'set -a; . "$1" >/dev/null; env -0', "env", path],
                             capture_output=True, check=True, timeout=10).stdout.decode()
    everything = dict(entry.split("=", 1) for entry in printed.split("\0") if "=" in entry)
    with open(path, encoding="utf-8") as text:
        names = [line.split("export ", 1)[1].split("=", 1)[0] for line in text
                 if line.startswith("export ")]
    return {name: everything[name] for name in names if name in everything}


ENV = load_env(ENV_FILE)


def kubectl(*args, stdin=None, check=True):
    result = subprocess.run([KUBECTL, "--kubeconfig", ENV["KUBECONFIG"], *args], input=stdin,
                            capture_output=True, check=False, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError("kubectl %s: %s" % (" ".join(args), result.stderr))
    return result


def ready_condition(kind, name):
    got = kubectl("get", kind, name, "-n", NAMESPACE, "-o", "json", check=False)
    if got.returncode != 0:
        return None
    for condition in json.loads(got.stdout).get("status", {}).get("conditions", []):
        if condition.get("type") == "Ready":
            return condition
    return None


def health(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class ImageRunTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.temp = temp.name
        self.root = os.path.join(self.temp, "rootfs")
        image_support.build_rootfs(self.root, SLUICE)
        self.log_path = os.path.join(self.temp, "operator.log")
        self.process = None
        for crd in sorted(os.listdir(CRDS)):
            if crd.startswith("sluice.dev_"):
                kubectl("apply", "-f", os.path.join(CRDS, crd))
        kubectl("wait", "--for=condition=Established", "--timeout=60s",
                "crd/gitsources.sluice.dev", "crd/applications.sluice.dev")
        kubectl("create", "namespace", NAMESPACE)
        self.addCleanup(kubectl, "delete", "namespace", NAMESPACE, "--wait=false", check=False)
        self.addCleanup(self.stop_operator)

    def write_into_image(self, path, text, mode):
        """A file in the rootfs that only the image's user reads, as a mounted Secret would be."""
        full = os.path.join(self.root, path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as out:
            out.write(text)
        os.chown(full, 65532, 65532)
        os.chmod(full, mode)

    def publish_repository(self):
        """A bare repository the git https server serves, holding one ConfigMap."""
        name = NAMESPACE + ".git"
        bare = os.path.join(ENV["GIT_ROOT"], name)
        self.addCleanup(shutil.rmtree, bare, True)
        work = os.path.join(self.temp, "work")
        os.makedirs(work)
        with open(os.path.join(work, "kustomization.yaml"), "w", encoding="utf-8") as out:
            out.write("resources: [config.yaml]\n")
        with open(os.path.join(work, "config.yaml"), "w", encoding="utf-8") as out:
            out.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-image\n"
                      "data:\n  served: by-the-image\n")
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", bare], check=True)
        subprocess.run(["git", "init", "-q", "-b", "main", work], check=True)
        subprocess.run([*GIT, "-C", work, "add", "."], check=True)
        subprocess.run([*GIT, "-C", work, "commit", "-qm", "a ConfigMap"], check=True)
        subprocess.run(["git", "-C", work, "push", "-q", bare, "main"], check=True)
        return ENV["GIT_HTTPS_URL"] + "/" + name

    def start_operator(self):
        kubeconfig = kubectl("config", "view", "--raw", "--flatten", "--minify").stdout
        self.write_into_image("/etc/sluice/kubeconfig", kubeconfig, 0o600)
        argv = image_support.inside(
            self.root, "--log-format", "text", "run", "--kubeconfig", "/etc/sluice/kubeconfig",
            "--namespace", NAMESPACE, "--operator-namespace", NAMESPACE,
            "--health-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
            "--webhook-addr", "127.0.0.1:0")  # --storage-dir: the default, /tmp/sluice
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            env=image_support.CONTAINER_ENV)
        deadline = time.monotonic() + 30
        while not (started := STARTED.search(self.log())):
            self.assertIsNone(self.process.poll(), "sluice run exited:\n" + self.log())
            self.assertLess(time.monotonic(), deadline, "sluice run did not start:\n" + self.log())
            time.sleep(0.1)
        return int(started.group(1))

    def stop_operator(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return None if self.process is None else self.process.returncode

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as text:
            return text.read()

    def wait_ready(self, kind, name):
        deadline = time.monotonic() + WAIT_SECONDS
        condition = None
        while time.monotonic() < deadline:
            condition = ready_condition(kind, name)
            if condition is not None and condition.get("status") == "True":
                return
            self.assertIsNone(self.process.poll(), "sluice run exited:\n" + self.log())
            time.sleep(0.5)
        self.fail("%s %s not Ready: %s\n--- operator log:\n%s"
                  % (kind, name, condition, self.log()))

    def test_run_reconciles_over_https_inside_the_image(self):
        url = self.publish_repository()
        kubectl("create", "secret", "generic", "git-https", "-n", NAMESPACE,
                "--from-literal=username=" + ENV["GIT_HTTP_USER"],
                "--from-literal=password=" + ENV["GIT_HTTP_PASSWORD"],
                "--from-file=ca.crt=" + ENV["GIT_CA_FILE"])
        kubectl("apply", "-f", "-", stdin=(
            "apiVersion: sluice.dev/v1alpha1\nkind: GitSource\n"
            "metadata: {name: repo, namespace: %s}\n"
            "spec: {url: '%s', ref: {branch: main}, interval: 1m, secretRef: {name: git-https}}\n"
            "---\napiVersion: sluice.dev/v1alpha1\nkind: Application\n"
            "metadata: {name: app, namespace: %s}\n"
            "spec: {sourceRef: {name: repo}, path: ./, interval: 1m, retryInterval: 2s, "
            "prune: true}\n" % (NAMESPACE, url, NAMESPACE)))

        health_port = self.start_operator()
        deadline = time.monotonic() + 30
        while health(health_port, "/readyz") != 200:
            self.assertLess(time.monotonic(), deadline, "/readyz never 200:\n" + self.log())
            time.sleep(0.2)
        self.assertEqual(health(health_port, "/healthz"), 200)
        self.wait_ready("gitsources.sluice.dev", "repo")
        self.wait_ready("applications.sluice.dev", "app")
        served = kubectl("get", "configmap", "from-image", "-n", NAMESPACE, "-o",
                         "jsonpath={.data.served}")
        self.assertEqual(served.stdout, "by-the-image")
        # The snapshots went to the default --storage-dir, as the image's user.
        self.assertEqual(os.stat(os.path.join(self.root, "tmp/sluice")).st_uid, 65532)

        self.assertEqual(self.stop_operator(), 0, self.log())
        log = self.log()
        self.assertEqual(image_support.missing_file_signs(log), [], log)
        self.assertNotIn(ENV["GIT_HTTP_PASSWORD"], log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
