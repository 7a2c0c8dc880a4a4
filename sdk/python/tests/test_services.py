"""Images, URL fetch, push, messaging and tasks: what each call sends and how answers are read."""

from __future__ import annotations

import base64
import datetime as dt
import json
import unittest

import slipway
from slipway.urlfetch import Headers

from .fake_platform import FakePlatform, Reply, problem

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


class ServiceTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakePlatform().__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.client = self.fake.client()


class ImagesTest(ServiceTest):
    def test_info(self) -> None:
        self.fake.reply({"format": "png", "width": 640, "height": 480, "hasAlpha": True, "bytes": len(PNG)})
        info = self.client.images.info(PNG)
        request = self.fake.last
        self.assertEqual(request.path, "/_platform/v1/images/info")
        self.assertEqual(request.header("Content-Type"), "application/octet-stream")
        self.assertEqual(request.body, PNG)
        self.assertEqual(info, slipway.ImageInfo("png", 640, 480, None, True, len(PNG)))
        self.fake.reply({"format": "jpeg", "width": 3, "height": 4, "orientation": 6, "hasAlpha": False, "bytes": 9})
        self.assertEqual(self.client.images.info(bytearray(b"123")).orientation, 6)

    def test_transform(self) -> None:
        self.fake.reply(
            Reply(200, b"WEBPDATA", content_type="image/webp", headers={"Slipway-Image-Width": "200", "Slipway-Image-Height": "150"})
        )
        spec = {"operations": [{"op": "rotate", "degrees": 90}, {"op": "resize", "width": 200, "fit": "inside"}], "output": {"format": "webp", "quality": 70}, "autoOrient": True}
        image = self.client.images.transform(PNG, spec)
        request = self.fake.last
        self.assertEqual(request.path, "/_platform/v1/images/transform")
        self.assertEqual(request.body, PNG)
        self.assertEqual(json.loads(request.header("Slipway-Image-Spec")), spec)
        self.assertEqual(image, slipway.Image(b"WEBPDATA", "image/webp", 200, 150))
        self.assertEqual(image.format, "webp")

    def test_helpers(self) -> None:
        self.fake.handler = lambda request: Reply(200, b"x", content_type="image/jpeg")
        self.client.images.resize(PNG, width=100)
        self.assertEqual(json.loads(self.fake.last.header("Slipway-Image-Spec")), {"operations": [{"op": "resize", "width": 100}]})
        self.client.images.resize(PNG, 100, 50, fit="cover", format="jpeg", quality=80)
        self.assertEqual(
            json.loads(self.fake.last.header("Slipway-Image-Spec")),
            {"operations": [{"op": "resize", "width": 100, "height": 50, "fit": "cover"}], "output": {"format": "jpeg", "quality": 80}},
        )
        image = self.client.images.thumbnail(PNG, 64, format="png")
        self.assertEqual(
            json.loads(self.fake.last.header("Slipway-Image-Spec")),
            {"operations": [{"op": "thumbnail", "size": 64}], "output": {"format": "png"}},
        )
        self.assertEqual((image.width, image.height), (None, None))
        with self.assertRaises(ValueError):
            self.client.images.resize(PNG)
        with self.assertRaises(TypeError):
            self.client.images.info("not bytes")  # type: ignore[arg-type]

    def test_errors(self) -> None:
        self.fake.reply(problem(415, "unsupported", "not an image format the platform reads"))
        with self.assertRaises(slipway.UnsupportedError) as caught:
            self.client.images.info(b"hello")
        self.assertEqual(caught.exception.detail, "not an image format the platform reads")

    def test_images_may_be_larger_than_other_bodies(self) -> None:
        self.fake.reply({"format": "png", "width": 1, "height": 1, "hasAlpha": False, "bytes": 1})
        self.client.images.info(b"\0" * (11 * 1024 * 1024))
        with self.assertRaises(slipway.TooLargeError):
            self.client.images.info(b"\0" * (32 * 1024 * 1024 + 1))


class URLFetchTest(ServiceTest):
    def answer(self, **overrides) -> dict:
        answer = {
            "status": 200,
            "headers": {"content-type": "application/json; charset=utf-8"},
            "body": base64.b64encode('{"rate": 1.5, "currency": "€"}'.encode()).decode(),
            "finalUrl": "https://api.example.com/rates",
            "redirects": [],
        }
        answer.update(overrides)
        return answer

    def test_get(self) -> None:
        self.fake.reply(self.answer())
        response = self.client.urlfetch.fetch("https://api.example.com/rates")
        self.assertEqual(self.fake.last.path, "/_platform/v1/urlfetch/fetch")
        self.assertEqual(self.fake.last.json(), {"url": "https://api.example.com/rates", "method": "GET"})
        self.assertTrue(response.ok)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response.json(), {"rate": 1.5, "currency": "€"})
        self.assertIn("€", response.text)
        self.assertEqual(response.final_url, "https://api.example.com/rates")

    def test_every_option(self) -> None:
        self.fake.reply(self.answer(status=404, redirects=["https://b.example/", "https://c.example/"], finalUrl="https://c.example/"))
        response = self.client.urlfetch.fetch(
            "https://a.example/",
            method="put",
            headers={"X-Api-Key": "k"},
            body=b"\x00\x01",
            timeout=2.5,
            max_response_bytes=1000,
            follow_redirects=False,
        )
        self.assertEqual(
            self.fake.last.json(),
            {
                "url": "https://a.example/",
                "method": "PUT",
                "headers": {"X-Api-Key": "k"},
                "body": "AAE=",
                "timeoutMs": 2500,
                "maxResponseBytes": 1000,
                "followRedirects": False,
            },
        )
        self.assertFalse(response.ok)
        self.assertEqual(response.redirects, ["https://b.example/", "https://c.example/"])

    def test_json_body_is_a_post(self) -> None:
        self.fake.reply(self.answer())
        self.client.urlfetch.fetch("https://hooks.example/x", json={"event": "paid"})
        sent = self.fake.last.json()
        self.assertEqual(sent["method"], "POST")
        self.assertEqual(sent["headers"], {"Content-Type": "application/json"})
        self.assertEqual(json.loads(base64.b64decode(sent["body"])), {"event": "paid"})
        self.fake.reply(self.answer())
        self.client.urlfetch.fetch("https://hooks.example/x", body="é")
        self.assertEqual(base64.b64decode(self.fake.last.json()["body"]), "é".encode())
        with self.assertRaises(TypeError):
            self.client.urlfetch.fetch("https://x.example/", body="a", json={})

    def test_text_uses_the_charset(self) -> None:
        self.fake.reply(self.answer(headers={"Content-Type": "text/plain; charset=iso-8859-1"}, body=base64.b64encode("café".encode("latin-1")).decode()))
        self.assertEqual(self.client.urlfetch.fetch("https://x.example/").text, "café")

    def test_refusal(self) -> None:
        self.fake.reply(problem(403, "forbidden", "refused: 10.0.0.1 is a private address"))
        with self.assertRaises(slipway.ForbiddenError) as caught:
            self.client.urlfetch.fetch("http://10.0.0.1/")
        self.assertEqual(caught.exception.detail, "refused: 10.0.0.1 is a private address")

    def test_extract(self) -> None:
        self.fake.reply({"status": 200, "finalUrl": "https://example.com/news", "fields": {"headline": "Hello", "links": ["/a", "/b"], "missing": None}})
        result = self.client.urlfetch.extract(
            "https://example.com/news",
            {"headline": "h1", "links": {"selector": "a", "attribute": "href", "all": True}, "missing": "blink"},
        )
        self.assertEqual(
            self.fake.last.json(),
            {
                "url": "https://example.com/news",
                "fields": {
                    "headline": {"selector": "h1"},
                    "links": {"selector": "a", "attribute": "href", "all": True},
                    "missing": {"selector": "blink"},
                },
            },
        )
        self.assertEqual(result, slipway.ExtractResult(200, "https://example.com/news", {"headline": "Hello", "links": ["/a", "/b"], "missing": None}))

    def test_headers_ignore_case(self) -> None:
        headers = Headers({"Content-Type": "text/html", "x-a": "1"})
        self.assertEqual(headers["content-type"], "text/html")
        self.assertIn("X-A", headers)
        self.assertEqual(headers.get("missing"), None)
        self.assertEqual(sorted(headers), ["Content-Type", "x-a"])


class PushTest(ServiceTest):
    def test_channel(self) -> None:
        self.fake.reply({"channel": "user:u-1", "token": "tok", "clientScript": "/_slipway/push.js"})
        channel = self.client.push.channel(user="u-1")
        self.assertEqual((self.fake.last.path, self.fake.last.json()), ("/_platform/v1/push/channel", {"user": "u-1"}))
        self.assertEqual(channel, slipway.Channel("user:u-1", "tok", "/_slipway/push.js"))
        self.fake.reply({"channel": "topic:orders", "token": "t2", "clientScript": "/s.js"})
        self.client.push.channel(topic="orders")
        self.assertEqual(self.fake.last.json(), {"topic": "orders"})

    def test_send(self) -> None:
        self.fake.reply({"delivered": 2, "queued": 1})
        result = self.client.push.send({"order": 17}, user=slipway.User("u-1", "Ana", "a@x", ()), ttl_seconds=60)
        self.assertEqual(self.fake.last.path, "/_platform/v1/push/send")
        self.assertEqual(self.fake.last.json(), {"user": "u-1", "message": {"order": 17}, "ttlSeconds": 60})
        self.assertEqual(result, slipway.SendResult(2, 1))
        self.fake.reply({"delivered": 0, "queued": 0})
        self.client.push.send("hi", topic="orders")
        self.assertEqual(self.fake.last.json(), {"topic": "orders", "message": "hi"})

    def test_audience_is_one_of_user_or_topic(self) -> None:
        with self.assertRaises(ValueError):
            self.client.push.send("hi")
        with self.assertRaises(ValueError):
            self.client.push.channel(user="u", topic="t")
        self.assertEqual(self.fake.requests, [])


class MessagingTest(ServiceTest):
    def test_mail(self) -> None:
        self.fake.reply({"id": "m-1", "via": "outbox"})
        receipt = self.client.messaging.mail("ana@example.com", "Report", "Ready.")
        self.assertEqual(self.fake.last.path, "/_platform/v1/messaging/mail")
        self.assertEqual(self.fake.last.json(), {"to": ["ana@example.com"], "subject": "Report", "text": "Ready."})
        self.assertEqual(receipt, slipway.MailReceipt("m-1", "outbox"))
        self.fake.reply({"id": "m-2", "via": "smtp"})
        self.client.messaging.mail(["a@x", "b@x"], "S", "T", html="<p>T</p>")
        self.assertEqual(self.fake.last.json(), {"to": ["a@x", "b@x"], "subject": "S", "text": "T", "html": "<p>T</p>"})

    def test_message(self) -> None:
        self.fake.reply({"id": "msg-9"})
        self.assertEqual(self.client.messaging.message("u-1", "Approve", "Report 17"), "msg-9")
        self.assertEqual(self.fake.last.path, "/_platform/v1/messaging/message")
        self.assertEqual(self.fake.last.json(), {"user": "u-1", "subject": "Approve", "body": "Report 17"})


class TasksTest(ServiceTest):
    def test_enqueue(self) -> None:
        self.fake.handler = lambda request: Reply(200, {"id": "task-1"})
        self.assertEqual(self.client.tasks.enqueue("/tasks/mail"), "task-1")
        self.assertEqual((self.fake.last.path, self.fake.last.json()), ("/_platform/v1/tasks/enqueue", {"path": "/tasks/mail"}))
        self.client.tasks.enqueue(
            "/tasks/mail", {"report": 17}, method="put", delay_seconds=dt.timedelta(minutes=2), max_attempts=3, queue="mail"
        )
        self.assertEqual(
            self.fake.last.json(),
            {"path": "/tasks/mail", "method": "PUT", "payload": {"report": 17}, "delaySeconds": 120, "maxAttempts": 3, "queue": "mail"},
        )
        self.client.tasks.enqueue("/t", None, delay_seconds=5)
        self.assertEqual(self.fake.last.json(), {"path": "/t", "payload": None, "delaySeconds": 5})
        with self.assertRaises(ValueError):
            self.client.tasks.enqueue("tasks/mail")


if __name__ == "__main__":
    unittest.main()
