#!/usr/bin/env python3
"""`sluice verify-commit` keyless (gitsign) verification on real git commits and tags, checked
against `git verify-commit` / `git verify-tag` with gpgsm (issue 7).

Usage: gitsign_matrix.py SLUICE GITSIGN_TEST_SIGNER

Real git signs with gpg.format=x509 through two programs:
  * gitsign_test_signer (tests/support): a test-only gitsign with its own CA, leaf and Rekor key
    that embeds the transparency-log entry in the CMS signature as gitsign's offline mode does;
  * gpgsm itself, with an RSA leaf of the same test CA imported into a private GNUPGHOME whose
    trustlist trusts the test root (gpgsm writes no log entry).
Every commit and tag is verified by sluice (with the log entry, and with --insecure-ignore-tlog)
and, where gpgsm can judge it, by `git verify-commit`/`verify-tag` with gpg.x509.program=gpgsm:
the CMS signature and the chain must get the same verdict from both, and each case states the
verdict it must have. The transparency-log checks have no real counterpart here (no gitsign or
Rekor on this machine): only sluice judges those. Runs locally, no network; prints one line per
case and exits non-zero on any disagreement.
"""
import os
import re
import shutil
import sys
import tempfile

from git_support import git_env, runners

SLUICE = os.path.abspath(sys.argv[1])
SIGNER = os.path.abspath(sys.argv[2])
WORK = tempfile.mkdtemp(prefix="sluice-gitsign-")
GNUPGHOME = os.path.join(WORK, "gnupg")
ENV = git_env(WORK, GNUPGHOME=GNUPGHOME)
ENV.pop("GITSIGN_TEST_MODE", None)
REPO = os.path.join(WORK, "repo")
IDENTITY = "alice@example.com"
ISSUER = "https://issuer.example.com"
failures = []
run, git = runners(ENV, REPO)


def fixture(name):
    folder = os.path.join(WORK, name)
    run(SIGNER, "init", folder, IDENTITY, ISSUER, cwd=WORK)
    return folder


def setup_gpgsm(ca):
    """A GNUPGHOME trusting `ca`'s root, with an RSA leaf of `ca` (gpgsm 2.2 imports RSA keys
    from PKCS#12, not EC ones) for IDENTITY. Other CAs are unknown to it."""
    os.makedirs(GNUPGHOME, mode=0o700)
    with open(os.path.join(GNUPGHOME, "gpgsm.conf"), "w") as f:
        f.write("disable-crl-checks\n")  # the test CA publishes no CRLs
    with open(os.path.join(GNUPGHOME, "gpg-agent.conf"), "w") as f:
        f.write("allow-loopback-pinentry\n")
    with open(os.path.join(WORK, "leaf.cnf"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=codeSigning\nsubjectAltName=critical,email:%s\n"
                "1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:%s\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" % (IDENTITY, ISSUER))
    key, csr, pem, p12 = (os.path.join(WORK, "rsa." + ext) for ext in ("key", "csr", "pem", "p12"))
    run("openssl", "genrsa", "-out", key, "2048", cwd=WORK)
    run("openssl", "req", "-new", "-key", key, "-subj", "/O=sluice test", "-out", csr, cwd=WORK)
    run("openssl", "x509", "-req", "-in", csr, "-CA", os.path.join(ca, "intermediate.pem"),
        "-CAkey", os.path.join(ca, "intermediate.key"), "-days", "2", "-set_serial", "77",
        "-extfile", os.path.join(WORK, "leaf.cnf"), "-out", pem, cwd=WORK)
    run("gpgsm", "--batch", "--import", os.path.join(ca, "root.pem"),
        os.path.join(ca, "intermediate.pem"), cwd=WORK)
    # gpgsm 2.2 fails to decrypt some PKCS#12 files that openssl writes ("decryption failed
    # ... possibly bad passphrase"): about one in sixty (1 of 60 exports of one key measured
    # here), and such a file fails on every try, so it depends on the file's random salt and
    # IV. A new file is written and tried, at most three times.
    for attempt in range(3):
        run("openssl", "pkcs12", "-export", "-inkey", key, "-in", pem, "-keypbe",
            "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1", "-passout",
            "pass:test", "-out", p12, cwd=WORK)
        imported = run("gpgsm", "--batch", "--pinentry-mode", "loopback", "--passphrase-fd",
                       "0", "--import", p12, cwd=WORK, stdin=b"test\n", check=attempt == 2)
        if imported.returncode == 0:
            break
    fingerprint = run("openssl", "x509", "-in", os.path.join(ca, "root.pem"), "-noout",
                      "-fingerprint", "-sha1", cwd=WORK).stdout.decode().strip().split("=")[1]
    with open(os.path.join(GNUPGHOME, "trustlist.txt"), "w") as f:
        f.write(fingerprint + " S relax\n")
    listing = run("gpgsm", "--with-colons", "--list-secret-keys", cwd=WORK).stdout.decode()
    signing_key = re.search(r"^fpr:+([0-9A-F]{40}):", listing, re.M).group(1)
    # git runs gpg.x509.program with its own arguments; the wrapper answers the agent's
    # passphrase question.
    password = os.path.join(WORK, "password")
    with open(password, "w") as f:
        f.write("test\n")
    wrapper = os.path.join(WORK, "gpgsm-loopback")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nexec gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 "$@" '
                '3<"%s"\n' % password)
    os.chmod(wrapper, 0o755)
    return wrapper, "0x" + signing_key


def sign_config(signer, program, key=None):
    """git -c options and environment for signing with `signer` ("test:<fixture>[:no-tlog]"
    or "gpgsm")."""
    options = ["-c", "gpg.format=x509"]
    env = dict(ENV)
    if signer == "gpgsm":
        options += ["-c", "gpg.x509.program=" + program[0], "-c", "user.signingkey=" + program[1]]
    else:
        _, folder, *mode = signer.split(":")
        options += ["-c", "gpg.x509.program=" + SIGNER]
        env["GITSIGN_TEST_DIR"] = folder
        if mode:
            env["GITSIGN_TEST_MODE"] = mode[0]
    return options, env


def commit(message, signer, gpgsm):
    with open(os.path.join(REPO, "file"), "a") as f:
        f.write(message + "\n")
    git("add", "file")
    options, env = sign_config(signer, gpgsm)
    git(*options, "commit", "-q", "-S", "-m", message, env=env)
    return git("rev-parse", "HEAD").stdout.decode().strip()


def tag(name, signer, gpgsm):
    options, env = sign_config(signer, gpgsm)
    git(*options, "tag", "-s", "-m", name, name, env=env)
    return name


def tampered(sha):
    """The commit object with its message changed and the signature kept."""
    text = git("cat-file", "commit", sha).stdout.decode()
    changed = text.replace("\n\n", "\n\ntampered ", 1)
    return git("hash-object", "-t", "commit", "-w", "--stdin", stdin=changed.encode()).stdout \
        .decode().strip()


def sluice(rev, root, *extra, repo=REPO, identity=IDENTITY, issuer=ISSUER):
    return run(SLUICE, "verify-commit", "--repo", repo, "--rev", rev, "--certificate-identity",
               identity, "--certificate-oidc-issuer", issuer, "--trusted-root",
               os.path.join(root, "trusted_root.json"), *extra, check=False)


def check(case, rev, root, expect_tlog, expect_ignored, expect_git, kind="commit", reason=None,
          **kwargs):
    """expect_git None: gpgsm has no verdict to compare (identity, log entry). `reason`: a
    pattern sluice's refusal (with the log entry required) must contain."""
    ours = sluice(rev, root, **kwargs)
    ignored = sluice(rev, root, "--insecure-ignore-tlog", **kwargs)
    got = [ours.returncode == 0, ignored.returncode == 0]
    want = [expect_tlog, expect_ignored]
    line = "sluice=%-4s sluice-ignore-tlog=%-4s" % tuple("good" if x else "bad" for x in got)
    if expect_git is not None:
        theirs = git("-c", "gpg.x509.program=gpgsm", "verify-" + kind, rev, check=False)
        got.append(theirs.returncode == 0)
        want.append(expect_git)
        line += " git+gpgsm=%-4s" % ("good" if got[-1] else "bad")
        # The CMS and chain verdicts must agree with gpgsm's.
        if got[1] != got[2]:
            want.append("agree")
            got.append("disagree")
    if reason and not re.search(reason, ours.stderr.decode()):
        want.append("reason: " + reason)
        got.append(ours.stderr.decode().strip())
    verdict = "ok" if got == want else "MISMATCH"
    print("%-8s %-34s %s" % (verdict, case, line))
    if verdict != "ok":
        failures.append(case)
        print("   sluice: %s\n   sluice --insecure-ignore-tlog: %s" % (
            (ours.stdout + ours.stderr).decode().strip(),
            (ignored.stdout + ignored.stderr).decode().strip()))
    if got[0] and not re.search(r"^tlog index: \d+$", ours.stdout.decode(), re.M):
        failures.append(case + " (output)")
        print("   missing tlog index in: " + ours.stdout.decode())


def main():
    ca = fixture("ca")
    stranger = fixture("stranger")
    gpgsm = setup_gpgsm(ca)
    os.makedirs(REPO)
    git("init", "-q", "-b", "main")
    test, no_tlog, other = "test:" + ca, "test:%s:no-tlog" % ca, "test:" + stranger

    good = commit("gitsign offline mode", test, gpgsm)
    check("gitsign commit", good, ca, True, True, True)
    check("gitsign commit, tampered", tampered(good), ca, False, False, False,
          reason="does not verify over the signed object")
    check("gitsign commit, other identity", good, ca, False, False, None,
          identity="bob@example.com", reason="certificate identity")
    check("gitsign commit, other issuer", good, ca, False, False, None,
          issuer="https://accounts.example.com", reason="issuer")
    check("gitsign commit, other trusted root", good, stranger, False, False, None,
          reason="is not trusted")
    online = commit("gitsign online mode (no log entry)", no_tlog, gpgsm)
    check("gitsign commit without log entry", online, ca, False, True, True,
          reason="no transparency log entry")
    check("stranger CA commit", commit("stranger CA", other, gpgsm), ca, False, False, False,
          reason="is not trusted")
    by_gpgsm = commit("signed by gpgsm", "gpgsm", gpgsm)
    check("gpgsm commit", by_gpgsm, ca, False, True, True, reason="no transparency log entry")
    check("gpgsm commit, tampered", tampered(by_gpgsm), ca, False, False, False,
          reason="does not verify")
    check("gitsign tag", tag("v1", test, gpgsm), ca, True, True, True, kind="tag")
    check("gpgsm tag", tag("v2", "gpgsm", gpgsm), ca, False, True, True, kind="tag")
    check("stranger CA tag", tag("v3", other, gpgsm), ca, False, False, False, kind="tag")
    # The same objects fetched by URL (libgit2 over file://).
    url = "file://" + REPO
    check("gitsign commit by URL", good, ca, True, True, None, repo=url)
    check("gitsign tag by URL", "refs/tags/v1", ca, True, True, None, repo=url)
    check("gpgsm commit by URL (branch)", "main", ca, False, True, None, repo=url)

    run("gpgconf", "--kill", "gpg-agent", cwd=WORK, check=False)
    shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        sys.exit("%d disagreement(s): %s" % (len(failures), ", ".join(failures)))
    print("all cases agree")


if __name__ == "__main__":
    main()
