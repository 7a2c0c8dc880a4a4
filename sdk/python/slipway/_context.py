"""Which user's request a service call is made for.

Calls made while serving a user's request forward that request's signed identity headers
unchanged, so the platform acts for that user. ``bind(environ)`` (or ``IdentityMiddleware``)
records them in a context variable: each thread (and each asyncio task) sees its own binding, so
concurrent requests never see each other's user.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, Mapping, Optional

__all__ = ["IDENTITY_HEADERS", "bind", "identity_headers", "IdentityMiddleware"]

#: The headers the gateway signs and the SDK forwards, in the order of the signed text.
IDENTITY_HEADERS = (
    "X-Slipway-User-Id",
    "X-Slipway-User-Name",
    "X-Slipway-User-Email",
    "X-Slipway-User-Roles",
    "X-Slipway-Identity-Time",
    "X-Slipway-Identity-Signature",
)

_bound: contextvars.ContextVar[Optional[Dict[str, str]]] = contextvars.ContextVar("slipway_identity", default=None)


def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def _lookup(headers: Mapping[str, Any], name: str) -> Optional[str]:
    """A header from a mapping of header names, whatever their case."""
    value = headers.get(name)
    if value is None:
        lower = name.lower()
        value = next((v for k, v in headers.items() if isinstance(k, str) and k.lower() == lower), None)
    return value if isinstance(value, str) else None


def identity_headers(source: Any) -> Dict[str, str]:
    """The identity headers present in ``source``, by their canonical names.

    ``source`` is a WSGI ``environ`` (keys like ``HTTP_X_SLIPWAY_USER_ID``), a request object
    carrying one (``.environ`` as in Flask/Werkzeug/WebOb, ``.META`` as in Django), a mapping or
    headers object of header names (any case, e.g. ``http.server``'s ``self.headers``), or
    ``None`` (no identity).
    """
    if source is None:
        return {}
    if not isinstance(source, Mapping):
        for attribute in ("environ", "META"):
            inner = getattr(source, attribute, None)
            if isinstance(inner, Mapping):
                source = inner
                break
        else:
            if not callable(getattr(source, "get", None)):
                raise TypeError(
                    f"cannot read identity headers from a {type(source).__name__}: pass a WSGI environ, "
                    "a request with .environ or .META, or a mapping of header names"
                )
            # A headers object that is no Mapping (email.message.Message, werkzeug Headers):
            # their get() ignores case already.
            return {name: value for name in IDENTITY_HEADERS if isinstance(value := source.get(name), str)}
    is_environ = "wsgi.version" in source or any(
        isinstance(key, str) and key.startswith("HTTP_") for key in source
    )
    found: Dict[str, str] = {}
    for header in IDENTITY_HEADERS:
        value = source.get(_environ_key(header)) if is_environ else _lookup(source, header)
        if isinstance(value, str):
            found[header] = value
    return found


def bound_identity() -> Optional[Dict[str, str]]:
    """The identity headers bound in the current context, or ``None``."""
    return _bound.get()


@contextmanager
def bind(source: Any) -> Iterator[Dict[str, str]]:
    """Makes service calls inside the ``with`` block act for the user of ``source``'s request.

    ``source`` is anything :func:`identity_headers` accepts; ``bind(None)`` makes the calls act
    for no user. Yields the identity headers that will be forwarded::

        with slipway.bind(environ):
            slipway.messaging.message(manager_id, "Approved", "…")  # sent "from" the signed-in user
    """
    token = _bound.set(identity_headers(source))
    try:
        yield dict(_bound.get() or {})
    finally:
        _bound.reset(token)


class IdentityMiddleware:
    """WSGI middleware that binds each request's identity for the calls made while serving it.

    ``app = slipway.IdentityMiddleware(app)`` is the same as wrapping every request's handling
    (including the iteration of its response) in ``slipway.bind(environ)``.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        token = _bound.set(identity_headers(environ))
        try:
            result = self.app(environ, start_response)
        except BaseException:
            _bound.reset(token)
            raise
        return _BoundResponse(result, token)


class _BoundResponse:
    """Keeps the binding while the server iterates the response; PEP 3333 servers call close()."""

    def __init__(self, result: Iterable[bytes], token: contextvars.Token) -> None:
        self._result = result
        self._token: Optional[contextvars.Token] = token

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._result)

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            token, self._token = self._token, None
            if token is not None:
                try:
                    _bound.reset(token)
                except ValueError:
                    # Closed from another context (an async server's thread pool): that context
                    # never saw the binding, and the request's own context ends with it.
                    pass
