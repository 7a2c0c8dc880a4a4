"""Tasks: work the platform runs later by calling one of the app's own paths.

::

    from slipway import tasks

    tasks.enqueue("/tasks/send-report", payload={"report": 17}, delay_seconds=60)

The platform calls the path (POST by default) with the payload as the JSON body and the headers
``X-Slipway-Task-Id`` and ``X-Slipway-Task-Attempt``; a 2xx answer completes the task, anything
else has it tried again up to ``max_attempts`` times.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Optional, Union

from ._default import default_client
from ._transport import Transport

__all__ = ["Tasks", "enqueue"]

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
