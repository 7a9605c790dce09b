"""The Python entry point: ``Timeline(db).add(...)``, ``.show(...)``, ``.amend(...)``...

Everything the CLI does goes through this class, so the same job can be done from Python::

    from timeline.api import Timeline
    with Timeline("/tmp/t.db") as tl:
        event_id = tl.add(type="attack", summary="Concert hall attack", date="22 March 2024",
                          actors=["Daesh-K"], killed=144)
        for event in tl.show(actor="ISIS-K"):
            print(event["earliest"], event["summary"])
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TextIO

from sqlalchemy import func, select

from timeline import db as tldb
from timeline import events as ev
from timeline import projections, registry
from timeline import records as rk
from timeline.errors import ConcurrencyError, NotFoundError, StoreError, UsageError
from timeline.records import NewRecord
from timeline.schema import events as events_table
from timeline.schema import records, sources
from timeline.store import ChainCheck, Store, chain_pages, chain_rows, verify_chain


@dataclass(frozen=True)
class IngestResult:
    source_id: str
    source: dict[str, Any]
    events: list[dict[str, Any]]
    recorded: bool
    duplicate: bool


@dataclass(frozen=True)
class VerifyReport:
    count: int
    head_hash: str
    bad_position: int | None
    problem: str | None
    projections_ok: bool

    @property
    def ok(self) -> bool:
        return self.bad_position is None and self.projections_ok


def parse_as_of(value: str | datetime | date) -> str:
    """A moment as the log's timestamp string; a bare date means the end of that day (UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, 23, 59, 59, 999999)
    else:
        text = value.strip().replace("Z", "+00:00").replace(" ", "T")
        try:
            if len(text) == 10:
                return parse_as_of(date.fromisoformat(text))
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise UsageError(
                f"not a date or date-time: {value!r} (use 2024-05-01 or 2024-05-01T12:00)"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def bound(value: str | date | None, side: str, reference: date | None = None) -> str | None:
    """``--from`` / ``--to``: any date expression; from takes its start, to its end."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    from timeline import dates

    span = dates.resolve(value, reference or date.today())
    day = span.earliest if side == "from" else span.latest
    if day is None:
        day = span.latest if side == "from" else span.earliest
    return day.isoformat() if day else None


class Timeline:
    """A timeline database: an append-only log and the projections folded from it."""

    def __init__(self, db: str | None = None, *, user: str | None = None) -> None:
        self.url = tldb.resolve_url(db)
        self.engine = tldb.create(self.url)
        self.store = Store(self.engine, projections.apply)
        self.user = user or os.environ.get("TIMELINE_USER") or _login()
        self._ready = False

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def _open(self) -> None:
        if not self._ready:
            tldb.ensure_schema(self.engine)
            self._catch_up()
            registry.seed(self.engine, self.store)
            self._ready = True

    def _catch_up(self) -> None:
        """Fold records the read tables lack (a migration may empty them to be refolded)."""
        with self.engine.connect() as conn:
            done = projections.checkpoint(conn)
            head = conn.execute(select(func.max(records.c.position))).scalar() or 0
        if done >= head:
            return
        with tldb.writer(self.engine.connect()) as conn, conn.begin():
            done = projections.checkpoint(conn)
            projections.catch_up(conn, self.store.read(since_position=done, conn=conn))

    # -- writing ---------------------------------------------------------------------------
    def add(
        self,
        *,
        type: str,
        summary: str,
        date: str | None = None,
        ref: date | None = None,
        lang: str | None = None,
        actors: Sequence[str | Mapping[str, Any]] = (),
        **fields: Any,
    ) -> str:
        """Record a new event and return its id."""
        return self.add_many(
            [dict(fields, type=type, summary=summary, date=date, ref=ref, lang=lang,
                  actors=list(actors))]
        )[0]

    def add_many(
        self, items: Iterable[Mapping[str, Any]], *, keys: Sequence[str] | None = None
    ) -> list[str]:
        """Record several events in one transaction (all or none); returns the new ids.

        Each item holds event fields; its date is either ``date`` (an expression, resolved
        against ``ref``, default today) or the resolved fields (earliest, latest, precision...).
        ``keys`` are idempotency keys, one per item: an item whose key was recorded before is
        skipped, so loading the same file twice records nothing new.
        """
        self._open()
        items = list(items)
        if keys is not None and len(keys) != len(items):
            raise UsageError("one idempotency key per item is needed")
        with self.engine.connect() as conn:
            cache: dict[str, str] = {}

            def canonical(name: str) -> str:
                if name not in cache:
                    cache[name] = projections.canonical_actor(conn, name)
                return cache[name]

            batch = []
            for index, item in enumerate(items):
                payload = ev.build(_with_date(item), canonical=canonical)
                if keys is None:
                    batch.append(NewRecord(ev.new_event_id(), rk.EVENT_RECORDED, payload, 0))
                else:
                    event_id, record_id = ev.ids_for_key(keys[index])
                    batch.append(
                        NewRecord(event_id, rk.EVENT_RECORDED, payload, 0, record_id=record_id)
                    )
        if keys is not None:  # a key recorded before is the same item: skip it
            seen = self.store.record_ids_exist(new.record_id for new in batch)
            batch = [new for new in batch if new.record_id not in seen]
            batch = list({new.record_id: new for new in batch}.values())
        batch = self.store.new_streams(batch, ev.new_event_id)
        self.store.append(batch, recorded_by=self.user)
        return [new.stream_id for new in batch]

    def amend(
        self,
        event_id: str,
        *,
        reason: str,
        date: str | None = None,
        ref: date | None = None,
        lang: str | None = None,
        **changes: Any,
    ) -> dict[str, Any]:
        """Record a correction of an event; returns the event as it now stands."""
        reason = ev.one_line(reason or "", "the reason")
        changes = {key: value for key, value in changes.items() if value is not None}
        doc = self.get(event_id)
        if doc["status"] == "retracted":
            raise UsageError(f"event {event_id} is retracted; it cannot be amended")
        if date is not None:
            reference = ref or _iso_date(doc.get("reference")) or _today()
            changes.update(ev.date_fields(date, reference, lang=lang))
        unknown = set(changes) - set(ev.PAYLOAD_FIELDS)
        if unknown:
            raise UsageError(f"unknown event field(s): {', '.join(sorted(unknown))}")
        with self.engine.connect() as conn:
            changes = ev.normalize(
                changes, canonical=lambda name: projections.canonical_actor(conn, name)
            )
        changes = {key: value for key, value in changes.items() if doc.get(key) != value}
        if not changes:
            raise UsageError(f"nothing to amend: the changes leave event {event_id} as it is")
        payload = {"changes": changes, "reason": reason}
        [stored] = self.store.append(
            [NewRecord(event_id, rk.EVENT_AMENDED, payload, doc["version"])],
            recorded_by=self.user,
        )
        # The event as this amendment left it (another writer may already have gone on).
        return ev.amended(doc, stored.payload["changes"], stored.recorded_at)

    def retract(self, event_id: str, *, reason: str) -> dict[str, Any]:
        """Record that an event should no longer stand (it stays in history)."""
        reason = ev.one_line(reason or "", "the reason")
        doc = self.get(event_id)
        if doc["status"] == "retracted":
            raise UsageError(f"event {event_id} is already retracted")
        [stored] = self.store.append(
            [NewRecord(event_id, rk.EVENT_RETRACTED, {"reason": reason}, doc["version"])],
            recorded_by=self.user,
        )
        return ev.retracted(doc, stored.recorded_at)

    # -- reading ---------------------------------------------------------------------------
    def get(self, event_id: str) -> dict[str, Any]:
        event_id = ev.check_event_id(event_id)
        self._open()
        with self.engine.connect() as conn:
            doc = projections.get(conn, event_id)
        if doc is None:
            raise NotFoundError(f"no event with id {event_id}")
        return doc

    def show(
        self,
        *,
        actor: str | None = None,
        with_affiliates: bool = False,
        exact: bool = False,
        role: str | None = None,
        types: Sequence[str] = (),
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        as_of: str | datetime | date | None = None,
        include_retracted: bool = False,
        limit: int | None = None,
        labels: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """The timeline: event documents in chronological order (see docs/event-shape.md).

        ``labels=False`` is for a reader that prints no ``label`` (the CSV, ACLED, TimelineJS,
        Timesketch and HTML exports make their own or none): documents may then carry None
        for it, which spares working it out for every event of a long export.
        """
        for kind in types:
            if kind not in ev.TYPES:
                raise UsageError(f"unknown event type {kind!r}; types: {', '.join(ev.TYPES)}")
        if role is not None and role not in ev.ROLES:
            raise UsageError(f"unknown role {role!r}; roles: {', '.join(ev.ROLES)}")
        if limit is not None and limit < 0:
            raise UsageError("--limit must not be negative")
        start, end = bound(date_from, "from"), bound(date_to, "to")
        if start and end and start > end:
            raise UsageError(f"--from ({start}) is after --to ({end})")
        until = parse_as_of(as_of) if as_of is not None else None
        self._open()
        options: dict[str, Any] = dict(
            actor=actor, with_affiliates=with_affiliates, exact=exact, role=role, types=types,
            date_from=start, date_to=end, include_retracted=include_retracted, limit=limit,
            labels=labels,
        )
        # Everything above is checked now, before the caller prints a byte; the rows stream.
        return self._events(until, options)

    def _events(self, until: str | None, options: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if until is None:
            with self.engine.connect() as conn:
                yield from projections.query(conn, **options)
            return
        log_file = self._log_file()
        with projections.scratch(log_file) as engine, engine.begin() as conn:
            projections.fold_all(conn, self.store.read(until=until), copy_log=log_file is None)
            yield from projections.query(conn, **options)

    def history(self, event_id: str) -> list[dict[str, Any]]:
        """Every record of one event, oldest first."""
        event_id = ev.check_event_id(event_id)
        self._open()
        out = [record.to_dict() for record in self.store.read(stream_id=event_id)]
        if not out:
            raise NotFoundError(f"no event with id {event_id}")
        return out

    def log(self, since_position: int = 0) -> Iterator[dict[str, Any]]:
        """The raw records after ``since_position``."""
        if since_position < 0:
            raise UsageError("--since-position must not be negative")
        self._open()
        for record in self.store.read(since_position=since_position):
            yield record.to_dict()

    # -- files -------------------------------------------------------------------------------
    def import_events(self, stream: TextIO, fmt: str = "csv", *,
                      progress: Callable[[int], None] | None = None,
                      validated: Callable[[int], None] | None = None) -> Any:
        """Import events written by ``export`` (or hand-made CSV with the documented columns).

        Every row is validated before anything is written; then all rows are appended in one
        transaction. Rows imported before are skipped. Returns an ImportResult.
        """
        from timeline.importing import import_stream

        return import_stream(self, fmt, stream, progress=progress, validated=validated)

    # -- articles ----------------------------------------------------------------------------
    def ingest(
        self,
        raw: str,
        *,
        published: date | None = None,
        name: str | None = None,
        url: str | None = None,
        title: str | None = None,
        filename: str | None = None,
        dry_run: bool = False,
    ) -> IngestResult:
        """Read a news article, find the events it reports and record them with their source.

        The source and its events are one transaction. The same text ingested again records
        nothing (the source is keyed by the SHA-256 of the text). ``dry_run`` records nothing.
        """
        from timeline.extract import extract
        from timeline.ingest import read_article

        article = read_article(raw, published=published, name=name, url=url, title=title,
                               filename=filename)
        self._open()
        with self.engine.connect() as conn:
            seen = conn.execute(
                select(sources.c.id).where(sources.c.sha256 == article.sha256)
            ).first()
        if seen is not None:
            return IngestResult(article.source_id, article.source(), [], recorded=False,
                                duplicate=True)
        candidates = extract(article.text, article.published,
                             gazetteer=registry.gazetteer(self.engine))
        batch = [NewRecord(article.source_id, rk.SOURCE_ADDED, article.source(), 0,
                           record_id=ev.ids_for_key("source:" + article.sha256)[1])]
        with self.engine.connect() as conn:
            for index, candidate in enumerate(candidates):
                payload = ev.build(
                    dict(candidate, source=article.source()),
                    canonical=lambda n: projections.canonical_actor(conn, n),
                )
                record_id = ev.ids_for_key(f"{article.sha256}:{index}")[1]
                batch.append(NewRecord(ev.new_event_id(), rk.EVENT_RECORDED, payload, 0,
                                       record_id=record_id))
        # The source keeps its id (a second writer of the same article must collide on it).
        batch = [batch[0], *self.store.new_streams(batch[1:], ev.new_event_id)]
        docs = [ev.recorded(new.stream_id, new.payload, "") for new in batch[1:]]
        if dry_run:
            return IngestResult(article.source_id, article.source(), docs, recorded=False,
                                duplicate=False)
        try:
            stored = self.store.append(batch, recorded_by=self.user)
        except ConcurrencyError:  # the same article, ingested by someone else meanwhile
            return IngestResult(article.source_id, article.source(), [], recorded=False,
                                duplicate=True)
        at = stored[0].recorded_at
        docs = [dict(doc, recorded_at=at, updated_at=at) for doc in docs]
        return IngestResult(article.source_id, article.source(), docs, recorded=True,
                            duplicate=False)

    # -- the actor registry ------------------------------------------------------------------
    def actors(self, search: str | None = None) -> list[dict[str, Any]]:
        """Registered actors (built-in and added), optionally those matching ``search``."""
        self._open()
        return registry.listing(self.engine, search)

    def actor(self, name: str) -> dict[str, Any]:
        """One actor by any of its names: aliases, parent, branches and event count."""
        self._open()
        return registry.describe(self.engine, name)

    def add_actor(self, name: str, *, kind: str, country: str | None = None,
                  aliases: Sequence[str] = (), parent: str | None = None) -> dict[str, Any]:
        self._open()
        registry.add(self.engine, self.store, self.user, name, kind=kind, country=country,
                     aliases=aliases, parent=parent)
        return self.actor(name)

    def add_alias(self, name: str, alias: str) -> dict[str, Any]:
        self._open()
        registry.alias(self.engine, self.store, self.user, name, alias)
        return self.actor(name)

    def link_actor(self, branch: str, parent: str) -> dict[str, Any]:
        self._open()
        registry.link(self.engine, self.store, self.user, branch, parent)
        return self.actor(branch)

    # -- maintenance -----------------------------------------------------------------------
    def rebuild(self) -> int:
        """Drop the read tables and fold them anew from the whole log; returns records folded."""
        self._open()
        with tldb.writer(self.engine.connect()) as conn, conn.begin():
            projections.clear(conn)
            return projections.fold_all(conn, self.store.read(conn=conn))

    def verify(self) -> VerifyReport:
        """Recompute the hash chain and the projections and compare them with what is stored.

        Everything is read in one read transaction (a repeatable-read one on PostgreSQL): a
        write committed meanwhile is not seen half, so it cannot pass for a difference.
        """
        self._open()
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # One pass over the log: each page is checked against the chain, then folded
                # into the scratch read tables; the fold stops where the chain breaks.
                check = ChainCheck()
                log_file = self._log_file()
                with projections.scratch(log_file) as engine, engine.begin() as fresh:
                    projections.fold_chain_pages(fresh, check.pages(chain_pages(conn)),
                                                 copy_log=log_file is None)
                    count, head, bad, problem = check.result
                    if bad is not None:
                        return VerifyReport(count, head, bad, problem, False)
                    projections_ok = projections.same(conn, fresh)
        return VerifyReport(count, head, bad, problem, projections_ok)

    def _log_file(self) -> str | None:
        """The SQLite file holding the log, which a scratch database can attach and read in
        place; None for a server, which the scratch copies what it needs from."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return url.database

    def copy_to(self, target: str) -> tuple[int, str]:
        """Copy the whole log, record for record, into an empty database at ``target``.

        Positions, ids, timestamps and hashes arrive unchanged; the chain is recomputed on
        arrival and the read tables are folded there, all in one transaction on the target:
        a copy that does not verify leaves nothing behind. Returns (records, head hash).
        """
        self._open()
        other = Timeline(target, user=self.user)
        try:
            if other.url == self.url:
                raise UsageError("the target is the database being copied")
            tldb.ensure_schema(other.engine)
            with tldb.writer(other.engine.connect()) as conn, conn.begin():
                held = conn.execute(select(func.count()).select_from(records)).scalar()
                if held:
                    where = other.engine.url.render_as_string(hide_password=True)
                    raise UsageError(f"the target {where} already holds {held} records; "
                                     "copy needs a database timeline has not used")
                projections.clear(conn)
                with self.engine.connect() as source:
                    rows = source.execution_options(stream_results=True, yield_per=5000).execute(
                        select(records).order_by(records.c.position))
                    chunk: list[dict[str, Any]] = []
                    for row in rows:
                        chunk.append(dict(row._mapping))
                        if len(chunk) >= 5000:
                            conn.execute(records.insert(), chunk)
                            chunk = []
                    if chunk:
                        conn.execute(records.insert(), chunk)
                count, head, bad, problem = verify_chain(chain_rows(conn))
                if bad is not None:
                    raise StoreError(f"the copy does not verify at position {bad}: {problem}")
                projections.fold_all(conn, other.store.read(conn=conn))
            return count, head
        finally:
            other.close()

    def info(self) -> dict[str, Any]:
        """Where the database is, its schema revision, and how much it holds."""
        self._open()
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(records)).scalar() or 0
            events = conn.execute(select(func.count()).select_from(events_table)).scalar() or 0
            revision = tldb.current_revision(conn)
        position, head = self.store.head()
        return {"url": self.engine.url.render_as_string(hide_password=True),
                "backend": self.engine.dialect.name, "revision": revision, "records": count,
                "events": events, "head_position": position, "head_hash": head}

    def when(self, text: str, ref: date | None = None, *, lang: str | None = None,
             prefer: str = "past") -> Any:
        from timeline import dates

        return dates.resolve(text, ref or _today(), prefer=prefer,
                             languages=[lang] if lang else None)


def _with_date(item: Mapping[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in item.items() if k not in ("date", "ref", "lang")}
    text = item.get("date")
    if text is not None:
        reference = item.get("ref") or _today()
        fields.update(ev.date_fields(str(text), reference, lang=item.get("lang")))
    elif not (fields.get("earliest") or fields.get("latest")):
        raise UsageError("an event needs a date (--date, e.g. 2024-03-22 or 'late January')")
    return fields


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _today() -> date:
    return date.today()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


__all__ = ["Timeline", "VerifyReport", "StoreError"]
