#!/usr/bin/env python3
"""`sluice verify-image` against `cosign verify` on images in a real registry (issue 7).

Usage: cosign_image_matrix.py SLUICE

Starts the distribution registry (tests/env/build-tools builds it) on 127.0.0.1, creates images
with `cosign upload blob`, signs them with real cosign (key pairs from `cosign generate-key-pair`,
no transparency log: there is no Rekor here, so both tools run with --insecure-ignore-tlog), and
checks both tools' verdicts on: signed images by tag and by digest, unsigned ones, ones signed by
another key, a tag moved to a new image after signing, and a signature copied from another
image. Then it verifies through an authenticating proxy in front of the registry, with basic
auth and with bearer tokens (the token endpoint checks the basic credentials), and checks that
wrong credentials are refused. Everything listens on 127.0.0.1 and is stopped at the end.
"""
import base64
import http.server
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_support import (digest_of, free_port, report, start_registry,  # noqa: E402
                              stop_registry, tool)

SLUICE = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="sluice-cosign-")
ENV = dict(os.environ, COSIGN_PASSWORD="", HOME=WORK, COSIGN_YES="true")
failures = []


COSIGN = tool("cosign")


def run(*args, check=True):
    result = subprocess.run(args, cwd=WORK, env=ENV, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(args), result.stdout, result.stderr))
    return result


class AuthProxy(http.server.BaseHTTPRequestHandler):
    """Demands basic auth or a bearer token, then forwards GETs to the registry."""
    mode = "basic"
    upstream = 0
    user, password, token = "reader", secrets.token_hex(8), secrets.token_hex(16)

    def log_message(self, *args):
        pass

    def basic_ok(self):
        expected = base64.b64encode(("%s:%s" % (self.user, self.password)).encode()).decode()
        return self.headers.get("Authorization") == "Basic " + expected

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path.startswith("/token"):
            if not self.basic_ok() or "scope=repository%3Ashop%2Fapp%3Apull" not in self.path:
                return self.reply(401, b"{}")
            return self.reply(200, json.dumps({"token": self.token}).encode())
        if self.mode == "basic" and not self.basic_ok():
            return self.reply(401, b"{}", {"WWW-Authenticate": 'Basic realm="test"'})
        if self.mode == "bearer" and self.headers.get("Authorization") != "Bearer " + self.token:
            challenge = ('Bearer realm="http://127.0.0.1:%d/token",service="test",'
                         'scope="repository:shop/app:pull"' % port)
            return self.reply(401, b"{}", {"WWW-Authenticate": challenge})
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.upstream, self.path),
                                         headers={"Accept": self.headers.get("Accept", "*/*")})
        try:
            with urllib.request.urlopen(request) as response:
                headers = {k: v for k, v in response.headers.items()
                           if k.lower() in ("content-type", "docker-content-digest")}
                self.reply(response.status, response.read(), headers)
        except urllib.error.HTTPError as e:
            self.reply(e.code, e.read(), {})

    def reply(self, status, body, headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)




def check(case, ref, key, expect_ok, extra=(), compare_cosign=True, cosign_extra=()):
    ours = run(SLUICE, "verify-image", ref, "--key", key, "--insecure-ignore-tlog",
               "--allow-http-registry", *extra, check=False)
    ok = ours.returncode == 0
    agree = ok == expect_ok
    theirs_text = ""
    if compare_cosign:
        theirs = run(COSIGN, "verify", "--key", key, "--insecure-ignore-tlog",
                     "--allow-http-registry", *cosign_extra, ref, check=False)
        theirs_text = "cosign=%s " % ("good" if theirs.returncode == 0 else "bad")
        agree = agree and (theirs.returncode == 0) == expect_ok
    detail = (ours.stdout if ok else ours.stderr).strip().replace("\n", " | ")
    print("%-8s %-44s %ssluice=%-4s expected=%-4s %s" % (
        "ok" if agree else "MISMATCH", case, theirs_text, "good" if ok else "bad",
        "good" if expect_ok else "bad", detail[:140]))
    if not agree:
        failures.append(case)


def main():
    registry, port = start_registry(WORK)
    proxy = None
    try:
        base = "127.0.0.1:%d/shop" % port
        run(COSIGN, "generate-key-pair", "--output-key-prefix", "alice")
        run(COSIGN, "generate-key-pair", "--output-key-prefix", "mallory")
        for name in ("app", "other", "unsigned", "moved", "bundled"):
            path = os.path.join(WORK, name + ".txt")
            with open(path, "w") as f:
                f.write("content of %s\n" % name)
            run(COSIGN, "upload", "blob", "-f", path, "--allow-http-registry",
                "%s/%s:v1" % (base, name))

        def sign(image, key):
            run(COSIGN, "sign", "--key", key, "--tlog-upload=false", "--allow-http-registry",
                image)

        app_digest = digest_of(port, "shop/app", "v1")
        sign("%s/app@%s" % (base, app_digest), "alice.key")
        sign("%s/other@%s" % (base, digest_of(port, "shop/other", "v1")), "mallory.key")
        sign("%s/moved@%s" % (base, digest_of(port, "shop/moved", "v1")), "alice.key")

        # --new-bundle-format: a sigstore bundle attached as an OCI 1.1 referrer (this registry
        # has no referrers API, so cosign uses the referrers tag schema).
        run(COSIGN, "sign", "--new-bundle-format", "--key", "alice.key", "--tlog-upload=false",
            "--allow-http-registry", "%s/bundled@%s" % (base, digest_of(port, "shop/bundled", "v1")))
        # cosign verify of a bundle wants a trusted root and would fetch sigstore's over the
        # network without one: an empty local root keeps it on loopback (no log is checked).
        empty_root = os.path.join(WORK, "empty_trusted_root.json")
        with open(empty_root, "w") as f:
            f.write('{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}')
        bundle_flags = ("--new-bundle-format", "--trusted-root", empty_root)
        check("bundle referrer, right key", base + "/bundled:v1", "alice.pub", True,
              cosign_extra=bundle_flags)
        check("bundle referrer, other key", base + "/bundled:v1", "mallory.pub", False,
              cosign_extra=bundle_flags)

        check("signed, by tag", base + "/app:v1", "alice.pub", True)
        check("signed, by digest", "%s/app@%s" % (base, app_digest), "alice.pub", True)
        check("signed, other key", base + "/app:v1", "mallory.pub", False)
        check("unsigned", base + "/unsigned:v1", "alice.pub", False)
        check("signed by another key only", base + "/other:v1", "alice.pub", False)

        # The tag moves to new content after signing: the new digest has no signature.
        moved = os.path.join(WORK, "moved2.txt")
        with open(moved, "w") as f:
            f.write("tampered content\n")
        run(COSIGN, "upload", "blob", "-f", moved, "--allow-http-registry", base + "/moved:v1")
        check("tag moved after signing", base + "/moved:v1", "alice.pub", False)

        # app's signature manifest copied to other's signature tag: the payload names app.
        sig_tag = "sha256-%s.sig" % app_digest[7:]
        accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
        with urllib.request.urlopen(urllib.request.Request(
                "http://127.0.0.1:%d/v2/shop/app/manifests/%s" % (port, sig_tag),
                headers=accept)) as response:
            sig_manifest = response.read()
        layers = json.loads(sig_manifest)["layers"] + [json.loads(sig_manifest)["config"]]
        for layer in layers:  # mount the blobs into shop/unsigned
            urllib.request.urlopen(urllib.request.Request(
                "http://127.0.0.1:%d/v2/shop/unsigned/blobs/uploads/?mount=%s&from=shop/app"
                % (port, layer["digest"]), method="POST"))
        unsigned_digest = digest_of(port, "shop/unsigned", "v1")
        urllib.request.urlopen(urllib.request.Request(
            "http://127.0.0.1:%d/v2/shop/unsigned/manifests/sha256-%s.sig"
            % (port, unsigned_digest[7:]), data=sig_manifest, method="PUT",
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
        check("signature copied from another image", base + "/unsigned:v1", "alice.pub", False)

        # Through an authenticating proxy (sluice only: the proxy is for reads).
        proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AuthProxy)
        AuthProxy.upstream = port
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        proxied = "127.0.0.1:%d/shop/app:v1" % proxy.server_address[1]
        password_file = os.path.join(WORK, "password")
        wrong_file = os.path.join(WORK, "wrong")
        with open(password_file, "w") as f:
            f.write(AuthProxy.password + "\n")
        with open(wrong_file, "w") as f:
            f.write("wrong\n")
        creds = ("--registry-username", AuthProxy.user, "--registry-password-file", password_file)
        wrong = ("--registry-username", AuthProxy.user, "--registry-password-file", wrong_file)
        for mode in ("basic", "bearer"):
            AuthProxy.mode = mode
            check(mode + " auth", proxied, "alice.pub", True, creds, compare_cosign=False)
            check(mode + " auth, wrong password", proxied, "alice.pub", False, wrong,
                  compare_cosign=False)
            check(mode + " auth, anonymous", proxied, "alice.pub", False, (),
                  compare_cosign=False)
    finally:
        if proxy:
            proxy.shutdown()
        stop_registry(registry)
        shutil.rmtree(WORK, ignore_errors=True)
    report(failures)


main()
