"""Keys, entities and the tagged value encoding of the Datastore's wire format."""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import math
import re
from typing import Any, Dict, Iterable, Mapping, Optional, Union

__all__ = ["Key", "Entity"]

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
_UTC = _dt.timezone.utc
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


class Key:
    """An entity's key: a kind and a name (``str``) or a numeric id (``int``), or neither.

    ``Key("Task", "weekly-report")`` and ``Key("Task", 17)`` are complete; ``Key("Task")`` is
    incomplete and gets an id when the entity is put. Keys are immutable and hashable.
    """

    __slots__ = ("kind", "name", "id")
    kind: str
    name: Optional[str]
    id: Optional[int]

    def __init__(
        self, kind: str, id_or_name: Union[int, str, None] = None, *, name: Optional[str] = None, id: Optional[int] = None
    ) -> None:
        if id_or_name is not None:
            if name is not None or id is not None:
                raise TypeError("Key takes the name or id once: positionally or by keyword")
            if isinstance(id_or_name, str):
                name = id_or_name
            else:
                id = id_or_name
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"a key's kind must be a non-empty str, not {kind!r}")
        if name is not None and id is not None:
            raise TypeError("a key has a name or an id, not both")
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(f"a key's name must be a non-empty str, not {name!r}")
        if id is not None and (isinstance(id, bool) or not isinstance(id, int) or not 1 <= id <= INT64_MAX):
            raise ValueError(f"a key's id must be an int from 1 to {INT64_MAX}, not {id!r}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "id", id)

    def __setattr__(self, attribute: str, value: Any) -> None:
        raise AttributeError("Key is immutable")

    @property
    def is_complete(self) -> bool:
        """True when the key has a name or an id."""
        return self.name is not None or self.id is not None

    @property
    def id_or_name(self) -> Union[int, str, None]:
        """The name or the id, whichever the key has."""
        return self.name if self.name is not None else self.id

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return (self.kind, self.name, self.id) == (other.kind, other.name, other.id)

    def __hash__(self) -> int:
        return hash((self.kind, self.name, self.id))

    def __repr__(self) -> str:
        if not self.is_complete:
            return f"Key({self.kind!r})"
        return f"Key({self.kind!r}, {self.id_or_name!r})"

    def __reduce__(self) -> Any:
        return (_key, (self.kind, self.name, self.id))


def _key(kind: str, name: Optional[str], id: Optional[int]) -> Key:
    return Key(kind, name=name, id=id)


class Entity(dict):
    """An entity: a ``dict`` of properties plus its ``key`` and ``version``.

    Property values are ``None``, ``bool``, ``int`` (int64), ``float``, ``str``, ``bytes``,
    timezone-aware ``datetime`` (stored in UTC, to the millisecond), :class:`Key`, or a ``list``
    of those (not of lists). ``version`` is set by reads and writes (``None`` until then); it
    increases with every write of the entity.
    """

    def __init__(self, key: Union[Key, str], properties: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(properties or {})
        if isinstance(key, str):
            key = Key(key)
        if not isinstance(key, Key):
            raise TypeError(f"an entity's key must be a Key or a kind, not {type(key).__name__}")
        self.key: Key = key
        self.version: Optional[int] = None

    @property
    def kind(self) -> str:
        """The kind of the entity's key."""
        return self.key.kind

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity):
            return NotImplemented
        return self.key == other.key and dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # mutable, like dict

    def __repr__(self) -> str:
        version = f", version={self.version}" if self.version is not None else ""
        return f"Entity({self.key!r}, {dict.__repr__(self)}{version})"

    def copy(self) -> "Entity":
        """A shallow copy with the same key and version."""
        twin = Entity(self.key, self)
        twin.version = self.version
        return twin


def encode_key(key: Any, path: str, complete: bool = True) -> Dict[str, str]:
    """The wire form of a key; ``complete`` refuses a key without a name or an id."""
    if not isinstance(key, Key):
        raise TypeError(f"{path}: expected a Key, not {type(key).__name__}")
    if complete and not key.is_complete:
        raise ValueError(f"{path}: {key!r} has no name or id (only a key being put may lack one)")
    wire = {"kind": key.kind}
    if key.name is not None:
        wire["name"] = key.name
    elif key.id is not None:
        wire["id"] = str(key.id)
    return wire


def decode_key(wire: Mapping[str, Any]) -> Key:
    """A key from its wire form (ids are decimal strings)."""
    id = wire.get("id")
    return Key(wire["kind"], name=wire.get("name"), id=int(id) if id is not None else None)


def format_timestamp(value: _dt.datetime, path: str) -> str:
    """RFC 3339 in UTC with milliseconds, as the platform stores it (finer digits are dropped)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{path}: a naive datetime ({value.isoformat()}) has no time zone, so the moment it names "
            "is unknown; use an aware one, e.g. datetime.now(timezone.utc) or dt.replace(tzinfo=timezone.utc)"
        )
    utc = value.astimezone(_UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        f".{utc.microsecond // 1000:03d}Z"
    )


def parse_timestamp(text: str) -> _dt.datetime:
    """An aware UTC datetime from RFC 3339 text (any offset, up to nanoseconds)."""
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    micros = int((match.group(7) or "").ljust(6, "0")[:6])
    offset = _dt.timedelta(0)
    if match.group(9):
        offset = _dt.timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
        offset = -offset if match.group(9) == "-" else offset
    moment = _dt.datetime(year, month, day, hour, minute, second, micros, tzinfo=_dt.timezone(offset))
    return moment.astimezone(_UTC)


def encode_value(value: Any, path: str, in_array: bool = False) -> Dict[str, Any]:
    """The tagged wire form of a native value; ``path`` names it in errors."""
    if value is None:
        return {"nullValue": None}
    # bool before int: True is an int in Python but a booleanValue on the wire.
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"{path}: {value} is outside the int64 range {INT64_MIN} to {INT64_MAX}")
        return {"integerValue": str(int(value))}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value} is not stored (only finite floats are)")
        return {"doubleValue": float(value)}
    if isinstance(value, str):
        return {"stringValue": str(value)}
    if isinstance(value, _dt.datetime):
        return {"timestampValue": format_timestamp(value, path)}
    if isinstance(value, _dt.date):
        raise TypeError(f"{path}: a date without a time is not stored; use an aware datetime (midnight UTC, say)")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytesValue": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Key):
        return {"keyValue": encode_key(value, path)}
    if isinstance(value, (list, tuple)):
        if in_array:
            raise TypeError(f"{path}: lists cannot contain lists")
        return {"arrayValue": [encode_value(item, f"{path}[{index}]", True) for index, item in enumerate(value)]}
    raise TypeError(
        f"{path}: a {type(value).__name__} is not stored; use None, bool, int, float, str, bytes, "
        "an aware datetime, Key, or a list of those"
    )


def decode_value(wire: Mapping[str, Any]) -> Any:
    """The native value of a tagged wire value."""
    if not isinstance(wire, Mapping) or len(wire) != 1:
        raise ValueError(f"a datastore value has exactly one tag, not {wire!r}")
    ((tag, raw),) = wire.items()
    if tag == "nullValue":
        return None
    if tag == "booleanValue":
        return bool(raw)
    if tag == "integerValue":
        return int(raw)
    if tag == "doubleValue":
        return float(raw)
    if tag == "stringValue":
        return raw
    if tag == "timestampValue":
        return parse_timestamp(raw)
    if tag == "bytesValue":
        try:
            return base64.b64decode(raw, validate=True)
        except binascii.Error as error:
            raise ValueError(f"bytesValue is not base64: {error}") from None
    if tag == "keyValue":
        return decode_key(raw)
    if tag == "arrayValue":
        return [decode_value(item) for item in raw]
    raise ValueError(f"unknown datastore value tag {tag!r}")


def encode_entity(entity: Any, path: str) -> Dict[str, Any]:
    """The wire form of an entity being written (no version: writes ignore it)."""
    if not isinstance(entity, Entity):
        raise TypeError(f"{path}: expected an Entity, not {type(entity).__name__}")
    properties = {}
    for name, value in entity.items():
        if not isinstance(name, str):
            raise TypeError(f"{path}: property names are str, not {name!r}")
        properties[name] = encode_value(value, f"{path} property {name!r}")
    return {"key": encode_key(entity.key, f"{path}.key", complete=False), "properties": properties}


def decode_entity(wire: Mapping[str, Any]) -> Entity:
    """An entity read from the platform, with its version (``None`` when the answer has none)."""
    entity = Entity(decode_key(wire["key"]), {name: decode_value(value) for name, value in wire.get("properties", {}).items()})
    version = wire.get("version")
    entity.version = int(version) if version is not None else None
    return entity


def encode_keys(keys: Iterable[Any], path: str) -> list:
    """The wire form of complete keys."""
    return [encode_key(key, f"{path}[{index}]") for index, key in enumerate(keys)]
