"""A fake platform-services server on a Unix socket (or TCP) for the SDK's tests.

Each request is recorded; its answer comes from the queue of replies the test set up, or from
a handler function. Keep-alive works as with the real server (HTTP/1.1).
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socketserver
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import slipway

TOKEN = "test-token"


@dataclass
class Recorded:
    """A request the fake received."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    connection: int

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    """An answer: JSON (``body`` not bytes) or raw bytes, with a status and headers."""

    status: int = 200
    body: Any = None
    content_type: Optional[str] = None
    headers: Dict[str, str] = field(default_factory=dict)
    #: Close the connection after answering without saying so (an idle keep-alive timeout).
    drop_connection: bool = False

    def encoded(self) -> bytes:
        if isinstance(self.body, (bytes, bytearray)):
            return bytes(self.body)
        return json.dumps(self.body).encode("utf-8")

    def type(self) -> str:
        if self.content_type:
            return self.content_type
        if isinstance(self.body, (bytes, bytearray)):
            return "application/octet-stream"
        return "application/problem+json" if self.status >= 400 else "application/json"


def problem(status: int, code: str, detail: str, **extra: Any) -> Reply:
    """A problem+json reply."""
    body = {"type": "about:blank", "title": code, "status": status, "code": code, "detail": detail, **extra}
    return Reply(status, body)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def setup(self) -> None:
        super().setup()
        with self.server.fake.lock:
            self.server.fake.connections += 1
            self.connection_number = self.server.fake.connections

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self._answer()

    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        recorded = Recorded(
            self.command,
            self.path,
            {name.lower(): value for name, value in self.headers.items()},
            body,
            self.connection_number,
        )
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(recorded)
        try:
            reply = fake.answer(recorded)
        except Exception as error:  # noqa: BLE001 - report to the test, answer 500
            fake.failures.append(error)
            reply = problem(500, "internal", f"fake platform: {error}")
        data = reply.encoded()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.type())
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        if reply.drop_connection:
            self.close_connection = True


class _Quiet:
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (the timeout test) leaves a broken pipe; nothing to report.
        pass


class _Server(_Quiet, socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    fake: "FakePlatform"


class _TcpServer(_Quiet, socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    fake: "FakePlatform"


class FakePlatform:
    """The fake server; use as a context manager. ``replies`` answer requests in order."""

    def __init__(self, handler: Optional[Callable[[Recorded], Reply]] = None, tcp: bool = False) -> None:
        self.handler = handler
        self.replies: List[Reply] = []
        self.requests: List[Recorded] = []
        self.failures: List[BaseException] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.tcp = tcp
        self.directory = tempfile.mkdtemp(prefix="slipway-fake-")
        self.socket_path = os.path.join(self.directory, "services.sock")
        self.url = ""
        self.clients: List[slipway.Client] = []

    def __enter__(self) -> "FakePlatform":
        if self.tcp:
            self.server: Any = _TcpServer(("127.0.0.1", 0), _Handler)
            host, port = self.server.server_address[:2]
            self.url = f"http://{host}:{port}/_platform/v1"
        else:
            self.server = _Server(self.socket_path, _Handler)
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for client in self.clients:
            client.close()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        shutil.rmtree(self.directory, ignore_errors=True)

    def reply(self, body: Any = None, status: int = 200, **options: Any) -> "FakePlatform":
        """Queues an answer; returns self for chaining."""
        self.replies.append(body if isinstance(body, Reply) else Reply(status, body, **options))
        return self

    def answer(self, request: Recorded) -> Reply:
        if self.handler is not None:
            return self.handler(request)
        with self.lock:
            if not self.replies:
                raise AssertionError(f"unexpected request {request.method} {request.path}")
            return self.replies.pop(0)

    def client(self, token: str = TOKEN, **options: Any) -> slipway.Client:
        """A client of this fake."""
        if self.tcp:
            client = slipway.Client(url=self.url, token=token, **options)
        else:
            client = slipway.Client(socket_path=self.socket_path, token=token, **options)
        self.clients.append(client)
        return client

    @property
    def last(self) -> Recorded:
        """The last request received."""
        return self.requests[-1]
