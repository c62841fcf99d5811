#!/usr/bin/env python3
"""A loopback fault proxy between the operator under test and the real kube-apiserver.

It listens on 127.0.0.1 with TLS (a certificate for 127.0.0.1 signed by a CA it makes with the
openssl CLI in --cert-dir; the test's kubeconfig trusts that CA), forwards each HTTP/1.1 request
to the apiserver over TLS (verified against --upstream-ca; the Authorization header passes
through untouched) and streams the answer back, watches included.

A plain-HTTP control port on 127.0.0.1 (JSON) lets the test break things at run time:
  PUT  /rules   a JSON list of rules, replacing the current ones; the first rule that matches a
                request applies:
                  {"methods": ["PATCH"], "path": "<regex searched in the path>",
                   "verbs": ["list", "get"],   # of watch get list create update patch delete
                   "share": 0.5,               # every 1/share-th matching request (deterministic)
                   "action": "status", "status": 429, "retry_after": 2}
                  {"action": "delay", "seconds": 1.5}   then forwarded
                  {"action": "drop"}                    the connection closes without an answer
  POST /cut     closes every open watch stream now (both sides); answers {"cut": n}
  GET  /requests every request seen since the last DELETE, in order:
                {"t": seconds since start, "method", "path", "query", "verb", "fault"}
  DELETE /requests
It prints "fault proxy listening on 127.0.0.1:<port>, control on 127.0.0.1:<port>" when ready.

Bounds: request heads are limited to 64 KiB and request bodies to 16 MiB (the operator sends
nothing bigger); answers are streamed, never buffered whole.
"""

import argparse
import asyncio
import json
import os
import re
import ssl
import subprocess
import sys
import time
from urllib.parse import parse_qs

MAX_HEAD = 64 * 1024
MAX_BODY = 16 * 1024 * 1024
COPY_CHUNK = 64 * 1024


class ProxyError(Exception):
    """The exchange cannot go on; the client connection is closed."""


def make_certificates(cert_dir):
    """A CA and a serving certificate for 127.0.0.1 (as tests/env/cluster-up makes them)."""
    os.makedirs(cert_dir, exist_ok=True)
    ca_key, ca_crt = f"{cert_dir}/ca.key", f"{cert_dir}/ca.crt"
    key, csr, crt, ext = (f"{cert_dir}/proxy.{s}" for s in ("key", "csr", "crt", "ext"))

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", ca_key,
            "-out", ca_crt, "-subj", "/CN=sluice-fault-proxy-ca", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign,digitalSignature")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj",
            "/CN=fault-proxy")
    with open(ext, "w", encoding="ascii") as out:
        out.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                  "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "2", "-extfile", ext, "-out", crt)
    return crt, key


def request_verb(method, path, query):
    """The Kubernetes verb of a request (as the apiserver's RequestInfo tells them apart)."""
    if method == "GET":
        if query.get("watch", [""])[0] in ("1", "true"):
            return "watch"
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["api"]:
            rest = parts[2:]
        elif parts[:1] == ["apis"]:
            rest = parts[3:]
        else:
            return "get"
        if len(rest) >= 3 and rest[0] == "namespaces":
            rest = rest[2:]
        return "list" if len(rest) == 1 else "get"
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(
        method, method.lower())


class Rule:
    def __init__(self, spec):
        self.methods = set(spec.get("methods", []))
        self.path = re.compile(spec["path"]) if "path" in spec else None
        self.verbs = set(spec.get("verbs", []))
        self.share = float(spec.get("share", 1.0))
        self.action = spec["action"]
        if self.action not in ("status", "delay", "drop"):
            raise ValueError(f"unknown action {self.action!r}")
        self.status = int(spec.get("status", 500))
        self.retry_after = spec.get("retry_after")
        self.seconds = float(spec.get("seconds", 0))
        self.matched = 0

    def applies(self, method, path, verb):
        if self.methods and method not in self.methods:
            return False
        if self.verbs and verb not in self.verbs:
            return False
        if self.path and not self.path.search(path):
            return False
        # Deterministic share: the n-th match applies when floor(n*share) steps up.
        self.matched += 1
        return int(self.matched * self.share) > int((self.matched - 1) * self.share)


class Proxy:
    def __init__(self, upstream_host, upstream_port, upstream_tls):
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.upstream_tls = upstream_tls
        self.rules = []
        self.requests = []
        self.watches = set()  # (client writer, upstream writer) of open watch streams
        self.started = time.monotonic()

    # ---- the proxied side ----------------------------------------------------------------

    async def serve_client(self, reader, writer):
        upstream = None
        try:
            while True:
                head = await read_head(reader)
                if head is None:
                    return
                body = await read_body(reader, head)
                method, target = head.request_line()
                path, _, raw_query = target.partition("?")
                verb = request_verb(method, path, parse_qs(raw_query))
                rule = next((r for r in self.rules if r.applies(method, path, verb)), None)
                self.requests.append({"t": round(time.monotonic() - self.started, 3),
                                      "method": method, "path": path, "query": raw_query,
                                      "verb": verb, "fault": rule.action if rule else ""})
                if rule and rule.action == "drop":
                    return
                if rule and rule.action == "status":
                    await answer_status(writer, rule)
                    continue
                if rule and rule.action == "delay":
                    await asyncio.sleep(rule.seconds)
                if upstream is not None and (upstream[0].at_eof() or upstream[1].is_closing()):
                    # The apiserver closed the idle connection: a new one, as a client would.
                    upstream[1].close()
                    upstream = None
                if upstream is None:
                    upstream = await asyncio.open_connection(
                        self.upstream_host, self.upstream_port, ssl=self.upstream_tls,
                        server_hostname=self.upstream_host)
                upstream[1].write(head.raw + body)
                await upstream[1].drain()
                pair = (writer, upstream[1])
                if verb == "watch":
                    self.watches.add(pair)
                try:
                    keep_alive = await relay_response(upstream[0], writer, method)
                finally:
                    self.watches.discard(pair)
                if not keep_alive or head.closes():
                    return
        except (ProxyError, ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            return
        finally:
            for w in (writer, upstream[1] if upstream else None):
                if w is not None:
                    w.close()

    def cut_watches(self):
        cut = list(self.watches)
        self.watches.clear()
        for client, upstream in cut:
            # Aborting (not a clean TLS close) is what a broken network looks like.
            for w in (client, upstream):
                if w.transport is not None:
                    w.transport.abort()
        return len(cut)

    # ---- the control side ----------------------------------------------------------------

    async def serve_control(self, reader, writer):
        try:
            head = await read_head(reader)
            if head is None:
                return
            body = await read_body(reader, head)
            method, target = head.request_line()
            status, answer = 200, {}
            if method == "PUT" and target == "/rules":
                self.rules = [Rule(spec) for spec in json.loads(body or b"[]")]
                answer = {"rules": len(self.rules)}
            elif method == "POST" and target == "/cut":
                answer = {"cut": self.cut_watches()}
            elif method == "GET" and target == "/requests":
                answer = self.requests
            elif method == "DELETE" and target == "/requests":
                self.requests = []
            else:
                status, answer = 404, {"error": f"no {method} {target}"}
        except (ValueError, KeyError, re.error) as e:
            status, answer = 400, {"error": str(e)}
        except (ProxyError, ConnectionError, asyncio.IncompleteReadError):
            writer.close()
            return
        data = json.dumps(answer).encode()
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
        await writer.drain()
        writer.close()


class Head:
    def __init__(self, raw):
        self.raw = raw
        lines = raw.decode("latin-1").split("\r\n")
        self.first = lines[0]
        self.headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()

    def request_line(self):
        parts = self.first.split(" ")
        if len(parts) != 3:
            raise ProxyError("bad request line")
        return parts[0], parts[1]

    def status(self):
        parts = self.first.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise ProxyError("bad status line")
        return int(parts[1])

    def chunked(self):
        return "chunked" in self.headers.get("transfer-encoding", "").lower()

    def length(self):
        value = self.headers.get("content-length")
        if value is None:
            return None
        if not value.isdigit() or int(value) > 1 << 40:
            raise ProxyError("bad content-length")
        return int(value)

    def closes(self):
        return self.headers.get("connection", "").lower() == "close"


async def read_head(reader):
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise
    except asyncio.LimitOverrunError as e:
        raise ProxyError("head too long") from e
    return Head(raw)


async def read_body(reader, head):
    """The request body as sent (chunked framing kept), bounded by MAX_BODY."""
    if head.chunked():
        out = bytearray()
        async for piece in chunks(reader):
            out += piece
            if len(out) > MAX_BODY:
                raise ProxyError("body too large")
        return bytes(out)
    length = head.length() or 0
    if length > MAX_BODY:
        raise ProxyError("body too large")
    return await reader.readexactly(length)


async def chunks(reader):
    """Yields the raw bytes of each chunk (size line, data, CRLF), the last one included."""
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip(), 16)
        except ValueError as e:
            raise ProxyError("bad chunk size") from e
        if size == 0:
            trailer = await reader.readuntil(b"\r\n")
            raw = size_line + trailer
            while trailer != b"\r\n":
                trailer = await reader.readuntil(b"\r\n")
                raw += trailer
            yield raw
            return
        yield size_line + await reader.readexactly(size + 2)


async def relay_response(upstream, client, method):
    """Streams one answer from upstream to the client; whether the connection may be reused."""
    head = await read_head(upstream)
    if head is None:
        raise ProxyError("upstream closed")
    client.write(head.raw)
    status = head.status()
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        await client.drain()
        return not head.closes()
    if head.chunked():
        async for piece in chunks(upstream):
            client.write(piece)
            await client.drain()  # flushed per chunk: watch events must not wait
        return not head.closes()
    length = head.length()
    if length is None:  # until the server closes
        while data := await upstream.read(COPY_CHUNK):
            client.write(data)
            await client.drain()
        return False
    while length > 0:
        data = await upstream.read(min(length, COPY_CHUNK))
        if not data:
            raise ProxyError("upstream closed mid-answer")
        client.write(data)
        length -= len(data)
    await client.drain()
    return not head.closes()


async def answer_status(writer, rule):
    reason = {429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}.get(
        rule.status, "InternalError")
    body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                       "message": f"injected by the fault proxy ({rule.status})",
                       "reason": reason, "code": rule.status}).encode()
    extra = f"Retry-After: {int(rule.retry_after)}\r\n" if rule.retry_after is not None else ""
    writer.write(f"HTTP/1.1 {rule.status} {reason}\r\nContent-Type: application/json\r\n{extra}"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upstream", required=True, help="https://127.0.0.1:<port>")
    parser.add_argument("--upstream-ca", required=True)
    parser.add_argument("--cert-dir", required=True, help="where ca.crt for the client is made")
    args = parser.parse_args()
    match = re.fullmatch(r"https://127\.0\.0\.1:(\d+)/?", args.upstream)
    if not match:
        sys.exit("--upstream must be https://127.0.0.1:<port> (loopback only)")

    crt, key = make_certificates(args.cert_dir)
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(crt, key)
    upstream_tls = ssl.create_default_context(cafile=args.upstream_ca)

    proxy = Proxy("127.0.0.1", int(match.group(1)), upstream_tls)
    server = await asyncio.start_server(proxy.serve_client, "127.0.0.1", 0, ssl=serving,
                                        limit=MAX_HEAD)
    control = await asyncio.start_server(proxy.serve_control, "127.0.0.1", 0, limit=MAX_HEAD)
    port = server.sockets[0].getsockname()[1]
    control_port = control.sockets[0].getsockname()[1]
    print(f"fault proxy listening on 127.0.0.1:{port}, control on 127.0.0.1:{control_port}",
          flush=True)
    async with server, control:
        await asyncio.gather(server.serve_forever(), control.serve_forever())


if __name__ == "__main__":
    asyncio.run(main())
