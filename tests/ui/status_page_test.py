#!/usr/bin/env python3
"""The status page in a real browser (label `ui`, docs/status-page.md).

Starts the real operator (`sluice run --status-addr 127.0.0.1:0`) against the test environment
(tests/env), applies a GitSource (HTTP with basic auth from a Secret) and an Application from a
repository on the local git server whose commit is signed with an SSH key, under an Enforce
SigningPolicy that allows that key. Then drives headless Debian chromium through chromedriver's
W3C WebDriver HTTP API (Python stdlib only) and checks:

  * the DOM: the Application's row (Ready, revision, inventory count), its verification
    (signer, fingerprint, policy decision), the policy's mode, the Secret's name and never its
    value, landmarks and the aria-live region;
  * a screenshot decodes as a PNG that is not blank (many distinct colours);
  * after suspending the Application through the API, the DOM shows it without a reload (a
    marker set on `window` before survives);
  * at a phone's size (390x844, mobile emulation) nothing overflows horizontally.

Every process it starts (operator, chromedriver and its chromium) is stopped whatever happens.
Usage: status_page_test.py BUILD_DIR
"""

import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zlib

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
ENV_SH = os.path.join(BUILD, "env", "env.sh")
DEADLINE_S = 90


def log(message):
    print(f"[ui] {message}", flush=True)


def load_env():
    if not os.path.exists(ENV_SH):
        raise SystemExit(f"{ENV_SH} is missing: bring the environment up (tests/env/up)")
    out = subprocess.run(["bash", "-c", f". '{ENV_SH}' && env -0"], check=True,
                         capture_output=True).stdout
    env = dict(os.environ)
    for entry in out.split(b"\0"):
        if b"=" in entry:
            key, value = entry.split(b"=", 1)
            env[key.decode()] = value.decode()
    return env


ENV = {}  # the environment's variables (KUBECONFIG, GIT_*), loaded by main()


def run(args, stdin=None, check=True, cwd=None):
    result = subprocess.run(args, input=stdin, capture_output=True, text=True, env=ENV, cwd=cwd)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {result.stderr}{result.stdout}")
    return result


def kubectl(*args, stdin=None, check=True):
    return run(["kubectl", "--kubeconfig", ENV["KUBECONFIG"], *args], stdin=stdin, check=check)


def eventually(what, condition, timeout=DEADLINE_S, interval=0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except (urllib.error.URLError, ConnectionError, KeyError, ValueError) as e:
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(method, url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


# ---- PNG: enough of a decoder to tell a blank screenshot from a rendered page ----------------

def png_colours(png):
    """Distinct RGB colours of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunk = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour_type in (2, 6) and interlace == 0, (depth, colour_type)
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + pred) & 0xFF
        for x in range(0, stride, channels):
            colours.add(bytes(line[x:x + 3]))
        previous = line
    return width, height, colours


# ---- WebDriver --------------------------------------------------------------------------------

class Browser:
    def __init__(self, driver_url, profile, mobile=False):
        self.driver_url = driver_url
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1280,1000"]
        options = {"binary": shutil.which("chromium") or "/usr/bin/chromium", "args": args}
        if mobile:
            options["mobileEmulation"] = {
                "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "touch": True},
                "userAgent": "Mozilla/5.0 (Linux; Android 14) Mobile"}
        answer = http_json("POST", f"{driver_url}/session", {
            "capabilities": {"alwaysMatch": {"browserName": "chrome",
                                             "goog:chromeOptions": options}}}, timeout=60)
        self.session = answer["value"]["sessionId"]

    def call(self, method, path, body=None):
        return http_json(method, f"{self.driver_url}/session/{self.session}{path}", body)["value"]

    def go(self, url):
        self.call("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self):
        return base64.b64decode(self.call("GET", "/screenshot"))

    def quit(self):
        try:
            http_json("DELETE", f"{self.driver_url}/session/{self.session}")
        except Exception as e:  # noqa: BLE001 - best effort; the driver is killed next anyway
            log(f"closing the browser session: {e}")


# What the tests read of the page: plain data gathered in the page, so every assertion is in
# Python with a useful message.
PAGE_FACTS = r"""
const key = arguments[0];
const row = document.querySelector(`#app-table tr[data-key="${CSS.escape(key)}"]`);
const article = document.querySelector(`article[data-key="${CSS.escape(key)}"]`);
const field = (root, name) => {
  const node = root && root.querySelector(`[data-field="${name}"]`);
  return node ? node.textContent.trim() : null;
};
const policyRows = [...document.querySelectorAll('#policy-table tbody tr')].map(
    (tr) => tr.textContent);
return {
  row: row ? row.textContent : null,
  ready: field(row, 'ready'),
  readyStatus: row && row.querySelector('[data-field="ready"] [data-status]')
      ? row.querySelector('[data-field="ready"] [data-status]').dataset.status : null,
  revision: field(row, 'revision'),
  objects: field(row, 'objects'),
  signer: field(article, 'signer'),
  method: field(article, 'signature-method'),
  fingerprint: field(article, 'fingerprint'),
  verified: field(article, 'verified'),
  verifiedMessage: field(article, 'verified-message'),
  suspended: field(article, 'suspended'),
  policies: policyRows,
  secretRef: field(document.querySelector('#source-table'), 'secret-ref'),
  html: document.documentElement.outerHTML,
  main: document.querySelectorAll('main').length,
  nav: document.querySelectorAll('nav[aria-label]').length,
  h1: document.querySelectorAll('h1').length,
  h2: [...document.querySelectorAll('h2')].map((h) => h.textContent),
  live: document.querySelectorAll('[aria-live="polite"]').length,
  colHeaders: document.querySelectorAll('#app-table th[scope="col"]').length,
  rowHeaders: document.querySelectorAll('#app-table th[scope="row"]').length,
  filterLabel: document.querySelector('label[for="filter"]') ? 'yes' : 'no',
  viewport: document.querySelector('meta[name="viewport"]') ? 'yes' : 'no',
  events: document.querySelectorAll('#event-list li').length,
  marker: window.__statusMarker || null,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
};
"""


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def main():
    ENV.update(load_env())
    suffix = uuid.uuid4().hex[:8]
    ns = f"ui-{suffix}"
    repo_name = f"ui-{suffix}"
    policy = f"{ns}-commits"
    work = tempfile.mkdtemp(prefix="sluice-ui-")
    bare = os.path.join(ENV["GIT_ROOT"], repo_name + ".git")
    operator = driver = None
    browsers = []
    passed = False
    operator_log = os.path.join(BUILD, "env", "operator-logs", f"{ns}.log")
    os.makedirs(os.path.dirname(operator_log), exist_ok=True)
    try:
        # -- cluster objects and the repository ---------------------------------------------
        for crd in ("sluice.dev_gitsources.yaml", "sluice.dev_applications.yaml",
                    "sluice.dev_signingpolicies.yaml"):
            kubectl("apply", "-f", os.path.join(SOURCE, "crds", crd))
        kubectl("wait", "--for=condition=Established", "--timeout=60s",
                "crd/gitsources.sluice.dev", "crd/applications.sluice.dev",
                "crd/signingpolicies.sluice.dev")
        kubectl("create", "namespace", ns)

        key = os.path.join(work, "signer")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ui@sluice.dev", "-f", key])
        with open(key + ".pub") as f:
            key_type, blob = f.read().split()[:2]
        fingerprint = run(["ssh-keygen", "-lf", key + ".pub"]).stdout.split()[1]

        clone = os.path.join(work, "clone")
        run(["git", "init", "-q", "--bare", "-b", "main", bare])
        run(["git", "init", "-q", "-b", "main", clone])
        for args in (["config", "user.name", "ui test"], ["config", "user.email", "ui@sluice.dev"],
                     ["config", "gpg.format", "ssh"], ["config", "user.signingkey", key],
                     ["config", "commit.gpgsign", "true"], ["remote", "add", "origin", bare]):
            run(["git", *args], cwd=clone)
        os.makedirs(os.path.join(clone, "app"))
        for name in ("one", "two", "three"):
            with open(os.path.join(clone, "app", f"{name}.yaml"), "w") as f:
                f.write(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
                        f"data:\n  value: \"{name}\"\n")
        run(["git", "add", "-A"], cwd=clone)
        run(["git", "commit", "-q", "-m", "three config maps"], cwd=clone)
        run(["git", "push", "-q", "origin", "HEAD:refs/heads/main"], cwd=clone)
        sha = run(["git", "rev-parse", "HEAD"], cwd=clone).stdout.strip()

        password = ENV["GIT_HTTP_PASSWORD"]
        check(len(password) >= 8, "the git server's password is too short to search for")
        kubectl("apply", "-f", "-", stdin=f"""
apiVersion: v1
kind: Secret
metadata: {{name: git-credentials, namespace: {ns}}}
stringData: {{username: "{ENV['GIT_HTTP_USER']}", password: "{password}"}}
---
apiVersion: sluice.dev/v1alpha1
kind: SigningPolicy
metadata: {{name: {policy}}}
spec:
  mode: Enforce
  match: {{namespaces: [{ns}]}}
  commits:
    required: true
    ssh:
      allowedSigners: "ui@sluice.dev {key_type} {blob}"
""")

        # -- the operator -------------------------------------------------------------------
        argv = [os.path.join(BUILD, "bin", "sluice"), "--log-format", "text", "run",
                "--kubeconfig", ENV["KUBECONFIG"], "--namespace", ns,
                "--metrics-addr", "127.0.0.1:0", "--health-addr", "127.0.0.1:0",
                "--status-addr", "127.0.0.1:0", "--storage-dir", os.path.join(work, "storage"),
                "--operator-namespace", ns]
        log_file = open(operator_log, "w")
        operator = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT, env=ENV,
                                    start_new_session=True)

        def status_url():
            with open(operator_log) as f:
                text = f.read()
            check(operator.poll() is None, "the operator exited:\n" + text[-3000:])
            marker = "status page on "
            at = text.find(marker)
            return text[at + len(marker):].split()[0] if at >= 0 else None
        base = eventually("the status page's address in the operator's log", status_url, 30)
        check(base.startswith("http://127.0.0.1:"), f"status page not on loopback: {base}")
        log(f"status page at {base}")

        kubectl("apply", "-f", "-", stdin=f"""
apiVersion: sluice.dev/v1alpha1
kind: GitSource
metadata: {{name: repo, namespace: {ns}}}
spec:
  url: {ENV['GIT_HTTP_URL']}/{repo_name}.git
  ref: {{branch: main}}
  interval: 1m
  secretRef: {{name: git-credentials}}
---
apiVersion: sluice.dev/v1alpha1
kind: Application
metadata: {{name: shop, namespace: {ns}}}
spec:
  sourceRef: {{name: repo}}
  path: ./app
  interval: 1m
  retryInterval: 2s
  prune: true
""")
        revision = f"main@sha1:{sha}"

        def applied():
            app = json.loads(kubectl("get", "applications.sluice.dev", "shop", "-n", ns,
                                     "-o", "json").stdout)
            return app.get("status", {}).get("lastAppliedRevision") == revision
        eventually("the Application to apply the signed revision", applied)

        # -- the browser --------------------------------------------------------------------
        port = free_port()
        driver = subprocess.Popen(["chromedriver", f"--port={port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        driver_url = f"http://127.0.0.1:{port}"
        eventually("chromedriver", lambda: http_json("GET", f"{driver_url}/status")["value"]
                   ["ready"], 30)
        browser = Browser(driver_url, os.path.join(work, "profile"))
        browsers.append(browser)
        browser.go(base)
        key_name = f"{ns}/shop"

        def page_ready():
            facts = browser.js(PAGE_FACTS, key_name)
            return facts if facts["revision"] == revision and facts["fingerprint"] not in (
                None, "\u2014") else None
        facts = eventually("the page to show the applied revision", page_ready, 30)

        check(facts["readyStatus"] == "True" and facts["ready"].startswith("\u2713 Ready"),
              f"Ready not shown: {facts['ready']!r}")
        check(facts["objects"] == "3", f"inventory count {facts['objects']!r}, want 3")
        check(facts["method"] == "ssh", f"signature method {facts['method']!r}, want ssh")
        check(facts["fingerprint"] == fingerprint,
              f"fingerprint {facts['fingerprint']!r}, want {fingerprint}")
        check("PolicyAllowed" in facts["verified"], f"verified: {facts['verified']!r}")
        # An SSH signature names no one: the signer is the allowed signer the policy matched.
        check(policy in facts["verifiedMessage"] and "ui@sluice.dev" in facts["verifiedMessage"]
              and fingerprint in facts["verifiedMessage"],
              f"policy decision: {facts['verifiedMessage']!r}")
        check(any(policy in row and "Enforce" in row for row in facts["policies"]),
              f"policy mode not shown: {facts['policies']}")
        check(facts["secretRef"] == "Secret git-credentials", f"secretRef: {facts['secretRef']!r}")
        check(password not in facts["html"], "the Secret's password is in the page")
        with urllib.request.urlopen(base + "api/v1/status", timeout=10) as response:
            check(password not in response.read().decode(), "the password is in /api/v1/status")
        check(facts["main"] == 1 and facts["nav"] == 1 and facts["h1"] == 1,
              f"landmarks: main {facts['main']}, nav {facts['nav']}, h1 {facts['h1']}")
        check({"Applications", "Git sources", "Signing policies", "Recent events"}
              <= set(facts["h2"]), f"section headings: {facts['h2']}")
        check(facts["live"] == 1, "no aria-live region")
        check(facts["colHeaders"] == 5 and facts["rowHeaders"] >= 1, "table headers with scope")
        check(facts["filterLabel"] == "yes" and facts["viewport"] == "yes", "label / viewport")
        check(facts["events"] >= 1, "no events listed")
        log(f"DOM ok: {facts['row']!r}; {facts['verifiedMessage']!r}")

        png = browser.screenshot()
        shot = os.path.join(BUILD, "ui", "status-page.png")
        os.makedirs(os.path.dirname(shot), exist_ok=True)
        with open(shot, "wb") as f:
            f.write(png)
        width, height, colours = png_colours(png)
        log(f"screenshot {width}x{height}, {len(colours)} distinct colours ({shot})")
        check(width >= 800 and height >= 600, f"screenshot {width}x{height}")
        check(len(colours) >= 16, f"screenshot looks blank: {len(colours)} colours")

        # -- a change arrives without a reload ----------------------------------------------
        browser.js("window.__statusMarker = 'before-change'; return true;")
        kubectl("patch", "applications.sluice.dev", "shop", "-n", ns, "--type=merge",
                "-p", '{"spec":{"suspend":true}}')
        started = time.monotonic()

        def shows_suspended():
            facts = browser.js(PAGE_FACTS, key_name)
            return facts if facts["suspended"] == "yes" and "suspended" in facts["ready"] else None
        facts = eventually("the page to show the suspension", shows_suspended, 30, 0.1)
        log(f"update shown {time.monotonic() - started:.2f} s after the patch")
        check(facts["marker"] == "before-change", "the page was reloaded (the marker is gone)")
        announced = browser.js("return document.getElementById('announcer').textContent;")
        check("suspended" in announced, f"aria-live did not announce the change: {announced!r}")

        # -- a phone ------------------------------------------------------------------------
        phone = Browser(driver_url, os.path.join(work, "profile-phone"), mobile=True)
        browsers.append(phone)
        phone.go(base)
        facts = eventually("the page on a phone", lambda: (lambda f: f if f["row"] else None)(
            phone.js(PAGE_FACTS, key_name)), 30)
        log(f"phone: innerWidth {facts['innerWidth']}, scrollWidth {facts['scrollWidth']}")
        check(facts["innerWidth"] <= 400, f"not a phone-sized viewport: {facts['innerWidth']}")
        check(facts["scrollWidth"] <= facts["innerWidth"],
              f"horizontal overflow on a phone: {facts['scrollWidth']} > {facts['innerWidth']}")
        width, height, colours = png_colours(phone.screenshot())
        check(len(colours) >= 16, f"phone screenshot looks blank: {len(colours)} colours")
        log("PASS")
        passed = True
        return 0
    except Failure as e:
        log(f"FAIL: {e}")
        return 1
    finally:
        for browser in browsers:
            browser.quit()
        for process, name in ((driver, "chromedriver"), (operator, "operator")):
            if process is None or process.poll() is not None:
                continue
            # Their own process groups (start_new_session): chromium children go too.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if name == "operator" and process.returncode != 0:
                log(f"the operator exited with {process.returncode}")
        if operator is not None and not passed:
            with open(operator_log) as f:
                log("operator log (last lines):\n" + "".join(f.readlines()[-30:]))
        kubectl("delete", "applications.sluice.dev", "--all", "-n", ns, "--wait=false",
                check=False)
        kubectl("delete", "signingpolicies.sluice.dev", policy, "--ignore-not-found",
                check=False)
        kubectl("delete", "namespace", ns, "--wait=false", check=False)
        shutil.rmtree(bare, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def stop_on_signal(signum, _frame):
    # ctest's timeout and Ctrl-C: leave through main()'s `finally`, which stops what we started.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    sys.exit(main())
