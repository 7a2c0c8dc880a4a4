"""The errors the SDK raises.

Every failure of a platform service call is a :class:`SlipwayError` carrying ``status`` (the HTTP
status, or ``None`` when no answer arrived), ``code`` (the protocol's stable code, such as
``"conflict"``) and ``detail`` (the platform's explanation). Subclasses let ``except`` clauses pick
one code; checking ``error.code`` works just as well.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

__all__ = [
    "SlipwayError",
    "InvalidInputError",
    "UnauthenticatedError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "TooLargeError",
    "UnsupportedError",
    "TooManyRequestsError",
    "FailedDependencyError",
    "ServiceUnavailableError",
    "NotOnSlipwayError",
]


class SlipwayError(Exception):
    """A platform service call failed.

    Attributes:
        status: the HTTP status of the answer, or ``None`` when the call never got one.
        code: the protocol's error code (``invalid-input``, ``conflict``, …).
        detail: the platform's human-readable explanation.
        problem: the whole ``application/problem+json`` body (empty when there was none).
    """

    #: The code this class stands for; the base class takes any.
    default_code = "error"

    def __init__(
        self,
        status: Optional[int],
        code: Optional[str] = None,
        detail: str = "",
        problem: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.status = status
        self.code = code or self.default_code
        self.detail = detail
        self.problem = dict(problem or {})
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.code} ({self.status})" if self.status is not None else self.code
        return f"{where}: {self.detail}" if self.detail else where

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, detail={self.detail!r})"


class InvalidInputError(SlipwayError):
    """400 ``invalid-input``: the request broke a rule; ``detail`` says which."""

    default_code = "invalid-input"


class UnauthenticatedError(SlipwayError):
    """401 ``unauthenticated``: the instance token was missing or not accepted."""

    default_code = "unauthenticated"


class ForbiddenError(SlipwayError):
    """403 ``forbidden``: refused (a private address, a deny list, or a service outside the contract).

    ``service`` names the service when the tenant's contract does not include it, else ``None``.
    """

    default_code = "forbidden"

    @property
    def service(self) -> Optional[str]:
        """The service the tenant's contract lacks, when that is the reason."""
        value = self.problem.get("service")
        return value if isinstance(value, str) else None


class NotFoundError(SlipwayError):
    """404 ``not-found``."""

    default_code = "not-found"


class ConflictError(SlipwayError):
    """409 ``conflict``: something a transaction read changed before it committed."""

    default_code = "conflict"


class TooLargeError(SlipwayError):
    """413 ``too-large``: a body or a value exceeded a limit."""

    default_code = "too-large"


class UnsupportedError(SlipwayError):
    """415 ``unsupported``: for example an image format the platform cannot read."""

    default_code = "unsupported"


class TooManyRequestsError(SlipwayError):
    """429 ``too-many-requests``; ``retry_after`` holds the Retry-After seconds when sent."""

    default_code = "too-many-requests"

    def __init__(self, *args: Any, retry_after: Optional[int] = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class FailedDependencyError(SlipwayError):
    """424 ``failed-dependency``: a system the service relies on failed (a mail server, a site)."""

    default_code = "failed-dependency"


class ServiceUnavailableError(SlipwayError):
    """The platform services could not be reached or gave no usable answer (``code`` ``unavailable``)."""

    default_code = "unavailable"


class NotOnSlipwayError(SlipwayError):
    """The environment does not say where the platform services are (not running on Slipway)."""

    default_code = "not-on-slipway"

    def __init__(self, detail: str) -> None:
        super().__init__(None, None, detail)

    def _message(self) -> str:
        return self.detail


_BY_CODE = {
    cls.default_code: cls
    for cls in (
        InvalidInputError,
        UnauthenticatedError,
        ForbiddenError,
        NotFoundError,
        ConflictError,
        TooLargeError,
        UnsupportedError,
        TooManyRequestsError,
        FailedDependencyError,
    )
}

_CODE_BY_STATUS = {
    400: "invalid-input",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    413: "too-large",
    415: "unsupported",
    424: "failed-dependency",
    429: "too-many-requests",
}


def error_from_answer(
    status: int, content_type: str, body: bytes, retry_after: Optional[str] = None
) -> SlipwayError:
    """Builds the error for a non-2xx answer, from its problem+json body when it has one."""
    problem: dict = {}
    if content_type.split(";")[0].strip().lower() in ("application/problem+json", "application/json"):
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = None
        if isinstance(parsed, dict):
            problem = parsed
    code = problem.get("code") if isinstance(problem.get("code"), str) else None
    code = code or _CODE_BY_STATUS.get(status)
    detail = problem.get("detail")
    if not isinstance(detail, str):
        # No problem body (a proxy's error page, say): quote the start of what came back.
        text = body[:300].decode("utf-8", "replace").strip()
        detail = f"HTTP {status}" + (f": {text}" if text else "")
    if code is None and status in (502, 503, 504):
        return ServiceUnavailableError(status, "unavailable", detail, problem)
    if code is None:
        code = "internal" if status >= 500 else "error"
    cls = _BY_CODE.get(code, SlipwayError)
    if cls is TooManyRequestsError:
        seconds = int(retry_after) if retry_after and retry_after.strip().isdigit() else None
        return TooManyRequestsError(status, code, detail, problem, retry_after=seconds)
    return cls(status, code, detail, problem)
