#!/usr/bin/env python3
"""The image's root filesystem (scripts/image-rootfs), and sluice running inside it.

Usage: image_rootfs_test.py SLUICE VERSION KUSTOMIZATION_DIR

Assembles the rootfs into a temp folder and checks that it holds exactly the runtime file set
(the stripped executable, the libraries ldd resolves and the loader, users, CA certificates,
/tmp: no shell, nothing else), that it stays under 40 MB (it prints the size), and that inside
it, as the image's user 65532, `sluice --version` answers, `sluice build` of a copied
kustomization prints what it prints outside, and the non-root user can write /tmp only.
The cluster half (`sluice run` in it) is image_run_test.py.
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import image_support

SLUICE, VERSION, KUSTOMIZATION = sys.argv[1:4]
del sys.argv[1:4]

SIZE_LIMIT = 40 * 1000 * 1000  # bytes, `du -sb`
# Besides the executable and its libraries, the image holds these files and nothing else.
OTHER_FILES = {"etc/passwd", "etc/group", "etc/nsswitch.conf",
               "etc/ssl/certs/ca-certificates.crt", "usr/lib/ssl/cert.pem"}
SHELLS = {"sh", "bash", "dash", "ash", "busybox", "zsh"}


def ldd_paths(binary):
    """The paths ldd resolves for `binary`, the loader included, without the leading '/'."""
    out = subprocess.run(["ldd", binary], capture_output=True, check=True, text=True).stdout
    return {match.lstrip("/") for match in re.findall(r"(?:=> |^\s*)(/\S+) \(0x", out, re.M)}


class ImageRootfsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        cls.root = os.path.join(cls.temp.name, "rootfs")
        image_support.build_rootfs(cls.root, SLUICE)

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def path(self, relative):
        return os.path.join(self.root, relative)

    def assert_clean(self, result):
        self.assertEqual(image_support.missing_file_signs(result.stdout + result.stderr), [])

    def test_holds_exactly_the_runtime_file_set(self):
        files = set()
        for folder, dirs, names in os.walk(self.root):
            for name in dirs + names:
                self.assertNotIn(name, SHELLS, os.path.join(folder, name))
            for name in names:
                files.add(os.path.relpath(os.path.join(folder, name), self.root))
        libraries = ldd_paths(SLUICE)
        self.assertTrue(any("ld-linux" in library for library in libraries), libraries)
        self.assertTrue(any("libgit2" in library for library in libraries), libraries)
        self.assertEqual(files, {"usr/local/bin/sluice"} | libraries | OTHER_FILES)
        self.assertFalse(os.path.lexists(self.path("bin/sh")))
        for library in libraries:  # copies, not links into the host
            self.assertTrue(stat.S_ISREG(os.lstat(self.path(library)).st_mode), library)

    def test_executable_is_stripped_and_its_loader_present(self):
        binary = self.path("usr/local/bin/sluice")
        sections = subprocess.run(["readelf", "--section-headers", "--wide", binary],
                                  capture_output=True, check=True, text=True).stdout
        self.assertNotIn(".debug_info", sections)
        self.assertNotIn(".symtab", sections)
        headers = subprocess.run(["readelf", "--program-headers", binary], capture_output=True,
                                 check=True, text=True).stdout
        interpreter = re.search(r"program interpreter: (/\S+)\]", headers).group(1)
        self.assertTrue(os.path.isfile(self.path(interpreter.lstrip("/"))), interpreter)

    def test_users_certificates_and_tmp(self):
        with open(self.path("etc/passwd"), encoding="utf-8") as passwd:
            self.assertIn("nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
                          passwd.read())
        with open(self.path("etc/group"), encoding="utf-8") as group:
            self.assertIn("nonroot:x:65532:\n", group.read())
        self.assertEqual(os.path.realpath(self.path("usr/lib/ssl/cert.pem")),
                         "/etc/ssl/certs/ca-certificates.crt")  # resolved in the image
        with open(self.path("etc/ssl/certs/ca-certificates.crt"), encoding="utf-8") as bundle:
            self.assertGreater(bundle.read().count("BEGIN CERTIFICATE"), 50)
        # Where Debian's libgit2 (on mbedTLS) reads the system's CAs: built in, no setting.
        libgit2 = [path for path in ldd_paths(SLUICE) if "/libgit2.so" in path]
        self.assertEqual(len(libgit2), 1, libgit2)
        with open(self.path(libgit2[0]), "rb") as library:
            self.assertIn(b"/etc/ssl/certs/ca-certificates.crt\0", library.read())
        tmp = os.stat(self.path("tmp"))
        self.assertEqual(stat.S_IMODE(tmp.st_mode), 0o1777)
        home = os.stat(self.path("home/nonroot"))
        self.assertEqual((home.st_uid, home.st_gid, stat.S_IMODE(home.st_mode)),
                         (65532, 65532, 0o700))

    def test_size_stays_under_40_megabytes(self):
        size = int(subprocess.run(["du", "-sb", self.root], capture_output=True, check=True,
                                  text=True).stdout.split()[0])
        binary = os.path.getsize(self.path("usr/local/bin/sluice"))
        print("image rootfs: %d bytes (%.1f MB); the executable %d bytes (%.1f MB)"
              % (size, size / 1e6, binary, binary / 1e6), file=sys.stderr)
        self.assertLess(size, SIZE_LIMIT)

    def test_version_runs_inside_as_nonroot(self):
        version = image_support.run_inside(self.root, "--version")
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertIn(VERSION, version.stdout)
        self.assert_clean(version)

    def test_build_inside_prints_what_it_prints_outside(self):
        copy = self.path("tmp/kustomization-" + str(os.getpid()))
        shutil.copytree(KUSTOMIZATION, copy)
        self.addCleanup(shutil.rmtree, copy)
        outside = subprocess.run([SLUICE, "build", copy], capture_output=True, check=False,
                                 text=True, timeout=60)
        self.assertEqual(outside.returncode, 0, outside.stderr)
        self.assertIn("kind: ConfigMap", outside.stdout)
        rendered = image_support.run_inside(self.root, "build",
                                            "/" + os.path.relpath(copy, self.root))
        self.assertEqual(rendered.returncode, 0, rendered.stderr)
        self.assertEqual(rendered.stdout, outside.stdout)
        self.assertEqual(rendered.stderr, outside.stderr)
        self.assert_clean(rendered)

    def test_nonroot_writes_tmp_and_nothing_else(self):
        written = image_support.run_inside(self.root, "crds", "--out", "/tmp/crds")
        self.assertEqual(written.returncode, 0, written.stderr)
        self.assert_clean(written)
        crds = self.path("tmp/crds")
        self.addCleanup(shutil.rmtree, crds)
        self.assertEqual(os.stat(os.path.join(crds, "sluice.dev_applications.yaml")).st_uid, 65532)
        refused = image_support.run_inside(self.root, "crds", "--out", "/usr/local/crds")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("ermission denied", refused.stderr)
        self.assertFalse(os.path.exists(self.path("usr/local/crds")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
