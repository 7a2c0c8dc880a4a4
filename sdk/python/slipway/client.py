"""``Client``: the platform services reached through one socket or URL with one token."""

from __future__ import annotations

from typing import Any, Optional

from ._transport import DEFAULT_TIMEOUT, Transport
from .datastore import Datastore
from .images import Images
from .messaging import Messaging
from .push import Push
from .tasks import Tasks
from .urlfetch import URLFetch
from .users import Users

__all__ = ["Client"]


class Client:
    """The platform services, one attribute per service.

    Every argument left ``None`` comes from the environment when a call needs it:
    ``socket_path`` from ``SLIPWAY_SERVICES_SOCKET`` (else ``url`` from ``SLIPWAY_SERVICES_URL``),
    ``token`` from ``SLIPWAY_SERVICES_TOKEN``, ``app_id`` from ``SLIPWAY_APP_ID`` and
    ``identity_public_key`` from ``SLIPWAY_IDENTITY_PUBLIC_KEY``. On Slipway, the module-level
    functions (``slipway.datastore.get`` …) use such a client; make one yourself to reach
    another platform, e.g. from a test::

        client = slipway.Client(url="https://slipway.example.com/_platform/v1", token=token)
        client.datastore.get(Key("Task", "a"))

    ``timeout`` is how long a call waits for its answer, in seconds.
    """

    def __init__(
        self,
        socket_path: Optional[str] = None,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        app_id: Optional[str] = None,
        identity_public_key: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.transport = Transport(socket_path=socket_path, url=url, token=token, timeout=timeout)
        #: :class:`~slipway.datastore.Datastore`
        self.datastore = Datastore(self.transport)
        #: :class:`~slipway.images.Images`
        self.images = Images(self.transport)
        #: :class:`~slipway.users.Users`
        self.users = Users(self.transport, app_id, identity_public_key)
        #: :class:`~slipway.urlfetch.URLFetch`
        self.urlfetch = URLFetch(self.transport)
        #: :class:`~slipway.push.Push`
        self.push = Push(self.transport)
        #: :class:`~slipway.messaging.Messaging`
        self.messaging = Messaging(self.transport)
        #: :class:`~slipway.tasks.Tasks`
        self.tasks = Tasks(self.transport)

    def close(self) -> None:
        """Closes the calling thread's connection; the next call opens a new one."""
        self.transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        try:
            where = self.transport.endpoint().describe()
        except Exception:  # noqa: BLE001 - a repr must not raise
            where = "not configured"
        return f"<slipway.Client {where}>"
