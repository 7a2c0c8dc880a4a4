"""The transport: where calls go, what they carry, connection reuse, and errors."""

from __future__ import annotations

import os
import threading
import unittest
from unittest import mock

import slipway
from slipway import errors

from .fake_platform import TOKEN, FakePlatform, Reply, problem

ENV_NAMES = (
    "SLIPWAY_SERVICES_SOCKET",
    "SLIPWAY_SERVICES_URL",
    "SLIPWAY_SERVICES_TOKEN",
    "SLIPWAY_APP_ID",
    "SLIPWAY_IDENTITY_PUBLIC_KEY",
)


def clean_env(**values: str) -> mock._patch:
    """Patches os.environ: no Slipway variables but ``values``."""
    env = {name: value for name, value in os.environ.items() if name not in ENV_NAMES}
    env.update(values)
    return mock.patch.dict(os.environ, env, clear=True)


class EnvironmentTest(unittest.TestCase):
    def tearDown(self) -> None:
        previous = slipway.set_default_client(None)
        if previous is not None:
            previous.close()

    def test_missing_socket_is_a_clear_error(self) -> None:
        with clean_env():
            with self.assertRaises(slipway.NotOnSlipwayError) as caught:
                slipway.tasks.enqueue("/tasks/x")
        self.assertIn("not running on Slipway: SLIPWAY_SERVICES_SOCKET is not set", str(caught.exception))
        self.assertIsInstance(caught.exception, slipway.SlipwayError)
        self.assertIsNone(caught.exception.status)

    def test_missing_token_is_a_clear_error(self) -> None:
        with FakePlatform() as fake, clean_env(SLIPWAY_SERVICES_SOCKET=fake.socket_path):
            with self.assertRaises(slipway.NotOnSlipwayError) as caught:
                slipway.tasks.enqueue("/tasks/x")
        self.assertIn("SLIPWAY_SERVICES_TOKEN is not set", str(caught.exception))
        self.assertEqual(fake.requests, [])

    def test_module_functions_follow_the_environment(self) -> None:
        with FakePlatform() as fake, clean_env(SLIPWAY_SERVICES_SOCKET=fake.socket_path, SLIPWAY_SERVICES_TOKEN="env-token"):
            fake.reply({"id": "t-1"})
            self.assertEqual(slipway.tasks.enqueue("/tasks/x"), "t-1")
        self.assertEqual(fake.last.header("Authorization"), "Bearer env-token")
        self.assertEqual(fake.last.path, "/_platform/v1/tasks/enqueue")

    def test_services_url_from_the_environment(self) -> None:
        with FakePlatform(tcp=True) as fake, clean_env(SLIPWAY_SERVICES_URL=fake.url, SLIPWAY_SERVICES_TOKEN="t"):
            fake.reply({"id": "t-2"})
            self.assertEqual(slipway.tasks.enqueue("/tasks/x"), "t-2")
        self.assertEqual(fake.last.path, "/_platform/v1/tasks/enqueue")

    def test_socket_wins_over_url(self) -> None:
        with FakePlatform() as fake, clean_env(
            SLIPWAY_SERVICES_SOCKET=fake.socket_path, SLIPWAY_SERVICES_URL="http://127.0.0.1:9/x", SLIPWAY_SERVICES_TOKEN="t"
        ):
            fake.reply({"id": "t-3"})
            self.assertEqual(slipway.tasks.enqueue("/tasks/x"), "t-3")

    def test_explicit_settings_win_over_the_environment(self) -> None:
        with FakePlatform() as fake, clean_env(SLIPWAY_SERVICES_SOCKET="/nonexistent.sock", SLIPWAY_SERVICES_TOKEN="env"):
            fake.reply({"id": "t-4"})
            self.assertEqual(fake.client(token="explicit").tasks.enqueue("/x"), "t-4")
        self.assertEqual(fake.last.header("Authorization"), "Bearer explicit")

    def test_set_default_client(self) -> None:
        with FakePlatform() as fake, clean_env():
            fake.reply({"id": "t-5"})
            slipway.set_default_client(fake.client())
            self.assertEqual(slipway.tasks.enqueue("/x"), "t-5")

    def test_bad_url_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            slipway.Client(url="ftp://example.com/x")
        with self.assertRaises(ValueError):
            slipway.Client(socket_path="/a", url="http://b/")


class RequestTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakePlatform().__enter__()
        self.client = self.fake.client()

    def tearDown(self) -> None:
        self.client.close()
        self.fake.__exit__(None, None, None)
        self.assertEqual(self.fake.failures, [])

    def test_request_line_and_headers(self) -> None:
        self.fake.reply({"id": "1"})
        self.client.tasks.enqueue("/tasks/a", {"x": "é"})
        request = self.fake.last
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.path, "/_platform/v1/tasks/enqueue")
        self.assertEqual(request.header("Host"), "platform")
        self.assertEqual(request.header("Authorization"), f"Bearer {TOKEN}")
        self.assertEqual(request.header("Content-Type"), "application/json")
        self.assertEqual(request.json(), {"path": "/tasks/a", "payload": {"x": "é"}})
        self.assertIsNone(request.header("X-Slipway-User-Id"))

    def test_connection_is_reused(self) -> None:
        for _ in range(3):
            self.fake.reply({"id": "1"})
            self.client.tasks.enqueue("/tasks/a")
        self.assertEqual({request.connection for request in self.fake.requests}, {1})

    def test_each_thread_has_its_own_connection(self) -> None:
        self.fake.handler = lambda request: Reply(200, {"id": "1"})
        failures = []

        def work() -> None:
            try:
                for _ in range(5):
                    self.client.tasks.enqueue("/tasks/a")
                self.client.close()
            except Exception as error:  # noqa: BLE001
                failures.append(error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])
        self.assertEqual(len(self.fake.requests), 20)
        self.assertEqual(len({request.connection for request in self.fake.requests}), 4)

    def test_a_connection_closed_while_idle_is_replaced(self) -> None:
        self.fake.reply({"id": "1"}, drop_connection=True)
        self.fake.reply({"id": "2"})
        self.assertEqual(self.client.tasks.enqueue("/a"), "1")
        self.assertEqual(self.client.tasks.enqueue("/b"), "2")
        self.assertEqual([request.connection for request in self.fake.requests], [1, 2])
        self.assertEqual(self.fake.last.json(), {"path": "/b"})

    def test_connection_close_header_is_honoured(self) -> None:
        self.fake.reply({"id": "1"}, headers={"Connection": "close"})
        self.fake.reply({"id": "2"})
        self.client.tasks.enqueue("/a")
        self.client.tasks.enqueue("/b")
        self.assertEqual([request.connection for request in self.fake.requests], [1, 2])

    def test_a_connection_inherited_across_fork_is_not_reused(self) -> None:
        self.fake.handler = lambda request: Reply(200, {"id": "1"})
        self.client.tasks.enqueue("/a")
        inherited = self.client.transport._local.connection
        with mock.patch("slipway._transport.os.getpid", return_value=os.getpid() + 1):
            self.client.tasks.enqueue("/b")
        self.assertEqual([request.connection for request in self.fake.requests], [1, 2])
        self.assertIsNotNone(inherited.sock)  # left open: it is the parent's
        inherited.close()

    def test_unreachable_socket(self) -> None:
        client = slipway.Client(socket_path=os.path.join(self.fake.directory, "missing.sock"), token="t")
        self.addCleanup(client.close)
        with self.assertRaises(slipway.ServiceUnavailableError) as caught:
            client.tasks.enqueue("/a")
        self.assertIn("cannot reach the platform services at unix:", caught.exception.detail)
        self.assertEqual(caught.exception.code, "unavailable")

    def test_timeout(self) -> None:
        release = threading.Event()

        def slow(request):
            release.wait(5)
            return Reply(200, {"id": "late"})

        self.fake.handler = slow
        client = self.fake.client(timeout=0.2)
        try:
            with self.assertRaises(slipway.ServiceUnavailableError) as caught:
                client.tasks.enqueue("/a")
            self.assertIn("did not answer in time", caught.exception.detail)
        finally:
            release.set()

    def test_too_large_body_is_refused_before_sending(self) -> None:
        with self.assertRaises(slipway.TooLargeError):
            self.client.tasks.enqueue("/a", "x" * (10 * 1024 * 1024 + 1))
        self.assertEqual(self.fake.requests, [])


class ErrorMappingTest(unittest.TestCase):
    CASES = [
        (400, "invalid-input", slipway.InvalidInputError),
        (401, "unauthenticated", slipway.UnauthenticatedError),
        (403, "forbidden", slipway.ForbiddenError),
        (404, "not-found", slipway.NotFoundError),
        (409, "conflict", slipway.ConflictError),
        (413, "too-large", slipway.TooLargeError),
        (415, "unsupported", slipway.UnsupportedError),
        (424, "failed-dependency", slipway.FailedDependencyError),
        (429, "too-many-requests", slipway.TooManyRequestsError),
    ]

    def test_every_code_maps_to_its_error(self) -> None:
        with FakePlatform() as fake:
            client = fake.client()
            for status, code, cls in self.CASES:
                with self.subTest(code=code):
                    fake.reply(problem(status, code, f"because {code}"))
                    with self.assertRaises(cls) as caught:
                        client.tasks.enqueue("/a")
                    error = caught.exception
                    self.assertIsInstance(error, slipway.SlipwayError)
                    self.assertEqual((error.status, error.code, error.detail), (status, code, f"because {code}"))
                    self.assertEqual(str(error), f"{code} ({status}): because {code}")
                    self.assertEqual(error.problem["title"], code)

    def test_forbidden_service_names_it(self) -> None:
        with FakePlatform() as fake:
            fake.reply(problem(403, "forbidden", "the contract does not include push", service="push"))
            with self.assertRaises(slipway.ForbiddenError) as caught:
                fake.client().push.send("hi", topic="t")
        self.assertEqual(caught.exception.service, "push")

    def test_retry_after(self) -> None:
        with FakePlatform() as fake:
            reply = problem(429, "too-many-requests", "slow down")
            reply.headers["Retry-After"] = "7"
            fake.reply(reply)
            with self.assertRaises(slipway.TooManyRequestsError) as caught:
                fake.client().tasks.enqueue("/a")
        self.assertEqual(caught.exception.retry_after, 7)

    def test_error_without_problem_body(self) -> None:
        with FakePlatform() as fake:
            client = fake.client()
            fake.reply(Reply(502, b"<html>Bad Gateway</html>", content_type="text/html"))
            with self.assertRaises(slipway.ServiceUnavailableError) as caught:
                client.tasks.enqueue("/a")
            self.assertEqual((caught.exception.status, caught.exception.code), (502, "unavailable"))
            self.assertIn("Bad Gateway", caught.exception.detail)
            fake.reply(Reply(404, b"no", content_type="text/plain"))
            with self.assertRaises(slipway.NotFoundError):
                client.tasks.enqueue("/a")
            fake.reply(Reply(500, b"", content_type="text/plain"))
            with self.assertRaises(slipway.SlipwayError) as caught:
                client.tasks.enqueue("/a")
            self.assertEqual(caught.exception.code, "internal")

    def test_unknown_code_is_the_base_error(self) -> None:
        with FakePlatform() as fake:
            fake.reply(problem(418, "teapot", "short and stout"))
            with self.assertRaises(slipway.SlipwayError) as caught:
                fake.client().tasks.enqueue("/a")
        self.assertIs(type(caught.exception), slipway.SlipwayError)
        self.assertEqual(caught.exception.code, "teapot")

    def test_answer_that_is_not_json(self) -> None:
        with FakePlatform() as fake:
            fake.reply(Reply(200, b"not json", content_type="text/plain"))
            with self.assertRaises(slipway.ServiceUnavailableError):
                fake.client().tasks.enqueue("/a")

    def test_errors_module_exports(self) -> None:
        for name in errors.__all__:
            self.assertIs(getattr(slipway, name), getattr(errors, name))


if __name__ == "__main__":
    unittest.main()
