#!/usr/bin/env python3
"""Keyless `sluice verify-image` against `cosign verify` WITHOUT --insecure-ignore-tlog.

Usage: cosign_keyless_tlog_matrix.py SLUICE

The test CA and Fulcio-like leaves come from keyless_fixture.py, the test Rekor (log key,
entry bodies, SETs) from cosign_tlog_matrix.py; one trusted_root.json names both. Real cosign
v2.6.5 makes the payload, signs it with the leaf's key and attaches the signature with the leaf,
its chain and the Rekor bundle (`cosign attach signature --certificate --rekor-response`).
`cosign verify --certificate-identity --certificate-oidc-issuer --trusted-root --offline
--insecure-ignore-sct` is the oracle (the test CA has no CT log). The cases show the log's
integrated time standing in for the short-lived certificate's validity: an expired leaf is good
when it was logged while valid and bad when logged after it expired.
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cosign_tlog_matrix as tlog  # noqa: E402  (its main() runs only as a script)
import keyless_fixture as fixture  # noqa: E402

failures = []
JUNE_2024 = 1717200000  # inside the expired leaf's validity (2024-01-01 .. 2025-01-01)


def main():
    fixture.set_work(tlog.WORK, tlog.COSIGN, tlog.ENV)
    registry, port = tlog.start_registry(tlog.WORK)
    try:
        fixture.make_ca("fulcio")
        fixture.make_leaf("fulcio", "alice", "email:" + fixture.ALICE)
        fixture.make_leaf("fulcio", "old", "email:" + fixture.ALICE, start="20240101000000Z",
                          end="20250101000000Z")
        fixture.write_trusted_root("fulcio", "ca_root.json")
        rekor = tlog.RekorLog("rekor")
        root = json.loads(tlog.read("ca_root.json"))
        root["tlogs"] = [rekor.trusted_root_entry()]
        tlog.write("trusted_root.json", json.dumps(root))
        base = "127.0.0.1:%d/keyless" % port

        def signed_image(name, leaf, integrated_time):
            """An image signed with `leaf`'s key, its certificate attached, and a Rekor bundle
            logged at `integrated_time` (None: no bundle)."""
            tlog.write(name + ".txt", "content of %s\n" % name)
            tlog.run(tlog.COSIGN, "upload", "blob", "-f", tlog.path(name + ".txt"),
                     "--allow-http-registry", "%s/%s:v1" % (base, name))
            image = "%s/%s@%s" % (base, name, tlog.digest_of(port, "keyless/" + name, "v1"))
            payload = tlog.run(tlog.COSIGN, "generate", "--allow-http-registry", image).stdout
            tlog.write(name + ".payload", payload)
            tlog.run(tlog.COSIGN, "sign-blob", "--key", leaf + "-cosign.key", "--tlog-upload=false",
                     "--output-signature", tlog.path(name + ".sig"), tlog.path(name + ".payload"))
            signature = tlog.read(name + ".sig").decode().strip()
            flags = ["--certificate", tlog.path(leaf + ".pem"), "--certificate-chain",
                     tlog.path("fulcio-chain.pem")]
            if integrated_time is not None:
                body = tlog.entry_body(payload, signature, tlog.read(leaf + ".pem"))
                flags += ["--rekor-response", tlog.write(name + ".rekor.json", json.dumps(
                    {"base64Signature": signature,
                     "rekorBundle": rekor.rekor_bundle(body, integrated_time)}))]
            tlog.run(tlog.COSIGN, "attach", "signature", "--allow-http-registry", "--payload",
                     tlog.path(name + ".payload"), "--signature", tlog.path(name + ".sig"),
                     *flags, image)
            return image

        def check(case, image, expect, identity=fixture.ALICE, reason=""):
            flags = ("--certificate-identity", identity, "--certificate-oidc-issuer",
                     fixture.ISSUER, "--trusted-root", tlog.path("trusted_root.json"),
                     "--insecure-ignore-sct", "--allow-http-registry")
            ours = tlog.run(tlog.SLUICE, "verify-image", image, *flags, check=False)
            theirs = tlog.run(tlog.COSIGN, "verify", *flags, "--offline", image, check=False)
            ok, cosign_ok = ours.returncode == 0, theirs.returncode == 0
            agree = ok == expect and cosign_ok == expect
            agree = agree and reason in ours.stderr.decode(errors="replace")
            detail = (ours.stdout if ok else ours.stderr).decode(errors="replace").strip()
            print("%-8s %-52s cosign=%-4s sluice=%-4s %s" % (
                "ok" if agree else "MISMATCH", case, "good" if cosign_ok else "bad",
                "good" if ok else "bad", detail.replace("\n", " | ")[-150:]))
            if not agree:
                print("    cosign said: %s" % theirs.stderr.decode(errors="replace").strip()
                      .replace("\n", " | ")[-300:])
                failures.append(case)

        good = signed_image("good", "alice", tlog.NOW - 60)
        check("certificate and Rekor bundle", good, True)
        check("certificate and Rekor bundle, other identity", good, False,
              identity="bob@example.test", reason="certificate identity")
        check("expired leaf logged while it was valid", signed_image("oldlogged", "old",
                                                                       JUNE_2024), True)
        check("expired leaf logged after it expired", signed_image("oldlate", "old",
                                                                     tlog.NOW - 60), False,
              reason="not valid at the log's integrated time")
        check("certificate without a Rekor bundle", signed_image("unlogged", "alice", None),
              False, reason="has no Rekor bundle")
    finally:
        tlog.stop_registry(registry)
        shutil.rmtree(tlog.WORK, ignore_errors=True)
    tlog.report(failures)


main()
