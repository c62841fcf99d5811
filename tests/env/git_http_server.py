#!/usr/bin/env python3
"""Git smart-HTTP server for sluice's test environment (stdlib only).

Requires HTTP basic auth and runs `git http-backend` as a CGI for every request.
Started by tests/env/git-servers; listens on 127.0.0.1 only. With --tls-cert and --tls-key
it serves HTTPS (the TLS handshake runs in the connection's thread, so a stalled client
never blocks the accept loop).

    git_http_server.py --root DIR --user NAME --password-file FILE
                       [--tls-cert PEM --tls-key PEM]
                       [--port N] [--port-file F] [--pid-file F]

With --port 0 (the default) the kernel picks a free port; the chosen port is written
to --port-file once the socket listens, so there is no pick-then-bind race.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import os
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
MAX_BODY = 256 * 1024 * 1024  # bytes of request body we accept
CGI_TIMEOUT = 600.0  # seconds one git http-backend run may take
SOCKET_TIMEOUT = 120.0  # seconds of client silence before we give up
COPY_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    pass


class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sluice-git-http/1"
    timeout = SOCKET_TIMEOUT
    # Set on the class by main().
    root = ""
    user = ""
    password = b""

    def setup(self) -> None:  # noqa: D102 - stdlib override
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    # -- helpers -------------------------------------------------------------------

    def log_message(self, fmt: str, *args) -> None:  # noqa: D102 - stdlib override
        sys.stderr.write("%s [%s] %s\n" % (self.address_string(), self.log_date_time_string(), fmt % args))
        sys.stderr.flush()

    def _plain(self, code: int, text: str, extra: dict[str, str] | None = None, close: bool = False) -> None:
        body = (text + "\n").encode()
        self.send_response(code)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _has_body(self) -> bool:
        te = self.headers.get("Transfer-Encoding", "").lower()
        return "chunked" in te or int(self.headers.get("Content-Length") or 0) > 0

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        scheme, _, cred = auth.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(cred.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, sep, password = decoded.partition(b":")
        if not sep:
            return False
        ok_user = hmac.compare_digest(user, self.user.encode())
        ok_pass = hmac.compare_digest(password, self.password)
        return ok_user and ok_pass

    def _iter_body(self):
        """Yields the request body in pieces, decoding chunked transfer encoding."""
        te = self.headers.get("Transfer-Encoding", "").lower()
        total = 0
        if "chunked" in te:
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    raise BadRequest("truncated chunked body")
                size_text = line.split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError as exc:
                    raise BadRequest("bad chunk size") from exc
                if size == 0:
                    # Trailers, then the empty line.
                    while True:
                        trailer = self.rfile.readline(8192)
                        if trailer in (b"\r\n", b"\n", b""):
                            return
                total += size
                if total > MAX_BODY:
                    raise BodyTooLarge()
                remaining = size
                while remaining:
                    piece = self.rfile.read(min(remaining, COPY_CHUNK))
                    if not piece:
                        raise BadRequest("truncated chunk")
                    remaining -= len(piece)
                    yield piece
                if self.rfile.readline(8) not in (b"\r\n", b"\n"):
                    raise BadRequest("missing CRLF after chunk")
        else:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise BodyTooLarge()
            remaining = length
            while remaining:
                piece = self.rfile.read(min(remaining, COPY_CHUNK))
                if not piece:
                    raise BadRequest("truncated body")
                remaining -= len(piece)
                yield piece

    def _cgi_env(self, path_info: str, query: str) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            "GIT_PROJECT_ROOT": self.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "REMOTE_USER": self.user,
            "REMOTE_ADDR": self.client_address[0],
            "AUTH_TYPE": "Basic",
            # Push over HTTP, and no "dubious ownership" refusals in a throwaway env.
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "http.receivepack",
            "GIT_CONFIG_VALUE_0": "true",
            "GIT_CONFIG_KEY_1": "safe.directory",
            "GIT_CONFIG_VALUE_1": "*",
        }
        if "Content-Type" in self.headers:
            env["CONTENT_TYPE"] = self.headers["Content-Type"]
        # For chunked bodies CONTENT_LENGTH stays unset: http-backend then reads to EOF.
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            if self.headers.get("Content-Length"):
                env["CONTENT_LENGTH"] = self.headers["Content-Length"]
        if "Content-Encoding" in self.headers:
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if "Git-Protocol" in self.headers:
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        return env

    # -- request handling ------------------------------------------------------------

    def handle_expect_100(self) -> bool:
        # Only promise to take the body when the request would be accepted.
        if not self._authorized():
            return True  # answered with 401 in _serve(), connection then closed
        return super().handle_expect_100()

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        if not self._authorized():
            self._plain(401, "authentication required", {"WWW-Authenticate": 'Basic realm="git"'},
                        close=self._has_body())
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._plain(400, "bad Content-Length", close=True)
            return
        if length > MAX_BODY:
            self._plain(413, "request body too large", close=True)
            return
        raw_path, _, query = self.path.partition("?")
        path_info = urllib.parse.unquote(raw_path)
        if "/../" in path_info + "/" or not path_info.startswith("/"):
            self._plain(400, "bad path", close=self._has_body())
            return
        self._run_cgi(path_info, query)

    def _run_cgi(self, path_info: str, query: str) -> None:
        proc = subprocess.Popen(
            [HTTP_BACKEND],
            env=self._cgi_env(path_info, query),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sys.stderr,
            close_fds=True,
        )
        timed_out = threading.Event()

        def on_timeout() -> None:
            timed_out.set()
            proc.kill()

        watchdog = threading.Timer(CGI_TIMEOUT, on_timeout)
        watchdog.daemon = True
        watchdog.start()

        body_error: list[BaseException] = []

        def feed() -> None:
            try:
                for piece in self._iter_body():
                    proc.stdin.write(piece)
            except BrokenPipeError:
                pass  # backend stopped reading; its output tells the story
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                body_error.append(exc)
                proc.kill()
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            self._relay(proc, feeder, body_error, timed_out)
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            feeder.join(timeout=5)

    def _relay(self, proc, feeder, body_error, timed_out) -> None:
        out = proc.stdout
        status = 200
        reason = None
        headers: list[tuple[str, str]] = []
        while True:
            line = out.readline(65536)
            if not line:
                break  # no body at all (or the backend died)
            line = line.rstrip(b"\r\n")
            if not line:
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip(), value.strip()
            if name.lower() == "status":
                code, _, reason = value.partition(" ")
                status = int(code)
            else:
                headers.append((name, value))
        if not headers or body_error or timed_out.is_set():
            feeder.join(timeout=5)
            if body_error and isinstance(body_error[0], BodyTooLarge):
                self._plain(413, "request body too large", close=True)
            elif body_error:
                self._plain(400, "bad request body: %s" % body_error[0], close=True)
            elif timed_out.is_set():
                self._plain(504, "git http-backend timed out", close=True)
            else:
                self._plain(502, "git http-backend failed", close=True)
            return
        # Wait until the request body is consumed before answering, so the
        # connection stays usable (http-backend reads all input before writing).
        self.send_response(status, reason or None)
        has_length = False
        for name, value in headers:
            if name.lower() == "content-length":
                has_length = True
            if name.lower() in ("connection", "transfer-encoding"):
                continue
            self.send_header(name, value)
        chunked = not has_length and self.command != "HEAD"
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        while True:
            piece = out.read1(COPY_CHUNK)
            if not piece:
                break
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        feeder.join(timeout=5)
        if feeder.is_alive() or body_error or timed_out.is_set():
            self.close_connection = True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--pid-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        print("give both --tls-cert and --tls-key", file=sys.stderr)
        return 1

    if not os.access(HTTP_BACKEND, os.X_OK):
        print(f"missing {HTTP_BACKEND}", file=sys.stderr)
        return 1
    if shutil.which("git") is None:
        print("git not on PATH", file=sys.stderr)
        return 1
    with open(args.password_file, "rb") as f:
        password = f.read().strip()
    if not password:
        print("empty password file", file=sys.stderr)
        return 1

    Handler.root = os.path.abspath(args.root)
    Handler.user = args.user
    Handler.password = password

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"

    def write_atomic(path: str, text: str) -> None:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)

    if args.pid_file:
        write_atomic(args.pid_file, f"{os.getpid()}\n")
    if args.port_file:
        write_atomic(args.port_file, f"{port}\n")

    def stop(signum, _frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    print(f"git {scheme} server on 127.0.0.1:{port}, root {Handler.root}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
