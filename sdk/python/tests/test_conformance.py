"""The shared conformance cases (sdk/conformance/*.json), made through this SDK.

Each scenario's exchanges are served in order by the fake platform; for each one the test makes
the SDK call its ``call`` names, checks the request the SDK sent (path, JSON body, Bearer token)
against ``request``, and what the SDK returned (turned back into the wire form) against
``response.body`` — or, for an error status, that the matching SlipwayError was raised.

Against a real platform: set SLIPWAY_CONFORMANCE_SOCKET or SLIPWAY_CONFORMANCE_URL and
SLIPWAY_CONFORMANCE_TOKEN (a fresh app; the datastore scenarios expect an empty datastore). The
fake then forwards each request there, and the values under ``varying`` only need the same JSON
type.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unittest
import unittest.mock
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import slipway
from slipway import Entity, Key
from slipway._datastore_values import encode_key, encode_value
from slipway._transport import BASE_PATH, Endpoint
from slipway.errors import _BY_CODE

from .fake_platform import TOKEN, FakePlatform, Recorded, Reply

CONFORMANCE_DIR = Path(__file__).resolve().parents[2] / "conformance"
UTC = dt.timezone.utc


# --- the SDK's results in wire form -------------------------------------------------------------


def wire_key(key: Key) -> Dict[str, str]:
    return encode_key(key, "key", complete=False)


def wire_entity(entity: Entity) -> Dict[str, Any]:
    wire: Dict[str, Any] = {
        "key": wire_key(entity.key),
        "properties": {name: encode_value(value, name) for name, value in entity.items()},
    }
    if entity.version is not None:
        wire["version"] = str(entity.version)
    return wire


def put_view(client: slipway.Client, *entities: Entity) -> Dict[str, Any]:
    keys = client.datastore.put_multi(list(entities))
    return {"keys": [wire_key(key) for key in keys], "versions": [str(entity.version) for entity in entities]}


def user_view(user: slipway.User) -> Dict[str, Any]:
    return {"id": user.id, "name": user.name, "email": user.email, "roles": list(user.roles)}


# --- one SDK call per call name ------------------------------------------------------------------


def datastore_get_named_and_missing(client: slipway.Client) -> Dict[str, Any]:
    keys = [Key("Task", "weekly-report"), Key("Task", "no-such-task")]
    entities = client.datastore.get_multi(keys)
    return {
        "found": [wire_entity(entity) for entity in entities if entity is not None],
        "missing": [wire_key(key) for key, entity in zip(keys, entities) if entity is None],
    }


def datastore_query_open_tasks(client: slipway.Client) -> Dict[str, Any]:
    page = client.datastore.query("Task").filter("done", "=", False).limit(10).fetch()
    return {"entities": [wire_entity(entity) for entity in page], "cursor": page.cursor}


def users_current_asks_platform(client: slipway.Client) -> Dict[str, Any]:
    # Without the gateway's public key the SDK cannot check the headers itself and asks the platform.
    asking = slipway.Client(
        socket_path=client.transport.endpoint().socket_path, token=client.transport.token(), app_id="", identity_public_key=""
    )
    headers = {"X-Slipway-User-Id": "u-1", "X-Slipway-Identity-Time": "0", "X-Slipway-Identity-Signature": "AAAA"}
    try:
        user = asking.users.current(headers)
    finally:
        asking.close()
    return {"user": user_view(user) if user else None}


def fetch_view(response: slipway.FetchResponse) -> Dict[str, Any]:
    import base64

    return {
        "status": response.status,
        "headers": dict(response.headers),
        "body": base64.b64encode(response.content).decode(),
        "finalUrl": response.final_url,
        "redirects": response.redirects,
    }


CALLS: Dict[str, Callable[[slipway.Client], Any]] = {
    "datastore.put-new-task": lambda c: put_view(
        c, Entity(Key("Task"), {"title": "Order paper", "priority": 2, "done": False})
    ),
    "datastore.put-named-task": lambda c: put_view(
        c,
        Entity(
            Key("Task", "weekly-report"),
            {
                "title": "Weekly report",
                "priority": 5,
                "done": True,
                "due": dt.datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
                "tags": ["office", "weekly"],
                "ratio": 0.5,
                "note": None,
            },
        ),
    ),
    "datastore.get-named-and-missing": datastore_get_named_and_missing,
    "datastore.query-open-tasks": datastore_query_open_tasks,
    "datastore.delete-named": lambda c: {"deleted": c.datastore.delete_multi([Key("Task", "weekly-report")])},
    "datastore.get-bad-kind": lambda c: c.datastore.get(Key("no spaces allowed", "x")),
    "datastore.put-counter": lambda c: put_view(c, Entity(Key("Counter", "c"), {"n": 1})),
    "datastore.commit-stale-counter": lambda c: c.datastore.commit(
        puts=[Entity(Key("Counter", "c"), {"n": 2})], reads={Key("Counter", "c"): 0}
    ),
    "users.list-all": lambda c: {"users": [user_view(user) for user in c.users.list()]},
    "users.list-managers": lambda c: {"users": [user_view(user) for user in c.users.list(role="manager")]},
    "users.current-asks-platform": users_current_asks_platform,
    "urlfetch.fetch-metadata-address": lambda c: fetch_view(c.urlfetch.fetch("http://169.254.169.254/latest/meta-data/")),
    "urlfetch.post-every-option-to-metadata-address": lambda c: fetch_view(
        c.urlfetch.fetch(
            "http://169.254.169.254/hooks/paid",
            method="POST",
            headers={"Content-Type": "application/json"},
            body=b'{"order":17}',
            timeout=5,
            max_response_bytes=65536,
            follow_redirects=False,
        )
    ),
    "urlfetch.link-to-supplier": lambda c: {"url": c.urlfetch.link("https://supplier.example/catalogue?item=7")},
    "urlfetch.fetch-unknown-method": lambda c: fetch_view(c.urlfetch.fetch("https://example.com/", method="brew")),
    "urlfetch.extract-metadata-address": lambda c: c.urlfetch.extract(
        "http://169.254.169.254/", {"title": "title", "links": {"selector": "a", "attribute": "href", "all": True}}
    ),
    "push.channel-for-topic": lambda c: _channel_view(c.push.channel(topic="orders")),
    "push.send-to-topic": lambda c: _send_view(c.push.send({"order": 17, "state": "approved"}, topic="orders")),
    "push.send-to-topic-with-ttl": lambda c: _send_view(c.push.send("refresh", topic="orders", ttl_seconds=60)),
    "messaging.mail-text": lambda c: _mail_view(
        c.messaging.mail("ana@example.com", "Your expense report", "Report 17 was approved.")
    ),
    "messaging.mail-html": lambda c: _mail_view(
        c.messaging.mail(
            ["ana@example.com", "ben@example.com"],
            "Expense reports this week",
            "2 approved, 1 waiting.",
            html="<p>2 approved, <b>1 waiting</b>.</p>",
        )
    ),
    "tasks.enqueue-payload": lambda c: {"id": c.tasks.enqueue("/tasks/mail", {"report": 17})},
    "tasks.enqueue-options": lambda c: {
        "id": c.tasks.enqueue("/tasks/cleanup", method="POST", delay_seconds=3600, max_attempts=3)
    },
}


def _channel_view(channel: slipway.Channel) -> Dict[str, Any]:
    return {"channel": channel.channel, "token": channel.token, "clientScript": channel.client_script}


def _send_view(result: slipway.SendResult) -> Dict[str, Any]:
    return {"delivered": result.delivered, "queued": result.queued}


def _mail_view(receipt: slipway.MailReceipt) -> Dict[str, Any]:
    return {"id": receipt.id, "via": receipt.via}


# --- running the scenarios -----------------------------------------------------------------------


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def differences(actual: Any, expected: Any, varying: List[str], path: str = "", extra_ok: bool = False) -> List[str]:
    """Where ``actual`` differs from ``expected`` as JSON (``True`` is not ``1``).

    Under a ``varying`` path only the JSON type counts; ``extra_ok`` allows members ``expected``
    does not list at the top level (problem+json extensions such as a refused ``host``).
    """
    if path in varying:
        same = json_type(actual) == json_type(expected)
        return [] if same else [f"{path or '.'}: {json_type(actual)} instead of {json_type(expected)}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}.{name}: missing" for name in expected if name not in actual]
        if not extra_ok:
            found += [f"{path}.{name}: unexpected" for name in actual if name not in expected]
        for name in expected.keys() & actual.keys():
            found += differences(actual[name], expected[name], varying, f"{path}.{name}" if path else name)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        found = []
        for index, (a, e) in enumerate(zip(actual, expected)):
            found += differences(a, e, varying, f"{path}.{index}" if path else str(index))
        return found
    if json_type(actual) == json_type(expected) and actual == expected:
        return []
    return [f"{path or '.'}: {actual!r} instead of {expected!r}"]


def live_target() -> Optional[tuple]:
    """The real platform to forward to, from SLIPWAY_CONFORMANCE_*; None to replay the files."""
    token = os.environ.get("SLIPWAY_CONFORMANCE_TOKEN")
    socket_path = os.environ.get("SLIPWAY_CONFORMANCE_SOCKET")
    url = os.environ.get("SLIPWAY_CONFORMANCE_URL")
    if not token or not (socket_path or url):
        return None
    return (Endpoint(socket_path=socket_path) if socket_path else Endpoint.from_url(url or ""), token)


def forwarder(endpoint: Endpoint, token: str) -> Callable[[Recorded], Reply]:
    def forward(request: Recorded) -> Reply:
        connection = endpoint.connect(60)
        try:
            path = endpoint.base_path + request.path[len(BASE_PATH) :]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": request.header("content-type") or ""}
            connection.request("POST", path, body=request.body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.read(), content_type=response.getheader("Content-Type"))
        finally:
            connection.close()

    return forward


def scenario_files() -> List[Path]:
    return sorted(CONFORMANCE_DIR.glob("*.json"))


class ConformanceTest(unittest.TestCase):
    maxDiff = None

    def test_the_cases_exist(self) -> None:
        names = [path.name for path in scenario_files()]
        self.assertIn("datastore.json", names)

    def test_every_mapped_call_is_used(self) -> None:
        used = {
            exchange["call"]
            for path in scenario_files()
            for scenario in json.loads(path.read_text())
            for exchange in scenario["exchanges"]
        }
        self.assertEqual(set(CALLS) - used, set(), "calls mapped here that no scenario names any more")

    def test_scenarios(self) -> None:
        live = live_target()
        for path in scenario_files():
            for scenario in json.loads(path.read_text(encoding="utf-8")):
                with self.subTest(file=path.name, scenario=scenario["scenario"]):
                    self.run_scenario(scenario, live)

    def run_scenario(self, scenario: Dict[str, Any], live: Optional[tuple]) -> None:
        with FakePlatform(handler=forwarder(*live) if live else None) as fake:
            client = fake.client(token=TOKEN)
            for exchange in scenario["exchanges"]:
                name = exchange["call"]
                with self.subTest(call=name):
                    call = CALLS.get(name)
                    if call is None:
                        self.fail(f"unknown call {name!r}: map it to an SDK call in test_conformance.CALLS")
                    self.run_exchange(fake, client, call, exchange, live is not None)
            self.assertEqual(fake.failures, [])

    def run_exchange(self, fake: FakePlatform, client: slipway.Client, call: Callable, exchange: Dict[str, Any], live: bool) -> None:
        expected = exchange["response"]
        varying = exchange.get("varying", []) if live else []
        if not live:
            fake.reply(Reply(expected["status"], expected["body"]))
        before = len(fake.requests)
        if expected["status"] >= 400:
            with self.assertRaises(slipway.SlipwayError) as caught:
                call(client)
            error = caught.exception
            body = expected["body"]
            self.assertIs(type(error), _BY_CODE.get(body["code"], slipway.SlipwayError))
            self.assertEqual((error.status, error.code), (expected["status"], body["code"]))
            self.assertEqual(differences(error.problem, body, varying, extra_ok=live), [])
            if "detail" not in varying:
                self.assertEqual(error.detail, body["detail"])
        else:
            result = call(client)
            self.assertEqual(differences(result, expected["body"], varying), [], f"SDK returned {result!r}")
        sent = fake.requests[before:]
        self.assertEqual(len(sent), 1, f"the call made {len(sent)} requests instead of 1")
        self.assertEqual(sent[0].method, "POST")
        self.assertEqual(sent[0].path, exchange["request"]["path"])
        self.assertEqual(sent[0].header("Authorization"), f"Bearer {TOKEN}")
        self.assertEqual(differences(sent[0].json(), exchange["request"]["body"], []), [], f"the SDK sent {sent[0].json()!r}")


def vary(body: Any, varying: List[str]) -> Any:
    """``body`` with each varying value replaced by another of the same type, as a real server's would be."""
    body = json.loads(json.dumps(body))
    for path in varying:
        *parents, last = path.split(".")
        holder = body
        for part in parents:
            holder = holder[int(part)] if isinstance(holder, list) else holder[part]
        index: Any = int(last) if isinstance(holder, list) else last
        value = holder[index]
        if isinstance(value, str):
            holder[index] = str(int(value) + 7) if value.isdigit() else value + "-live"
        elif isinstance(value, bool):
            holder[index] = not value
        elif isinstance(value, (int, float)):
            holder[index] = value + 3
        elif isinstance(value, list):
            holder[index] = []
    return body


class LiveModeTest(unittest.TestCase):
    """The forwarding mode, against a stand-in platform whose generated values differ from the files'."""

    def test_scenarios_pass_through_a_forwarding_fake(self) -> None:
        answers = {}
        for path in scenario_files():
            for scenario in json.loads(path.read_text(encoding="utf-8")):
                for exchange in scenario["exchanges"]:
                    request = exchange["request"]
                    key = (request["path"], json.dumps(request["body"], sort_keys=True))
                    response = exchange["response"]
                    answers[key] = Reply(response["status"], vary(response["body"], exchange.get("varying", [])))

        def platform(request: Recorded) -> Reply:
            self.assertEqual(request.header("Authorization"), "Bearer live-token")
            return answers[(request.path, json.dumps(request.json(), sort_keys=True))]

        with FakePlatform(handler=platform) as stand_in:
            env = {
                "SLIPWAY_CONFORMANCE_SOCKET": stand_in.socket_path,
                "SLIPWAY_CONFORMANCE_TOKEN": "live-token",
            }
            with unittest.mock.patch.dict(os.environ, env):
                result = unittest.TestResult()
                ConformanceTest("test_scenarios").run(result)
        self.assertEqual([failure for _, failure in result.failures + result.errors], [])
        self.assertEqual(len(stand_in.requests), sum(len(s["exchanges"]) for p in scenario_files() for s in json.loads(p.read_text())))


if __name__ == "__main__":
    unittest.main()
