"""Slipway's platform services for Python apps: datastore, images, users, URL fetch, push,
messaging and tasks.

On Slipway the SDK finds the services in the environment; use the service modules directly::

    import slipway
    from slipway import datastore, users
    from slipway.datastore import Entity, Key

    def app(environ, start_response):
        user = users.current(environ)
        ...

``slipway.Client(socket_path=..., url=..., token=...)`` reaches the services explicitly.
Every failed call raises :class:`SlipwayError` (``status``, ``code``, ``detail``).
"""

from ._version import __version__
from ._context import IDENTITY_HEADERS, IdentityMiddleware, bind, identity_headers
from ._default import default_client, set_default_client
from .errors import (
    ConflictError,
    FailedDependencyError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    NotOnSlipwayError,
    ServiceUnavailableError,
    SlipwayError,
    TooLargeError,
    TooManyRequestsError,
    UnauthenticatedError,
    UnsupportedError,
)
from . import datastore, images, messaging, push, tasks, urlfetch, users
from .client import Client
from .datastore import Datastore, Entity, Key, Page, Query, Transaction
from .images import Image, ImageInfo, Images
from .messaging import MailReceipt, Messaging
from .push import Channel, Push, SendResult
from .tasks import Tasks
from .urlfetch import ExtractResult, FetchResponse, URLFetch
from .users import User, Users

__all__ = [
    "__version__",
    "Client",
    "default_client",
    "set_default_client",
    "bind",
    "identity_headers",
    "IdentityMiddleware",
    "IDENTITY_HEADERS",
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
    "datastore",
    "images",
    "users",
    "urlfetch",
    "push",
    "messaging",
    "tasks",
    "Datastore",
    "Entity",
    "Key",
    "Page",
    "Query",
    "Transaction",
    "Images",
    "Image",
    "ImageInfo",
    "Users",
    "User",
    "URLFetch",
    "FetchResponse",
    "ExtractResult",
    "Push",
    "Channel",
    "SendResult",
    "Messaging",
    "MailReceipt",
    "Tasks",
]
