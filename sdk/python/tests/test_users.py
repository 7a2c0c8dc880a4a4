"""Users: identity header verification (signed like server/gateway/identity-signer.ts), the
platform fallback, user listing, and forwarding identity headers on service calls."""

from __future__ import annotations

import base64
import email.message
import os
import threading
import time
import unittest
from unittest import mock
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import slipway
from slipway import users

from .fake_platform import FakePlatform, Reply

APP_ID = "app-7f3a"
NOW = 1_790_000_000


def public_key_base64(private_key: Ed25519PrivateKey) -> str:
    der = private_key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent: UTF-8, everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) escaped."""
    return quote(text, safe="-_.!~*'()")


def signed_headers(
    private_key: Ed25519PrivateKey,
    app_id: str = APP_ID,
    user_id: str = "u-42",
    name: str = "Zoë O'Brien, Ph.D.",
    email: str = "zoe+x@example.com",
    roles=("manager", "developer"),
    at: int = NOW,
) -> dict:
    """The identity headers as identity-signer.ts's headersFor() makes them (signed text rebuilt here)."""
    values = {
        "X-Slipway-User-Id": user_id,
        "X-Slipway-User-Name": encode_uri_component(name),
        "X-Slipway-User-Email": encode_uri_component(email),
        "X-Slipway-User-Roles": ",".join(roles),
        "X-Slipway-Identity-Time": str(at),
    }
    text = "\n".join(
        [
            "slipway-identity-v1",
            app_id,
            values["X-Slipway-User-Id"],
            values["X-Slipway-User-Name"],
            values["X-Slipway-User-Email"],
            values["X-Slipway-User-Roles"],
            values["X-Slipway-Identity-Time"],
        ]
    )
    signature = private_key.sign(text.encode("utf-8"))
    values["X-Slipway-Identity-Signature"] = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    return values


def as_environ(headers: dict) -> dict:
    environ = {"wsgi.version": (1, 0), "REQUEST_METHOD": "GET", "PATH_INFO": "/"}
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


class VerificationTest(unittest.TestCase):
    def setUp(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.fake = FakePlatform().__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.users = self.fake.client(app_id=APP_ID, identity_public_key=public_key_base64(self.key)).users
        clock = mock.patch("slipway.users.time.time", return_value=NOW + 0.5)
        clock.start()
        self.addCleanup(clock.stop)

    def current(self, headers: dict):
        return self.users.current(as_environ(headers))

    def test_valid_headers_give_the_user(self) -> None:
        user = self.current(signed_headers(self.key))
        self.assertEqual(user, slipway.User("u-42", "Zoë O'Brien, Ph.D.", "zoe+x@example.com", ("manager", "developer")))
        self.assertTrue(user.has_role("manager"))
        self.assertFalse(user.has_role("admin"))
        self.assertEqual(self.fake.requests, [])  # verified locally

    def test_no_roles(self) -> None:
        self.assertEqual(self.current(signed_headers(self.key, roles=())).roles, ())

    def test_tampered_values_are_refused(self) -> None:
        for header, value in [
            ("X-Slipway-User-Id", "u-43"),
            ("X-Slipway-User-Name", "Mallory"),
            ("X-Slipway-User-Email", "mallory%40example.com"),
            ("X-Slipway-User-Roles", "manager,developer,admin"),
            ("X-Slipway-User-Roles", "developer,manager"),
            ("X-Slipway-Identity-Time", str(NOW + 1)),
        ]:
            with self.subTest(header=header, value=value):
                headers = signed_headers(self.key)
                headers[header] = value
                self.assertIsNone(self.current(headers))

    def test_another_app_is_refused(self) -> None:
        self.assertIsNone(self.current(signed_headers(self.key, app_id="another-app")))

    def test_time_window(self) -> None:
        for offset, accepted in [(-61, False), (-60, True), (-59, True), (0, True), (59, True), (60, True), (61, False)]:
            with self.subTest(offset=offset):
                # The clock reads NOW + 0.5; whole seconds as the gateway sends them.
                with mock.patch("slipway.users.time.time", return_value=NOW):
                    user = self.current(signed_headers(self.key, at=NOW + offset))
                self.assertEqual(user is not None, accepted)

    def test_bad_signatures_are_refused(self) -> None:
        headers = signed_headers(self.key)
        good = headers["X-Slipway-Identity-Signature"]
        flipped = ("B" if good[0] == "A" else "A") + good[1:]
        other = signed_headers(Ed25519PrivateKey.generate())["X-Slipway-Identity-Signature"]
        for signature in [flipped, other, "", "!!!not-base64!!!", good[:-4], "A", base64.b64encode(b"x" * 64).decode()]:
            with self.subTest(signature=signature):
                self.assertIsNone(self.current({**headers, "X-Slipway-Identity-Signature": signature}))

    def test_padded_signature_is_accepted(self) -> None:
        headers = signed_headers(self.key)
        headers["X-Slipway-Identity-Signature"] += "=" * (-len(headers["X-Slipway-Identity-Signature"]) % 4)
        self.assertIsNotNone(self.current(headers))

    def test_malformed_time_is_refused(self) -> None:
        for value in ["", "soon", "1.5", "-5", f" {NOW}"]:
            with self.subTest(value=value):
                self.assertIsNone(self.current({**signed_headers(self.key), "X-Slipway-Identity-Time": value}))

    def test_missing_headers_mean_no_user(self) -> None:
        self.assertIsNone(self.users.current({"wsgi.version": (1, 0)}))
        headers = signed_headers(self.key)
        del headers["X-Slipway-User-Name"]
        self.assertIsNone(self.current(headers))
        self.assertEqual(self.fake.requests, [])

    def test_request_objects_and_header_mappings(self) -> None:
        headers = signed_headers(self.key)
        flask_like = type("Request", (), {"environ": as_environ(headers)})()
        django_like = type("HttpRequest", (), {"META": as_environ(headers)})()
        lower = {name.lower(): value for name, value in headers.items()}
        message = email.message.Message()
        for name, value in headers.items():
            message[name.lower()] = value
        for source in (flask_like, django_like, headers, lower, message):
            with self.subTest(source=type(source).__name__):
                self.assertEqual(self.users.current(source).id, "u-42")
        with self.assertRaises(TypeError):
            self.users.current(42)

    def test_bound_request_is_the_default(self) -> None:
        with slipway.bind(as_environ(signed_headers(self.key))):
            self.assertEqual(self.users.current().id, "u-42")
        self.assertIsNone(self.users.current())

    def test_environment_configuration(self) -> None:
        env = {"SLIPWAY_APP_ID": APP_ID, "SLIPWAY_IDENTITY_PUBLIC_KEY": public_key_base64(self.key)}
        with mock.patch.dict(os.environ, env):
            client = self.fake.client()
            self.assertEqual(client.users.current(as_environ(signed_headers(self.key))).id, "u-42")
            with mock.patch.dict(os.environ, {"SLIPWAY_APP_ID": "other"}):
                self.assertIsNone(client.users.current(as_environ(signed_headers(self.key))))


class PlatformFallbackTest(unittest.TestCase):
    """Without cryptography (or the key), users/current asks the platform, forwarding the headers."""

    def setUp(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.fake = FakePlatform().__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.headers = signed_headers(self.key, at=int(time.time()))

    def test_without_cryptography(self) -> None:
        client = self.fake.client(app_id=APP_ID, identity_public_key=public_key_base64(self.key))
        self.fake.reply({"user": {"id": "u-42", "name": "Zoë", "email": "zoe@example.com", "roles": ["manager"]}})
        with mock.patch.object(users, "Ed25519PublicKey", None):
            user = client.users.current(as_environ(self.headers))
        self.assertEqual(user, slipway.User("u-42", "Zoë", "zoe@example.com", ("manager",)))
        request = self.fake.last
        self.assertEqual(request.path, "/_platform/v1/users/current")
        self.assertEqual(request.json(), {})
        for name, value in self.headers.items():
            self.assertEqual(request.header(name), value)

    def test_without_public_key(self) -> None:
        with mock.patch.dict(os.environ, {"SLIPWAY_APP_ID": "", "SLIPWAY_IDENTITY_PUBLIC_KEY": ""}):
            client = self.fake.client()
            self.fake.reply({"user": None})
            self.assertIsNone(client.users.current(as_environ(self.headers)))
        self.assertEqual(self.fake.last.path, "/_platform/v1/users/current")

    def test_current_from_platform(self) -> None:
        client = self.fake.client(app_id=APP_ID, identity_public_key=public_key_base64(self.key))
        self.fake.reply({"user": {"id": "u-42", "name": "Zoë", "email": "z@x", "roles": []}})
        with slipway.bind(as_environ(self.headers)):
            self.assertEqual(client.users.current_from_platform().id, "u-42")
        self.assertEqual(self.fake.last.header("X-Slipway-Identity-Signature"), self.headers["X-Slipway-Identity-Signature"])

    def test_malformed_public_key_is_raised(self) -> None:
        with mock.patch("slipway.users.time.time", return_value=NOW):
            headers = signed_headers(self.key)
            for bad in ("not base64!", base64.b64encode(b"garbage").decode()):
                with self.subTest(key=bad), self.assertRaises(ValueError):
                    self.fake.client(app_id=APP_ID, identity_public_key=bad).users.current(headers)

    def test_verify_identity_needs_cryptography(self) -> None:
        with mock.patch.object(users, "Ed25519PublicKey", None), self.assertRaises(RuntimeError):
            users.verify_identity(self.headers, APP_ID, public_key_base64(self.key))


class UsersOperationsTest(unittest.TestCase):
    def test_list(self) -> None:
        with FakePlatform() as fake:
            client = fake.client()
            fake.reply({"users": [{"id": "u-1", "name": "Ana", "email": "ana@example.com", "roles": ["manager"]}]})
            fake.reply({"users": []})
            self.assertEqual(client.users.list(), [slipway.User("u-1", "Ana", "ana@example.com", ("manager",))])
            self.assertEqual((fake.last.path, fake.last.json()), ("/_platform/v1/users/list", {}))
            self.assertEqual(client.users.list(role="manager"), [])
            self.assertEqual(fake.last.json(), {"role": "manager"})

    def test_login_and_logout_urls(self) -> None:
        self.assertEqual(users.login_url("/orders"), "/_slipway/login?return=/orders")
        self.assertEqual(users.login_url("/a b?x=1&y=ü"), "/_slipway/login?return=/a%20b%3Fx%3D1%26y%3D%C3%BC")
        self.assertEqual(users.login_url(), "/_slipway/login?return=/")
        self.assertEqual(slipway.Users.login_url("/x"), "/_slipway/login?return=/x")
        self.assertEqual(users.logout_url(), "/_slipway/logout")
        for bad in ("https://evil.example/", "//evil.example/", "orders"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                users.login_url(bad)


class IdentityForwardingTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakePlatform(handler=lambda request: Reply(200, {"id": "t"})).__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.client = self.fake.client()
        self.headers = signed_headers(Ed25519PrivateKey.generate())

    def forwarded(self) -> dict:
        return {name: self.fake.last.header(name) for name in slipway.IDENTITY_HEADERS if self.fake.last.header(name)}

    def test_bind_forwards_the_headers_unchanged(self) -> None:
        with slipway.bind(as_environ(self.headers)) as bound:
            self.assertEqual(bound, self.headers)
            self.client.tasks.enqueue("/a")
            self.assertEqual(self.forwarded(), self.headers)
            with slipway.bind(None):
                self.client.tasks.enqueue("/a")
                self.assertEqual(self.forwarded(), {})
            self.client.tasks.enqueue("/a")
            self.assertEqual(self.forwarded(), self.headers)
        self.client.tasks.enqueue("/a")
        self.assertEqual(self.forwarded(), {})

    def test_binding_is_per_thread(self) -> None:
        seen = []
        with slipway.bind(as_environ(self.headers)):
            thread = threading.Thread(target=lambda: seen.append(slipway._context.bound_identity()))
            thread.start()
            thread.join()
        self.assertEqual(seen, [None])

    def test_middleware_binds_while_serving(self) -> None:
        def app(environ, start_response):
            self.client.tasks.enqueue("/a")
            start_response("200 OK", [])

            def body():
                self.client.tasks.enqueue("/b")  # still bound while the response streams
                yield b"ok"

            return body()

        wrapped = slipway.IdentityMiddleware(app)
        result = wrapped(as_environ(self.headers), lambda status, headers: None)
        self.assertEqual(self.forwarded(), self.headers)
        self.assertEqual(b"".join(result), b"ok")
        self.assertEqual(self.fake.last.json(), {"path": "/b"})
        self.assertEqual(self.forwarded(), self.headers)
        result.close()
        self.client.tasks.enqueue("/c")
        self.assertEqual(self.forwarded(), {})

    def test_middleware_unbinds_when_the_app_fails(self) -> None:
        def app(environ, start_response):
            raise ValueError("broken app")

        with self.assertRaises(ValueError):
            slipway.IdentityMiddleware(app)(as_environ(self.headers), lambda *a: None)
        self.assertIsNone(slipway._context.bound_identity())


if __name__ == "__main__":
    unittest.main()
