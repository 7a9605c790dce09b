"""``timeline import``: validate a whole file first, then append every row in one transaction.

Two passes, streaming both times: the first reads, validates and builds every row once (a file
with one bad row records nothing and names the row), spooling each built payload as one JSON
line to a temporary file; the second reads the spool back and appends in chunks inside a single
write transaction, so memory stays flat however large the file is (and the input is read only
once: a pipe needs no copy). Rows that were imported before (same event id, or the same content
for rows without an id) are skipped.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, TextIO

import orjson

from timeline import db as tldb
from timeline import events as ev
from timeline import projections
from timeline import records as rk
from timeline.errors import TimelineError, UsageError
from timeline.records import NewRecord

FORMATS = ("csv", "jsonl", "json")
CHUNK = 2000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    skipped: int


def rows(fmt: str, stream: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    from timeline.export import read

    if fmt not in FORMATS:
        raise UsageError(f"cannot import format {fmt!r}; formats: {', '.join(FORMATS)}")
    yield from read(fmt, stream)


def payload_of(row_no: int, event: dict[str, Any]) -> tuple[dict[str, Any], str | None, str]:
    """(payload, event id or None, status) of a validated row; raises with the row number."""
    fields = {key: event.get(key) for key in ev.PAYLOAD_FIELDS}
    fields["method"] = fields["method"] or "import"
    try:
        if fields["earliest"] is None and fields["latest"] is None:
            reference = date.fromisoformat(str(fields["reference"]))
            fields.update(ev.date_fields(str(fields["date_text"]), reference))
        elif fields["precision"] is None:
            fields["precision"] = "day" if fields["earliest"] == fields["latest"] else "interval"
        if not fields["date_text"]:
            fields["date_text"] = "/".join(
                str(x) for x in (fields["earliest"] or "..", fields["latest"] or "..")
            )
        payload = ev.build(fields)
    except TimelineError as exc:
        raise UsageError(f"row {row_no}: {exc}") from None
    return payload, event.get("id"), event.get("status") or "active"


def spool_all(fmt: str, stream: TextIO, spool: IO[bytes], progress: Progress | None = None) -> int:
    """Validate and build every row of ``stream``, writing ``[payload, event id, status]`` of
    each as one JSON line to ``spool``; return how many rows. Raises naming the first bad row."""
    count = 0
    write = spool.write
    for row_no, event in rows(fmt, stream):
        item = payload_of(row_no, event)
        try:
            write(orjson.dumps(item) + b"\n")
        except orjson.JSONEncodeError as exc:
            problem = "the text is not valid UTF-8" if "UTF-8" in str(exc) else str(exc)
            raise UsageError(f"row {row_no}: {problem}") from None
        count += 1
        if progress is not None:
            progress(count)
    return count


def import_stream(tl: Any, fmt: str, stream: TextIO, *, progress: Progress | None = None,
                  validated: Progress | None = None) -> ImportResult:
    """Validate then append every row of ``stream`` (see the module docstring)."""
    with tempfile.TemporaryFile() as spool:
        total = spool_all(fmt, stream, spool, validated)
        spool.seek(0)
        return _append_spooled(tl, spool, total, progress)


def _append_spooled(tl: Any, spool: IO[bytes], total: int,
                    progress: Progress | None) -> ImportResult:
    """The second pass: append the rows spooled by :func:`spool_all` in one transaction."""
    tl._open()
    added = skipped = done = 0
    with tldb.writer(tl.engine.connect()) as conn, conn.begin():
        cache: dict[str, str] = {}

        def canonical(name: str) -> str:
            if name not in cache:
                cache[name] = projections.canonical_actor(conn, name)
            return cache[name]

        chunk: list[tuple[NewRecord, bool, str]] = []

        def flush() -> None:
            nonlocal added, skipped
            # Earlier chunks are already in the log, in this transaction. A row with an event
            # id is present when that event is; a row without one when its content (its
            # record id) is. A generated id taken by another event gets a fresh one.
            streams = tl.store._versions(conn, {new.stream_id for new, given, _ in chunk if given})
            seen = tl.store.record_ids_exist((new.record_id for new, _, _ in chunk), conn)
            fresh = list({
                new.record_id: (new, given, status) for new, given, status in chunk
                if not (new.stream_id in streams if given else new.record_id in seen)
            }.values())
            skipped += len(chunk) - len(fresh)
            generated = iter(tl.store.new_streams(
                [new for new, given, _ in fresh if not given], ev.new_event_id, conn))
            batch: list[NewRecord] = []
            for new, given, status in fresh:
                if not given:
                    new = next(generated)
                batch.append(new)
                if status == "retracted":
                    batch.append(NewRecord(new.stream_id, rk.EVENT_RETRACTED,
                                           {"reason": "imported as retracted"}, 1))
                added += 1
            if batch:
                tl.store.append_in(conn, batch, recorded_by=tl.user)
            chunk.clear()

        loads = orjson.loads
        for line in spool:
            payload, event_id, status = loads(line)
            for actor in payload["actors"]:  # fresh from the spool: renamed in place
                actor["name"] = canonical(actor["name"])
            key = "import:" + (event_id or hashlib.sha256(rk.dumps(payload).encode()).hexdigest())
            new_id, record_id = ev.ids_for_key(key)
            new_id = event_id or new_id
            done += 1
            if progress is not None:
                progress(done)
            chunk.append((NewRecord(new_id, rk.EVENT_RECORDED, payload, 0, record_id=record_id),
                          event_id is not None, status))
            if len(chunk) >= CHUNK:
                flush()
        flush()
    return ImportResult(rows=total, added=added, skipped=skipped)
