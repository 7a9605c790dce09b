"""Text of the extractor: articles, sentences and the one-line summaries of events."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from timeline.errors import UsageError

if TYPE_CHECKING:
    from timeline.extract_merge import Event

_PUBLISHED = re.compile(r"^\s*published\s*:\s*(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


def parse_article(raw: str) -> tuple[str, date | None]:
    """Split an article file into its text and its publication date.

    A first line ``Published: YYYY-MM-DD`` (the format of ``examples/``) gives the date and is
    not part of the text; without it the whole input is the text and the date is None.
    """
    first, sep, rest = raw.partition("\n")
    m = _PUBLISHED.match(first)
    if not m:
        return raw, None
    try:
        published = date.fromisoformat(m.group(1))
    except ValueError:
        raise UsageError(f"bad publication date {m.group(1)!r} in the first line") from None
    return rest.lstrip("\n"), published


_ABBREV = frozenset(
    "mr mrs ms dr st gen col lt sgt capt maj prof jan feb mar apr jun jul aug sep sept oct nov "
    "dec no vs etc inc corp co jr sr rep sen gov pres".split()
)
_SENTENCE_END = re.compile(
    r"[.!?]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9\u00c0-\u024f])|\n+"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets ``(start, end)`` in ``text``, whitespace trimmed. A line break always
    ends a sentence; a dot after an abbreviation or an initial ("U.S.", "Dr.") does not."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith("."):
            word = re.search(r"([\w]+)$", text[start : m.start()])
            if word and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREV):
                continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# -- summaries ---------------------------------------------------------------------------------


def _names(event: dict[str, Any], display: Callable[[str], str], *roles: str) -> list[str]:
    return [display(a["name"]) for a in event["actors"] if a["role"] in roles]


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _same(a: str, b: str) -> bool:
    return a.removeprefix("the ").casefold() == b.removeprefix("the ").casefold()


def summary(
    event: dict[str, Any],
    e: Event,
    plot: dict[str, Any] | None = None,
    plot_venues: Sequence[str] = (),
    *,
    display: Callable[[str], str] = str,
) -> str:
    """One line for an event; actors are named through ``display``."""
    text = _summary(event, e, plot, plot_venues, display)
    return text[:1].upper() + text[1:]


def _summary(
    event: dict[str, Any],
    e: Event,
    plot: dict[str, Any] | None,
    plot_venues: Sequence[str],
    display: Callable[[str], str],
) -> str:
    kind = event["type"]
    agents = _names(event, display, "agent")
    perp = " and ".join(_names(event, display, "perpetrator"))
    agent = " and ".join(agents)
    target = " and ".join(_names(event, display, "target"))
    venue = next((v for m in e.mentions for v in m.venues if v != "hideout"), None)
    place = event["location"]
    # "Russia thwarted ... in Russia" says the place twice
    where = f" in {place}" if place and not any(_same(place, a) for a in agents) else ""
    if kind == "attack":
        noun = e.best().trigger.subtype or "attack"
        head = f"{perp} {noun}" if perp else noun.capitalize()
        prep = "on" if noun == "attack" else "at"
        on = f" {prep} {_article(venue)}" if venue else (f" on {target}" if target else "")
        counts = []
        if event["killed"] is not None:
            counts.append(f"{event['killed']} killed")
        if event["injured"] is not None:
            counts.append(f"{event['injured']} injured")
        return f"{head}{on}{where}" + (": " + ", ".join(counts) if counts else "")
    if kind == "operation":
        return f"{agent or 'Authorities'} operation{' against ' + target if target else ''}{where}"
    if kind == "detention":
        n = event["detained"]
        what = f"{n} suspects" if n else "suspects"
        linked = f" linked to {target}" if target else ""
        plan = next((m.plan for m in e.mentions if m.plan), "")
        plan = f" who were {plan}" if plan else ""
        return f"{agent or 'Authorities'} detained {what}{linked}{where}{plan}"
    if kind == "warning":
        about = ""
        if plot is not None:
            plot_perp = " and ".join(_names(plot, display, "perpetrator"))
            plot_venue = next((v for v in plot_venues if v != "hideout"), None)
            about = f" of a planned {plot_perp + ' ' if plot_perp else ''}attack"
            about += f" on {_article(plot_venue)}" if plot_venue else ""
        elif perp:
            about = f" of a planned {perp} attack"
        return f"{agent or 'Unnamed source'} warned {target or 'authorities'}{about}"
    if kind == "thwarted_plot":
        by = f"{perp} " if perp else ""
        on = f" on {_article(venue)}" if venue else ""
        head = f"{agent} thwarted" if agent else "Thwarted"
        return f"{head} a planned {by}attack{on}{where}"
    if kind == "airstrike":
        on = f" on {target}" if target else ""
        targets = " hideouts" if any("hideout" in m.venues for m in e.mentions) and target else ""
        return f"{agent or 'Unattributed'} airstrikes{on}{targets}{where}"
    if kind == "designation":
        by = f" by {agent}" if agent else ""
        return f"{target or 'Group'} designated a terrorist organisation{by}"
    if kind == "statement":
        best = e.best()
        clause = re.split(r"[,;]\s", best.detail, maxsplit=1)[0]
        words = clause.split()
        if len(words) > 24:
            words = words[:24] + ["..."]
        while words and words[-1].lower() in ("and", "or", "but", "that", "which", "who"):
            words.pop()
        clause = " ".join(words)
        return f"{agent or 'Unnamed official'} {clause}".strip()
    if kind == "sentencing":
        whom = f"{target} members" if target else "defendants"
        return f"{agent or 'Court'} sentenced {whom}{where}"
    return f"{kind.replace('_', ' ').capitalize()}{where}"
