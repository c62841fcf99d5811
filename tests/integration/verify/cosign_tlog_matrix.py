#!/usr/bin/env python3
"""`sluice verify-image` against `cosign verify` WITHOUT --insecure-ignore-tlog (issue 7).

Usage: cosign_tlog_matrix.py SLUICE

There is no Rekor here, so the test is its own Rekor: it makes an ECDSA P-256 log key, writes a
trusted_root.json naming it, and for each classic signature builds the hashedrekord (or rekord)
entry body and the signed entry timestamp (SET, ECDSA over the canonical JSON
{"body","integratedTime","logID","logIndex"}) itself. Real cosign v2.6.5 does the rest: `cosign
generate` makes the simple-signing payload, `cosign sign-blob` signs it, and `cosign attach
signature --rekor-response` writes the layer with the "dev.sigstore.cosign/bundle" annotation.
`cosign verify --key --trusted-root --offline` is the oracle: every case checks that sluice's
verdict equals cosign's and the expected one. Two cases are a deliberate difference (an
integrated time in the future: cosign accepts it for a key signer, sluice refuses) and are
checked as such. For --new-bundle-format signatures the script adds a dsse entry (SET, one-leaf
inclusion proof, checkpoint signed by its log key) to the bundle cosign made and swaps the
referrer's bundle blob in the registry. Images live in the distribution registry on 127.0.0.1;
nothing else is contacted.
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_support import digest_of, report, start_registry, stop_registry, tool  # noqa: E402

SLUICE = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="sluice-cosign-tlog-")
ENV = dict(os.environ, COSIGN_PASSWORD="", HOME=WORK, COSIGN_YES="true")
NOW = int(time.time())
failures = []


COSIGN = tool("cosign")


def run(*args, check=True, stdin=None):
    result = subprocess.run(args, cwd=WORK, env=ENV, capture_output=True, input=stdin)
    if check and result.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(args), result.stdout.decode(errors="replace"),
                                       result.stderr.decode(errors="replace")))
    return result


def path(name):
    return os.path.join(WORK, name)


def write(name, data):
    with open(path(name), "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path(name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def b64(data):
    return base64.b64encode(data).decode()


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


class RekorLog:
    """An ECDSA P-256 log key and what a Rekor v1 log would hand out for an entry."""

    def __init__(self, name):
        self.key = path(name + ".key")
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", self.key)
        self.der = run("openssl", "ec", "-in", self.key, "-pubout", "-outform", "DER").stdout
        self.log_id = hashlib.sha256(self.der).digest()

    def trusted_root_entry(self, start="2020-01-01T00:00:00Z"):
        return {"baseUrl": "http://127.0.0.1:1", "hashAlgorithm": "SHA2_256",
                "publicKey": {"rawBytes": b64(self.der), "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                              "validFor": {"start": start}},
                "logId": {"keyId": b64(self.log_id)}}

    def rekor_bundle(self, body, integrated_time, log_index=7, log_id_hex=None):
        payload = {"body": b64(body), "integratedTime": integrated_time, "logIndex": log_index,
                   "logID": log_id_hex or self.log_id.hex()}
        signed = canonical(dict(payload, logID=payload["logID"].lower()))
        sig = run("openssl", "dgst", "-sha256", "-sign", self.key, stdin=signed).stdout
        return {"SignedEntryTimestamp": b64(sig), "Payload": payload}

    def sign(self, data):
        return run("openssl", "dgst", "-sha256", "-sign", self.key, stdin=data).stdout

    def bundle_entry(self, body, integrated_time):
        """A sigstore bundle's tlog entry: the only leaf of a one-leaf tree, with SET and a
        checkpoint signed as Rekor v1 signs them."""
        root = hashlib.sha256(b"\x00" + body).digest()
        note = "rekor.local - 4242\n1\n%s\n" % b64(root)
        checkpoint = note + "\n\u2014 rekor.local %s\n" % b64(
            self.log_id[:4] + self.sign(note.encode()))
        promise = self.rekor_bundle(body, integrated_time, log_index=0)["SignedEntryTimestamp"]
        return {"logIndex": "0", "logId": {"keyId": b64(self.log_id)},
                "kindVersion": {"kind": "dsse", "version": "0.0.1"},
                "integratedTime": str(integrated_time),
                "inclusionPromise": {"signedEntryTimestamp": promise},
                "inclusionProof": {"logIndex": "0", "rootHash": b64(root), "treeSize": "1",
                                   "hashes": [], "checkpoint": {"envelope": checkpoint}},
                "canonicalizedBody": b64(body)}


def dsse_body(envelope, public_pem):
    payload = base64.b64decode(envelope["payload"])
    return canonical({"apiVersion": "0.0.1", "kind": "dsse", "spec": {
        "envelopeHash": {"algorithm": "sha256",
                         "value": hashlib.sha256(canonical(envelope)).hexdigest()},
        "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
        "signatures": [{"signature": envelope["signatures"][0]["sig"],
                        "verifier": b64(public_pem)}]}})


def registry_request(port, method, url_path, data=None, content_type=None):
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, url_path), data=data,
                                     method=method)
    request.add_header("Accept", "application/vnd.oci.image.index.v1+json, "
                                 "application/vnd.oci.image.manifest.v1+json")
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request) as response:
        return response.read(), response.headers


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def replace_referrer_bundle(port, repo, image_digest, rewrite):
    """Swaps the bundle of the image's one cosign referrer (tag-schema index) for rewrite(it)."""
    index_tag = "/v2/%s/manifests/sha256-%s" % (repo, image_digest[7:])
    index = json.loads(registry_request(port, "GET", index_tag)[0])
    descriptor = index["manifests"][0]
    manifest = json.loads(registry_request(
        port, "GET", "/v2/%s/manifests/%s" % (repo, descriptor["digest"]))[0])
    layer = manifest["layers"][0]
    bundle = rewrite(json.loads(registry_request(
        port, "GET", "/v2/%s/blobs/%s" % (repo, layer["digest"]))[0]))
    blob = json.dumps(bundle).encode()
    location = registry_request(port, "POST", "/v2/%s/blobs/uploads/" % repo, b"")[1]["Location"]
    location = location.split("127.0.0.1:%d" % port)[-1]
    registry_request(port, "PUT", location + ("&" if "?" in location else "?") + "digest=" +
                     digest(blob), blob, "application/octet-stream")
    layer.update(digest=digest(blob), size=len(blob))
    manifest_bytes = json.dumps(manifest).encode()
    registry_request(port, "PUT", "/v2/%s/manifests/%s" % (repo, digest(manifest_bytes)),
                     manifest_bytes, manifest["mediaType"])
    descriptor.update(digest=digest(manifest_bytes), size=len(manifest_bytes))
    registry_request(port, "PUT", index_tag, json.dumps(index).encode(), index["mediaType"])


def entry_body(payload, signature_b64, public_pem, kind="hashedrekord"):
    spec = {"data": {"hash": {"algorithm": "sha256",
                              "value": hashlib.sha256(payload).hexdigest()}},
            "signature": {"content": signature_b64, "publicKey": {"content": b64(public_pem)}}}
    if kind == "rekord":
        spec["signature"]["format"] = "x509"
    return canonical({"apiVersion": "0.0.1", "kind": kind, "spec": spec})


def main():
    registry, port = start_registry(WORK)
    try:
        base = "127.0.0.1:%d/tlog" % port
        run(COSIGN, "generate-key-pair", "--output-key-prefix", "alice")
        run(COSIGN, "generate-key-pair", "--output-key-prefix", "mallory")
        alice_pem, mallory_pem = read("alice.pub"), read("mallory.pub")
        rekor, rogue = RekorLog("rekor"), RekorLog("rogue")
        root = write("trusted_root.json", json.dumps({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [rekor.trusted_root_entry()]}))
        start_2020 = 1577836800

        def new_image(name):
            write(name + ".txt", "content of %s\n" % name)
            run(COSIGN, "upload", "blob", "-f", path(name + ".txt"), "--allow-http-registry",
                "%s/%s:v1" % (base, name))
            return "%s/%s@%s" % (base, name, digest_of(port, "tlog/" + name, "v1"))

        def sign_payload(image, name, key="alice.key"):
            payload = run(COSIGN, "generate", "--allow-http-registry", image).stdout
            write(name + ".payload", payload)
            run(COSIGN, "sign-blob", "--key", key, "--tlog-upload=false", "--output-signature",
                path(name + ".sig"), path(name + ".payload"))
            return payload, read(name + ".sig").decode().strip()

        def attach(image, name, bundle):
            response = write(name + ".rekor.json", json.dumps(
                {"base64Signature": read(name + ".sig").decode().strip(), "rekorBundle": bundle}))
            run(COSIGN, "attach", "signature", "--allow-http-registry", "--payload",
                path(name + ".payload"), "--signature", path(name + ".sig"), "--rekor-response",
                response, image)

        def logged_image(name, make_bundle):
            """An image signed by alice whose Rekor bundle make_bundle(payload, sig) builds."""
            image = new_image(name)
            payload, signature = sign_payload(image, name)
            attach(image, name, make_bundle(payload, signature))
            return image

        def good_body(payload, signature):
            return entry_body(payload, signature, alice_pem)

        def check(case, image, key, expect_sluice, expect_cosign=None, tlog=True, bundle=False,
                  reason=""):
            """reason: what sluice's refusal must say (so it fails for the case's reason)."""
            expect_cosign = expect_sluice if expect_cosign is None else expect_cosign
            flags = ("--trusted-root", root) if tlog else ("--insecure-ignore-tlog",)
            ours = run(SLUICE, "verify-image", image, "--key", key, "--allow-http-registry",
                       *flags, check=False)
            cosign_flags = ("--trusted-root", root, "--offline") if tlog else (
                "--insecure-ignore-tlog", "--trusted-root", root)
            if bundle:
                cosign_flags += ("--new-bundle-format",)
            theirs = run(COSIGN, "verify", "--key", key, "--allow-http-registry", *cosign_flags,
                         image, check=False)
            ok, cosign_ok = ours.returncode == 0, theirs.returncode == 0
            agree = ok == expect_sluice and cosign_ok == expect_cosign
            agree = agree and reason in ours.stderr.decode(errors="replace")
            verdict = lambda good: "good" if good else "bad"
            detail = (ours.stdout if ok else ours.stderr).decode(errors="replace").strip()
            print("%-8s %-48s cosign=%-4s sluice=%-4s %s" % (
                "ok" if agree else "MISMATCH", case, verdict(cosign_ok), verdict(ok),
                detail.replace("\n", " | ")[-150:]))
            if not agree:
                print("    cosign said: %s" % theirs.stderr.decode(errors="replace").strip()
                      .replace("\n", " | ")[-300:])
                failures.append(case)

        good = logged_image("good", lambda p, s: rekor.rekor_bundle(good_body(p, s), NOW - 60))
        check("good SET", good, "alice.pub", True)
        check("good SET, other key", good, "mallory.pub", False,
              reason="image signature does not verify")
        check("good SET, tlog ignored", good, "alice.pub", True, tlog=False)

        check("rekord entry", logged_image(
            "rekord", lambda p, s: rekor.rekor_bundle(entry_body(p, s, alice_pem, "rekord"),
                                                      NOW - 60)), "alice.pub", True)
        check("log id in upper-case hex", logged_image(
            "upperhex", lambda p, s: rekor.rekor_bundle(good_body(p, s), NOW - 60,
                                                        log_id_hex=rekor.log_id.hex().upper())),
            "alice.pub", True)
        check("SET by a log key the root does not know", logged_image(
            "rogue", lambda p, s: rogue.rekor_bundle(good_body(p, s), NOW - 60)), "alice.pub",
            False, reason="is not a transparency log of the trusted root")

        check("SET by another key under the log's id", logged_image(
            "forged", lambda p, s: rogue.rekor_bundle(good_body(p, s), NOW - 60,
                                                      log_id_hex=rekor.log_id.hex())),
            "alice.pub", False, reason="signed entry timestamp does not verify")

        def tampered(p, s):
            bundle = rekor.rekor_bundle(good_body(p, s), NOW - 60)
            bundle["Payload"]["logIndex"] += 1  # no longer what the SET signs
            return bundle
        check("tampered SET payload", logged_image("tampered", tampered), "alice.pub", False,
              reason="signed entry timestamp does not verify")

        def flipped(p, s):
            bundle = rekor.rekor_bundle(good_body(p, s), NOW - 60)
            raw = bytearray(base64.b64decode(bundle["SignedEntryTimestamp"]))
            raw[-3] ^= 0x01
            bundle["SignedEntryTimestamp"] = b64(bytes(raw))
            return bundle
        check("tampered SET signature", logged_image("flipped", flipped), "alice.pub", False,
              reason="signed entry timestamp does not verify")

        other_image = new_image("other")
        other_payload, other_signature = sign_payload(other_image, "other")
        check("body for another signature", logged_image(
            "othersig", lambda p, s: rekor.rekor_bundle(
                entry_body(p, other_signature, alice_pem), NOW - 60)), "alice.pub", False,
              reason="the logged signature differs")
        check("body for another payload", logged_image(
            "otherpayload", lambda p, s: rekor.rekor_bundle(
                entry_body(other_payload, s, alice_pem), NOW - 60)), "alice.pub", False,
              reason="the logged artifact digest differs")
        check("body for another key", logged_image(
            "otherkey", lambda p, s: rekor.rekor_bundle(entry_body(p, s, mallory_pem), NOW - 60)),
            "alice.pub", False, reason="the logged certificate or key differs")
        check("integrated time before the log key's validFor", logged_image(
            "early", lambda p, s: rekor.rekor_bundle(good_body(p, s), start_2020 - 1)),
            "alice.pub", False, reason="outside the log key's validity")
        check("integrated time at validFor's start", logged_image(
            "atstart", lambda p, s: rekor.rekor_bundle(good_body(p, s), start_2020)),
            "alice.pub", True)
        # Deliberate: cosign bounds a key signer's integrated time by the log key's validFor
        # only; sluice also refuses times after now, as sigstore-go does for bundles.
        check("integrated time in the future (sluice stricter)", logged_image(
            "future", lambda p, s: rekor.rekor_bundle(good_body(p, s), NOW + 86400)),
            "alice.pub", False, expect_cosign=True, reason="is in the future")

        # Flag semantics. A trusted root is read (and must parse) even when the log is ignored,
        # as cosign does; sluice has no default root (cosign would fetch sigstore's: not here).
        broken_root = write("broken_root.json", '{"tlogs": 1}')
        ours = run(SLUICE, "verify-image", good, "--key", "alice.pub", "--allow-http-registry",
                   "--insecure-ignore-tlog", "--trusted-root", broken_root, check=False)
        theirs = run(COSIGN, "verify", "--key", "alice.pub", "--allow-http-registry",
                     "--insecure-ignore-tlog", "--trusted-root", broken_root, good, check=False)
        agree = ours.returncode != 0 and theirs.returncode != 0
        print("%-8s %-48s cosign=%-4s sluice=%-4s" % (
            "ok" if agree else "MISMATCH", "malformed trusted root, tlog ignored",
            "good" if theirs.returncode == 0 else "bad", "good" if ours.returncode == 0 else "bad"))
        if not agree:
            failures.append("malformed trusted root, tlog ignored")
        ours = run(SLUICE, "verify-image", good, "--key", "alice.pub", "--allow-http-registry",
                   check=False)
        agree = ours.returncode != 0 and b"needs --trusted-root" in ours.stderr
        print("%-8s %-48s sluice=%-4s (sluice only)" % (
            "ok" if agree else "MISMATCH", "neither --trusted-root nor --insecure-ignore-tlog",
            "good" if ours.returncode == 0 else "bad"))
        if not agree:
            failures.append("neither --trusted-root nor --insecure-ignore-tlog")

        unlogged = new_image("unlogged")
        run(COSIGN, "sign", "--key", "alice.key", "--tlog-upload=false", "--allow-http-registry",
            unlogged)
        check("no bundle annotation", unlogged, "alice.pub", False, reason="has no Rekor bundle")
        check("no bundle annotation, tlog ignored", unlogged, "alice.pub", True, tlog=False)

        bundled = new_image("bundled")
        run(COSIGN, "sign", "--new-bundle-format", "--key", "alice.key", "--tlog-upload=false",
            "--allow-http-registry", bundled)
        check("new bundle format without tlog entry", bundled, "alice.pub", False, bundle=True,
              reason="no transparency log entry verifies")
        check("new bundle format, tlog ignored", bundled, "alice.pub", True, tlog=False,
              bundle=True)

        # Both kinds on one image: cosign looks only at the referrer bundles when there are any.
        both = logged_image("both", lambda p, s: rekor.rekor_bundle(good_body(p, s), NOW - 60))
        run(COSIGN, "sign", "--new-bundle-format", "--key", "alice.key", "--tlog-upload=false",
            "--allow-http-registry", both)
        check("good classic SET next to an unlogged bundle", both, "alice.pub", False,
              bundle=False, reason="no transparency log entry verifies")
        check("good classic SET next to a bundle, tlog ignored", both, "alice.pub", True,
              tlog=False)

        # A --new-bundle-format signature given a log entry: the script adds a dsse entry to
        # the bundle cosign made and swaps the referrer's bundle blob in the registry.
        def bundle_with_entry(name, make_entry):
            image = new_image(name)
            run(COSIGN, "sign", "--new-bundle-format", "--key", "alice.key", "--tlog-upload=false",
                "--allow-http-registry", image)

            def add_entry(bundle):
                bundle["verificationMaterial"]["tlogEntries"] = [make_entry(bundle)]
                return bundle
            replace_referrer_bundle(port, "tlog/" + name, image.split("@")[1], add_entry)
            return image

        check("new bundle format with a log entry", bundle_with_entry(
            "bundlelogged", lambda b: rekor.bundle_entry(dsse_body(b["dsseEnvelope"], alice_pem),
                                                         NOW - 60)),
            "alice.pub", True, bundle=True)
        # Deliberate, as for classic signatures: cosign's key verification of bundles collects
        # no observer timestamps and so accepts a future integrated time; sluice refuses it.
        check("new bundle format, entry in the future (sluice stricter)", bundle_with_entry(
            "bundlefuture", lambda b: rekor.bundle_entry(
                dsse_body(b["dsseEnvelope"], alice_pem), NOW + 86400)),
            "alice.pub", False, expect_cosign=True, bundle=True, reason="in the future")
        check("new bundle format, entry by an unknown log", bundle_with_entry(
            "bundlerogue", lambda b: rogue.bundle_entry(dsse_body(b["dsseEnvelope"], alice_pem),
                                                        NOW - 60)),
            "alice.pub", False, bundle=True, reason="no transparency log entry verifies")
        check("new bundle format, entry for another key", bundle_with_entry(
            "bundleotherkey", lambda b: rekor.bundle_entry(
                dsse_body(b["dsseEnvelope"], mallory_pem), NOW - 60)),
            "alice.pub", False, bundle=True, reason="does not match")
    finally:
        stop_registry(registry)
        shutil.rmtree(WORK, ignore_errors=True)
    report(failures, "all cases as expected")


if __name__ == "__main__":
    main()
