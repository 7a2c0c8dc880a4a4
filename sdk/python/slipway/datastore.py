"""The Datastore: entities of a kind, found by key or by query, written in optimistic transactions.

Use the module-level functions (the client configured from the environment)::

    from slipway import datastore
    from slipway.datastore import Entity, Key

    task = Entity(Key("Task"), {"title": "Order paper", "done": False})
    key = datastore.put(task)                        # Key('Task', 1): an id was allocated
    open_tasks = datastore.query("Task").filter("done", "=", False).fetch()

or the same methods on ``slipway.Client(...).datastore``.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

from ._datastore_values import (
    Entity,
    Key,
    decode_entity,
    decode_key,
    encode_entity,
    encode_key,
    encode_keys,
    encode_value,
)
from ._default import default_client
from ._transport import Transport
from .errors import ConflictError

__all__ = [
    "Key",
    "Entity",
    "Query",
    "Page",
    "Datastore",
    "Transaction",
    "FILTER_OPERATORS",
    "get",
    "get_multi",
    "put",
    "put_multi",
    "delete",
    "delete_multi",
    "query",
    "commit",
    "transaction",
]

#: The comparison operators of :meth:`Query.filter`.
FILTER_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in")
#: How many times :meth:`Datastore.transaction` runs its function before giving up on conflicts.
TRANSACTION_ATTEMPTS = 5

T = TypeVar("T")


class Page(List[Entity]):
    """One page of query results (a list of entities) and the ``cursor`` of the next page.

    ``cursor`` is ``None`` when no more results follow.
    """

    def __init__(self, entities: Iterable[Entity], cursor: Optional[str]) -> None:
        super().__init__(entities)
        self.cursor = cursor

    def __repr__(self) -> str:
        return f"Page({list.__repr__(self)}, cursor={self.cursor!r})"


class Query:
    """A query on one kind, built by chaining; every builder returns a new query.

    ::

        q = datastore.query("Task").filter("done", "=", False).order("priority", descending=True).limit(20)
        page = q.fetch()                 # one request: up to 20 tasks, and page.cursor
        for task in q: ...               # every match, following the cursors page by page
    """

    def __init__(self, kind: str, datastore: Optional["Datastore"] = None) -> None:
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"a query's kind must be a non-empty str, not {kind!r}")
        self.kind = kind
        self._datastore = datastore
        self._filters: Tuple[Dict[str, Any], ...] = ()
        self._orders: Tuple[Dict[str, str], ...] = ()
        self._limit: Optional[int] = None
        self._cursor: Optional[str] = None
        self._keys_only = False

    def _with(self, **changes: Any) -> "Query":
        twin = object.__new__(Query)
        twin.__dict__.update(self.__dict__)
        twin.__dict__.update(changes)
        return twin

    def filter(self, property: str, op: str, value: Any) -> "Query":
        """Keeps entities whose ``property`` compares with ``value`` by ``op``.

        ``op`` is one of ``= != < <= > >= in``; ``in`` takes a list of candidate values. Filter on
        ``"__key__"`` with :class:`Key` values to select by key.
        """
        if op not in FILTER_OPERATORS:
            raise ValueError(f"filter op must be one of {' '.join(FILTER_OPERATORS)}, not {op!r}")
        where = f"filter on {property!r}"
        if op == "in":
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"{where}: 'in' takes a list of candidate values, not {type(value).__name__}")
        elif isinstance(value, (list, tuple)):
            raise TypeError(f"{where}: a list cannot be compared with {op!r}; use 'in' to match any of several values")
        condition = {"property": property, "op": op, "value": encode_value(value, where)}
        return self._with(_filters=self._filters + (condition,))

    def order(self, property: str, descending: bool = False) -> "Query":
        """Sorts by ``property`` (after the sorts already given)."""
        return self._with(_orders=self._orders + ({"property": property, "direction": "desc" if descending else "asc"},))

    def limit(self, count: int) -> "Query":
        """At most ``count`` entities per request (1–1000; the platform's default is 100)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"limit must be a positive int, not {count!r}")
        return self._with(_limit=count)

    def start_cursor(self, cursor: Optional[str]) -> "Query":
        """Continues after the page whose ``cursor`` this is (``None`` starts from the beginning)."""
        return self._with(_cursor=cursor)

    def keys_only(self, keys_only: bool = True) -> "Query":
        """Returns entities with their keys only: no properties and no version."""
        return self._with(_keys_only=bool(keys_only))

    def to_wire(self) -> Dict[str, Any]:
        """The ``query`` member of a ``datastore/query`` request (members left unset are omitted)."""
        wire: Dict[str, Any] = {"kind": self.kind}
        if self._filters:
            wire["filters"] = [dict(condition) for condition in self._filters]
        if self._orders:
            wire["orders"] = [dict(order) for order in self._orders]
        if self._limit is not None:
            wire["limit"] = self._limit
        if self._cursor is not None:
            wire["cursor"] = self._cursor
        if self._keys_only:
            wire["keysOnly"] = True
        return wire

    def fetch(self) -> Page:
        """Runs the query once: one page of entities, with the cursor of the next."""
        datastore = self._datastore or default_client().datastore
        answer = datastore._transport.call("datastore", "query", {"query": self.to_wire()})
        return Page((decode_entity(entity) for entity in answer["entities"]), answer.get("cursor"))

    def __iter__(self) -> Iterator[Entity]:
        """Every matching entity, fetching page after page (of ``limit`` entities) on demand."""
        query: Query = self
        while True:
            page = query.fetch()
            yield from page
            if page.cursor is None or page.cursor == query._cursor:
                return
            query = query.start_cursor(page.cursor)

    def __repr__(self) -> str:
        return f"Query({self.to_wire()!r})"


class Datastore:
    """The Datastore operations of one client (see the module documentation)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def get(self, key: Key) -> Optional[Entity]:
        """The entity with ``key``, or ``None``."""
        return self.get_multi([key])[0]

    def get_multi(self, keys: Sequence[Key]) -> List[Optional[Entity]]:
        """The entities with ``keys``, in the same order, ``None`` where one does not exist."""
        found, _ = self._read(keys)
        return [found.get(key) for key in keys]

    def _read(self, keys: Sequence[Key]) -> Tuple[Dict[Key, Entity], List[Key]]:
        keys = list(keys)
        if not keys:
            return {}, []
        answer = self._transport.call("datastore", "get", {"keys": encode_keys(keys, "keys")})
        found = {entity.key: entity for entity in map(decode_entity, answer.get("found", []))}
        return found, [decode_key(key) for key in answer.get("missing", [])]

    def put(self, entity: Entity) -> Key:
        """Writes ``entity`` and returns its complete key; sets ``entity.key`` and ``entity.version``."""
        return self.put_multi([entity])[0]

    def put_multi(self, entities: Sequence[Entity]) -> List[Key]:
        """Writes ``entities`` at once (all or none) and returns their keys in order."""
        entities = list(entities)
        if not entities:
            return []
        wire = [encode_entity(entity, _where(entities, index)) for index, entity in enumerate(entities)]
        answer = self._transport.call("datastore", "put", {"entities": wire})
        return _apply_written(entities, answer)

    def delete(self, key: Key) -> bool:
        """Deletes the entity with ``key``; True when there was one."""
        return self.delete_multi([key]) > 0

    def delete_multi(self, keys: Sequence[Key]) -> int:
        """Deletes the entities with ``keys``; returns how many existed."""
        keys = list(keys)
        if not keys:
            return 0
        return int(self._transport.call("datastore", "delete", {"keys": encode_keys(keys, "keys")})["deleted"])

    def query(self, kind: str) -> Query:
        """A :class:`Query` on ``kind`` run by this datastore."""
        return Query(kind, self)

    def commit(
        self,
        puts: Sequence[Entity] = (),
        deletes: Sequence[Key] = (),
        reads: Union[Mapping[Key, int], Iterable[Tuple[Key, int]]] = (),
    ) -> List[Key]:
        """Writes ``puts`` and ``deletes`` at once if every key in ``reads`` is still at its version.

        ``reads`` maps keys to the versions seen (0: the entity did not exist). Raises
        :class:`~slipway.ConflictError` when one changed. Returns the keys of ``puts`` and sets
        their ``key`` and ``version``. :meth:`transaction` is the usual way to call this.
        """
        puts, deletes = list(puts), list(deletes)
        pairs = reads.items() if isinstance(reads, Mapping) else reads
        body = {
            "reads": [
                {"key": encode_key(key, f"reads[{index}]"), "version": str(int(version))}
                for index, (key, version) in enumerate(pairs)
            ],
            "puts": [encode_entity(entity, _where(puts, index)) for index, entity in enumerate(puts)],
            "deletes": encode_keys(deletes, "deletes"),
        }
        answer = self._transport.call("datastore", "commit", body)
        return _apply_written(puts, answer)

    def transaction(self, fn: Callable[["Transaction"], T], attempts: int = TRANSACTION_ATTEMPTS) -> T:
        """Runs ``fn(tx)`` and commits what it wrote, running it again on a conflict.

        ``tx.get`` reads entities and remembers their versions; ``tx.put`` and ``tx.delete`` are
        held until ``fn`` returns, then committed together only if nothing read has changed.
        When something has, ``fn`` runs again with fresh reads, at most ``attempts`` times in
        all; the last :class:`~slipway.ConflictError` is raised if every attempt lost. Returns
        what ``fn`` returned. ``fn`` may run more than once, so it should only change the
        datastore through ``tx``::

            def add_one(tx):
                counter = tx.get(Key("Counter", "visits")) or Entity(Key("Counter", "visits"), {"n": 0})
                counter["n"] += 1
                tx.put(counter)
                return counter["n"]

            visits = datastore.transaction(add_one)
        """
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        for attempt in range(1, attempts + 1):
            tx = Transaction(self)
            result = fn(tx)
            try:
                tx._commit()
            except ConflictError:
                if attempt == attempts:
                    raise
                # Racing writers that retry at once collide again; a short random pause spreads them.
                time.sleep(random.uniform(0.005, 0.02) * attempt)
                continue
            return result
        raise AssertionError("unreachable")


class Transaction:
    """What one run of a transaction function reads and writes (see :meth:`Datastore.transaction`)."""

    def __init__(self, datastore: Datastore) -> None:
        self._datastore = datastore
        self._reads: Dict[Key, int] = {}
        self._puts: List[Entity] = []
        self._deletes: List[Key] = []
        self._done = False

    def get(self, key: Key) -> Optional[Entity]:
        """Reads the entity with ``key`` (``None`` if absent) and remembers the version seen."""
        return self.get_multi([key])[0]

    def get_multi(self, keys: Sequence[Key]) -> List[Optional[Entity]]:
        """Reads several entities (``None`` where absent), remembering the versions seen."""
        self._check_open()
        found, _ = self._datastore._read(keys)
        for key in keys:
            entity = found.get(key)
            # The first version seen is the one the function's decisions rest on.
            self._reads.setdefault(key, (entity.version or 0) if entity is not None else 0)
        return [found.get(key) for key in keys]

    def put(self, entity: Entity) -> None:
        """Writes ``entity`` when the transaction commits (its key and version are set then)."""
        self.put_multi([entity])

    def put_multi(self, entities: Sequence[Entity]) -> None:
        """Writes ``entities`` when the transaction commits."""
        self._check_open()
        for index, entity in enumerate(entities):
            encode_entity(entity, _where(entities, index))  # refuse bad values now, not at commit
        self._puts.extend(entities)

    def delete(self, key: Key) -> None:
        """Deletes the entity with ``key`` when the transaction commits."""
        self.delete_multi([key])

    def delete_multi(self, keys: Sequence[Key]) -> None:
        """Deletes the entities with ``keys`` when the transaction commits."""
        self._check_open()
        encode_keys(keys, "deletes")
        self._deletes.extend(keys)

    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError("this transaction has already committed; use the tx of the current run")

    def _commit(self) -> List[Key]:
        self._done = True
        return self._datastore.commit(self._puts, self._deletes, self._reads)


def _where(entities: Sequence[Entity], index: int) -> str:
    key = getattr(entities[index], "key", None)
    return f"entity {key!r}" if len(entities) == 1 else f"entities[{index}] {key!r}"


def _apply_written(entities: List[Entity], answer: Mapping[str, Any]) -> List[Key]:
    keys = [decode_key(key) for key in answer.get("keys", [])]
    versions = answer.get("versions", [])
    for index, entity in enumerate(entities):
        if index < len(keys):
            entity.key = keys[index]
        if index < len(versions):
            entity.version = int(versions[index])
    return keys


def get(key: Key) -> Optional[Entity]:
    """The entity with ``key``, or ``None`` (see :meth:`Datastore.get`)."""
    return default_client().datastore.get(key)


def get_multi(keys: Sequence[Key]) -> List[Optional[Entity]]:
    """The entities with ``keys`` in order, ``None`` where absent (see :meth:`Datastore.get_multi`)."""
    return default_client().datastore.get_multi(keys)


def put(entity: Entity) -> Key:
    """Writes ``entity``; returns its complete key (see :meth:`Datastore.put`)."""
    return default_client().datastore.put(entity)


def put_multi(entities: Sequence[Entity]) -> List[Key]:
    """Writes ``entities`` at once (see :meth:`Datastore.put_multi`)."""
    return default_client().datastore.put_multi(entities)


def delete(key: Key) -> bool:
    """Deletes the entity with ``key`` (see :meth:`Datastore.delete`)."""
    return default_client().datastore.delete(key)


def delete_multi(keys: Sequence[Key]) -> int:
    """Deletes the entities with ``keys`` (see :meth:`Datastore.delete_multi`)."""
    return default_client().datastore.delete_multi(keys)


def query(kind: str) -> Query:
    """A :class:`Query` on ``kind`` (run by the default client when fetched)."""
    return Query(kind)


def commit(
    puts: Sequence[Entity] = (),
    deletes: Sequence[Key] = (),
    reads: Union[Mapping[Key, int], Iterable[Tuple[Key, int]]] = (),
) -> List[Key]:
    """Writes if nothing read has changed (see :meth:`Datastore.commit`)."""
    return default_client().datastore.commit(puts, deletes, reads)


def transaction(fn: Callable[[Transaction], T], attempts: int = TRANSACTION_ATTEMPTS) -> T:
    """Runs ``fn(tx)`` in an optimistic transaction (see :meth:`Datastore.transaction`)."""
    return default_client().datastore.transaction(fn, attempts)
