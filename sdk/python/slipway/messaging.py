"""Messaging: e-mail, and messages to a user's Slipway inbox.

::

    from slipway import messaging

    receipt = messaging.mail(["ana@example.com"], "Your report", "It is attached below.")
    messaging.message(manager.id, "Expense report to approve", "Report 17 waits for you.")

Called while serving a request bound with :func:`slipway.bind`, messages are sent "from" that user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Union

from ._default import default_client
from ._transport import Transport

__all__ = ["Messaging", "MailReceipt", "mail", "message"]


@dataclass(frozen=True)
class MailReceipt:
    """A sent mail's ``id`` and ``via``: ``"smtp"`` (handed to a mail server) or ``"outbox"`` (kept by the platform)."""

    id: str
    via: str


class Messaging:
    """The messaging operations of one client (see the module documentation)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def mail(self, to: Union[str, Sequence[str]], subject: str, text: str, html: Optional[str] = None) -> MailReceipt:
        """Sends an e-mail to ``to`` (one address or several) with a text body and, optionally, HTML."""
        recipients = [to] if isinstance(to, str) else list(to)
        body: Dict[str, Any] = {"to": recipients, "subject": subject, "text": text}
        if html is not None:
            body["html"] = html
        answer = self._transport.call("messaging", "mail", body)
        return MailReceipt(str(answer["id"]), answer["via"])

    def message(self, user: Any, subject: str, body: str) -> str:
        """Puts a message in a user's inbox (a user id or :class:`~slipway.User`); returns its id."""
        user_id = getattr(user, "id", user)
        answer = self._transport.call("messaging", "message", {"user": str(user_id), "subject": subject, "body": body})
        return str(answer["id"])


def mail(to: Union[str, Sequence[str]], subject: str, text: str, html: Optional[str] = None) -> MailReceipt:
    """Sends an e-mail (see :meth:`Messaging.mail`)."""
    return default_client().messaging.mail(to, subject, text, html)


def message(user: Any, subject: str, body: str) -> str:
    """Puts a message in a user's inbox (see :meth:`Messaging.message`)."""
    return default_client().messaging.message(user, subject, body)
