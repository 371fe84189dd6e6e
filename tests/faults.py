"""A reverse proxy between a browser and a live Awaaz server whose faults the test sets.

It stands for what lies between a tablet in the Sundarbans and the server: a mobile
network that drops connections, a server that is down, network kit that answers for the
server (a 404 or 413 page), a captive portal that redirects to its login page, a reply lost
on the way back after the server stored the rating. Faults apply to the tablet's sends
(`POST /api/v1/tablet/ratings`) only, so that the pages themselves still load.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEND = "/api/v1/tablet/ratings"
PORTAL = "/portal"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}
# Set as `proxy.mode`: what happens to the next sends.
MODES = (
    "pass",  # forwarded both ways
    "drop",  # the connection is cut before any answer
    "lost_reply",  # forwarded (the server stores it), the answer cut on the way back
    "redirect",  # a captive portal: 302 to its login page
    "status:400",
    "status:404",
    "status:413",
    "status:500",
    "status:503",
)


class FaultyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode = "pass"
        self.sends: Counter[str] = Counter()  # sends met, by the mode they met
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass  # a browser closing a connection it gave up on is part of the weather here


class _Handler(BaseHTTPRequestHandler):
    owner: FaultyProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass  # quiet: the test reports what matters

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _plain(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _cut(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == PORTAL:
            self._plain(200, b"<h1>Log in to use the free Wi-Fi</h1>")
            return
        mode = "pass"
        if self.command == "POST" and self.path.startswith(SEND):
            mode = self.owner.mode
            self.owner.sends[mode] += 1
        if mode == "drop":
            self._cut()
            return
        if mode == "redirect":
            self._plain(302, b"", {"Location": PORTAL})
            return
        if mode.startswith("status:"):
            status = int(mode.split(":")[1])
            self._plain(status, f"<h1>{status} from the network</h1>".encode())
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection("127.0.0.1", self.owner.upstream_port, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        except OSError:
            self._cut()  # the server is down (restarting): as a dropped connection
            return
        finally:
            upstream.close()
        if mode == "lost_reply":
            self._cut()
            return
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.close_connection = True
