"""Printing for the CLI: the terminal table, records, ``when`` answers, files.

Machine formats (csv, json, jsonl, timelinejs...) have one implementation each, in
timeline/export.py, shared by ``show --format`` and ``export --format``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import orjson

from timeline import events as ev
from timeline.errors import TimelineError, UsageError

SHOW_FORMATS = ("table", "json", "jsonl", "csv")
EXPORT_FORMATS = ("csv", "json", "jsonl", "timelinejs", "timesketch", "acled", "html")
#: The export formats that print an event document's own "label" (they write the whole
#: document): the others may be fed documents without one (``Timeline.show(labels=False)``).
PRINTS_LABEL: frozenset[str] = frozenset({"json", "jsonl"})


def check_format(fmt: str, allowed: Iterable[str] = SHOW_FORMATS) -> None:
    allowed = tuple(allowed)
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}; formats: {', '.join(allowed)}")


def write(fmt: str, events: Iterable[dict[str, Any]], out: TextIO) -> int:
    if fmt == "table":
        return write_table(events, out)
    from timeline import export

    return export.write(fmt, events, out)


def write_file(fmt: str, events: Iterable[dict[str, Any]], path: Path) -> int:
    """Write to ``path`` through a temporary file renamed into place: never a half file."""
    path = path.expanduser()
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: no such directory {folder}")
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count = write(fmt, events, out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def _counts(event: dict[str, Any]) -> str:
    parts = []
    for key, word in (("killed", "killed"), ("injured", "injured"), ("detained", "detained")):
        if event.get(key) is not None:
            parts.append(f"{event[key]} {word}")
    return ", ".join(parts)


def write_table(events: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A plain aligned table, one event a line; streamed in pages, so fast on large logs."""
    headers = ("date", "type", "summary", "actors", "place", "toll", "id")
    count = 0
    page: list[tuple[str, ...]] = []
    widths: list[int] | None = None
    for event in events:
        actors = "; ".join(f"{a['name']} ({a['role']})" for a in event.get("actors") or [])
        status = " [retracted]" if event.get("status") == "retracted" else ""
        label = event.get("label") or ev.date_label(event)
        page.append((label, event["type"], event["summary"] + status, actors,
                     event.get("location") or "", _counts(event), event["id"]))
        count += 1
        if len(page) >= 5000:
            widths = print_rows(headers, page, out, widths)
            page = []
    if count == 0:
        out.write("no events\n")
    elif page:
        print_rows(headers, page, out, widths)
    return count


#: Column caps on a terminal (0: shares what is left); a pipe or a file gets the full text.
_CAPS = {"date": 26, "type": 13, "summary": 0, "actors": 0, "place": 24, "toll": 24, "id": 13,
         "what": 0}


def print_rows(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], out: TextIO,
               widths: list[int] | None = None) -> list[int]:
    """Print rows aligned under a header; pass the returned widths to continue a table."""
    terminal = _is_terminal(out)
    if widths is None:
        widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
        if terminal:
            widths = _fit(headers, widths, shutil.get_terminal_size().columns)
        out.write(_line(headers, widths) + "\n")
        out.write("  ".join("─" * w for w in widths) + "\n")
    for row in rows:
        out.write(_line(row, widths, clip=terminal) + "\n")
    return widths


def _fit(headers: tuple[str, ...], widths: list[int], total: int) -> list[int]:
    fitted = [min(w, _CAPS.get(h, 0) or w) for h, w in zip(headers, widths, strict=True)]
    flexible = [i for i, h in enumerate(headers) if _CAPS.get(h) == 0]
    fixed = sum(w for i, w in enumerate(fitted) if i not in flexible)
    spare = total - 2 * (len(headers) - 1) - fixed
    wanted = sum(fitted[i] for i in flexible)
    if flexible and wanted > spare > 0:
        for i in flexible:
            fitted[i] = max(len(headers[i]), spare * fitted[i] // wanted)
    return fitted


def _line(cells: Iterable[str], widths: list[int], clip: bool = False) -> str:
    parts = []
    for cell, width in zip(cells, widths, strict=True):
        if clip and len(cell) > width:
            cell = cell[: max(width - 1, 0)] + "…"
        parts.append(cell.ljust(width))
    return "  ".join(parts).rstrip()


def _is_terminal(out: TextIO) -> bool:
    return bool(getattr(out, "isatty", None) and out.isatty())


def _console(out: TextIO) -> Any:
    from rich.console import Console

    return Console(file=out, highlight=False, emoji=False)


def write_records(fmt: str, records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(orjson.dumps(record).decode() + "\n")
            count += 1
        return count
    if fmt == "json":
        items = list(records)
        out.write(orjson.dumps(items, option=orjson.OPT_INDENT_2).decode() + "\n")
        return len(items)
    headers = ("pos", "version", "kind", "recorded at", "by", "what")
    rows = [(str(r["position"]), str(r["version"]), r["kind"], r["recorded_at"],
             r["recorded_by"], _what(r)) for r in records]
    print_rows(headers, rows, out)
    return len(rows)


def _what(record: dict[str, Any]) -> str:
    payload = record["payload"]
    if record["kind"] == "event.amended":
        changes = ", ".join(f"{k}={_short(v)}" for k, v in payload.get("changes", {}).items())
        return f"{changes} — reason: {payload.get('reason')}"
    if record["kind"] == "event.retracted":
        return f"reason: {payload.get('reason')}"
    if record["kind"] == "event.recorded":
        return f"{payload.get('type')}: {payload.get('summary')}"
    return _short(payload, 120)


def _short(value: Any, width: int = 60) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= width else text[: width - 1] + "…"


def write_when(text: str, reference: date, *, lang: str | None, prefer: str, fmt: str,
               stdin: TextIO, out: TextIO) -> None:
    """``timeline when``: one expression, or one per line of stdin as JSON Lines."""
    from timeline import dates

    check_format(fmt, ("text", "json"))
    languages = [lang] if lang else None
    if text == "-":
        for line in stdin:
            expression = line.strip()
            if not expression:
                continue
            try:
                answer = dates.resolve(expression, reference, prefer=prefer,
                                       languages=languages).to_dict()
            except TimelineError as exc:
                answer = {"text": expression, "reference": reference.isoformat(),
                          "error": str(exc)}
            out.write(orjson.dumps(answer).decode() + "\n")
        return
    span = dates.resolve(text, reference, prefer=prefer, languages=languages)
    if fmt == "json":
        out.write(orjson.dumps(span.to_dict()).decode() + "\n")
        return
    earliest = span.earliest.isoformat() if span.earliest else "…"
    latest = span.latest.isoformat() if span.latest else "…"
    mod = f", {span.mod}" if span.mod else ""
    out.write(f"{span.label()}: {earliest} – {latest} ({span.precision}{mod}; "
              f"EDTF {span.edtf})\n")


def write_rows(fmt: str, rows: list[dict[str, Any]], out: TextIO) -> None:
    """Plain rows (actors...) as a table or JSON."""
    if fmt == "json":
        out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    headers = tuple(rows[0]) if rows else ("name",)
    print_rows(headers, [tuple("" if v is None else str(v) for v in row.values())
                         for row in rows], out)


def write_actor(fmt: str, actor: dict[str, Any], out: TextIO) -> None:
    if fmt == "json":
        out.write(orjson.dumps(actor).decode() + "\n")
        return
    lines = [
        f"{actor['name']} ({actor['kind']}{', ' + actor['country'] if actor['country'] else ''})",
        f"  aliases : {', '.join(actor['aliases']) or '-'}",
        f"  parent  : {actor['parent'] or '-'}",
        f"  branches: {', '.join(actor['branches']) or '-'}",
        f"  events  : {actor['events']}",
    ]
    out.write("\n".join(lines) + "\n")


def write_ingest(fmt: str, result: Any, out: TextIO, err: TextIO) -> None:
    """What ``ingest`` recorded (or would record, or skipped as already ingested)."""
    if fmt == "json":
        out.write(orjson.dumps({"source_id": result.source_id, "source": result.source,
                                "recorded": result.recorded, "duplicate": result.duplicate,
                                "events": result.events}, option=orjson.OPT_INDENT_2).decode())
        out.write("\n")
    elif result.events:
        write_table(result.events, out)
    label = result.source.get("title") or result.source.get("name") or result.source_id
    if result.duplicate:
        err.write(f"already ingested ({result.source_id}): nothing recorded\n")
    elif result.recorded:
        err.write(f"recorded {len(result.events)} events from {label} ({result.source_id})\n")
    else:
        err.write(f"dry run: {len(result.events)} events found in {label}; nothing recorded\n")


def format_from_name(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if suffix in ("csv", "jsonl", "json") else "csv"


@contextlib.contextmanager
def open_input(name: str) -> Iterator[TextIO]:
    """A file (or stdin for ``-``) opened for CSV/JSON reading; one-line errors."""
    if name == "-":
        yield sys.stdin
        return
    try:
        handle = open(name, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    try:
        yield handle
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None
    finally:
        handle.close()


def with_progress(work: Callable[..., Any], err: TextIO) -> Any:
    """Run ``work(progress, validated)`` with a rich progress display on a terminal only."""
    if not (hasattr(err, "isatty") and err.isatty()):
        return work(None, None)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"),
               TextColumn("{task.completed:,} rows"), TimeElapsedColumn())
    with Progress(*columns, console=_console(err), transient=True) as bar:
        checking = bar.add_task("checking", total=None)
        writing = bar.add_task("writing", total=None, visible=False)

        def validated(n: int) -> None:
            if n % 500 == 0:
                bar.update(checking, completed=n)

        def progress(n: int) -> None:
            if n % 500 == 0:
                bar.update(writing, completed=n, visible=True)

        return work(progress, validated)
