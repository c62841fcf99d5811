"""What the cosign matrices share: the test tools' paths and a distribution registry on
127.0.0.1 serving from a scratch directory."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def tool(name):
    """The path of a test tool tests/env/build-tools built (cosign, registry, ...)."""
    return subprocess.run([os.path.join(ROOT, "tests/env/build-tools"), "--path", name],
                          check=True, capture_output=True, text=True).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_registry(registry):
    """Stops a registry start_registry started."""
    registry.terminate()
    registry.wait(timeout=10)


def report(failures, agreed="all cases agree"):
    """Ends a matrix: exits non-zero naming the cases that went wrong, else prints `agreed`."""
    if failures:
        sys.exit("%d case(s) wrong: %s" % (len(failures), ", ".join(failures)))
    print(agreed)


def start_registry(work):
    """A registry storing under `work`/data; returns (process, port). The caller stops it."""
    port = free_port()
    config = os.path.join(work, "registry.yml")
    with open(config, "w") as f:
        f.write("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
                "    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%d\n" % (work, port))
    process = subprocess.Popen([tool("registry"), "serve", config], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/v2/" % port, timeout=1)
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("registry did not start")


def digest_of(port, repo, tag):
    """The manifest digest `repo`:`tag` resolves to."""
    request = urllib.request.Request(
        "http://127.0.0.1:%d/v2/%s/manifests/%s" % (port, repo, tag), method="HEAD",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(request) as response:
        return response.headers["Docker-Content-Digest"]
