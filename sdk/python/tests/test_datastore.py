"""The Datastore: value encoding, operations and queries (transactions: test_datastore_transactions)."""

from __future__ import annotations

import datetime as dt
import decimal
import pickle
import unittest

import slipway
from slipway import Entity, Key
from slipway._datastore_values import INT64_MAX, INT64_MIN, decode_value, encode_value

from .fake_platform import FakePlatform, problem

UTC = dt.timezone.utc


class KeyTest(unittest.TestCase):
    def test_forms(self) -> None:
        self.assertEqual(Key("Task", "a"), Key("Task", name="a"))
        self.assertEqual(Key("Task", 17), Key("Task", id=17))
        self.assertNotEqual(Key("Task", "17"), Key("Task", 17))
        self.assertFalse(Key("Task").is_complete)
        self.assertTrue(Key("Task", 1).is_complete)
        self.assertEqual(repr(Key("Task", "a")), "Key('Task', 'a')")
        self.assertEqual(repr(Key("Task")), "Key('Task')")
        self.assertEqual(len({Key("Task", "a"), Key("Task", "a"), Key("Task", 1)}), 2)
        self.assertEqual(pickle.loads(pickle.dumps(Key("Task", 5))), Key("Task", 5))

    def test_refusals(self) -> None:
        for args, kwargs in [
            (("",), {}),
            ((None,), {}),
            (("T", ""), {}),
            (("T", 0), {}),
            (("T", True), {}),
            (("T", INT64_MAX + 1), {}),
            (("T", "a"), {"id": 3}),
            (("T",), {"name": "a", "id": 3}),
        ]:
            with self.subTest(args=args, kwargs=kwargs), self.assertRaises((TypeError, ValueError)):
                Key(*args, **kwargs)

    def test_immutable(self) -> None:
        with self.assertRaises(AttributeError):
            Key("Task", "a").name = "b"  # type: ignore[misc]


class ValueEncodingTest(unittest.TestCase):
    def round_trip(self, value, wire) -> None:
        self.assertEqual(encode_value(value, "p"), wire)
        decoded = decode_value(wire)
        self.assertEqual(decoded, value)
        self.assertIs(type(decoded), type(value) if not isinstance(value, tuple) else list)

    def test_scalars(self) -> None:
        self.round_trip(None, {"nullValue": None})
        self.round_trip(True, {"booleanValue": True})
        self.round_trip(False, {"booleanValue": False})
        self.round_trip(0, {"integerValue": "0"})
        self.round_trip(42, {"integerValue": "42"})
        self.round_trip(INT64_MAX, {"integerValue": "9223372036854775807"})
        self.round_trip(INT64_MIN, {"integerValue": "-9223372036854775808"})
        self.round_trip(1.5, {"doubleValue": 1.5})
        self.round_trip(-0.0, {"doubleValue": -0.0})
        self.round_trip("x ü 😀", {"stringValue": "x ü 😀"})
        self.round_trip(b"\x00\xffhi", {"bytesValue": "AP9oaQ=="})
        self.round_trip(b"", {"bytesValue": ""})
        self.round_trip(Key("Task", "a"), {"keyValue": {"kind": "Task", "name": "a"}})
        self.round_trip(Key("Task", INT64_MAX), {"keyValue": {"kind": "Task", "id": str(INT64_MAX)}})

    def test_bool_is_not_int(self) -> None:
        self.assertEqual(encode_value(True, "p"), {"booleanValue": True})
        self.assertEqual(encode_value(1, "p"), {"integerValue": "1"})

    def test_int64_range(self) -> None:
        for value in (INT64_MAX + 1, INT64_MIN - 1, 10**30):
            with self.subTest(value=value), self.assertRaisesRegex(ValueError, "int64"):
                encode_value(value, "p")

    def test_non_finite_floats_are_refused(self) -> None:
        for value in (float("nan"), float("inf"), float("-inf")):
            with self.assertRaises(ValueError):
                encode_value(value, "p")

    def test_datetimes(self) -> None:
        moment = dt.datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
        self.round_trip(moment, {"timestampValue": "2026-11-27T09:00:00.000Z"})
        self.round_trip(dt.datetime(1, 1, 1, tzinfo=UTC), {"timestampValue": "0001-01-01T00:00:00.000Z"})
        self.round_trip(
            dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC), {"timestampValue": "9999-12-31T23:59:59.999Z"}
        )
        paris = dt.timezone(dt.timedelta(hours=1))
        self.assertEqual(
            encode_value(dt.datetime(2026, 11, 27, 10, 0, 0, 123456, tzinfo=paris), "p"),
            {"timestampValue": "2026-11-27T09:00:00.123Z"},  # in UTC, to the millisecond
        )
        decoded = decode_value({"timestampValue": "2026-11-27T10:00:00.123456789+01:00"})
        self.assertEqual(decoded, dt.datetime(2026, 11, 27, 9, 0, 0, 123456, tzinfo=UTC))
        self.assertEqual(decoded.tzinfo, UTC)

    def test_naive_datetime_is_refused_clearly(self) -> None:
        with self.assertRaisesRegex(ValueError, r"due.*naive datetime.*timezone\.utc"):
            encode_value(dt.datetime(2026, 1, 1), "property 'due'")

    def test_date_is_refused(self) -> None:
        with self.assertRaisesRegex(TypeError, "date without a time"):
            encode_value(dt.date(2026, 1, 1), "p")

    def test_lists(self) -> None:
        self.round_trip(
            ["a", 1, None, Key("K", 2)],
            {"arrayValue": [{"stringValue": "a"}, {"integerValue": "1"}, {"nullValue": None}, {"keyValue": {"kind": "K", "id": "2"}}]},
        )
        self.round_trip([], {"arrayValue": []})
        self.assertEqual(encode_value(("a",), "p"), {"arrayValue": [{"stringValue": "a"}]})

    def test_nested_lists_are_refused(self) -> None:
        with self.assertRaisesRegex(TypeError, r"tags\[1\]: lists cannot contain lists"):
            encode_value(["a", ["b"]], "tags")

    def test_unsupported_types_are_refused(self) -> None:
        for value in (decimal.Decimal("1.5"), {"a": 1}, {1, 2}, object()):
            with self.subTest(value=value), self.assertRaises(TypeError):
                encode_value(value, "p")

    def test_incomplete_key_value_is_refused(self) -> None:
        with self.assertRaisesRegex(ValueError, "no name or id"):
            encode_value(Key("Task"), "p")

    def test_integer_value_may_be_a_json_number(self) -> None:
        self.assertEqual(decode_value({"integerValue": 7}), 7)
        self.assertEqual(decode_value({"doubleValue": 2}), 2.0)


class DatastoreTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakePlatform().__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.ds = self.fake.client().datastore

    def test_put_new_entity_gets_its_key_and_version(self) -> None:
        self.fake.reply({"keys": [{"kind": "Task", "id": "9007199254740993"}], "versions": ["1"]})
        task = Entity("Task", {"title": "Order paper", "done": False, "due": dt.datetime(2026, 1, 2, tzinfo=UTC)})
        key = self.ds.put(task)
        self.assertEqual(self.fake.last.path, "/_platform/v1/datastore/put")
        self.assertEqual(
            self.fake.last.json(),
            {
                "entities": [
                    {
                        "key": {"kind": "Task"},
                        "properties": {
                            "title": {"stringValue": "Order paper"},
                            "done": {"booleanValue": False},
                            "due": {"timestampValue": "2026-01-02T00:00:00.000Z"},
                        },
                    }
                ]
            },
        )
        self.assertEqual(key, Key("Task", 9007199254740993))  # beyond a double's exact range
        self.assertEqual((task.key, task.version), (key, 1))

    def test_put_refuses_bad_values_before_sending(self) -> None:
        with self.assertRaisesRegex(ValueError, r"Key\('Task', 'a'\) property 'due'.*naive"):
            self.ds.put(Entity(Key("Task", "a"), {"due": dt.datetime(2026, 1, 1)}))
        with self.assertRaisesRegex(TypeError, r"entities\[1\].*property 'x'"):
            self.ds.put_multi([Entity(Key("T", "a")), Entity(Key("T", "b"), {"x": {1}})])
        self.assertEqual(self.fake.requests, [])

    def test_get_multi_keeps_order_and_marks_missing(self) -> None:
        self.fake.reply(
            {
                "found": [
                    {"key": {"kind": "T", "id": "2"}, "properties": {"n": {"integerValue": "5"}}, "version": "3"},
                    {"key": {"kind": "T", "name": "a"}, "properties": {}, "version": "1"},
                ],
                "missing": [{"kind": "T", "name": "zzz"}],
            }
        )
        first, missing, second = self.ds.get_multi([Key("T", "a"), Key("T", "zzz"), Key("T", 2)])
        self.assertEqual(
            self.fake.last.json(),
            {"keys": [{"kind": "T", "name": "a"}, {"kind": "T", "name": "zzz"}, {"kind": "T", "id": "2"}]},
        )
        self.assertIsNone(missing)
        self.assertEqual((first.key, first.version, dict(first)), (Key("T", "a"), 1, {}))
        self.assertEqual((second.key, second.version, second["n"]), (Key("T", 2), 3, 5))

    def test_get_missing_is_none(self) -> None:
        self.fake.reply({"found": [], "missing": [{"kind": "T", "name": "a"}]})
        self.assertIsNone(self.ds.get(Key("T", "a")))

    def test_get_needs_complete_keys(self) -> None:
        with self.assertRaises(ValueError):
            self.ds.get(Key("T"))

    def test_empty_batches_make_no_call(self) -> None:
        self.assertEqual(self.ds.get_multi([]), [])
        self.assertEqual(self.ds.put_multi([]), [])
        self.assertEqual(self.ds.delete_multi([]), 0)
        self.assertEqual(self.fake.requests, [])

    def test_delete(self) -> None:
        self.fake.reply({"deleted": 1}).reply({"deleted": 0}).reply({"deleted": 2})
        self.assertTrue(self.ds.delete(Key("T", "a")))
        self.assertEqual(self.fake.last.json(), {"keys": [{"kind": "T", "name": "a"}]})
        self.assertFalse(self.ds.delete(Key("T", "b")))
        self.assertEqual(self.ds.delete_multi([Key("T", 1), Key("T", 2)]), 2)
        self.assertEqual(self.fake.last.path, "/_platform/v1/datastore/delete")

    def test_errors_carry_the_detail(self) -> None:
        self.fake.reply(problem(400, "invalid-input", "keys[0].kind: not a valid kind"))
        with self.assertRaises(slipway.InvalidInputError) as caught:
            self.ds.get(Key("no spaces", "x"))
        self.assertEqual(caught.exception.detail, "keys[0].kind: not a valid kind")


class QueryTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakePlatform().__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.ds = self.fake.client().datastore

    def test_builder_wire_form(self) -> None:
        base = self.ds.query("Task").filter("done", "=", False)
        full = (
            base.filter("tags", "in", ["a", "b"])
            .filter("__key__", ">", Key("Task", 5))
            .order("priority", descending=True)
            .order("title")
            .limit(20)
            .start_cursor("c1")
            .keys_only()
        )
        self.assertEqual(base.to_wire(), {"kind": "Task", "filters": [{"property": "done", "op": "=", "value": {"booleanValue": False}}]})
        self.assertEqual(
            full.to_wire(),
            {
                "kind": "Task",
                "filters": [
                    {"property": "done", "op": "=", "value": {"booleanValue": False}},
                    {"property": "tags", "op": "in", "value": {"arrayValue": [{"stringValue": "a"}, {"stringValue": "b"}]}},
                    {"property": "__key__", "op": ">", "value": {"keyValue": {"kind": "Task", "id": "5"}}},
                ],
                "orders": [{"property": "priority", "direction": "desc"}, {"property": "title", "direction": "asc"}],
                "limit": 20,
                "cursor": "c1",
                "keysOnly": True,
            },
        )
        self.assertEqual(self.ds.query("Task").to_wire(), {"kind": "Task"})

    def test_builder_refusals(self) -> None:
        query = self.ds.query("Task")
        with self.assertRaises(ValueError):
            query.filter("a", "==", 1)
        with self.assertRaises(TypeError):
            query.filter("a", "in", "abc")
        with self.assertRaises(TypeError):
            query.filter("a", "=", [1, 2])
        with self.assertRaises(ValueError):
            query.limit(0)
        with self.assertRaises(ValueError):
            query.filter("due", "<", dt.datetime(2026, 1, 1))

    def test_fetch_one_page(self) -> None:
        self.fake.reply(
            {
                "entities": [{"key": {"kind": "Task", "id": "1"}, "properties": {"title": {"stringValue": "x"}}, "version": "4"}],
                "cursor": "next",
            }
        )
        page = self.ds.query("Task").limit(1).fetch()
        self.assertEqual(self.fake.last.path, "/_platform/v1/datastore/query")
        self.assertEqual(self.fake.last.json(), {"query": {"kind": "Task", "limit": 1}})
        self.assertEqual(page.cursor, "next")
        self.assertEqual([(e.key, e.version, e["title"]) for e in page], [(Key("Task", 1), 4, "x")])

    def test_iteration_follows_cursors(self) -> None:
        def entity(n):
            return {"key": {"kind": "T", "id": str(n)}, "properties": {}}

        self.fake.reply({"entities": [entity(1), entity(2)], "cursor": "c1"})
        self.fake.reply({"entities": [entity(3)], "cursor": "c2"})
        self.fake.reply({"entities": [], "cursor": None})
        keys = [e.key.id for e in self.ds.query("T").limit(2)]
        self.assertEqual(keys, [1, 2, 3])
        self.assertEqual([r.json()["query"].get("cursor") for r in self.fake.requests], [None, "c1", "c2"])
        self.assertIsNone(self.fake.requests[0].json()["query"].get("version"))

    def test_keys_only_entities_have_no_version(self) -> None:
        self.fake.reply({"entities": [{"key": {"kind": "T", "name": "a"}, "properties": {}}], "cursor": None})
        (entity,) = self.ds.query("T").keys_only().fetch()
        self.assertIsNone(entity.version)


class EntityTest(unittest.TestCase):
    def test_dict_behaviour(self) -> None:
        entity = Entity(Key("T", "a"), {"x": 1})
        entity["y"] = [1, 2]
        self.assertEqual(entity.kind, "T")
        self.assertEqual(entity, Entity(Key("T", "a"), {"x": 1, "y": [1, 2]}))
        self.assertNotEqual(entity, Entity(Key("T", "b"), {"x": 1, "y": [1, 2]}))
        copy = entity.copy()
        self.assertIsInstance(copy, Entity)
        self.assertEqual(copy, entity)
        with self.assertRaises(TypeError):
            Entity(42)  # type: ignore[arg-type]


if __name__ == "__main__":
    unittest.main()
