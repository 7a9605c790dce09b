"""The append-only log over SQLAlchemy Core.

``append`` writes a batch of records in one transaction (BEGIN IMMEDIATE on SQLite, an exclusive
table lock on PostgreSQL), checking each stream's expected version, extending the hash chain and
handing the new records to a projector inside the same transaction: the log and the read tables
never disagree, and a crash leaves either the whole batch or none of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, LargeBinary, case, cast, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from timeline import db as tldb
from timeline.errors import ConcurrencyError, StoreError
from timeline.records import (
    EVENT_RECORDED,
    GENESIS_HASH,
    HASHED_COLUMNS,
    SCHEMA_VERSIONS,
    NewRecord,
    Record,
    chain_hash_values,
    dumps,
    loads,
    upcast,
)
from timeline.schema import records

Projector = Callable[[Connection, Sequence[Record]], None]

_CHUNK = 500  # bound parameters per IN (...) query


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    def __init__(self, engine: Engine, projector: Projector | None = None) -> None:
        self.engine = engine
        self.projector = projector

    # -- writing ---------------------------------------------------------------------------
    def append(self, batch: Sequence[NewRecord], *, recorded_by: str) -> list[Record]:
        """Append ``batch`` atomically and return the stored records."""
        if not batch:
            return []
        try:
            with tldb.writer(self.engine.connect()) as conn, conn.begin():
                return self.append_in(conn, batch, recorded_by=recorded_by)
        except IntegrityError as exc:
            raise ConcurrencyError(
                "another writer appended the same record or stream version first; try again"
            ) from exc
        except DBAPIError as exc:
            raise StoreError(f"append failed: {tldb._one_line(exc)}") from None

    def append_in(
        self, conn: Connection, batch: Sequence[NewRecord], *, recorded_by: str
    ) -> list[Record]:
        """Append inside the caller's write transaction."""
        if conn.dialect.name == "postgresql":
            # One writer at a time: positions are handed out in commit order, so a reader that
            # has seen position N never misses a record that commits later with a lower one.
            conn.execute(text("LOCK TABLE records IN EXCLUSIVE MODE"))
        head = conn.execute(
            select(records.c.position, records.c.hash, records.c.recorded_at)
            .order_by(records.c.position.desc())
            .limit(1)
        ).first()
        position, prev_hash, last_at = tuple(head) if head else (0, GENESIS_HASH, "")
        versions = self._versions(conn, {r.stream_id for r in batch})
        now = max(utc_now(), last_at)
        rows: list[tuple[Any, ...]] = []
        out: list[Record] = []
        recorded = EVENT_RECORDED
        for new in batch:
            current = versions.get(new.stream_id, 0)
            if new.expected_version is not None and new.expected_version != current:
                raise ConcurrencyError(
                    f"{new.stream_id} is at version {current}, not {new.expected_version}: "
                    "it changed since it was read; try again"
                )
            version = current + 1
            versions[new.stream_id] = version
            position += 1
            payload = dumps(new.payload)
            # The values in HASHED_COLUMNS order, as _insert_many takes them (the hash last).
            values = (position, new.record_id, new.stream_id, version, new.kind,
                      SCHEMA_VERSIONS.get(new.kind, 1), payload, now, recorded_by, prev_hash)
            digest = chain_hash_values(values)
            rows.append((*values, digest))
            # The projector gets the payload as a later read will decode it (canonical key
            # order, also inside nested values), so an amendment folds into the same document
            # incrementally and in a rebuild. An event.recorded is folded into plain columns,
            # for which the payload as given is the same thing, and is not decoded again.
            decoded = new.payload if new.kind == recorded else loads(payload)
            out.append(Record(*values[:6], decoded, *values[7:], digest))
            prev_hash = digest
        _insert_many(conn, rows)
        if self.projector is not None:
            self.projector(conn, out)
        return out

    @staticmethod
    def _versions(conn: Connection, stream_ids: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        ids = sorted(stream_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = (
                select(records.c.stream_id, func.max(records.c.version))
                .where(records.c.stream_id.in_(chunk))
                .group_by(records.c.stream_id)
            )
            found.update({row[0]: row[1] for row in conn.execute(query)})
        return found

    # -- reading ---------------------------------------------------------------------------
    def read(
        self,
        *,
        since_position: int = 0,
        until: str | None = None,
        stream_id: str | None = None,
        conn: Connection | None = None,
    ) -> LogReader:
        """Records after ``since_position`` in log order, streamed in pages.

        ``until`` (an ISO UTC timestamp) keeps only records recorded at or before it. The
        answer is an iterator of records; folds read it through ``LogReader.raw_pages``.
        """
        return LogReader(self.engine, since_position, until, stream_id, conn)

    def head(self) -> tuple[int, str]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(records.c.position, records.c.hash)
                .order_by(records.c.position.desc())
                .limit(1)
            ).first()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    def record_ids_exist(self, record_ids: Iterable[str], conn: Connection | None = None
                         ) -> set[str]:
        if conn is None:
            with self.engine.connect() as own:
                return self.record_ids_exist(record_ids, own)
        ids = list(record_ids)
        found: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = select(records.c.record_id).where(records.c.record_id.in_(chunk))
            found.update(conn.execute(query).scalars())
        return found

    def new_streams(self, batch: Sequence[NewRecord], fresh_id: Callable[[], str],
                    conn: Connection | None = None) -> list[NewRecord]:
        """``batch`` with every new stream (expected version 0) given an id no other stream
        has: short ids can collide by chance, and a collision must neither fail a whole batch
        nor pass for a duplicate. Later records of a renamed stream in the batch follow it."""
        if conn is None:
            with self.engine.connect() as own:
                return self.new_streams(batch, fresh_id, own)
        wanted = {new.stream_id for new in batch if new.expected_version == 0}
        taken = set(self._versions(conn, wanted))
        claimed: set[str] = set()

        def free(stream: str) -> bool:
            if stream in claimed or stream in taken:
                return False
            return stream in wanted or not self._versions(conn, {stream})

        renamed: dict[str, str] = {}
        out = []
        for new in batch:
            stream = renamed.get(new.stream_id, new.stream_id)
            if new.expected_version == 0:
                while not free(stream):
                    stream = fresh_id()
                renamed[new.stream_id] = stream
                claimed.add(stream)
            out.append(new if stream == new.stream_id else
                       NewRecord(stream, new.kind, new.payload, new.expected_version,
                                 new.record_id))
        return out


class LogReader(Iterator[Record]):
    """The records ``Store.read`` selected, as an iterator of ``Record``.

    Without a connection each page is read on a connection of its own, so a slow consumer
    holds no read transaction. ``raw_pages`` is the lean path projections take: plain tuples
    of only the columns a fold needs, every page on one connection.
    """

    PAGE = 5000

    def __init__(self, engine: Engine, since_position: int, until: str | None,
                 stream_id: str | None, conn: Connection | None) -> None:
        self.engine = engine
        self.since_position = since_position
        self.until = until
        self.stream_id = stream_id
        self.conn = conn
        self._records: Iterator[Record] | None = None

    def __iter__(self) -> LogReader:
        return self

    def __next__(self) -> Record:
        if self._records is None:
            self._records = self._read_records()
        return next(self._records)

    def _query(self, columns: Sequence[Any], position: int) -> Any:
        query = select(*columns).where(records.c.position > position)
        if self.until is not None:
            query = query.where(records.c.recorded_at <= self.until)
        if self.stream_id is not None:
            query = query.where(records.c.stream_id == self.stream_id)
        return query.order_by(records.c.position).limit(self.PAGE)

    def _read_records(self) -> Iterator[Record]:
        position = self.since_position
        while True:
            query = self._query([records], position)
            if self.conn is None:
                with self.engine.connect() as c:
                    rows = c.execute(query).all()
            else:
                rows = self.conn.execute(query).all()
            for row in rows:
                yield row_to_record(row)
            if len(rows) < self.PAGE:
                return
            position = rows[-1].position

    def raw_pages(self, *, lean: bool = False
                  ) -> Iterator[list[tuple[int, Any, str, int, Any, Any]]]:
        """Pages of (position, stream_id, kind, schema_version, payload as stored, recorded_at),
        every page on one connection: the path folds read (they decode and upcast payloads
        themselves, and a scratch database may copy the rows as they are).

        ``lean``: what a fold of the read tables needs and no more: an event.recorded row has
        neither stream_id nor recorded_at (None), and on SQLite payloads come as bytes, which
        orjson reads without a str made first.
        """
        if self.conn is None:
            with self.engine.connect() as own:
                yield from self._raw_pages(own, lean)
        else:
            yield from self._raw_pages(self.conn, lean)

    def _raw_pages(self, conn: Connection, lean: bool
                   ) -> Iterator[list[tuple[int, Any, str, int, Any, Any]]]:
        c = records.c
        columns: tuple[Any, ...] = tuple(c[name] for name in FOLD_COLUMNS)
        if lean:
            recorded = c.kind == EVENT_RECORDED
            payload: Any = c.payload
            if conn.dialect.name == "sqlite":
                payload = cast(payload, LargeBinary)
            columns = (c.position, case((recorded, None), else_=c.stream_id), c.kind,
                       c.schema_version, payload, case((recorded, None), else_=c.recorded_at))
        position = self.since_position
        while True:
            rows = list(tldb.tuples(conn, self._query(columns, position), self.PAGE))  # one page
            if rows:
                yield rows
            if len(rows) < self.PAGE:
                return
            position = rows[-1][0]


def _insert_many(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """INSERT rows (tuples of the HASHED_COLUMNS and the hash) into records with the driver's
    executemany: no per-row parameter processing on the way."""
    names = (*HASHED_COLUMNS, "hash")
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if mark is None or conn.dialect.name not in ("sqlite", "postgresql"):
        conn.execute(records.insert(), [dict(zip(names, row, strict=True)) for row in rows])
        return
    marks = ", ".join([mark] * len(names))
    conn.exec_driver_sql(f"INSERT INTO records ({', '.join(names)}) VALUES ({marks})", rows)


def row_to_record(row: Any) -> Record:
    return Record(
        position=row.position,
        record_id=row.record_id,
        stream_id=row.stream_id,
        version=row.version,
        kind=row.kind,
        schema_version=row.schema_version,
        payload=upcast(row.kind, row.schema_version, loads(row.payload)),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


#: The columns of a record a fold reads, in the order of LogReader.raw_pages's tuples.
FOLD_COLUMNS = ("position", "stream_id", "kind", "schema_version", "payload", "recorded_at")

#: The columns ``verify_chain`` reads, in its order: the hashed ones, then the hash.
CHAIN_COLUMNS = (*HASHED_COLUMNS, "hash")


def chain_rows(conn: Connection) -> Iterator[Sequence[Any]]:
    """Every record as a tuple of CHAIN_COLUMNS, in position order, streamed."""
    return itertools.chain.from_iterable(chain_pages(conn))


def chain_pages(conn: Connection) -> Iterator[list[tuple[Any, ...]]]:
    """Every record as a tuple of CHAIN_COLUMNS, in position order, a page at a time."""
    columns = (records.c[name] for name in CHAIN_COLUMNS)
    return tldb.pages(conn, select(*columns).order_by(records.c.position))


def verify_chain(rows: Iterable[Sequence[Any]], count: int = 0, prev: str = GENESIS_HASH
                 ) -> tuple[int, str, int | None, str | None]:
    """Recompute the chain over raw rows (tuples of CHAIN_COLUMNS) in position order, from the
    start of the log or on from ``count`` records whose last hash is ``prev``.

    Returns (count, head hash, first bad position or None, what is wrong or None).
    """
    expected_position = count + 1
    hashed = len(HASHED_COLUMNS)
    for row in rows:
        position = row[0]
        if position != expected_position:
            return count, prev, expected_position, (
                f"position {expected_position} is missing (next is {position})"
            )
        if row[hashed - 1] != prev:
            return count, prev, position, "its prev_hash does not match the previous record"
        digest = chain_hash_values(row[:hashed])
        if digest != row[hashed]:
            return count, prev, position, "its content does not match its hash"
        prev = digest
        expected_position += 1
        count += 1
    return count, prev, None, None


class ChainCheck:
    """The hash chain recomputed page by page as pages of CHAIN_COLUMNS tuples pass through
    ``pages``, which stops before the first page that breaks it: whatever reads the pages
    (verify's fold) reads the log in the same pass. The answer is in ``result`` once the
    pages have run out."""

    def __init__(self) -> None:
        self.result: tuple[int, str, int | None, str | None] = (0, GENESIS_HASH, None, None)

    def pages(self, pages: Iterable[Sequence[Sequence[Any]]]
              ) -> Iterator[Sequence[Sequence[Any]]]:
        for page in pages:
            count, head, _, _ = self.result
            self.result = verify_chain(page, count, head)
            if self.result[2] is not None:
                return
            yield page
