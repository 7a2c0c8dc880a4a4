"""Push: messages from the app to open pages, for one user or everyone on a topic.

::

    from slipway import push

    channel = push.channel(user=user.id)        # in the page: <script src="{channel.client_script}">
    # and Slipway.connect("{channel.token}", message => ...)
    push.send({"order": 17, "state": "approved"}, user=user.id)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from ._default import default_client
from ._transport import Transport

__all__ = ["Push", "Channel", "SendResult", "channel", "send"]


@dataclass(frozen=True)
class Channel:
    """A channel a page connects to: its name, the page's ``token`` and the client script's URL."""

    channel: str
    token: str
    client_script: str


@dataclass(frozen=True)
class SendResult:
    """How many open connections received the message now, and how many will when they reconnect."""

    delivered: int
    queued: int


def _audience(user: Any, topic: Optional[str], required: bool) -> Dict[str, str]:
    # A User object is accepted where a user id is expected.
    user_id = getattr(user, "id", user)
    if user_id is not None and topic is not None:
        raise ValueError("give user or topic, not both")
    if required and user_id is None and topic is None:
        raise ValueError("give a user or a topic")
    audience: Dict[str, str] = {}
    if user_id is not None:
        audience["user"] = str(user_id)
    if topic is not None:
        audience["topic"] = topic
    return audience


class Push:
    """The push operations of one client (see the module documentation)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def channel(self, user: Any = None, topic: Optional[str] = None) -> Channel:
        """A channel for one user's pages (a user id or :class:`~slipway.User`) or for a topic."""
        answer = self._transport.call("push", "channel", _audience(user, topic, True))
        return Channel(answer["channel"], answer["token"], answer["clientScript"])

    def send(self, message: Any, user: Any = None, topic: Optional[str] = None, ttl_seconds: Optional[int] = None) -> SendResult:
        """Sends ``message`` (any JSON value) to a user's pages or a topic's.

        ``ttl_seconds``: how long the platform keeps it for pages not connected now.
        """
        body: Dict[str, Any] = _audience(user, topic, True)
        body["message"] = message
        if ttl_seconds is not None:
            body["ttlSeconds"] = ttl_seconds
        answer = self._transport.call("push", "send", body)
        return SendResult(int(answer["delivered"]), int(answer["queued"]))


def channel(user: Any = None, topic: Optional[str] = None) -> Channel:
    """A channel for a user's or a topic's pages (see :meth:`Push.channel`)."""
    return default_client().push.channel(user, topic)


def send(message: Any, user: Any = None, topic: Optional[str] = None, ttl_seconds: Optional[int] = None) -> SendResult:
    """Sends a message to a user's or a topic's pages (see :meth:`Push.send`)."""
    return default_client().push.send(message, user, topic, ttl_seconds)
