#!/usr/bin/env python3
"""docs/signing-policy.md's commands, run as a user would run them.

Usage: signing_policy_test.py SLUICE [ssh|cosign ...]

ssh: the shell blocks marked `<!-- test: ssh -->` run in order, with bash, in a fresh
repository with a throwaway HOME (so the key the guide makes goes there) and SLUICE's folder
first on PATH. The guide's own `sluice verify-commit` must report the commit it made as
verified by the guide's principal; git itself must agree; and the same command must refuse an
unsigned commit and a commit signed by a key outside allowed_signers.

cosign: the blocks marked `<!-- test: cosign -->` make a key pair with the real cosign
(tests/env/build-tools builds it); the test then signs an image in a distribution registry on
127.0.0.1 with that key and `sluice verify-image --key cosign.pub` must accept it and refuse
an unsigned image. There is no Rekor here, so the signing uses --tlog-upload=false and the
check --insecure-ignore-tlog (the guide's commands keep the log, which needs the network).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from docs_support import ROOT, marked_blocks, read

SLUICE = os.path.abspath(sys.argv[1])
PARTS = sys.argv[2:] or ["ssh"]
del sys.argv[1:]

sys.path.insert(0, os.path.join(ROOT, "tests/integration/verify"))


class GuideTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="sluice-docs-")
        self.home = os.path.join(self.work, "home")
        self.bin = os.path.join(self.work, "bin")
        os.makedirs(self.home)
        os.makedirs(self.bin)
        self.env = dict(os.environ, HOME=self.home, GIT_CONFIG_NOSYSTEM="1",
                        PATH=os.pathsep.join([self.bin, os.path.dirname(SLUICE),
                                              os.environ.get("PATH", "")]))
        for name in ("SSH_AUTH_SOCK", "GIT_DIR", "GIT_WORK_TREE"):
            self.env.pop(name, None)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def run_in(self, cwd, *args, check=True):
        result = subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True,
                                timeout=120)
        if check and result.returncode != 0:
            self.fail("%s failed (%d):\n%s%s" % (" ".join(args), result.returncode,
                                                 result.stdout, result.stderr))
        return result

    def run_blocks(self, tag, cwd):
        """Runs the guide's blocks marked `tag` in order, as one bash script; returns it."""
        blocks = marked_blocks(read("docs/signing-policy.md"), tag)
        self.assertGreater(len(blocks), 0, "no <!-- test: %s --> blocks in the guide" % tag)
        return self.run_in(cwd, "bash", "-euo", "pipefail", "-c", "\n".join(blocks)), blocks


class SshSection(GuideTest):
    def make_repository(self):
        repo = os.path.join(self.work, "repo")
        os.makedirs(repo)
        self.run_in(repo, "git", "init", "-q", "-b", "main")
        self.run_in(repo, "git", "config", "user.name", "Alice")
        self.run_in(repo, "git", "config", "user.email", "alice@example.com")
        return repo

    def test_the_guide_signs_a_commit_that_sluice_verifies(self):
        repo = self.make_repository()
        result, blocks = self.run_blocks("ssh", repo)
        head = self.run_in(repo, "git", "rev-parse", "HEAD").stdout.strip()
        self.assertIn("verified: commit " + head, result.stdout)
        self.assertIn("signer: alice@example.com", result.stdout)
        self.assertIn("key: ED25519 SHA256:", result.stdout)
        # git agrees with the guide's allowed_signers file.
        self.run_in(repo, "git", "-c", "gpg.ssh.allowedSignersFile=allowed_signers",
                    "verify-commit", "HEAD")

        verify = [line for line in blocks[-1].splitlines() if line.startswith("sluice ")]
        self.assertEqual(len(verify), 1, "the last ssh block ends with one sluice command")

        # The guide's check is a real one: an unsigned commit fails it...
        self.run_in(repo, "git", "-c", "commit.gpgsign=false", "commit", "--allow-empty", "-q",
                    "-m", "unsigned")
        refused = self.run_in(repo, "bash", "-c", verify[0], check=False)
        self.assertNotEqual(refused.returncode, 0, refused.stdout)
        self.assertIn("is not signed", refused.stderr)

        # ... and so does a commit signed by a key that allowed_signers does not list.
        other = os.path.join(self.work, "mallory")
        self.run_in(repo, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other)
        self.run_in(repo, "git", "-c", "user.signingkey=" + other, "commit", "--allow-empty",
                    "-q", "-m", "signed by someone else")
        refused = self.run_in(repo, "bash", "-c", verify[0], check=False)
        self.assertNotEqual(refused.returncode, 0, refused.stdout)
        self.assertNotIn("verified:", refused.stdout)


class CosignSection(GuideTest):
    def test_the_guides_key_pair_signs_an_image_that_sluice_verifies(self):
        from registry_support import digest_of, start_registry, stop_registry, tool
        os.symlink(tool("cosign"), os.path.join(self.bin, "cosign"))
        self.env.update(COSIGN_PASSWORD="", COSIGN_YES="true")
        keys = os.path.join(self.work, "keys")
        os.makedirs(keys)
        self.run_blocks("cosign", keys)
        with open(os.path.join(keys, "cosign.pub")) as f:
            self.assertTrue(f.read().startswith("-----BEGIN PUBLIC KEY-----"))
        self.assertTrue(os.path.exists(os.path.join(keys, "cosign.key")))

        registry, port = start_registry(self.work)
        try:
            images = {}
            for name in ("web", "unsigned"):
                blob = os.path.join(self.work, name + ".txt")
                with open(blob, "w") as f:
                    f.write("content of %s\n" % name)
                self.run_in(keys, "cosign", "upload", "blob", "-f", blob, "--allow-http-registry",
                            "127.0.0.1:%d/shop/%s:v1" % (port, name))
                images[name] = "127.0.0.1:%d/shop/%s@%s" % (
                    port, name, digest_of(port, "shop/" + name, "v1"))
            self.run_in(keys, "cosign", "sign", "--key", "cosign.key", "--tlog-upload=false",
                        "--allow-http-registry", images["web"])

            def verify(image):
                return self.run_in(keys, "sluice", "verify-image", image, "--key", "cosign.pub",
                                   "--insecure-ignore-tlog", "--allow-http-registry",
                                   check=False)
            good = verify(images["web"])
            self.assertEqual(good.returncode, 0, good.stderr)
            self.assertIn("verified: 127.0.0.1:%d/shop/web@sha256:" % port, good.stdout)
            bad = verify(images["unsigned"])
            self.assertNotEqual(bad.returncode, 0, bad.stdout)
        finally:
            stop_registry(registry)


if __name__ == "__main__":
    SECTIONS = {"ssh": SshSection, "cosign": CosignSection}
    suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromTestCase(SECTIONS[part])
                               for part in PARTS)
    sys.exit(0 if unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful() else 1)
