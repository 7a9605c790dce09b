"""Fold records into the read tables, and query them.

The same ``apply`` runs incrementally inside every append's transaction, over the whole log for
``rebuild``, and into a private in-memory database for ``show --as-of`` (the timeline as it was
known at a moment), so the three can never disagree on what a record means.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import operator
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import orjson
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    cast,
    create_engine,
    delete,
    event,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.pool import StaticPool

from timeline import db as tldb
from timeline import events as ev
from timeline import records as rk
from timeline.records import Record, loads
from timeline.schema import (
    PROJECTION_TABLES,
    actor_aliases,
    actors,
    event_actors,
    events,
    metadata,
    projection_state,
    records,
    sources,
)
from timeline.store import CHAIN_COLUMNS, FOLD_COLUMNS, LogReader

CHECKPOINT = "main"


def apply(conn: Connection, batch: Sequence[Record]) -> None:
    """Fold ``batch`` (in log order) into the read tables and move the checkpoint."""
    if not batch:
        return
    _fold(conn, [[_as_row(r) for r in batch]], decoded=True)
    set_checkpoint(conn, batch[-1].position)


def _as_row(r: Record) -> tuple[int, str, str, int, Any, str]:
    """A record as a fold reads it: the columns of LogReader.raw_pages, its payload decoded."""
    return (r.position, r.stream_id, r.kind, r.schema_version, r.payload, r.recorded_at)


class _Folded(NamedTuple):
    """What a handler reads of a record."""

    position: int
    stream_id: str
    kind: str
    payload: Any
    recorded_at: str


def _fold(conn: Connection, pages: Iterable[Sequence[tuple[int, Any, str, int, Any, Any]]], *,
          decoded: bool = False, copy_to: Connection | None = None,
          flush_every: int = 5000) -> tuple[int, int]:
    """Fold pages of records in log order; returns how many were folded and the last position.

    A record is a tuple of LogReader.raw_pages: (position, stream_id, kind, schema_version,
    payload, recorded_at), its payload as stored (``decoded``: already decoded and upcast).
    Runs of event.recorded, nearly the whole of a log, become plain row tuples inserted with
    the driver's executemany every ``flush_every`` events; any other kind goes through its
    handler. Each payload is dropped as soon as it is folded: a long fold holds row tuples
    only. ``copy_to`` (a scratch database with no log of its own) also gets each page of raw
    records, for the documents of events as recorded.
    """
    new_events: list[tuple[Any, ...]] = []
    new_actors: list[tuple[Any, ...]] = []
    recorded = rk.EVENT_RECORDED
    current = rk.SCHEMA_VERSIONS
    recorded_version = current[recorded]
    upcast = rk.upcast
    fold_key = ev.fold_key
    decode = orjson.loads  # records.loads, without the call in between

    def flush() -> None:
        # A second event.recorded for an id already folded cannot come from the store (stream
        # versions are unique), only from a log changed outside timeline: the fold goes on,
        # lookups by id take the first, and `verify` reports the broken chain.
        if new_events:
            _insert_new_rows(conn, events, _NEW_EVENT, new_events)
            new_events.clear()
        if new_actors:
            _insert_new_rows(conn, event_actors, _NEW_ACTOR, new_actors)
            new_actors.clear()

    add_event, add_actor = new_events.append, new_actors.append
    count = position = 0
    for page in pages:
        if copy_to is not None:
            copy_to.exec_driver_sql(_COPY_RECORDS, page)
        for position, stream_id, kind, schema_version, payload, at in page:
            count += 1
            if kind == recorded:
                if not decoded:
                    payload = decode(payload)
                    if schema_version != recorded_version:
                        payload = upcast(kind, schema_version, payload)
                get = payload.get
                # The columns of _NEW_EVENT (sort_key as events.sort_key makes it, inline: this
                # loop runs once per event of the log); no document: an event as recorded has
                # its record's payload for one (see _doc), so the log is not written twice.
                earliest, latest = get("earliest"), get("latest")
                last = latest or "9999-12-31"
                add_event((get("type"), earliest, latest, f"{earliest or last}|{last}",
                           position, position))
                actors = get("actors")
                if actors:
                    for seq, actor in enumerate(actors):
                        add_actor((fold_key(actor["name"]), position, seq, actor["role"]))
                if len(new_events) >= flush_every:
                    flush()
                continue
            flush()
            handler = _HANDLERS.get(kind)
            if handler is None:
                continue
            if not decoded:
                payload = decode(payload)
                if schema_version != current.get(kind, schema_version):
                    payload = upcast(kind, schema_version, payload)
            handler(conn, _Folded(position, stream_id, kind, payload, at))
    flush()
    return count, position


#: The columns a fold gives a new row of events (the others: status "active", no document) and
#: of event_actors, in the order of the fold's tuples.
_NEW_EVENT = ("type", "earliest", "latest", "sort_key", "first_position", "last_position")
_NEW_ACTOR = ("actor_key", "event_position", "seq", "role")


def _insert_new_rows(conn: Connection, table: Any, names: Sequence[str],
                     rows: list[tuple[Any, ...]]) -> None:
    """Insert tuples of the columns ``names`` (a new event's status is "active"), skipping
    rows whose primary key is already there; the driver's executemany on SQLite and
    PostgreSQL."""
    fixed = {"status": "active"} if table is events else {}
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if mark is None or conn.dialect.name not in ("sqlite", "postgresql"):
        conn.execute(_insert_new(conn, table),
                     [dict(zip(names, row, strict=True), **fixed) for row in rows])
        return
    columns = ", ".join([*names, *fixed])
    values = ", ".join([mark] * len(names) + [f"'{value}'" for value in fixed.values()])
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING", rows)


def _insert_new(conn: Connection, table: Any) -> Any:
    """INSERT that skips rows whose primary key is already there (SQLite and PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return table.insert()


def _event_row(doc: dict[str, Any], first: int, last: int) -> dict[str, Any]:
    return {
        "type": doc["type"],
        "status": doc["status"],
        "earliest": doc["earliest"],
        "latest": doc["latest"],
        "sort_key": ev.sort_key(doc),
        "first_position": first,
        "last_position": last,
        # Stored once the event has changed since it was recorded; field order: DOC_FIELDS.
        "doc": orjson.dumps(doc).decode(),
    }


def _actor_rows(doc: dict[str, Any], position: int) -> list[dict[str, Any]]:
    return [
        {
            "actor_key": ev.fold_key(actor["name"]),
            "event_position": position,
            "seq": seq,
            "role": actor["role"],
        }
        for seq, actor in enumerate(doc["actors"] or [])
    ]


def _documents(conn: Connection) -> Any:
    """SELECT of what an event's document is made of: the stored document of an event that
    changed since it was recorded, else its recording record (see _doc). The event's id is
    its recording record's stream."""
    r = records.c
    payload: Any = r.payload
    if conn.dialect.name == "sqlite":
        # The stored bytes: orjson reads UTF-8 itself, no str is made for it to read back
        # (about a tenth of a CSV export). Not on PostgreSQL, where text -> bytea unescapes.
        payload = cast(payload, LargeBinary)
    return select(
        r.stream_id, events.c.doc, r.kind, r.schema_version, payload, r.recorded_at,
    ).join_from(events, records, r.position == events.c.first_position)


def _by_id(query: Any, event_id: str) -> Any:
    """``query`` (of _documents) narrowed to the event ``event_id``: through the log's unique
    (stream_id, version) index to its event.recorded record; the first, should a log changed
    outside timeline hold two."""
    r = records.c
    return (query.where(r.stream_id == event_id, r.kind == rk.EVENT_RECORDED)
            .order_by(r.position).limit(1))


def _doc(row: Any, labels: bool = True) -> dict[str, Any]:
    """The document of a row of ``_documents()``."""
    event_id, doc, kind, schema_version, payload, at = row[:6]
    if doc is not None:
        return loads(doc)  # type: ignore[no-any-return]
    decoded = loads(payload)
    if schema_version != rk.SCHEMA_VERSIONS.get(kind, schema_version):
        decoded = rk.upcast(kind, schema_version, decoded)
    return ev.recorded(event_id, decoded, at, label=labels)


def _change_event(conn: Connection, record: Record) -> None:
    row = conn.execute(
        _by_id(_documents(conn).add_columns(events.c.first_position), record.stream_id)
    ).first()
    if row is None:  # a record about an event this projection never saw: nothing to change
        return
    doc = _doc(row)
    if record.kind == rk.EVENT_AMENDED:
        new = ev.amended(doc, record.payload.get("changes", {}), record.recorded_at)
    else:
        new = ev.retracted(doc, record.recorded_at)
    values = _event_row(new, row.first_position, record.position)
    conn.execute(update(events).where(events.c.first_position == row.first_position)
                 .values(values))
    if new["actors"] != doc["actors"]:
        # Through the key: the actors' keys, then the position (the table is keyed by actor).
        old = {key["actor_key"] for key in _actor_rows(doc, row.first_position)}
        conn.execute(delete(event_actors).where(
            event_actors.c.actor_key.in_(sorted(old)),
            event_actors.c.event_position == row.first_position))
        rows = _actor_rows(new, row.first_position)
        if rows:
            conn.execute(event_actors.insert(), rows)


def _source_added(conn: Connection, record: Record) -> None:
    p = record.payload
    exists = conn.execute(select(sources.c.id).where(sources.c.id == record.stream_id)).first()
    if exists is None:
        conn.execute(
            sources.insert().values(
                id=record.stream_id,
                name=p.get("name"),
                url=p.get("url"),
                title=p.get("title"),
                published=p.get("published"),
                sha256=p.get("sha256"),
                first_position=record.position,
            )
        )


def _add_alias(conn: Connection, alias: str, actor: str) -> None:
    key = ev.fold_key(alias)
    if not key:
        return
    taken = conn.execute(select(actor_aliases.c.key).where(actor_aliases.c.key == key)).first()
    if taken is None:
        conn.execute(actor_aliases.insert().values(key=key, alias=alias, actor=actor))


def _actor_added(conn: Connection, record: Record) -> None:
    p = record.payload
    name = p["name"]
    key = ev.fold_key(name)
    exists = conn.execute(select(actors.c.name).where(actors.c.key == key)).first()
    if exists is None:
        conn.execute(
            actors.insert().values(
                name=name,
                key=key,
                kind=p.get("kind") or "other",
                country=p.get("country"),
                parent=p.get("parent"),
                first_position=record.position,
            )
        )
    for alias in (name, *(p.get("aliases") or ())):
        _add_alias(conn, alias, name)


def _actor_alias_added(conn: Connection, record: Record) -> None:
    _add_alias(conn, record.payload["alias"], record.payload["actor"])


def _actor_affiliated(conn: Connection, record: Record) -> None:
    conn.execute(
        update(actors)
        .where(actors.c.name == record.payload["actor"])
        .values(parent=record.payload["parent"])
    )


_HANDLERS: dict[str, Callable[[Connection, Any], None]] = {
    rk.EVENT_AMENDED: _change_event,
    rk.EVENT_RETRACTED: _change_event,
    rk.SOURCE_ADDED: _source_added,
    rk.ACTOR_ADDED: _actor_added,
    rk.ACTOR_ALIAS_ADDED: _actor_alias_added,
    rk.ACTOR_AFFILIATED: _actor_affiliated,
}


def checkpoint(conn: Connection) -> int:
    row = conn.execute(
        select(projection_state.c.position).where(projection_state.c.name == CHECKPOINT)
    ).first()
    return row[0] if row else 0


def set_checkpoint(conn: Connection, position: int) -> None:
    done = conn.execute(
        update(projection_state)
        .where(projection_state.c.name == CHECKPOINT)
        .values(position=position)
    )
    if done.rowcount == 0:
        conn.execute(projection_state.insert().values(name=CHECKPOINT, position=position))


def catch_up(conn: Connection, records: Iterable[Record]) -> int:
    """Fold the records the read tables have not seen yet (after a migration emptied them, or
    records written by another tool); returns how many were folded."""
    return fold_all(conn, records)


def clear(conn: Connection) -> None:
    for table in reversed(PROJECTION_TABLES):
        conn.execute(delete(table))


def fold_all(conn: Connection, stream: Iterable[Record], chunk: int = 5000, *,
             copy_log: bool = False) -> int:
    """Fold a stream of records in chunks; returns how many were folded.

    A ``Store.read`` answer is read through its lean path (tuples, no ``Record`` objects).
    Folding a long log into empty read tables (rebuild, verify's scratch, a catch-up after a
    migration) drops the two secondary indexes of events and event_actors first and builds
    them once at the end, in the same transaction. ``copy_log`` (a scratch database, which
    has no log of its own) also copies the records the read tables point at.
    """
    pages: Iterator[list[tuple[int, Any, str, int, Any, Any]]]
    if isinstance(stream, LogReader):
        pages = stream.raw_pages(lean=not copy_log)
    elif copy_log:
        raise TypeError("copy_log needs a Store.read answer")
    else:
        records_ = iter(stream)
        pages = iter(lambda: [_as_row(r) for r in itertools.islice(records_, chunk)], [])
    return _fold_long(conn, pages, decoded=not isinstance(stream, LogReader),
                      copy_log=copy_log, chunk=chunk)


#: The fold's columns (store.FOLD_COLUMNS) of a tuple of store.CHAIN_COLUMNS.
_FOLDED_OF_CHAIN = operator.itemgetter(*(CHAIN_COLUMNS.index(name) for name in FOLD_COLUMNS))


def fold_chain_pages(conn: Connection, pages: Iterable[Sequence[Sequence[Any]]], *,
                     copy_log: bool = False) -> int:
    """``fold_all`` over pages of whole records (tuples of store.CHAIN_COLUMNS, as
    ``store.chain_pages`` reads them): verify reads the log once, for the chain and the fold."""
    folded = (list(map(_FOLDED_OF_CHAIN, page)) for page in pages)
    return _fold_long(conn, folded, decoded=False, copy_log=copy_log, chunk=5000)


def _fold_long(conn: Connection, pages: Iterator[list[tuple[int, Any, str, int, Any, Any]]],
               *, decoded: bool, copy_log: bool, chunk: int) -> int:
    """fold_all's work on pages of fold tuples."""
    first = next(pages, [])
    if not first:
        return 0
    dropped: list[Index] = []
    with contextlib.ExitStack() as stack:
        if len(first) >= chunk and _empty(conn):
            dropped = _drop_indexes(conn)
            stack.enter_context(_bulk_cache(conn))
        count, last = _fold(conn, itertools.chain([first], pages), decoded=decoded,
                            copy_to=conn if copy_log else None, flush_every=chunk)
        set_checkpoint(conn, last)
    # With the usual cache: building an index sorts in cache-sized runs, and larger runs made
    # it slower, not faster (measured on a million events).
    for index in dropped:
        index.create(conn)
    return count


#: Page cache (KiB) of a long fold on SQLite. event_actors is keyed by actor, so each insert
#: lands at the end of one of thousands of actors' runs; with SQLite's default 2 MiB those
#: pages keep leaving the cache once a log holds some tens of thousands of events.
BULK_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _bulk_cache(conn: Connection) -> Iterator[None]:
    """SQLite's page cache at BULK_CACHE_KIB while a long fold runs, as it was afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


#: Secondary indexes a long fold into empty tables builds at the end rather than row by row.
_BULK_INDEXES = (events, event_actors)


def _empty(conn: Connection) -> bool:
    return all(conn.execute(select(table).limit(1)).first() is None for table in _BULK_INDEXES)


def _drop_indexes(conn: Connection) -> list[Index]:
    """Drop the secondary indexes of events and event_actors but the unique ones: the fold's
    INSERT ... ON CONFLICT DO NOTHING needs those to keep the first of two rows with one key."""
    dropped = []
    for table in _BULK_INDEXES:
        for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
            if index.unique:
                continue
            index.drop(conn)
            dropped.append(index)
    return dropped


#: A scratch database's copy of the log: the columns an event's document is read from.
_LOG_COPY = Table(
    "records", MetaData(),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("stream_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
)


#: A page of fold tuples (store.FOLD_COLUMNS) into a scratch database's copy of the log.
_COPY_RECORDS = (f"INSERT INTO records ({', '.join(FOLD_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(FOLD_COLUMNS))})")


@contextlib.contextmanager
def scratch(log_file: str | None = None) -> Iterator[Engine]:
    """A private SQLite file holding the read tables, removed afterwards.

    The documents of events as recorded are read from the log, so the scratch needs one:
    given the SQLite file of the log (``log_file``), it attaches that file and reads its
    ``records`` in place (records never change, so any later snapshot holds the same ones);
    otherwise it has a ``records`` table of its own, which the fold fills with
    ``fold_all(conn, store.read(...), copy_log=True)``.

    ``show --as-of`` and ``verify`` fold the log into it: on disk rather than in memory, so a
    log of millions of records needs no more memory than a small one.
    """
    with tempfile.TemporaryDirectory(prefix="timeline-") as folder:
        engine = create_engine(f"sqlite:///{folder}/scratch.db", poolclass=StaticPool)
        event.listen(engine, "connect", _fast_scratch)
        if log_file is not None:
            def attach(dbapi_connection: Any, _record: Any) -> None:
                # Unqualified, `records` names the attached log's: the scratch has none.
                dbapi_connection.execute("ATTACH DATABASE ? AS log", (log_file,))
                dbapi_connection.execute(f"PRAGMA log.mmap_size = {tldb.MMAP_BYTES}")

            event.listen(engine, "connect", attach)
        try:
            metadata.create_all(engine, tables=list(PROJECTION_TABLES))
            if log_file is None:
                _LOG_COPY.create(engine)
            yield engine
        finally:
            engine.dispose()


def _fast_scratch(dbapi_connection: Any, _record: Any) -> None:
    # A throw-away file: no journal, no syncing.
    dbapi_connection.execute("PRAGMA journal_mode = OFF")
    dbapi_connection.execute("PRAGMA synchronous = OFF")


# -- queries -------------------------------------------------------------------------------
def resolve_actor(
    conn: Connection, name: str, *, with_affiliates: bool = False, exact: bool = False
) -> set[str]:
    """Every matching key of the actor ``name`` names.

    The actor's canonical name and aliases; unless ``exact``, also its parent organisations
    (an event attributed to "Daesh" with no branch named may be Daesh-K's, and belongs in a
    Daesh-K chronology); with ``with_affiliates``, its branches, recursively.
    """
    key = ev.fold_key(name)
    canonical = conn.execute(
        select(actor_aliases.c.actor).where(actor_aliases.c.key == key)
    ).scalar()
    if canonical is None:
        return {key}
    names = {canonical}
    if not exact:
        parent = conn.execute(select(actors.c.parent).where(actors.c.name == canonical)).scalar()
        while parent is not None and parent not in names:
            names.add(parent)
            parent = conn.execute(select(actors.c.parent).where(actors.c.name == parent)).scalar()
    if with_affiliates:
        frontier = {canonical}
        while frontier:
            children = set(
                conn.execute(select(actors.c.name).where(actors.c.parent.in_(frontier))).scalars()
            )
            frontier = children - names
            names |= children
    keys = {ev.fold_key(n) for n in names}
    keys |= set(
        conn.execute(select(actor_aliases.c.key).where(actor_aliases.c.actor.in_(names))).scalars()
    )
    return keys


def canonical_actor(conn: Connection, name: str) -> str:
    found = conn.execute(
        select(actor_aliases.c.actor).where(actor_aliases.c.key == ev.fold_key(name))
    ).scalar()
    return found or name


def query(
    conn: Connection,
    *,
    actor: str | None = None,
    with_affiliates: bool = False,
    exact: bool = False,
    role: str | None = None,
    types: Sequence[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    include_retracted: bool = False,
    limit: int | None = None,
    labels: bool = True,
) -> Iterator[dict[str, Any]]:
    """Event documents in chronological order, filtered; streamed row by row. ``labels``
    False: an event as recorded gets no date label (None), which its reader does not print."""
    q = _documents(conn)
    if not include_retracted:
        q = q.where(events.c.status == "active")
    if types:
        q = q.where(events.c.type.in_(list(types)))
    # Overlap: an event whose interval touches [date_from, date_to] at all.
    if date_from is not None:
        q = q.where((events.c.latest.is_(None)) | (events.c.latest >= date_from))
    if date_to is not None:
        q = q.where((events.c.earliest.is_(None)) | (events.c.earliest <= date_to))
    if actor is not None or role is not None:
        a = event_actors.c
        wanted: list[Any] = []
        if actor is not None:
            keys = resolve_actor(conn, actor, with_affiliates=with_affiliates, exact=exact)
            wanted.append(a.actor_key.in_(sorted(keys)))
        if role is not None:
            wanted.append(a.role == role)
        if limit is not None and _frequent(conn, wanted, limit, date_from):
            # Walk the chronological index and keep the events the actor is in: the first
            # `limit` come after some limit * events / matches steps.
            q = q.where(select(a.event_position)
                        .where(a.event_position == events.c.first_position, *wanted).exists())
        else:
            # Gather the actor's events through its index, then sort them.
            q = q.where(events.c.first_position.in_(select(a.event_position).where(*wanted)))
    q = q.order_by(events.c.sort_key, events.c.first_position)
    if limit is not None:
        q = q.limit(limit)
    for row in tldb.tuples(conn, q, 1000):
        yield _doc(row, labels)


def _frequent(conn: Connection, wanted: list[Any], limit: int,
              date_from: str | None = None) -> bool:
    """Whether the actor rows ``wanted`` selects are so many that walking the events in order
    and keeping the matching ones finds ``limit`` of them sooner than sorting them all: with
    m matches among n events, about limit * n / m steps against m, so when m * m > limit * n.
    Counted through the actor index, stopping at that bound.

    The walk starts at the first event, so with ``date_from`` it first steps over the events
    that sort before that day (the chronological index gives no lower bound for an overlap:
    an event may begin long before the day and end after it); when those alone reach the
    bound, gathering is the cheaper plan.
    """
    n = checkpoint(conn)  # positions folded: at least the number of events
    bound = max(math.isqrt(max(limit, 1) * n), 1000)
    if date_from is not None:
        before = select(events.c.first_position).where(events.c.sort_key < date_from)
        if _count_up_to(conn, before, bound) >= bound:
            return False
    matches = select(event_actors.c.event_position).where(*wanted)
    return _count_up_to(conn, matches, bound) >= bound


def _count_up_to(conn: Connection, query: Any, bound: int) -> int:
    """How many rows ``query`` has, counting no further than ``bound``."""
    counted = select(func.count()).select_from(query.limit(bound).subquery())
    return int(conn.execute(counted).scalar() or 0)


def get(conn: Connection, event_id: str) -> dict[str, Any] | None:
    row = conn.execute(_by_id(_documents(conn), event_id)).first()
    return _doc(row) if row else None


def same(a: Connection, b: Connection) -> bool:
    """Whether two sets of read tables hold the same rows, streamed.

    Two SQLite sets are first compared in storage order, a plain scan of each table: a fold
    writes rows in log order, so equal tables match that way. Only when they do not are they
    compared again in key order, which tells a real difference from rows stored in another
    order (but reads each table through its key index, row by row all over the table).
    """
    if a.dialect.name == b.dialect.name == "sqlite" and _same_in_order(a, b, stored=True):
        return True
    return _same_in_order(a, b, stored=False)


def _same_in_order(a: Connection, b: Connection, *, stored: bool) -> bool:
    """The tables compared page by page, in rowid order (``stored``, SQLite) or key order (the
    storage order of a table WITHOUT ROWID)."""
    for table in PROJECTION_TABLES:
        rowid = table.dialect_options["sqlite"]["with_rowid"]
        order: list[Any] = (
            [literal_column("rowid")] if stored and rowid else list(table.primary_key.columns))
        query = select(table).order_by(*order)
        left, right = tldb.pages(a, query, PAGE), tldb.pages(b, query, PAGE)
        if any(x != y for x, y in itertools.zip_longest(left, right)):  # page by page
            return False
    return True


#: Rows a streamed comparison holds at a time.
PAGE = 5000
