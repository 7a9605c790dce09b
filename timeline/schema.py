"""The tables: the append-only log (the truth) and the projections folded from it (disposable)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# BigInteger().with_variant: an INTEGER PRIMARY KEY on SQLite is the rowid, a BIGINT on PostgreSQL.
Position = BigInteger().with_variant(Integer(), "sqlite")

records = Table(
    "records",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=False),
    Column("record_id", String(36), nullable=False, unique=True),
    Column("stream_id", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    UniqueConstraint("stream_id", "version", name="uq_records_stream_version"),
)
Index("ix_records_recorded_at", records.c.recorded_at)

events = Table(
    "events",
    metadata,
    Column("type", String(20), nullable=False),
    Column("status", String(12), nullable=False),
    Column("earliest", String(10)),
    Column("latest", String(10)),
    Column("sort_key", String(24), nullable=False),
    # Keyed by the position of the record that recorded the event: rows arrive in key order
    # (on SQLite it is the rowid). An event's id is its stream's: found through the log's
    # unique (stream_id, version) index, joined on this position (see projections.by_id).
    Column("first_position", Position, primary_key=True, autoincrement=False),
    Column("last_position", Position, nullable=False),
    # The document of an event that changed since it was recorded (amended, retracted); NULL
    # while it is as recorded, when its recording record's payload is the document.
    Column("doc", Text),
)
# Chronological order is one index walk: sort_key is "earliest|latest" (see events.sort_key).
Index("ix_events_order", events.c.sort_key, events.c.first_position)

event_actors = Table(
    "event_actors",
    metadata,
    # Keyed by actor, then by the event's first_position: the table is the actor index (on
    # SQLite WITHOUT ROWID, one B-tree), and an append adds at the end of each actor's run.
    Column("actor_key", String(200), primary_key=True),
    Column("event_position", Position, primary_key=True, autoincrement=False),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("role", String(20), nullable=False),
    sqlite_with_rowid=False,
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(300)),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(10)),
    Column("sha256", String(64)),
    Column("first_position", Position, nullable=False),
)
Index("ix_sources_sha256", sources.c.sha256)

actors = Table(
    "actors",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(30), nullable=False),
    Column("country", String(100)),
    Column("parent", String(200)),
    Column("first_position", Position, nullable=False),
)

actor_aliases = Table(
    "actor_aliases",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("alias", String(200), nullable=False),
    Column("actor", String(200), nullable=False),
)
Index("ix_actor_aliases_actor", actor_aliases.c.actor)

projection_state = Table(
    "projection_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("position", Position, nullable=False),
)

PROJECTION_TABLES = (events, event_actors, sources, actors, actor_aliases, projection_state)
