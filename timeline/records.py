"""Record kinds, their canonical encoding, the hash chain and upcasting of old payloads."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from timeline.errors import UsageError

# Record kinds. A kind names what happened to a stream; its payload schema has a version.
EVENT_RECORDED = "event.recorded"
EVENT_AMENDED = "event.amended"
EVENT_RETRACTED = "event.retracted"
SOURCE_ADDED = "source.added"
ACTOR_ADDED = "actor.added"
ACTOR_ALIAS_ADDED = "actor.alias_added"
ACTOR_AFFILIATED = "actor.affiliated"

KINDS = frozenset(
    {
        EVENT_RECORDED,
        EVENT_AMENDED,
        EVENT_RETRACTED,
        SOURCE_ADDED,
        ACTOR_ADDED,
        ACTOR_ALIAS_ADDED,
        ACTOR_AFFILIATED,
    }
)

#: The payload schema version each kind is written with today.
SCHEMA_VERSIONS: dict[str, int] = dict.fromkeys(KINDS, 1)

GENESIS_HASH = "0" * 64


def dumps(payload: Any) -> str:
    """The one canonical JSON encoding of payloads (sorted keys, UTF-8 kept, no spaces)."""
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError as exc:
        if "UTF-8" in str(exc):  # e.g. undecodable bytes on the command line (lone surrogates)
            raise UsageError("the text is not valid UTF-8") from None
        raise


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def new_record_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class NewRecord:
    """A record about to be appended. ``expected_version`` is the stream's version the writer
    saw (0 for a new stream), or None to append whatever the stream holds."""

    stream_id: str
    kind: str
    payload: dict[str, Any]
    expected_version: int | None = None
    record_id: str = field(default_factory=new_record_id)


@dataclass(frozen=True)
class Record:
    position: int
    record_id: str
    stream_id: str
    version: int
    kind: str
    schema_version: int
    payload: dict[str, Any]
    recorded_at: str
    recorded_by: str
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "record_id": self.record_id,
            "stream_id": self.stream_id,
            "version": self.version,
            "kind": self.kind,
            "schema_version": self.schema_version,
            "payload": self.payload,
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


#: The columns a record's hash covers, in order: every column but the hash itself.
HASHED_COLUMNS = (
    "position", "record_id", "stream_id", "version", "kind", "schema_version", "payload",
    "recorded_at", "recorded_by", "prev_hash",
)


def chain_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over every column of a stored row (``payload`` as its stored JSON text) and the
    previous row's hash.

    The position is inside the hash, so moving, inserting or deleting a record breaks the chain
    from that point on, as does editing any byte of a payload.
    """
    return chain_hash_values([row[c] for c in HASHED_COLUMNS])


def chain_hash_values(values: Sequence[Any]) -> str:
    """``chain_hash`` of the row's values in HASHED_COLUMNS order."""
    return hashlib.sha256(orjson.dumps(list(values))).hexdigest()


# Upcasters turn a payload written with an older schema version into today's shape when it is
# read; stored records are never rewritten. Key: (kind, from_version) -> function.
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcast(kind: str, schema_version: int, payload: dict[str, Any]) -> dict[str, Any]:
    version = schema_version
    target = SCHEMA_VERSIONS.get(kind, schema_version)
    while version < target:
        payload = UPCASTERS[(kind, version)](payload)
        version += 1
    return payload
