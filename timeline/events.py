"""What an event is: its fields, their validation, and the fold of its records into a document.

The same fold serves the read tables, ``show --as-of`` and ``history``; see docs/event-shape.md.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from timeline.errors import TimelineError, UsageError

TYPES = (
    "attack",
    "detention",
    "warning",
    "thwarted_plot",
    "airstrike",
    "statement",
    "sentencing",
    "operation",
    "designation",
    "other",
)
ROLES = ("perpetrator", "target", "victim", "agent", "source", "other")
PRECISIONS = (
    "day", "week", "weekend", "month", "part_of_month", "quarter", "half", "season", "year",
    "decade", "century", "interval", "open",
)
DATE_FIELDS = ("earliest", "latest", "precision", "mod", "date_text", "reference", "edtf")
COUNT_FIELDS = ("killed", "injured", "detained")
SOURCE_FIELDS = ("name", "url", "title", "published", "sha256")
#: Fields a record's payload carries (event.recorded) or changes (event.amended).
PAYLOAD_FIELDS = (
    "type", "subtype", "summary", *DATE_FIELDS, "actors", "location", "country",
    *COUNT_FIELDS, "source", "evidence", "evidence_start", "evidence_end", "confidence", "method",
)
#: Every key of an event document, in display order. ``label`` is derived from the date fields
#: ("late Jan 2024"), kept in the document so that showing a large timeline does not redo it.
DOC_FIELDS = (
    "id", *PAYLOAD_FIELDS[:10], "label", *PAYLOAD_FIELDS[10:], "status", "version",
    "recorded_at", "updated_at",
)

_ID_RE = re.compile(r"^ev-[0-9a-f]{10}$")
_URL_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def new_event_id() -> str:
    return "ev-" + secrets.token_hex(5)


def ids_for_key(key: str) -> tuple[str, str]:
    """Deterministic (event id, record id) for an idempotency key."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    return "ev-" + digest[:10], str(uuid.UUID(digest[:32]))


def check_event_id(event_id: str) -> str:
    event_id = event_id.strip()
    if not _ID_RE.match(event_id):
        raise UsageError(f"not an event id: {event_id!r} (ids look like ev-0123456789)")
    return event_id


@functools.lru_cache(maxsize=65536)
def fold_key(name: str) -> str:
    """The matching key of a name ("Türkiye" == "turkiye", "Daesh-K" == "DAESH K").

    One rule for the whole project: the actor gazetteer's (imported on first use). Cached:
    folds meet the same few thousand names over and over.
    """
    from timeline.actors import fold

    return fold(name)


def one_line(value: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise UsageError(f"{what} must not be empty")
    return text


def parse_actor(value: str | Mapping[str, Any]) -> dict[str, str]:
    """``"Daesh-K"`` -> perpetrator; ``"MIT:agent"`` -> agent; a mapping {name, role} as is."""
    if isinstance(value, Mapping):
        name = str(value.get("name") or "")
        role = str(value.get("role") or "perpetrator")
    else:
        name, role = value, "perpetrator"
        head, sep, tail = value.rpartition(":")
        if sep and re.fullmatch(r"\s*[A-Za-z_]+\s*", tail):
            if tail.strip().lower() not in ROLES:
                raise UsageError(
                    f"unknown role {tail.strip()!r} in {value!r}; roles: {', '.join(ROLES)}"
                )
            name, role = head, tail.strip().lower()
    role = role.strip().lower()
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    return {"name": one_line(name, "an actor name"), "role": role}


def parse_count(value: Any, what: str) -> int | None:
    """A casualty or detention count: a non-negative integer, or None for unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
        number = int(value)
    else:
        raise UsageError(f"{what} must be a non-negative integer, got {value!r}")
    if number < 0:
        raise UsageError(f"{what} must be a non-negative integer, got {value!r}")
    return number


def parse_source(value: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        # Blank fields are unknown ones, as everywhere else (a CSV cell cannot tell them apart).
        source = {}
        for key in SOURCE_FIELDS:
            field_value = value.get(key)
            if isinstance(field_value, str):
                field_value = " ".join(field_value.split()) or None
            source[key] = field_value
    else:
        text = value.strip()
        if not text:
            return None
        is_url = bool(_URL_RE.match(text))
        source = dict.fromkeys(SOURCE_FIELDS)
        source["url" if is_url else "name"] = text
    if not any(source.values()):
        return None
    return source


def date_fields(
    text: str, reference: date, *, lang: str | None = None, prefer: str = "past"
) -> dict[str, Any]:
    """Resolve a date expression with the date layer into the event's date fields."""
    from timeline import dates

    span = dates.resolve(text, reference, prefer=prefer, languages=[lang] if lang else None)
    return {
        "earliest": span.earliest.isoformat() if span.earliest else None,
        "latest": span.latest.isoformat() if span.latest else None,
        "precision": span.precision,
        "mod": span.mod,
        "date_text": span.text,
        "reference": span.reference.isoformat(),
        "edtf": span.edtf,
    }


def build(
    fields: Mapping[str, Any], *, canonical: Callable[[str], str] = lambda name: name
) -> dict[str, Any]:
    """Validate event fields (as given to ``add`` or read by ``import``) into a payload."""
    unknown = set(fields) - set(PAYLOAD_FIELDS)
    if unknown:
        raise UsageError(f"unknown event field(s): {', '.join(sorted(unknown))}")
    payload: dict[str, Any] = dict.fromkeys(PAYLOAD_FIELDS)
    payload.update(fields)
    payload["method"] = payload["method"] or "manual"
    return normalize(payload, canonical=canonical)


def normalize(
    payload: dict[str, Any], *, canonical: Callable[[str], str] = lambda name: name
) -> dict[str, Any]:
    """Check and tidy the fields present in ``payload`` (a full event or an amendment)."""
    out = dict(payload)
    if "type" in out:
        kind = str(out["type"] or "").strip().lower()
        if kind not in TYPES:
            raise UsageError(f"unknown event type {out['type']!r}; types: {', '.join(TYPES)}")
        out["type"] = kind
    if "summary" in out:
        out["summary"] = one_line(str(out["summary"] or ""), "the summary")
    for key in COUNT_FIELDS:
        if key in out:
            out[key] = parse_count(out[key], key)
    if "actors" in out:
        actors = [parse_actor(a) for a in (out["actors"] or [])]
        for actor in actors:
            actor["name"] = canonical(actor["name"])
        out["actors"] = _dedupe(actors)
    if "source" in out:
        out["source"] = parse_source(out["source"])
    for key in ("subtype", "location", "country", "evidence", "method"):
        if key in out and out[key] is not None:
            out[key] = " ".join(str(out[key]).split()) or None
    if "precision" in out and out["precision"] not in PRECISIONS:
        raise UsageError(f"unknown date precision {out['precision']!r}")
    earliest, latest = out.get("earliest"), out.get("latest")
    if earliest and latest and earliest > latest:
        raise UsageError(f"the date interval ends ({latest}) before it starts ({earliest})")
    return out


def _dedupe(actors: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for actor in actors:
        key = (fold_key(actor["name"]), actor["role"])
        if key not in seen:
            seen.add(key)
            out.append(actor)
    return out


# -- the fold -------------------------------------------------------------------------------
_BLANK_DOC: dict[str, Any] = dict.fromkeys(DOC_FIELDS)
_DOC_SIZE = len(_BLANK_DOC)


def recorded(event_id: str, payload: Mapping[str, Any], at: str, *,
             label: bool = True) -> dict[str, Any]:
    """The document of an event as its event.recorded record says (``label``: False leaves
    its date label None, for a reader that prints none)."""
    doc = _BLANK_DOC.copy()  # every key, in display order
    doc.update(payload)
    if len(doc) != _DOC_SIZE:  # keys of another tool's too: keep only the event's fields
        doc = _BLANK_DOC.copy()
        doc.update({key: payload.get(key) for key in PAYLOAD_FIELDS})
    # (A document-only key in a payload, such as "status", is overwritten here.)
    doc["id"], doc["status"], doc["version"] = event_id, "active", 1
    doc["recorded_at"] = doc["updated_at"] = at
    if label:
        doc["label"] = date_label(doc)
    return doc


def amended(doc: Mapping[str, Any], changes: Mapping[str, Any], at: str) -> dict[str, Any]:
    out = dict(doc)
    out.update({key: value for key, value in changes.items() if key in PAYLOAD_FIELDS})
    out.update(version=doc["version"] + 1, updated_at=at)
    out["label"] = date_label(out)
    return out


def date_label(doc: Mapping[str, Any]) -> str:
    """The event's date as what it is ("late Jan 2024"), never a false exact day; cached.

    The label is the span's (earliest, latest, precision, mod); the other date fields only
    decide whether reading the span fails and the plain fallback is used: the reference by
    whether it is an ISO day, the EDTF by whether it is empty. So those six values are the key
    (the reference itself: a finer key than its being a day, and no call to work that out).
    """
    get = doc.get
    try:
        key = (get("earliest"), get("latest"), get("precision"), get("mod"),
               get("reference"), not get("edtf"))
        label = _LABELS.get(key)
    except TypeError:  # an unhashable value: a malformed payload, labelled uncached
        return _label_now(doc)
    if label is None:
        if len(_LABELS) >= 65536:
            _LABELS.clear()
        label = _LABELS[key] = _label_now(doc)
    return label


_LABELS: dict[tuple[Any, ...], str] = {}


@functools.lru_cache(maxsize=65536)
def _iso_day(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _label_now(doc: Mapping[str, Any]) -> str:
    """The event's date as what it is ("late Jan 2024"), never a false exact day.

    What ``DateSpan.from_dict(doc).label()`` says. A document with an EDTF string and an ISO
    reference (every one the date layer wrote) is labelled without importing the date grammar:
    from_dict would only parse the days, which is done here.
    """
    try:
        if doc.get("edtf") and _iso_day(doc.get("reference")):
            earliest, latest = doc.get("earliest"), doc.get("latest")
            return _label_of()(date.fromisoformat(earliest) if earliest else None,
                               date.fromisoformat(latest) if latest else None,
                               doc["precision"], doc.get("mod"))
        from timeline.dates import DateSpan

        return str(DateSpan.from_dict(dict(doc)).label())
    except (TimelineError, KeyError, TypeError, ValueError):
        return " – ".join(str(x) for x in (doc.get("earliest"), doc.get("latest")) if x) or "?"


@functools.cache
def _label_of() -> Callable[[date | None, date | None, str | None, str | None], str]:
    """_datelabel.label_of, imported on the first label rather than with this module."""
    from timeline._datelabel import label_of

    return label_of


def retracted(doc: Mapping[str, Any], at: str) -> dict[str, Any]:
    out = dict(doc)
    out.update(status="retracted", version=doc["version"] + 1, updated_at=at)
    return out


def sort_key(doc: Mapping[str, Any]) -> str:
    """Chronological order: by the earliest day, then the latest ("2024-01-21|2024-01-31").

    An open start ("on or before 18 June") sorts at the day it is known by, its latest; an
    open end after every closed one of the same start; no date at all last. With the record
    order after it, one indexed column gives the whole order.
    """
    last = doc.get("latest") or "9999-12-31"
    return f"{doc.get('earliest') or last}|{last}"
