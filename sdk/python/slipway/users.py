"""Users: who is signed in to the app, and the tenant's users.

The gateway signs the identity of the signed-in user into each request's headers; the SDK checks
the signature with the gateway's public key, so ``current`` needs no platform call::

    from slipway import users

    def app(environ, start_response):
        user = users.current(environ)
        if user is None:
            start_response("302 Found", [("Location", users.login_url(environ.get("PATH_INFO", "/")))])
            return [b""]
        if not user.has_role("manager"): ...
"""

from __future__ import annotations

import base64
import binascii
import builtins
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import quote, unquote

from ._context import IDENTITY_HEADERS, bound_identity, identity_headers
from ._default import default_client
from ._transport import APP_ID_ENV, PUBLIC_KEY_ENV, Transport

try:  # Debian's python3-cryptography; without it the platform checks the headers instead.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key
except ImportError:  # pragma: no cover - exercised by patching in the tests
    Ed25519PublicKey = None  # type: ignore[assignment,misc]

__all__ = ["User", "Users", "current", "list", "login_url", "logout_url", "verify_identity"]

#: How far the signed time may be from now, in seconds, either way.
MAX_CLOCK_SKEW = 60
SIGNED_TEXT_PREFIX = "slipway-identity-v1"
_TIME = re.compile(r"[0-9]{1,15}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


@dataclass(frozen=True)
class User:
    """A user of the app's tenant: ``id``, ``name``, ``email`` and ``roles``."""

    id: str
    name: str
    email: str
    roles: Tuple[str, ...] = ()

    def has_role(self, role: str) -> bool:
        """True when the user has ``role``."""
        return role in self.roles

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> "User":
        """A user from the protocol's JSON form."""
        return cls(str(wire["id"]), wire.get("name") or "", wire.get("email") or "", tuple(wire.get("roles") or ()))


def signed_text(app_id: str, headers: Mapping[str, str]) -> str:
    """What the gateway signs: the prefix, the app id and the header values as sent, by newlines."""
    return "\n".join([SIGNED_TEXT_PREFIX, app_id, *(headers.get(name, "") for name in IDENTITY_HEADERS[:5])])


@lru_cache(maxsize=8)
def _public_key(public_key_base64: str) -> Any:
    try:
        key = load_der_public_key(base64.b64decode(public_key_base64, validate=True))
    except (ValueError, TypeError) as error:
        raise ValueError(f"the identity public key is not base64 SPKI DER ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"the identity public key is a {type(key).__name__}, not an Ed25519 key")
    return key


def verify_identity(
    headers: Mapping[str, str], app_id: str, public_key_base64: str, now: Optional[float] = None
) -> Optional[User]:
    """The user the identity ``headers`` name if their signature and time check out, else ``None``.

    ``headers`` maps the canonical header names to their values as sent (see
    :func:`slipway.identity_headers`). Needs the ``cryptography`` package; raises ValueError
    when ``public_key_base64`` is not an Ed25519 public key (SPKI DER, base64).
    """
    if Ed25519PublicKey is None:
        raise RuntimeError("verifying identity headers needs the cryptography package (python3-cryptography)")
    user_id = headers.get("X-Slipway-User-Id", "")
    signature_text = headers.get("X-Slipway-Identity-Signature", "")
    sent_at = headers.get("X-Slipway-Identity-Time", "")
    if not user_id or not _BASE64URL.fullmatch(signature_text) or not _TIME.fullmatch(sent_at):
        return None
    if abs((time.time() if now is None else now) - int(sent_at)) > MAX_CLOCK_SKEW:
        return None
    # A malformed key is the platform's misconfiguration, not a visitor's forgery: raise it.
    key = _public_key(public_key_base64)
    try:
        unpadded = signature_text.rstrip("=")
        signature = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
        key.verify(signature, signed_text(app_id, headers).encode("utf-8"))
    except (InvalidSignature, binascii.Error, ValueError):
        return None
    roles = tuple(role for role in headers.get("X-Slipway-User-Roles", "").split(",") if role)
    return User(
        id=user_id,
        name=unquote(headers.get("X-Slipway-User-Name", "")),
        email=unquote(headers.get("X-Slipway-User-Email", "")),
        roles=roles,
    )


class Users:
    """The user operations of one client (see the module documentation).

    ``app_id`` and ``identity_public_key`` default to ``SLIPWAY_APP_ID`` and
    ``SLIPWAY_IDENTITY_PUBLIC_KEY``, read when needed.
    """

    def __init__(
        self, transport: Transport, app_id: Optional[str] = None, identity_public_key: Optional[str] = None
    ) -> None:
        self._transport = transport
        self._app_id = app_id
        self._public_key = identity_public_key

    def current(self, request: Any = None) -> Optional[User]:
        """The signed-in user of ``request``, or ``None`` when nobody is (or the headers do not verify).

        ``request`` is a WSGI environ, a request object with ``.environ`` or ``.META``, or a mapping
        of headers; ``None`` uses the request bound with :func:`slipway.bind`. The signature is
        checked locally; without the ``cryptography`` package, the app id or the public key, the
        platform checks it (``users/current``).
        """
        headers = identity_headers(request) if request is not None else (bound_identity() or {})
        if not headers.get("X-Slipway-User-Id") or not headers.get("X-Slipway-Identity-Signature"):
            return None
        app_id = self._app_id if self._app_id is not None else os.environ.get(APP_ID_ENV)
        public_key = self._public_key if self._public_key is not None else os.environ.get(PUBLIC_KEY_ENV)
        if Ed25519PublicKey is not None and app_id and public_key:
            return verify_identity(headers, app_id, public_key)
        return self._ask_platform(headers)

    def current_from_platform(self, request: Any = None) -> Optional[User]:
        """Asks the platform (``users/current``) who ``request``'s identity headers name.

        :meth:`current` does this itself when it cannot check the signature locally.
        """
        return self._ask_platform(identity_headers(request) if request is not None else (bound_identity() or {}))

    def _ask_platform(self, headers: Dict[str, str]) -> Optional[User]:
        answer = self._transport.call("users", "current", {}, identity=headers)
        user = answer.get("user")
        return User.from_wire(user) if user else None

    def list(self, role: Optional[str] = None) -> builtins.list:
        """The users of the app's tenant, only those with ``role`` when given."""
        body: Dict[str, Any] = {} if role is None else {"role": role}
        return [User.from_wire(user) for user in self._transport.call("users", "list", body)["users"]]

    @staticmethod
    def login_url(return_path: str = "/") -> str:
        """Where to send a visitor to sign in (see :func:`login_url`)."""
        return login_url(return_path)

    @staticmethod
    def logout_url() -> str:
        """Where to send a user to sign out (see :func:`logout_url`)."""
        return logout_url()


def login_url(return_path: str = "/") -> str:
    """Where to send a visitor to sign in; they come back to ``return_path`` (a path on this app)."""
    if not isinstance(return_path, str) or not return_path.startswith("/") or return_path.startswith("//"):
        raise ValueError(f"return_path must be a path on this app such as '/orders', not {return_path!r}")
    return "/_slipway/login?return=" + quote(return_path, safe="/")


def logout_url() -> str:
    """Where to send a user to sign out."""
    return "/_slipway/logout"


def current(request: Any = None) -> Optional[User]:
    """The signed-in user of ``request`` or ``None`` (see :meth:`Users.current`)."""
    return default_client().users.current(request)


def list(role: Optional[str] = None) -> builtins.list:  # noqa: A001 - the protocol's name
    """The users of the app's tenant (see :meth:`Users.list`)."""
    return default_client().users.list(role)
