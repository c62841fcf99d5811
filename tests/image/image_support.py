"""What the image tests share: assembling the rootfs and running sluice inside it.

The rootfs is what scripts/image-rootfs writes, the file set the Dockerfile's runtime stage
copies onto scratch. There is no container engine here, so sluice runs in it the way the
image would run it: `chroot --userspec=65532:65532` (the image's USER), with none of the host's
environment, in the same network namespace (the test apiserver and git servers listen on
127.0.0.1). chroot needs root; ctest runs as root here and in CI.
"""
import os
import shutil
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE_ROOTFS = os.path.join(REPO, "scripts", "image-rootfs")
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
NONROOT = "65532:65532"
BINARY = "/usr/local/bin/sluice"  # the image's ENTRYPOINT
# A container gets none of the host's environment: only what the image or the pod sets.
CONTAINER_ENV = {"HOME": "/home/nonroot"}

# What the dynamic loader or a missing runtime file would print: never acceptable inside.
MISSING_FILE_SIGNS = ("error while loading shared libraries", "cannot open shared object",
                      "No such file or directory")


def build_rootfs(root, sluice):
    """Runs scripts/image-rootfs ROOT SLUICE; raises with its stderr on failure."""
    result = subprocess.run([IMAGE_ROOTFS, root, sluice], capture_output=True, check=False,
                            text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError("scripts/image-rootfs failed:\n" + result.stderr)


def inside(root, *args):
    """argv running the image's sluice in ROOT as the image's user (run it with CONTAINER_ENV)."""
    return [CHROOT, "--userspec=" + NONROOT, root, BINARY, *args]


def run_inside(root, *args, timeout=60):
    return subprocess.run(inside(root, *args), capture_output=True, check=False, text=True,
                          timeout=timeout, env=CONTAINER_ENV)


def missing_file_signs(text):
    """The MISSING_FILE_SIGNS lines of `text`."""
    return [line for line in text.splitlines() if any(sign in line for sign in MISSING_FILE_SIGNS)]
