"""Verifying the platform's task calls (tasks.verify_call)."""

import base64
import time
import unittest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from slipway import tasks


def signed_environ(key: Ed25519PrivateKey, app_id: str, task_id: str = "t1", attempt: int = 2, at: int = 0) -> dict:
    """A WSGI environ as the platform's dispatcher sends it (see server/services/tasks/task-signature.ts)."""
    sent = at or int(time.time())
    text = "\n".join(["slipway-task-v1", app_id, task_id, str(attempt), str(sent)])
    signature = base64.urlsafe_b64encode(key.sign(text.encode())).rstrip(b"=").decode()
    return {
        "wsgi.version": (1, 0),
        "HTTP_X_SLIPWAY_TASK_ID": task_id,
        "HTTP_X_SLIPWAY_TASK_ATTEMPT": str(attempt),
        "HTTP_X_SLIPWAY_TASK_QUEUE": "default",
        "HTTP_X_SLIPWAY_TASK_TIME": str(sent),
        "HTTP_X_SLIPWAY_TASK_SIGNATURE": signature,
    }


class VerifyCallTest(unittest.TestCase):
    def setUp(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        der = self.key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        self.public = base64.b64encode(der).decode()

    def verify(self, environ: dict, app_id: str = "app-1"):
        return tasks.verify_call(environ, app_id=app_id, public_key_base64=self.public)

    def test_a_signed_call_is_accepted(self) -> None:
        call = self.verify(signed_environ(self.key, "app-1"))
        self.assertEqual(call, tasks.TaskCall(id="t1", attempt=2, queue="default"))

    def test_headers_as_a_plain_mapping_work_too(self) -> None:
        environ = signed_environ(self.key, "app-1")
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
        self.assertIsNotNone(self.verify(headers))

    def test_forged_altered_foreign_and_old_calls_are_refused(self) -> None:
        other = Ed25519PrivateKey.generate()
        altered = signed_environ(self.key, "app-1")
        altered["HTTP_X_SLIPWAY_TASK_ATTEMPT"] = "3"
        cases = {
            "another key": signed_environ(other, "app-1"),
            "another app": signed_environ(self.key, "app-2"),
            "altered attempt": altered,
            "ten minutes old": signed_environ(self.key, "app-1", at=int(time.time()) - 600),
            "no headers": {"wsgi.version": (1, 0)},
        }
        for name, environ in cases.items():
            with self.subTest(name):
                self.assertIsNone(self.verify(environ))


if __name__ == "__main__":
    unittest.main()
