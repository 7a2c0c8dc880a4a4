"""URL fetch: HTTP requests to other sites, made by the platform for the sealed instance.

::

    from slipway import urlfetch

    response = urlfetch.fetch("https://api.example.com/rates", timeout=5)
    if response.ok:
        rates = response.json()
    urlfetch.fetch("https://hooks.example.com/x", json={"event": "paid"})   # a POST with a JSON body

    page = urlfetch.extract("https://example.com/news", {"headline": "h1", "links": {"selector": "a", "attribute": "href", "all": True}})
    page.fields["headline"]

Private addresses and the tenant's deny list are refused with :class:`~slipway.ForbiddenError`.
A response from the remote site is returned whatever its status; check ``ok`` or ``status``.
"""

from __future__ import annotations

import base64
import json as _json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

from ._default import default_client
from ._transport import Transport

__all__ = ["URLFetch", "FetchResponse", "ExtractResult", "Headers", "fetch", "extract"]

#: The platform's limit on one fetch, in seconds; calls wait this long plus a margin by default.
MAX_TIMEOUT_SECONDS = 30.0
_MARGIN_SECONDS = 10.0
_NO_JSON = object()


class Headers(Mapping[str, str]):
    """Response headers: a read-only mapping whose name lookups ignore case."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._items = dict(headers)
        self._lower = {name.lower(): value for name, value in self._items.items()}

    def __getitem__(self, name: str) -> str:
        return self._lower[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lower

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True)
class FetchResponse:
    """The remote site's answer."""

    status: int
    headers: Headers
    content: bytes
    final_url: str
    #: Every URL a redirect led to, in order; the last is ``final_url``.
    redirects: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    @property
    def encoding(self) -> str:
        """The charset of the Content-Type header, else UTF-8."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        return message.get_content_charset() or "utf-8"

    @property
    def text(self) -> str:
        """The body decoded by :attr:`encoding` (undecodable bytes replaced)."""
        try:
            return self.content.decode(self.encoding, "replace")
        except LookupError:
            return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return _json.loads(self.content)


@dataclass(frozen=True)
class ExtractResult:
    """The fields captured from a page: text, a list of texts (``all``), or ``None`` when nothing matched."""

    status: int
    final_url: str
    fields: Dict[str, Union[str, List[str], None]]


class URLFetch:
    """The URL fetch operations of one client (see the module documentation)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def fetch(
        self,
        url: str,
        method: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        body: Union[bytes, str, None] = None,
        *,
        json: Any = _NO_JSON,
        timeout: Optional[float] = None,
        max_response_bytes: Optional[int] = None,
        follow_redirects: Optional[bool] = None,
    ) -> FetchResponse:
        """Fetches ``url`` and returns the site's answer.

        ``method`` defaults to POST when there is a body, else GET. ``body`` is bytes or text
        (sent as UTF-8); ``json=`` sends a value as JSON with ``Content-Type: application/json``.
        ``timeout`` (seconds, up to 30) covers the whole fetch; ``max_response_bytes`` caps the
        body; redirects are followed unless ``follow_redirects=False``. Options left ``None``
        take the platform's defaults (10 s, 10 MiB, follow).
        """
        headers = dict(headers or {})
        if json is not _NO_JSON:
            if body is not None:
                raise TypeError("give body or json, not both")
            body = _json.dumps(json, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif isinstance(body, (bytearray, memoryview)):
            body = bytes(body)
        elif body is not None and not isinstance(body, bytes):
            raise TypeError(f"body must be bytes or str, not {type(body).__name__}")
        request: Dict[str, Any] = {"url": url, "method": (method or ("POST" if body is not None else "GET")).upper()}
        if headers:
            request["headers"] = headers
        if body is not None:
            request["body"] = base64.b64encode(body).decode("ascii")
        if timeout is not None:
            request["timeoutMs"] = max(1, round(timeout * 1000))
        if max_response_bytes is not None:
            request["maxResponseBytes"] = max_response_bytes
        if follow_redirects is not None:
            request["followRedirects"] = bool(follow_redirects)
        wait = (timeout if timeout is not None else MAX_TIMEOUT_SECONDS) + _MARGIN_SECONDS
        answer = self._transport.call("urlfetch", "fetch", request, timeout=max(wait, self._transport.timeout))
        return FetchResponse(
            status=answer["status"],
            headers=Headers(answer.get("headers") or {}),
            content=base64.b64decode(answer.get("body") or ""),
            final_url=answer.get("finalUrl", url),
            redirects=list(answer.get("redirects") or []),
        )

    def link(self, url: str, ttl_seconds: Optional[int] = None) -> str:
        """A platform URL that sends the user to ``url`` (URL Link).

        Following it checks the organisation's policy at that moment and logs the visit, then
        redirects; use it for links to other sites in your pages. It works for ``ttl_seconds``
        (default 7 days, at most 90).
        """
        body: Dict[str, Any] = {"url": url}
        if ttl_seconds is not None:
            body["ttlSeconds"] = ttl_seconds
        return str(self._transport.call("urlfetch", "link", body)["url"])

    def extract(self, url: str, fields: Mapping[str, Union[str, Mapping[str, Any]]]) -> ExtractResult:
        """Fetches the HTML page at ``url`` and captures ``fields`` from it.

        Each field is a CSS selector (the text of the first match) or a dict
        ``{"selector", "attribute"?, "all"?}``: an attribute instead of the text, every match
        instead of the first.
        """
        wire = {name: {"selector": spec} if isinstance(spec, str) else dict(spec) for name, spec in fields.items()}
        answer = self._transport.call(
            "urlfetch", "extract", {"url": url, "fields": wire}, timeout=max(MAX_TIMEOUT_SECONDS + _MARGIN_SECONDS, self._transport.timeout)
        )
        return ExtractResult(status=answer["status"], final_url=answer.get("finalUrl", url), fields=dict(answer["fields"]))


def fetch(
    url: str,
    method: Optional[str] = None,
    headers: Optional[Mapping[str, str]] = None,
    body: Union[bytes, str, None] = None,
    *,
    json: Any = _NO_JSON,
    timeout: Optional[float] = None,
    max_response_bytes: Optional[int] = None,
    follow_redirects: Optional[bool] = None,
) -> FetchResponse:
    """Fetches a URL (see :meth:`URLFetch.fetch`)."""
    return default_client().urlfetch.fetch(
        url,
        method,
        headers,
        body,
        json=json,
        timeout=timeout,
        max_response_bytes=max_response_bytes,
        follow_redirects=follow_redirects,
    )


def link(url: str, ttl_seconds: Optional[int] = None) -> str:
    """A platform URL that sends the user to ``url`` through the organisation's policy; see :meth:`UrlFetch.link`."""
    return default_client().urlfetch.link(url, ttl_seconds)


def extract(url: str, fields: Mapping[str, Union[str, Mapping[str, Any]]]) -> ExtractResult:
    """Captures fields from an HTML page (see :meth:`URLFetch.extract`)."""
    return default_client().urlfetch.extract(url, fields)
