#!/usr/bin/env python3
"""Keyless `sluice verify-image` against `cosign verify --certificate-identity...` (issue 7).

Usage: cosign_keyless_matrix.py SLUICE

Makes two test certificate authorities with the openssl CLI (a root and an intermediate each)
and code-signing leaf certificates issued by them, with a SAN and the Fulcio OIDC-issuer
extension (1.3.6.1.4.1.57264.1.8), and a trusted_root.json naming the first CA only (no logs:
there is no Rekor or CT log here). Starts the distribution registry on 127.0.0.1, signs images
with real cosign (`cosign sign --key LEAF --certificate leaf.pem --certificate-chain chain.pem
--tlog-upload=false`) and requires every verdict of `sluice verify-image --certificate-...
--trusted-root` to equal real cosign's with the same flags (both offline: cosign reads the same
--trusted-root, and both run with --insecure-ignore-tlog --insecure-ignore-sct).
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_support import digest_of, report, start_registry, stop_registry, tool  # noqa: E402
from keyless_fixture import (ALICE, ISSUER, make_ca, make_leaf, run, set_work,  # noqa: E402
                             write, write_trusted_root)

SLUICE = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="sluice-keyless-")
ENV = dict(os.environ, COSIGN_PASSWORD="", HOME=WORK, COSIGN_YES="true")
OFFLINE = ("--insecure-ignore-tlog", "--insecure-ignore-sct", "--allow-http-registry")
failures = []


COSIGN = tool("cosign")
set_work(WORK, COSIGN, ENV)


def check(case, ref, expect_ok, identity, issuer=("--certificate-oidc-issuer", ISSUER),
          extra=(), offline=OFFLINE, cosign_expect=None, root="trusted_root.json"):
    """Both tools' verdicts must be expect_ok (cosign's: cosign_expect, where it is known to
    differ)."""
    flags = tuple(identity) + tuple(issuer)
    ours = run(SLUICE, "verify-image", ref, *flags, "--trusted-root", root, *offline, *extra,
               check=False)
    theirs = run(COSIGN, "verify", *flags, "--trusted-root", root, *offline, *extra, ref,
                 check=False)
    ok, cosign_ok = ours.returncode == 0, theirs.returncode == 0
    cosign_expected = expect_ok if cosign_expect is None else cosign_expect
    agree = ok == expect_ok and cosign_ok == cosign_expected
    detail = (ours.stdout if ok else ours.stderr).strip().replace("\n", " | ")
    print("%-8s %-48s cosign=%-4s sluice=%-4s expected=%-4s %s" % (
        "ok" if agree else "MISMATCH", case, "good" if cosign_ok else "bad",
        "good" if ok else "bad", "good" if expect_ok else "bad", detail[-220:]))
    if not cosign_ok:
        print("         cosign: %s" % theirs.stderr.strip().splitlines()[-1][-200:])
    if not agree:
        failures.append(case)


def main():
    registry, port = start_registry(WORK)
    try:
        base = "127.0.0.1:%d/shop" % port
        make_ca("fulcio")
        make_ca("rogue")
        write_trusted_root("fulcio")
        # The CA's validFor window starts after the leaves' notBefore (2024-01-01).
        write_trusted_root("fulcio", "late_root.json", "2025-01-01T00:00:00Z")
        alice = make_leaf("fulcio", "alice", "email:" + ALICE)
        workflow = make_leaf("fulcio", "workflow",
                             "URI:https://github.com/shop/app/.github/workflows/release.yml"
                             "@refs/heads/main", issuer="https://token.actions.example.test")
        rogue = make_leaf("rogue", "rogue", "email:" + ALICE)
        expired = make_leaf("fulcio", "expired", "email:" + ALICE, start="20240101000000Z",
                            end="20240201000000Z")
        v2_only = make_leaf("fulcio", "v2only", "email:" + ALICE, legacy_issuer=False)
        run(COSIGN, "generate-key-pair", "--output-key-prefix", "plain")

        images = ("app", "workflow", "rogue", "expired", "v2only", "keyed", "unsigned", "moved",
                  "bundled", "bundled-rogue", "bundled-expired", "bundled-v2only", "bundled-keyed",
                  "mixed-good-classic", "mixed-good-bundle")
        for name in images:
            write(name + ".txt", "content of %s\n" % name)
            run(COSIGN, "upload", "blob", "-f", name + ".txt", "--allow-http-registry",
                "%s/%s:v1" % (base, name))

        def sign(image, key, leaf=None, chain=None, bundle=False):
            digest = digest_of(port, "shop/" + image, "v1")
            certificate = ("--certificate", leaf + ".pem", "--certificate-chain",
                           chain + "-chain.pem") if leaf else ()
            # --new-bundle-format: a sigstore bundle holding the certificate, attached as an
            # OCI 1.1 referrer (the referrers tag schema on this registry).
            bundle_format = ("--new-bundle-format",) if bundle else ()
            run(COSIGN, "sign", *bundle_format, "--key", key, *certificate,
                "--tlog-upload=false", "--allow-http-registry",
                "%s/%s@%s" % (base, image, digest))
            return digest

        app_digest = sign("app", alice, "alice", "fulcio")
        sign("workflow", workflow, "workflow", "fulcio")
        sign("rogue", rogue, "rogue", "rogue")
        sign("expired", expired, "expired", "fulcio")
        sign("v2only", v2_only, "v2only", "fulcio")
        sign("keyed", "plain.key")
        sign("bundled", alice, "alice", "fulcio", bundle=True)
        sign("bundled-rogue", rogue, "rogue", "rogue", bundle=True)
        sign("bundled-expired", expired, "expired", "fulcio", bundle=True)
        sign("bundled-v2only", v2_only, "v2only", "fulcio", bundle=True)
        sign("bundled-keyed", "plain.key", bundle=True)
        # Both kinds on one image: cosign looks at the referrer bundles only when there are any.
        sign("mixed-good-classic", alice, "alice", "fulcio")
        sign("mixed-good-classic", rogue, "rogue", "rogue", bundle=True)
        sign("mixed-good-bundle", rogue, "rogue", "rogue")
        sign("mixed-good-bundle", alice, "alice", "fulcio", bundle=True)
        sign("moved", alice, "alice", "fulcio")

        app = base + "/app:v1"
        exact = ("--certificate-identity", ALICE)
        check("good identity, by tag", app, True, exact)
        check("good identity, by digest", "%s/app@%s" % (base, app_digest), True, exact)
        check("wrong identity", app, False, ("--certificate-identity", "bob@example.test"))
        check("identity is a prefix only", app, False, ("--certificate-identity", "alice@"))
        check("wrong issuer", app, False, exact,
              ("--certificate-oidc-issuer", "https://other.example.test"))
        check("identity regexp match", app, True,
              ("--certificate-identity-regexp", "^[a-z]+@example\\.test$"))
        check("identity regexp, unanchored", app, True,
              ("--certificate-identity-regexp", "example"))
        check("identity regexp mismatch", app, False,
              ("--certificate-identity-regexp", "^bob@"))
        check("issuer regexp match", app, True, exact,
              ("--certificate-oidc-issuer-regexp", "^https://issuer\\."))
        check("issuer regexp mismatch", app, False, exact,
              ("--certificate-oidc-issuer-regexp", "accounts\\.google"))
        check("exact and regexp identity, both match", app, True,
              exact + ("--certificate-identity-regexp", "alice"))
        # Known difference: cosign's classic path ignores the exact identity when a regexp is
        # given too (its bundle path, sigstore-go, requires both, as sluice does everywhere).
        check("exact identity wrong, regexp matches", app, False,
              ("--certificate-identity", "bob@example.test", "--certificate-identity-regexp",
               "alice"), cosign_expect=True)
        # The test leaves have no embedded SCT (there is no CT log): both tools refuse them
        # without --insecure-ignore-sct.
        check("SCT required", app, False, exact,
              offline=("--insecure-ignore-tlog", "--allow-http-registry"))
        wf = base + "/workflow:v1"
        wf_issuer = ("--certificate-oidc-issuer", "https://token.actions.example.test")
        check("URI SAN, exact", wf, True,
              ("--certificate-identity",
               "https://github.com/shop/app/.github/workflows/release.yml@refs/heads/main"),
              wf_issuer)
        check("URI SAN, regexp", wf, True,
              ("--certificate-identity-regexp",
               "^https://github\\.com/shop/.*@refs/heads/main$"), wf_issuer)
        check("URI SAN, regexp other repo", wf, False,
              ("--certificate-identity-regexp", "^https://github\\.com/evil/"), wf_issuer)
        check("certificate from another CA", base + "/rogue:v1", False, exact)
        check("expired leaf", base + "/expired:v1", False, exact)
        # cosign's classic path reads the issuer from the legacy extension only.
        check("leaf with only the .1.8 issuer extension", base + "/v2only:v1", False, exact)
        # cosign's classic path checks the chain at the leaf's notBefore (the bundle path: now).
        check("CA valid only after the leaf's notBefore", app, False, exact,
              root="late_root.json")
        check("key-signed image, identity flags", base + "/keyed:v1", False, exact)
        check("unsigned image", base + "/unsigned:v1", False, exact)

        bundled = base + "/bundled:v1"
        check("bundle: good identity", bundled, True, exact)
        check("bundle: wrong identity", bundled, False,
              ("--certificate-identity", "bob@example.test"))
        check("bundle: wrong issuer", bundled, False, exact,
              ("--certificate-oidc-issuer", "https://other.example.test"))
        check("bundle: identity and issuer regexps match", bundled, True,
              ("--certificate-identity-regexp", "@example\\.test$"),
              ("--certificate-oidc-issuer-regexp", "^https://issuer\\."))
        check("bundle: identity regexp mismatch", bundled, False,
              ("--certificate-identity-regexp", "^bob@"))
        check("bundle: exact identity wrong, regexp matches", bundled, False,
              ("--certificate-identity", "bob@example.test", "--certificate-identity-regexp",
               "alice"))
        check("bundle: SCT required", bundled, False, exact,
              offline=("--insecure-ignore-tlog", "--allow-http-registry"))
        check("bundle: CA valid only after the leaf's notBefore", bundled, True, exact,
              root="late_root.json")
        check("bundle: key-signed, identity flags", base + "/bundled-keyed:v1", False, exact)
        check("bundle: certificate from another CA", base + "/bundled-rogue:v1", False, exact)
        check("bundle: expired leaf", base + "/bundled-expired:v1", False, exact)
        # sigstore-go (the bundle path) reads the .1.8 extension.
        check("bundle: leaf with only the .1.8 issuer extension", base + "/bundled-v2only:v1",
              True, exact)

        check("classic good, bundle from another CA", base + "/mixed-good-classic:v1", False,
              exact)
        check("classic from another CA, bundle good", base + "/mixed-good-bundle:v1", True,
              exact)

        write("moved2.txt", "tampered content\n")
        run(COSIGN, "upload", "blob", "-f", "moved2.txt", "--allow-http-registry",
            base + "/moved:v1")
        check("tag moved after signing", base + "/moved:v1", False, exact)

        # Without --insecure-ignore-tlog a signature needs its Rekor bundle (these have none;
        # cosign_keyless_tlog_matrix.py compares that path with cosign --offline).
        ours = run(SLUICE, "verify-image", app, *exact, "--certificate-oidc-issuer", ISSUER,
                   "--trusted-root", "trusted_root.json", "--insecure-ignore-sct",
                   "--allow-http-registry", check=False)
        if ours.returncode == 0 or "has no Rekor bundle" not in ours.stderr:
            failures.append("transparency log required")
        print("%-8s %-48s sluice=%s" % ("ok" if "transparency log required" not in failures
                                         else "MISMATCH", "transparency log required",
                                         ours.stderr.strip()[:160]))
    finally:
        stop_registry(registry)
        shutil.rmtree(WORK, ignore_errors=True)
    report(failures)


main()
