"""HTTP/1.1 to the platform services, over the instance's Unix socket or a URL.

One keep-alive connection per thread and client: gunicorn's sync workers serve one request at a
time per process, but an app may make calls from its own threads, and ``http.client``
connections must not be shared between threads.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from ._version import __version__
from ._context import bound_identity
from .errors import NotOnSlipwayError, ServiceUnavailableError, SlipwayError, TooLargeError, error_from_answer

SOCKET_ENV = "SLIPWAY_SERVICES_SOCKET"
URL_ENV = "SLIPWAY_SERVICES_URL"
TOKEN_ENV = "SLIPWAY_SERVICES_TOKEN"
APP_ID_ENV = "SLIPWAY_APP_ID"
PUBLIC_KEY_ENV = "SLIPWAY_IDENTITY_PUBLIC_KEY"

#: The path prefix of every operation on the socket (a URL brings its own).
BASE_PATH = "/_platform/v1"
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_IMAGE_BYTES = 32 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0

# Errors that on a reused keep-alive connection mean the platform had already closed it while
# it sat idle: the request never reached it, so sending it again on a new connection is safe.
_STALE_CONNECTION_ERRORS = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class UnixHTTPConnection(http.client.HTTPConnection):
    """An ``HTTPConnection`` to a Unix socket; requests carry ``Host: platform``."""

    def __init__(self, socket_path: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__("platform", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


@dataclass(frozen=True)
class Endpoint:
    """Where the services answer: a Unix socket, or a scheme, host and port, plus the base path."""

    socket_path: Optional[str] = None
    scheme: str = "http"
    host: str = ""
    port: Optional[int] = None
    base_path: str = BASE_PATH

    @classmethod
    def from_url(cls, url: str) -> "Endpoint":
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the services URL must be an http(s):// URL, not {url!r}")
        return cls(None, parts.scheme, parts.hostname, parts.port, parts.path.rstrip("/"))

    def describe(self) -> str:
        if self.socket_path is not None:
            return f"unix:{self.socket_path}"
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{self.host}{port}{self.base_path}"

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.socket_path is not None:
            return UnixHTTPConnection(self.socket_path, timeout)
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


@dataclass
class Answer:
    """A successful answer: status, headers (lower-case names) and the raw body."""

    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ServiceUnavailableError(
                self.status, None, f"the platform answered with a body that is not JSON ({error})"
            ) from None


class Transport:
    """Sends operations to the platform services; explicit settings win over the environment.

    Settings left as ``None`` are read from the environment at each call, so a process whose
    environment changes (tests, mostly) follows it.
    """

    def __init__(
        self,
        socket_path: Optional[str] = None,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if socket_path is not None and url is not None:
            raise ValueError("give socket_path or url, not both")
        self._endpoint = Endpoint(socket_path=socket_path) if socket_path is not None else None
        if url is not None:
            self._endpoint = Endpoint.from_url(url)
        self._token = token
        self.timeout = timeout
        self._local = threading.local()

    def endpoint(self) -> Endpoint:
        """Where calls go now; raises :class:`NotOnSlipwayError` when nothing says."""
        if self._endpoint is not None:
            return self._endpoint
        socket_path = os.environ.get(SOCKET_ENV)
        if socket_path:
            return Endpoint(socket_path=socket_path)
        url = os.environ.get(URL_ENV)
        if url:
            return Endpoint.from_url(url)
        raise NotOnSlipwayError(
            f"not running on Slipway: {SOCKET_ENV} is not set (nor {URL_ENV}); to call the platform "
            "services from elsewhere, pass socket_path= or url= and token= to slipway.Client"
        )

    def token(self) -> str:
        token = self._token if self._token is not None else os.environ.get(TOKEN_ENV)
        if not token:
            raise NotOnSlipwayError(
                f"not running on Slipway: {TOKEN_ENV} is not set; pass token= to slipway.Client "
                "to call the platform services from elsewhere"
            )
        return token

    def call(self, service: str, operation: str, body: Mapping[str, Any], **options: Any) -> Any:
        """POSTs ``body`` as JSON to ``<service>/<operation>`` and returns the parsed JSON answer."""
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
        return self.send(service, operation, data, "application/json", **options).json()

    def send(
        self,
        service: str,
        operation: str,
        data: bytes,
        content_type: str,
        *,
        headers: Optional[Mapping[str, str]] = None,
        identity: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        max_bytes: int = MAX_BODY_BYTES,
        accept: str = "application/json",
    ) -> Answer:
        """Sends one request and returns the 2xx answer; any other answer raises its SlipwayError.

        ``identity`` overrides the headers bound with :func:`slipway.bind` for this call.
        """
        if len(data) > max_bytes:
            raise TooLargeError(
                413, None, f"the request body is {len(data)} bytes; {service}/{operation} takes at most {max_bytes}"
            )
        endpoint = self.endpoint()
        request_headers = {
            "Authorization": f"Bearer {self.token()}",
            "Content-Type": content_type,
            "Accept": accept,
            "User-Agent": f"slipway-python/{__version__}",
        }
        request_headers.update(identity if identity is not None else (bound_identity() or {}))
        request_headers.update(headers or {})
        path = f"{endpoint.base_path}/{service}/{operation}"
        status, answer_headers, body = self._exchange(endpoint, path, data, request_headers, timeout or self.timeout)
        if 200 <= status < 300:
            return Answer(status, answer_headers, body)
        raise error_from_answer(
            status, answer_headers.get("content-type", ""), body, answer_headers.get("retry-after")
        )

    def _exchange(
        self, endpoint: Endpoint, path: str, data: bytes, headers: Mapping[str, str], timeout: float
    ) -> Tuple[int, Dict[str, str], bytes]:
        for attempt in (1, 2):
            connection, reused = self._connection(endpoint, timeout)
            try:
                connection.request("POST", path, body=data, headers=dict(headers))
                response = connection.getresponse()
                body = response.read()
            except _STALE_CONNECTION_ERRORS as error:
                self._discard()
                if reused and attempt == 1:
                    continue
                raise self._unreachable(endpoint, error) from error
            except (OSError, http.client.HTTPException) as error:
                self._discard()
                raise self._unreachable(endpoint, error) from error
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            if response.will_close:
                self._discard()
            return response.status, answer_headers, body
        raise AssertionError("unreachable")

    @staticmethod
    def _unreachable(endpoint: Endpoint, error: BaseException) -> SlipwayError:
        if isinstance(error, TimeoutError):
            return ServiceUnavailableError(None, None, f"the platform services at {endpoint.describe()} did not answer in time")
        return ServiceUnavailableError(
            None, None, f"cannot reach the platform services at {endpoint.describe()}: {error}"
        )

    def _connection(self, endpoint: Endpoint, timeout: float) -> Tuple[http.client.HTTPConnection, bool]:
        local = self._local
        connection = getattr(local, "connection", None)
        # A connection inherited across fork() (an app that called the services before gunicorn
        # forked its workers) is shared with the parent: never reuse it in the child.
        if connection is not None and (local.endpoint != endpoint or local.pid != os.getpid()):
            if local.pid == os.getpid():
                connection.close()
            connection = None
        if connection is None:
            connection = endpoint.connect(timeout)
            local.connection, local.endpoint, local.pid = connection, endpoint, os.getpid()
            return connection, False
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection, connection.sock is not None

    def _discard(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Closes the calling thread's connection (others close when their threads end)."""
        self._discard()
