#!/usr/bin/env python3
"""Test certificate authorities for keyless cosign tests, made with the openssl CLI.

As a module: make_ca(name) makes a root and an intermediate in the working directory `work`
(set_work), make_leaf(...) a Fulcio-like code-signing leaf (SAN, the OIDC-issuer extensions
1.3.6.1.4.1.57264.1.8 and the legacy .1.1) with its key imported as a cosign key pair, and
write_trusted_root(...) a trusted_root.json naming one CA (no logs: there is no Rekor or CT log
in the tests).

As a program: `keyless_fixture.py COSIGN DIR` makes in DIR the CA "fulcio", the leaf "alice"
(email:alice@example.test, issuer https://issuer.example.test; key alice-cosign.key, certificate
alice.pem, chain fulcio-chain.pem) and trusted_root.json; for tests in other languages.
"""
import json
import os
import subprocess
import sys

ISSUER = "https://issuer.example.test"
ALICE = "alice@example.test"
_state = {"work": None, "cosign": None, "env": None}


def set_work(work, cosign, env):
    _state.update(work=work, cosign=cosign, env=env)


def run(*args, check=True):
    result = subprocess.run(args, cwd=_state["work"], env=_state["env"], capture_output=True,
                            text=True)
    if check and result.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(args), result.stdout, result.stderr))
    return result


def write(name, text):
    with open(os.path.join(_state["work"], name), "w") as f:
        f.write(text)
    return name


def read(name):
    with open(os.path.join(_state["work"], name)) as f:
        return f.read()


# `openssl ca` rather than `openssl x509 -req`: only it sets arbitrary validity dates in 3.0.
CA_CONFIG = """[ca]
default_ca = test
[test]
database = %(name)s-index.txt
new_certs_dir = .
serial = %(name)s-serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = optional
organizationName = optional
"""


def openssl(*args):
    return run("openssl", *args)


def make_ca(name):
    """A root and an intermediate named `name`, and the config to issue leaves from it."""
    for part in ("root", "intermediate"):
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
                "%s-%s.key" % (name, part))
    write("%s-index.txt" % name, "")
    write("%s-serial" % name, "1000\n")
    write("%s-ca.cnf" % name, CA_CONFIG % {"name": name})
    write("%s-root.ext" % name, "basicConstraints=critical,CA:TRUE\n"
          "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n")
    write("%s-intermediate.ext" % name, "basicConstraints=critical,CA:TRUE,pathlen:0\n"
          "keyUsage=critical,keyCertSign,cRLSign\nextendedKeyUsage=codeSigning\n"
          "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    openssl("req", "-new", "-key", "%s-root.key" % name, "-out", "%s-root.csr" % name,
            "-subj", "/O=%s/CN=%s root" % (name, name))
    openssl("ca", "-batch", "-config", "%s-ca.cnf" % name, "-selfsign", "-keyfile",
            "%s-root.key" % name, "-in", "%s-root.csr" % name, "-out", "%s-root.pem" % name,
            "-startdate", "20200101000000Z", "-enddate", "20400101000000Z", "-extfile",
            "%s-root.ext" % name, "-notext")
    openssl("req", "-new", "-key", "%s-intermediate.key" % name, "-out",
            "%s-intermediate.csr" % name, "-subj", "/O=%s/CN=%s intermediate" % (name, name))
    openssl("ca", "-batch", "-config", "%s-ca.cnf" % name, "-cert", "%s-root.pem" % name,
            "-keyfile", "%s-root.key" % name, "-in", "%s-intermediate.csr" % name, "-out",
            "%s-intermediate.pem" % name, "-startdate", "20200101000000Z", "-enddate",
            "20400101000000Z", "-extfile", "%s-intermediate.ext" % name, "-notext")
    write("%s-chain.pem" % name, read("%s-intermediate.pem" % name) + read("%s-root.pem" % name))


def make_leaf(ca, name, san, issuer=ISSUER, start="20240101000000Z", end="20390101000000Z",
              legacy_issuer=True):
    """A code-signing leaf of `ca` with `san` and the Fulcio issuer extensions (.1.8, a DER
    UTF8String, and, as Fulcio still writes it, the legacy .1.1 with the raw string), and its
    key imported as a cosign key pair; returns the cosign key's path."""
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".ec")
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".ec", "-out", name + ".p8")
    openssl("req", "-new", "-key", name + ".p8", "-out", name + ".csr", "-subj", "/CN=sigstore")
    write(name + ".ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=codeSigning\nsubjectAltName=critical,%s\n"
          "authorityKeyIdentifier=keyid\n1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:%s\n"
          % (san, issuer) + ("1.3.6.1.4.1.57264.1.1=DER:%s\n" % issuer.encode().hex()
                             if legacy_issuer else ""))
    openssl("ca", "-batch", "-config", "%s-ca.cnf" % ca, "-cert", "%s-intermediate.pem" % ca,
            "-keyfile", "%s-intermediate.key" % ca, "-in", name + ".csr", "-out", name + ".pem",
            "-startdate", start, "-enddate", end, "-extfile", name + ".ext", "-notext")
    run(_state["cosign"], "import-key-pair", "--key", name + ".p8", "--output-key-prefix", name + "-cosign")
    return name + "-cosign.key"


def der_base64(pem_name):
    return run("sh", "-c", "openssl x509 -in %s -outform DER | base64 -w0" % pem_name).stdout


def write_trusted_root(ca, name="trusted_root.json", valid_from="2020-01-01T00:00:00Z"):
    root = {
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "tlogs": [], "ctlogs": [], "timestampAuthorities": [],
        "certificateAuthorities": [{
            "subject": {"organization": ca, "commonName": ca},
            "uri": "https://fulcio.%s.test" % ca,
            "certChain": {"certificates": [
                {"rawBytes": der_base64("%s-intermediate.pem" % ca)},
                {"rawBytes": der_base64("%s-root.pem" % ca)}]},
            "validFor": {"start": valid_from}}],
    }
    return write(name, json.dumps(root))


if __name__ == "__main__":
    cosign, work = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    set_work(work, cosign, dict(os.environ, COSIGN_PASSWORD="", HOME=work))
    make_ca("fulcio")
    write_trusted_root("fulcio")
    make_leaf("fulcio", "alice", "email:" + ALICE)
