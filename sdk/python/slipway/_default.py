"""The client behind the module-level functions (``slipway.datastore.get`` and friends)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .client import Client

_lock = threading.Lock()
_client: Optional["Client"] = None


def default_client() -> "Client":
    """The client the module-level functions use: configured from the environment, made on first use."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                from .client import Client

                _client = Client()
    return _client


def set_default_client(client: Optional["Client"]) -> Optional["Client"]:
    """Makes the module-level functions use ``client`` (``None``: the environment's again); returns the previous one."""
    global _client
    with _lock:
        previous, _client = _client, client
    return previous
