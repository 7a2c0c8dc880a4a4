"""Datastore transactions: optimistic commits, retries on conflict, and their limits."""

from __future__ import annotations

import unittest
from unittest import mock

import slipway
from slipway import Entity, Key

from .fake_platform import FakePlatform, Reply, problem


class TransactionTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakePlatform().__enter__()
        self.addCleanup(self.fake.__exit__, None, None, None)
        self.ds = self.fake.client().datastore
        sleep = mock.patch("slipway.datastore.time.sleep")
        self.sleep = sleep.start()
        self.addCleanup(sleep.stop)
        self.counter = Key("Counter", "c")

    def counter_state(self, n: int, version: int) -> Reply:
        return Reply(
            200,
            {"found": [{"key": {"kind": "Counter", "name": "c"}, "properties": {"n": {"integerValue": str(n)}}, "version": str(version)}], "missing": []},
        )

    def add_one(self, tx: slipway.Transaction) -> int:
        counter = tx.get(self.counter) or Entity(self.counter, {"n": 0})
        counter["n"] += 1
        tx.put(counter)
        return counter["n"]

    def test_commit_sends_reads_puts_deletes(self) -> None:
        self.fake.reply(self.counter_state(1, 3))
        self.fake.reply({"found": [], "missing": [{"kind": "Counter", "name": "other"}]})
        self.fake.reply({"keys": [{"kind": "Counter", "name": "c"}], "versions": ["4"]})

        def work(tx):
            counter = tx.get(self.counter)
            self.assertIsNone(tx.get(Key("Counter", "other")))
            counter["n"] = 2
            tx.put(counter)
            tx.delete(Key("Counter", "old"))
            return "done"

        self.assertEqual(self.ds.transaction(work), "done")
        commit = self.fake.last
        self.assertEqual(commit.path, "/_platform/v1/datastore/commit")
        self.assertEqual(
            commit.json(),
            {
                "reads": [
                    {"key": {"kind": "Counter", "name": "c"}, "version": "3"},
                    {"key": {"kind": "Counter", "name": "other"}, "version": "0"},
                ],
                "puts": [{"key": {"kind": "Counter", "name": "c"}, "properties": {"n": {"integerValue": "2"}}}],
                "deletes": [{"kind": "Counter", "name": "old"}],
            },
        )

    def test_retries_on_conflict_then_succeeds(self) -> None:
        self.fake.reply(self.counter_state(1, 1))
        self.fake.reply(problem(409, "conflict", "Counter c changed"))
        self.fake.reply(self.counter_state(5, 2))
        self.fake.reply({"keys": [{"kind": "Counter", "name": "c"}], "versions": ["3"]})
        self.assertEqual(self.ds.transaction(self.add_one), 6)
        commits = [r.json() for r in self.fake.requests if r.path.endswith("/commit")]
        self.assertEqual([c["reads"][0]["version"] for c in commits], ["1", "2"])
        self.assertEqual([c["puts"][0]["properties"]["n"] for c in commits], [{"integerValue": "2"}, {"integerValue": "6"}])
        self.assertEqual(self.sleep.call_count, 1)

    def test_gives_up_after_five_attempts(self) -> None:
        calls = []

        def handler(request):
            calls.append(request.path)
            if request.path.endswith("/get"):
                return self.counter_state(1, len(calls))
            return problem(409, "conflict", f"lost race {len(calls) // 2}")

        self.fake.handler = handler
        with self.assertRaises(slipway.ConflictError) as caught:
            self.ds.transaction(self.add_one)
        self.assertEqual(caught.exception.detail, "lost race 5")
        self.assertEqual(len(calls), 10)
        self.assertEqual(calls.count("/_platform/v1/datastore/commit"), 5)

    def test_other_errors_are_not_retried(self) -> None:
        self.fake.reply(self.counter_state(1, 1))
        self.fake.reply(problem(400, "invalid-input", "bad"))
        with self.assertRaises(slipway.InvalidInputError):
            self.ds.transaction(self.add_one)
        self.assertEqual(len(self.fake.requests), 2)

    def test_exception_in_fn_commits_nothing(self) -> None:
        self.fake.reply(self.counter_state(1, 1))

        def fail(tx):
            tx.get(self.counter)
            raise KeyError("boom")

        with self.assertRaises(KeyError):
            self.ds.transaction(fail)
        self.assertEqual(len(self.fake.requests), 1)

    def test_new_entity_in_transaction_gets_its_key(self) -> None:
        self.fake.reply({"keys": [{"kind": "Task", "id": "12"}], "versions": ["1"]})
        task = Entity("Task", {"title": "x"})
        self.ds.transaction(lambda tx: tx.put(task))
        self.assertEqual(self.fake.last.json(), {"reads": [], "puts": [{"key": {"kind": "Task"}, "properties": {"title": {"stringValue": "x"}}}], "deletes": []})
        self.assertEqual((task.key, task.version), (Key("Task", 12), 1))

    def test_stale_transaction_object_is_refused(self) -> None:
        self.fake.reply({"keys": [], "versions": []})
        kept = []
        self.ds.transaction(kept.append)
        with self.assertRaises(RuntimeError):
            kept[0].put(Entity(Key("T", "a")))

    def test_commit_directly(self) -> None:
        self.fake.reply(problem(409, "conflict", "changed"))
        with self.assertRaises(slipway.ConflictError):
            self.ds.commit(puts=[Entity(self.counter, {"n": 2})], reads={self.counter: 0})
        self.assertEqual(
            self.fake.last.json(),
            {
                "reads": [{"key": {"kind": "Counter", "name": "c"}, "version": "0"}],
                "puts": [{"key": {"kind": "Counter", "name": "c"}, "properties": {"n": {"integerValue": "2"}}}],
                "deletes": [],
            },
        )
