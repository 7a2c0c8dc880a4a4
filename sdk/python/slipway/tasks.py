"""Tasks: work the platform runs later by calling one of the app's own paths.

::

    from slipway import tasks

    tasks.enqueue("/tasks/send-report", payload={"report": 17}, delay_seconds=60)

The platform calls the path (POST by default) with the payload as the JSON body and the headers
``X-Slipway-Task-Id``, ``-Attempt``, ``-Queue``, ``-Time`` and ``-Signature``; a 2xx answer
completes the task, anything else has it tried again up to ``max_attempts`` times. Check that a
call really comes from the platform before acting on it::

    def app(environ, start_response):
        call = tasks.verify_call(environ)
        if call is None:
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"not a task call"]
        ...
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Union

from ._default import default_client
from ._transport import Transport

__all__ = ["TaskCall", "Tasks", "enqueue", "verify_call"]

_TASK_HEADERS = ("Id", "Attempt", "Queue", "Time", "Signature")
# Calls older than this (or this far in the future) are refused: a copied call cannot be replayed later.
_MAX_SKEW_SECONDS = 300

_NO_PAYLOAD = object()


class Tasks:
    """The task operations of one client (see the module documentation)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def enqueue(
        self,
        path: str,
        payload: Any = _NO_PAYLOAD,
        *,
        method: Optional[str] = None,
        delay_seconds: Union[int, float, _dt.timedelta, None] = None,
        max_attempts: Optional[int] = None,
        queue: Optional[str] = None,
    ) -> str:
        """Queues a call of ``path`` on the app with ``payload`` (any JSON value); returns the task id.

        ``delay_seconds`` (a number or a ``timedelta``) postpones the first attempt.
        """
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"path must be a path on this app such as '/tasks/mail', not {path!r}")
        body: Dict[str, Any] = {"path": path}
        if method is not None:
            body["method"] = method.upper()
        if payload is not _NO_PAYLOAD:
            body["payload"] = payload
        if delay_seconds is not None:
            seconds = delay_seconds.total_seconds() if isinstance(delay_seconds, _dt.timedelta) else delay_seconds
            body["delaySeconds"] = int(round(seconds))
        if max_attempts is not None:
            body["maxAttempts"] = max_attempts
        if queue is not None:
            body["queue"] = queue
        return str(self._transport.call("tasks", "enqueue", body)["id"])


def enqueue(
    path: str,
    payload: Any = _NO_PAYLOAD,
    *,
    method: Optional[str] = None,
    delay_seconds: Union[int, float, _dt.timedelta, None] = None,
    max_attempts: Optional[int] = None,
    queue: Optional[str] = None,
) -> str:
    """Queues a task (see :meth:`Tasks.enqueue`)."""
    return default_client().tasks.enqueue(
        path, payload, method=method, delay_seconds=delay_seconds, max_attempts=max_attempts, queue=queue
    )


@dataclass(frozen=True)
class TaskCall:
    """A verified call of the platform's task dispatcher."""

    id: str
    attempt: int
    queue: str


def _header(source: Any, name: str) -> str:
    if isinstance(source, Mapping) and ("wsgi.version" in source or any(k.startswith("HTTP_") for k in source)):
        value = source.get("HTTP_" + name.upper().replace("-", "_"))
    else:
        environ = getattr(source, "environ", None) or getattr(source, "META", None)
        if isinstance(environ, Mapping):
            return _header(environ, name)
        value = source.get(name) if callable(getattr(source, "get", None)) else None
        if value is None and isinstance(source, Mapping):
            value = next((v for k, v in source.items() if isinstance(k, str) and k.lower() == name.lower()), None)
    return value if isinstance(value, str) else ""


def verify_call(
    request: Any,
    app_id: Optional[str] = None,
    public_key_base64: Optional[str] = None,
    now: Optional[float] = None,
) -> Optional[TaskCall]:
    """The task call ``request`` carries if the platform signed it (and recently), else ``None``.

    ``request`` is a WSGI environ, a request with ``.environ``/``.META``, or a mapping of headers.
    The signature is Ed25519 over ``slipway-task-v1``, the app id, the task id, the attempt and the
    time, with the key in ``SLIPWAY_IDENTITY_PUBLIC_KEY``; needs the ``cryptography`` package.
    """
    from . import users as _users

    if _users.Ed25519PublicKey is None:
        raise RuntimeError("verifying task calls needs the cryptography package (python3-cryptography)")
    values = {part: _header(request, f"X-Slipway-Task-{part}") for part in _TASK_HEADERS}
    app = app_id if app_id is not None else os.environ.get("SLIPWAY_APP_ID", "")
    key_text = public_key_base64 if public_key_base64 is not None else os.environ.get("SLIPWAY_IDENTITY_PUBLIC_KEY", "")
    if not app or not key_text or not values["Id"] or not values["Attempt"].isdigit() or not values["Time"].isdigit():
        return None
    if abs((time.time() if now is None else now) - int(values["Time"])) > _MAX_SKEW_SECONDS:
        return None
    text = "\n".join(["slipway-task-v1", app, values["Id"], values["Attempt"], values["Time"]])
    try:
        unpadded = values["Signature"].rstrip("=")
        signature = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
        _users._public_key(key_text).verify(signature, text.encode("utf-8"))
    except (_users.InvalidSignature, binascii.Error, ValueError):
        return None
    return TaskCall(id=values["Id"], attempt=int(values["Attempt"]), queue=values["Queue"])
