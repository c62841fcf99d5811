#!/usr/bin/env python3
"""`sluice verify-commit` against `git verify-commit` / `git verify-tag` on a matrix of real
SSH-signed commits and tags (issue 7).

Usage: ssh_signature_matrix.py SLUICE

Builds a repository with commits and tags signed by ed25519, ecdsa (P-256/384/521) and rsa keys
made by ssh-keygen, unsigned ones, ones signed by a key nobody allows, tampered after signing,
signed under another namespace, signed outside the signer's validity window, and a set of
allowed_signers files exercising principals patterns, namespaces= and cert-authority. For every
case both tools run with the same allowed_signers file; each case also states the verdict it
must have, so a case where both tools fail for an unrelated reason is caught too.
Everything runs locally (no network); prints one line per case and exits non-zero on any
disagreement.
"""
import os
import re
import shutil
import sys
import tempfile

from git_support import git_env, runners

SLUICE = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="sluice-sshsig-")
ENV = git_env(WORK)
REPO = os.path.join(WORK, "repo")
failures = []
run, git = runners(ENV, REPO)


def keygen(name, *args):
    path = os.path.join(WORK, name)
    run("ssh-keygen", "-q", "-N", "", "-C", name, "-f", path, *args, cwd=WORK)
    with open(path + ".pub") as pub:
        return path, " ".join(pub.read().split()[:2])


def commit(message, key=None, date="2024-06-01T12:00:00Z"):
    with open(os.path.join(REPO, "file"), "a") as f:
        f.write(message + "\n")
    git("add", "file")
    env = dict(ENV, GIT_COMMITTER_DATE=date, GIT_AUTHOR_DATE=date)
    if key:
        git("-c", "gpg.format=ssh", "-c", "user.signingkey=" + key, "commit", "-q", "-S",
            "-m", message, env=env)
    else:
        git("commit", "-q", "-m", message, env=env)
    return git("rev-parse", "HEAD").stdout.decode().strip()


def tag(name, key, date="2024-06-01T12:00:00Z"):
    env = dict(ENV, GIT_COMMITTER_DATE=date)
    git("-c", "gpg.format=ssh", "-c", "user.signingkey=" + key, "tag", "-s", "-m",
        "release " + name, name, env=env)
    return "refs/tags/" + name


def raw_object(sha):
    return git("cat-file", "-p", sha).stdout.decode()  # commits/tags are text


def write_object(kind, text, ref):
    sha = git("hash-object", "-t", kind, "-w", "--stdin", "--literally",
              stdin=text.encode()).stdout.decode().strip()
    git("update-ref", ref, sha)
    return sha


def resign_with_namespace(sha, key, namespace):
    """The commit re-signed by `key` under another SSHSIG namespace (git always uses "git")."""
    text = raw_object(sha)
    head, _, rest = text.partition("gpgsig ")
    signature_lines = []
    lines = rest.split("\n")
    i = 1
    while i < len(lines) and lines[i].startswith(" "):
        i += 1
    payload = head + "\n".join(lines[i:])
    signed = run("ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", key,
                 stdin=payload.encode(), cwd=WORK).stdout.decode()
    signature_lines = signed.rstrip("\n").split("\n")
    header = "gpgsig " + "\n ".join(signature_lines) + "\n"
    committer_end = payload.index("\n\n") + 1
    return payload[:committer_end] + header + payload[committer_end:]


def with_header_swapped(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


def allowed(name, *lines):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


def check(case, rev, signers, expect_ok, kind="commit"):
    if kind == "tag":
        ref = git("rev-parse", rev).stdout.decode().strip()
        theirs = git("-c", "gpg.ssh.allowedSignersFile=" + signers, "verify-tag", ref,
                     check=False)
    else:
        theirs = git("-c", "gpg.ssh.allowedSignersFile=" + signers, "verify-commit", rev,
                     check=False)
    ours = run(SLUICE, "verify-commit", "--repo", REPO, "--rev", rev,
               "--allowed-signers", signers, check=False)
    git_ok, sluice_ok = theirs.returncode == 0, ours.returncode == 0
    detail = (ours.stdout or ours.stderr).decode().strip().replace("\n", " | ")
    verdict = "ok" if git_ok == sluice_ok == expect_ok else "MISMATCH"
    print("%-8s %-46s git=%-4s sluice=%-4s expected=%-4s %s" % (
        verdict, case, "good" if git_ok else "bad", "good" if sluice_ok else "bad",
        "good" if expect_ok else "bad", detail[:150]))
    if verdict != "ok":
        failures.append(case)
        print("   git said: " + theirs.stderr.decode().strip().replace("\n", " | "))
    if sluice_ok and not re.search(r"^key: \w+ SHA256:", ours.stdout.decode(), re.M):
        failures.append(case + " (no fingerprint printed)")


def main():
    os.makedirs(REPO)
    git("init", "-q", "-b", "main", cwd=REPO)
    keys = {
        "ed25519": keygen("ed25519", "-t", "ed25519"),
        "ecdsa256": keygen("ecdsa256", "-t", "ecdsa", "-b", "256"),
        "ecdsa384": keygen("ecdsa384", "-t", "ecdsa", "-b", "384"),
        "ecdsa521": keygen("ecdsa521", "-t", "ecdsa", "-b", "521"),
        "rsa": keygen("rsa", "-t", "rsa", "-b", "3072"),
    }
    mallory, mallory_pub = keygen("mallory", "-t", "ed25519")
    alice, alice_pub = keys["ed25519"]
    everyone = allowed("everyone", *("alice@example.com " + pub for _, pub in keys.values()))

    for name, (key, _) in keys.items():
        sha = commit("signed by " + name, key)
        check("commit signed by " + name, sha, everyone, True)
        check("tag signed by " + name, tag("v-" + name, key), everyone, True, kind="tag")

    check("unsigned commit", commit("unsigned"), everyone, False)
    check("commit signed by an unknown key", commit("mallory", mallory), everyone, False)
    check("tag signed by an unknown key", tag("v-mallory", mallory), everyone, False, kind="tag")

    good = commit("a good one", alice)
    text = raw_object(good)
    tampered = write_object("commit", with_header_swapped(text, "a good one", "a bad one"),
                            "refs/heads/tampered")
    check("commit tampered after signing", tampered, everyone, False)
    redated = write_object("commit", with_header_swapped(
        text, "1717243200 +0000\n", "1717243201 +0000\n"), "refs/heads/redated")
    check("committer time changed after signing", redated, everyone, False)
    tag_text = raw_object(tag("v-tampered", alice))
    tampered_tag = write_object("tag", with_header_swapped(tag_text, "release", "relaase"),
                                "refs/tags/v-tampered-2")
    check("tag tampered after signing", "refs/tags/v-tampered-2", everyone, False, kind="tag")

    other_ns = write_object("commit", resign_with_namespace(good, alice, "file"),
                            "refs/heads/other-namespace")
    check("signed under namespace 'file'", other_ns, everyone, False)
    same_ns = write_object("commit", resign_with_namespace(good, alice, "git"),
                           "refs/heads/resigned")
    check("re-signed by ssh-keygen under 'git'", same_ns, everyone, True)

    # Validity windows, against the commit time (2024-06-01T12:00:00Z).
    windows = [
        ('valid-after="20240101Z"', True), ('valid-after="20250101Z"', False),
        ('valid-before="20240601115959Z"', False), ('valid-before="202406011200Z"', True),
        ('valid-after="20240601120000Z",valid-before="20240601120001Z"', True),
        ('valid-after="20230101",valid-before="20240101"', False),
        ('valid-before="20250101"', True),
    ]
    for option, ok in windows:
        check("window " + option, good,
              allowed("window", "alice@example.com %s %s" % (option, alice_pub)), ok)
    old = commit("an old one", alice, date="2019-01-01T00:00:00Z")
    check("old commit, key valid-after 2020", old,
          allowed("after2020", 'alice@example.com valid-after="20200101Z" ' + alice_pub), False)
    check("old commit, key valid-before 2020", old,
          allowed("before2020", 'alice@example.com valid-before="20200101Z" ' + alice_pub), True)

    # Principals, namespaces= and cert-authority.
    cases = [
        ("principal pattern *@example.com", ["*@example.com " + alice_pub], True),
        ("two principals on one line", ["alice@example.com,alice@corp " + alice_pub], True),
        ("second principal only", ["nobody@corp,alice@example.com " + alice_pub], True),
        ("negated principal", ["!alice@example.com,* " + alice_pub], None),
        ('namespaces="git"', ['alice@example.com namespaces="git" ' + alice_pub], True),
        ('namespaces="file,git"', ['alice@example.com namespaces="file,git" ' + alice_pub], True),
        ('namespaces="file"', ['alice@example.com namespaces="file" ' + alice_pub], False),
        ('namespaces="g*"', ['alice@example.com namespaces="g*" ' + alice_pub], True),
        ("cert-authority line", ["alice@example.com cert-authority " + alice_pub], False),
        ("key listed twice, first expired", [
            'alice@example.com valid-before="20200101Z" ' + alice_pub,
            "alice@example.com " + alice_pub], True),
        ("comments and blank lines", ["# team", "", "  alice@example.com " + alice_pub], True),
        ("malformed line before the key", ["alice@example.com bogus-option " + alice_pub,
                                           "alice@example.com " + alice_pub], True),
        ("malformed line after the key", ["alice@example.com " + alice_pub, "junk"], True),
        ("unknown option", ['alice@example.com frobnicate="1" ' + alice_pub], False),
        ("valid-before before valid-after", [
            'alice@example.com valid-after="20250101Z",valid-before="20240101Z" ' + alice_pub],
         False),
        ("another key for the principal", ["alice@example.com " + mallory_pub], False),
    ]
    for case, lines, expect in cases:
        # None: the verdict is whatever git says (quirks worth matching, not worth asserting).
        signers = allowed("case", *lines)
        if expect is None:
            expect = git("-c", "gpg.ssh.allowedSignersFile=" + signers, "verify-commit", good,
                         check=False).returncode == 0
        check(case, good, signers, expect)

    # Damaged signatures: git hands them to ssh-keygen, which must refuse them like we do.
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("gpgsig "))
    body = start + 2
    damaged = {
        "signature truncated": lines[:body] + lines[body + 2:],
        "base64 damaged": lines[:body] + [" " + "!" * (len(lines[body]) - 1)] + lines[body + 1:],
        "armor footer removed": [l for l in lines if "END SSH SIGNATURE" not in l],
    }
    for case, damaged_lines in damaged.items():
        sha = write_object("commit", "\n".join(damaged_lines), "refs/heads/damaged")
        check(case, sha, everyone, False)

    # A repository given by URL is fetched first (file:// here; the transports are the git
    # poller's, tested in tests/integration/git): a branch, a tag and a commit sha.
    git("update-ref", "refs/heads/good", good)
    for rev, expect in (("good", True), ("refs/tags/v-rsa", True), (good, True),
                        ("refs/tags/v-mallory", False)):
        ours = run(SLUICE, "verify-commit", "--repo", "file://" + REPO, "--rev", rev,
                   "--allowed-signers", everyone, check=False)
        ok = (ours.returncode == 0) == expect
        print("%-8s %-46s sluice=%s expected=%s %s" % (
            "ok" if ok else "MISMATCH", "by URL, --rev " + rev[:30],
            "good" if ours.returncode == 0 else "bad", "good" if expect else "bad",
            (ours.stdout or ours.stderr).decode().strip().replace("\n", " | ")[:120]))
        if not ok:
            failures.append("by URL " + rev)

    # Two gpgsig headers: sluice refuses them outright, whatever git makes of them.
    doubled = text.replace("gpgsig ", "gpgsig ", 1)
    sig_block = "\n".join(lines[start:next(i for i in range(start + 1, len(lines))
                                             if not lines[i].startswith(" "))])
    doubled = doubled.replace(sig_block, sig_block + "\n" + sig_block, 1)
    sha = write_object("commit", doubled, "refs/heads/doubled")
    ours = run(SLUICE, "verify-commit", "--repo", REPO, "--rev", sha, "--allowed-signers",
               everyone, check=False)
    ok = ours.returncode != 0 and b"more than one gpgsig header" in ours.stderr
    print("%-8s %-46s sluice refuses: %s" % ("ok" if ok else "MISMATCH", "duplicate gpgsig header",
                                             ours.stderr.decode().strip()[:120]))
    if not ok:
        failures.append("duplicate gpgsig header")

    shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        sys.exit("%d case(s) disagree: %s" % (len(failures), ", ".join(failures)))
    print("all cases agree")


main()
