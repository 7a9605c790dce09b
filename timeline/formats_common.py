"""Vocabulary shared by the writers (:mod:`timeline.export`) and the readers
(:mod:`timeline.formats_import`): the event keys, the CSV columns, the closed value sets, and the
``name (role); name (role)`` actor cell.

The actor cell escapes a backslash as ``\\\\`` and a semicolon inside a name as ``\\;`` so that any
canonical name survives a CSV round trip; a hand-written cell never needs either (a backslash not
followed by ``\\`` or ``;`` is kept as it is).
"""

from __future__ import annotations

import operator
import re
from typing import Any

from timeline.errors import UsageError
from timeline.events import DOC_FIELDS, SOURCE_FIELDS, TYPES
from timeline.events import PRECISIONS as _PRECISIONS
from timeline.events import ROLES as _ROLES

#: The closed value sets and the event keys are the store's own (timeline.events).
EVENT_TYPES: tuple[str, ...] = TYPES
ROLES: tuple[str, ...] = _ROLES
PRECISIONS: tuple[str, ...] = _PRECISIONS
SOURCE_KEYS: tuple[str, ...] = SOURCE_FIELDS
#: Every key of an event dict, in the order of docs/event-shape.md.
EVENT_KEYS: tuple[str, ...] = DOC_FIELDS
MODS: tuple[str, ...] = (
    "START",
    "MID",
    "END",
    "BEFORE",
    "AFTER",
    "ON_OR_AFTER",
    "ON_OR_BEFORE",
    "APPROX",
)
STATUSES: tuple[str, ...] = ("active", "retracted")

#: The CSV columns of docs/event-shape.md, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "subtype",
    "earliest",
    "latest",
    "precision",
    "mod",
    "date_text",
    "reference",
    "edtf",
    "summary",
    "actors",
    "location",
    "country",
    "killed",
    "injured",
    "detained",
    "source",
    "source_url",
    "source_title",
    "source_published",
    "source_sha256",
    "evidence",
    "evidence_start",
    "evidence_end",
    "confidence",
    "method",
    "status",
)

_SOURCE_COLUMNS: dict[str, str] = {
    "source": "name",
    "source_url": "url",
    "source_title": "title",
    "source_published": "published",
    "source_sha256": "sha256",
}


def format_actor_name(name: str) -> str:
    """Escape a name for the actor cell: ``\\`` -> ``\\\\``, ``;`` -> ``\\;``."""
    return name.replace("\\", "\\\\").replace(";", "\\;")


def _split_actor_cell(cell: str) -> list[str]:
    """Split on unescaped ``;`` and undo the two escapes."""
    if "\\" not in cell:
        return cell.split(";")  # nothing escaped: the common case
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in "\\;":
            buf.append(cell[i + 1])
            i += 2
            continue
        if ch == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


_ACTOR_RE = re.compile(r"^(?P<name>.*\S)\s*\((?P<role>[^()]*)\)$", re.DOTALL)


def parse_actors(cell: str, row: int) -> list[dict[str, str]]:
    """``"name (role); name (role)"`` -> ``[{name, role}, ...]``; raises UsageError naming the row.

    Whitespace around each item is dropped. The role is the last parenthesised word, so a name
    may itself hold parentheses: ``"Islamic State (Khorasan) (perpetrator)"``.
    """
    actors: list[dict[str, str]] = []
    if not cell.strip():
        return actors
    for raw in _split_actor_cell(cell):
        item = raw.strip()
        if not item:
            continue
        m = _ACTOR_RE.match(item)
        if not m:
            raise UsageError(
                f"row {row}: actor {item!r} must be written 'name (role)' with role in "
                f"{', '.join(ROLES)}"
            )
        role = m.group("role").strip().lower()
        if role not in ROLES:
            raise UsageError(
                f"row {row}: actor {m.group('name')!r} has unknown role {role!r} "
                f"(known: {', '.join(ROLES)})"
            )
        actors.append({"name": m.group("name"), "role": role})
    return actors


def cell(value: Any) -> str:
    """One CSV cell: None -> empty, numbers via str (float repr round-trips), text unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def event_csv_cells(event: dict[str, Any]) -> dict[str, str]:
    """The documented CSV columns of one event, each as a cell string."""
    return {col: cell(value) for col, value in zip(CSV_COLUMNS, event_csv_row(event), strict=True)}


_NO_SOURCE: dict[str, Any] = {}


def _count(value: Any) -> Any:
    """A numeric cell for :func:`event_csv_row`: a bool as ``true``/``false`` (as :func:`cell`)."""
    return ("true" if value else "false") if value.__class__ is bool else value


def event_csv_row(event: dict[str, Any]) -> list[Any]:
    """The cells of one event in :data:`CSV_COLUMNS` order, for a :func:`csv.writer`: the values
    themselves (None, numbers), which the writer turns into the very text :func:`cell` gives
    (None -> empty, a number via str); a bool in a numeric column becomes ``true``/``false``."""
    try:  # a document has every key (docs/event-shape.md): one C call reads them all
        values = _ROW_FIELDS(event)
    except KeyError:  # a partial mapping, from Python callers
        values = tuple(map(event.get, _ROW_KEYS))
    (id_, type_, subtype, earliest, latest, precision, mod, date_text, reference, edtf,
     summary, actors, location, country, killed, injured, detained, src, evidence,
     ev_start, ev_end, conf, method, status) = values
    if actors:
        items = []
        for a in actors:
            name = a["name"]
            if "\\" in name or ";" in name:
                name = format_actor_name(name)
            items.append(f"{name} ({a['role']})")
        actor_cell = "; ".join(items)
    else:
        actor_cell = ""
    if not src:
        src = _NO_SOURCE
    if (
        killed.__class__ is bool or injured.__class__ is bool or detained.__class__ is bool
        or ev_start.__class__ is bool or ev_end.__class__ is bool or conf.__class__ is bool
    ):
        killed, injured, detained = _count(killed), _count(injured), _count(detained)
        ev_start, ev_end, conf = _count(ev_start), _count(ev_end), _count(conf)
    get = src.get
    return [
        id_, type_, subtype, earliest, latest, precision, mod, date_text, reference, edtf,
        summary, actor_cell, location, country, killed, injured, detained,
        get("name"), get("url"), get("title"), get("published"), get("sha256"),
        evidence, ev_start, ev_end, conf, method, status,
    ]


#: The document keys :func:`event_csv_row` reads, in its order (the source's come apart).
_ROW_KEYS = (
    "id", "type", "subtype", "earliest", "latest", "precision", "mod", "date_text", "reference",
    "edtf", "summary", "actors", "location", "country", "killed", "injured", "detained",
    "source", "evidence", "evidence_start", "evidence_end", "confidence", "method", "status",
)
_ROW_FIELDS = operator.itemgetter(*_ROW_KEYS)


