#!/usr/bin/env python3
"""Regenerates the seed corpora corpus/gitsign_cms and corpus/rekor_proto from signatures the
test-only gitsign (tests/support/gitsign_test_signer) makes.

Usage: make_gitsign_corpus.py GITSIGN_TEST_SIGNER
"""
import base64
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SIGNER = sys.argv[1]
# 1.3.6.1.4.1.57264.3.1, DER-encoded with its tag and length.
OID = bytes.fromhex("060a2b0601040183bf300301")


def length(data, at):
    """(length, offset after the length octets) of the DER length at `at`."""
    first = data[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7f
    return int.from_bytes(data[at + 1:at + 1 + count], "big"), at + 1 + count


def log_entry(der):
    at = der.index(OID) + len(OID)
    assert der[at] == 0x31  # SET
    _, at = length(der, at + 1)
    assert der[at] == 0x04  # OCTET STRING
    size, at = length(der, at + 1)
    return der[at:at + size]


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def sign(fixture, mode=None):
    env = dict(os.environ, GITSIGN_TEST_DIR=fixture)
    if mode:
        env["GITSIGN_TEST_MODE"] = mode
    return subprocess.run([SIGNER, "--status-fd=2", "-bsau", "test"], env=env, check=True,
                          input=b"tree 0\n\nhello, sluice\n", capture_output=True).stdout


def main():
    with tempfile.TemporaryDirectory() as work:
        fixture = os.path.join(work, "fixture")
        subprocess.run([SIGNER, "init", fixture, "alice@example.com",
                        "https://issuer.example.com"], check=True)
        with_entry, without_entry = sign(fixture), sign(fixture, "no-tlog")
    cms = os.path.join(HERE, "corpus", "gitsign_cms")
    write(cms, "with-tlog-entry.txt", with_entry)
    write(cms, "without-tlog-entry.txt", without_entry)
    write(cms, "truncated.txt", with_entry[:len(with_entry) // 2] + b"\n-----END SIGNED MESSAGE-----\n")
    der = base64.b64decode(b"".join(with_entry.splitlines()[1:-1]))
    proto = os.path.join(HERE, "corpus", "rekor_proto")
    write(proto, "gitsign-entry.bin", log_entry(der))
    write(proto, "truncated.bin", log_entry(der)[:40])


if __name__ == "__main__":
    main()
