"""What the package tests share: the test environment's variables and small process helpers.

The environment is tests/env's (idempotent `tests/env/up`, which prints the path of env.sh):
under ctest the test_env fixture has brought it up already and this only reads it back.
"""
import json
import os
import subprocess
import time

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load_env():
    """The variables env.sh exports (KUBECONFIG, HELM, GIT_*, ...), merged into os.environ."""
    up = subprocess.run([os.path.join(SOURCE_DIR, "tests", "env", "up")], check=True,
                        capture_output=True, text=True, timeout=2700)
    env_sh = up.stdout.strip().splitlines()[-1]
    dump = subprocess.run(["bash", "-c", '. "$1" && env -0', "bash", env_sh], check=True,
                          capture_output=True, timeout=30)
    for entry in dump.stdout.split(b"\0"):
        name, sep, value = entry.decode().partition("=")
        if sep and name:
            os.environ[name] = value
    return os.environ


def run(args, stdin=None, timeout=120, cwd=None, env=None):
    """Runs a command, returns the CompletedProcess (text); never raises on a failed exit."""
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=cwd, env=env)


def must(args, stdin=None, timeout=120, cwd=None, env=None):
    """Runs a command that has to succeed; its stdout. Raises with stderr otherwise."""
    result = run(args, stdin, timeout, cwd, env)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stderr}{result.stdout}")
    return result.stdout


def kubectl(*args, stdin=None, timeout=120):
    return run(["kubectl", *args], stdin=stdin, timeout=timeout)


def get(resource, name, namespace=None):
    """The parsed object, or None when it does not exist (or kubectl fails)."""
    args = ["get", resource, name, "-o", "json", "--ignore-not-found"]
    if namespace:
        args += ["-n", namespace]
    result = kubectl(*args)
    return json.loads(result.stdout) if result.returncode == 0 and result.stdout else None


def eventually(check, seconds, interval=0.5):
    """Calls check() until it returns something truthy, at most `seconds`; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def condition(obj, kind):
    """The status condition of type `kind` of a parsed object, or {}."""
    for cond in (obj or {}).get("status", {}).get("conditions", []):
        if cond.get("type") == kind:
            return cond
    return {}


def write_kubeconfig(path, token):
    """A kubeconfig for the test apiserver that authenticates with `token` only."""
    text = ("apiVersion: v1\nkind: Config\nclusters:\n- name: env\n  cluster:\n"
            f"    server: {os.environ['SLUICE_APISERVER_URL']}\n"
            f"    certificate-authority: {os.environ['SLUICE_CA_FILE']}\n"
            f"users:\n- name: sluice\n  user:\n    token: {token}\n"
            "contexts:\n- name: env\n  context: {cluster: env, user: sluice}\n"
            "current-context: env\n")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
