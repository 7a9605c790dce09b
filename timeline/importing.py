"""``timeline import``: validate a whole file first, then append every row in one transaction.

Files are read twice, streaming both times: the first pass validates every row (a file with one
bad row records nothing and names the row), the second appends in chunks inside a single write
transaction, so memory stays flat however large the file is. Rows that were imported before
(same event id, or the same content for rows without an id) are skipped.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, TextIO

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


def seekable(stream: TextIO) -> TextIO:
    """The stream itself if it can be read twice, else a spooled copy of it."""
    try:
        if stream.seekable():
            return stream
    except (AttributeError, ValueError, OSError):
        pass
    copy: IO[str] = tempfile.SpooledTemporaryFile(  # type: ignore[assignment]
        max_size=8 << 20, mode="w+", encoding="utf-8", newline=""
    )
    shutil.copyfileobj(stream, copy)
    copy.seek(0)
    return copy  # type: ignore[return-value]


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


def validate_all(fmt: str, stream: TextIO, progress: Progress | None = None) -> int:
    count = 0
    for row_no, event in rows(fmt, stream):
        payload_of(row_no, event)
        count += 1
        if progress is not None:
            progress(count)
    return count


def import_stream(tl: Any, fmt: str, stream: TextIO, *, progress: Progress | None = None,
                  validated: Progress | None = None) -> ImportResult:
    """Validate then append every row of ``stream`` (see the module docstring)."""
    stream = seekable(stream)
    start = stream.tell()
    total = validate_all(fmt, stream, validated)
    stream.seek(start)
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

        for row_no, event in rows(fmt, stream):
            payload, event_id, status = payload_of(row_no, event)
            payload["actors"] = [dict(a, name=canonical(a["name"])) for a in payload["actors"]]
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
