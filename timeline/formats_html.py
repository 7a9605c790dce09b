"""The ``html`` export: one self-contained page (inline CSS and JS, no network) drawing the
timeline, with a plain table of every event under the chart that works without JavaScript.

The page is ``timeline/data/timeline.html``; its ``{{name}}`` slots are filled here, each with
escaped text: the title and the table rows with :func:`html.escape`, and the event data as JSON
inside ``<script type="application/json">`` with every ``<``, ``>`` and ``&`` written as a
``\\u`` escape, so no text (``</script>``, ``<!--``) can end the script element. The page's
script only ever puts text into the page with ``textContent``, and only links ``http(s)`` URLs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any, TextIO

import orjson

from timeline.export import _safe_url, casualties_text, date_label

_SLOT_RE = re.compile(r"\{\{(\w+)\}\}")


def _template() -> str:
    return resources.files("timeline.data").joinpath("timeline.html").read_text(encoding="utf-8")


def script_json(obj: Any) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``<``, ``>`` or ``&`` left)."""
    text = orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _type_class(etype: Any) -> str:
    return "t-" + re.sub(r"[^a-z_]", "", str(etype or "other").lower())


def _row_html(i: int, event: dict[str, Any]) -> str:
    esc = html.escape
    etype = str(event.get("type") or "")
    kind = esc(etype.replace("_", " "))
    if event.get("subtype"):
        kind += f' <span class="muted">/ {esc(str(event["subtype"]))}</span>'
    summary = esc(event.get("summary") or "")
    if event.get("evidence"):
        summary += f'<div class="evidence">“{esc(event["evidence"])}”</div>'
    actors = "; ".join(
        f'{esc(a.get("name") or "")} <span class="muted">({esc(a.get("role") or "")})</span>'
        for a in event.get("actors") or []
    )
    place = esc(", ".join(str(p) for p in (event.get("location"), event.get("country")) if p))
    src = event.get("source") or {}
    label = src.get("title") or src.get("name") or src.get("url") or ""
    url = _safe_url(src.get("url"))
    if url and label:
        source = f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">{esc(label)}</a>'
    else:
        source = esc(label)
    return (
        f'<tr data-i="{i}"><td class="date">{esc(date_label(event))}</td>'
        f'<td class="kind"><span class="sw {esc(_type_class(etype))}"></span>{kind}</td>'
        f"<td>{summary}</td><td>{actors}</td><td>{place}</td>"
        f'<td class="num">{esc(casualties_text(event))}</td><td>{source}</td></tr>\n'
    )


def write_html_page(
    events: Iterable[dict[str, Any]], out: TextIO, *, title: str | None = None
) -> int:
    """Write the page to ``out``; return the number of events.

    The events are held in a list (the table and the embedded data both need them); the page
    itself is written piece by piece.
    """
    evs = list(events)
    dates = sorted(str(d) for e in evs for d in (e.get("earliest"), e.get("latest")) if d)
    span = f" · {dates[0]} – {dates[-1]}" if dates else ""
    n = len(evs)
    subtitle = f"{n} event{'s' if n != 1 else ''}{span}"

    def data(o: TextIO) -> None:
        o.write("[")
        for i, e in enumerate(evs):
            item = dict(e)
            item["label"] = date_label(e)
            o.write(("," if i else "") + "\n" + script_json(item))
        o.write("\n]")

    def rows(o: TextIO) -> None:
        for i, e in enumerate(evs):
            o.write(_row_html(i, e))

    slots: dict[str, Callable[[TextIO], object]] = {
        "title": lambda o: o.write(html.escape(title or "Timeline")),
        "subtitle": lambda o: o.write(html.escape(subtitle)),
        "rows": rows,
        "data": data,
    }
    pos = 0
    template = _template()
    for m in _SLOT_RE.finditer(template):
        out.write(template[pos : m.start()])
        slots[m.group(1)](out)
        pos = m.end()
    out.write(template[pos:])
    return n
