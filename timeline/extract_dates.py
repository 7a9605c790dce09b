"""Dates of the extractor: intervals read by :mod:`timeline.dates`, intersected and refined."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAY = re.compile(
    r"^(?:(?:on|during)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?$",
    re.IGNORECASE,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class When:
    earliest: date | None
    latest: date | None
    precision: str
    mod: str | None
    text: str
    edtf: str

    def width(self) -> int:
        if self.earliest is None or self.latest is None:
            return 10**6
        return (self.latest - self.earliest).days

    def overlaps(self, other: When) -> bool:
        lo = max(self.earliest or date.min, other.earliest or date.min)
        hi = min(self.latest or date.max, other.latest or date.max)
        return lo <= hi


def _edtf(earliest: date | None, latest: date | None) -> str:
    a = earliest.isoformat() if earliest else ".."
    b = latest.isoformat() if latest else ".."
    return a if earliest == latest and earliest is not None else f"{a}/{b}"


def interval(
    earliest: date | None, latest: date | None, precision: str, mod: str | None, text: str
) -> When:
    return When(earliest, latest, precision, mod, text, _edtf(earliest, latest))


def intersect(dates: Sequence[When]) -> When | None:
    """The narrowest reading consistent with all: the intersection, keeping the metadata of the
    narrowest input when the intersection is that input."""
    if not dates:
        return None
    lo = max((d.earliest for d in dates if d.earliest), default=None)
    hi = min((d.latest for d in dates if d.latest), default=None)
    if lo and hi and lo > hi:
        return min(dates, key=When.width)
    best = min(dates, key=When.width)
    if best.earliest == lo and best.latest == hi:
        return best
    texts = "; ".join(dict.fromkeys(d.text for d in dates))
    return interval(lo, hi, "interval", None, texts)


def find_dates(sentence: str, published: date) -> list[tuple[int, int, When]]:
    try:
        from timeline.dates import find
    except ImportError:  # the date layer is not installed: no date is read
        return []
    out = []
    for start, end, span in find(sentence, published):
        out.append(
            (
                start,
                end,
                When(
                    span.earliest,
                    span.latest,
                    span.precision,
                    span.mod,
                    span.text or sentence[start:end],
                    span.edtf,
                ),
            )
        )
    return out


def onset(when: When, published: date) -> When | None:
    """The start of a state written "since X" ("marked a terrorist group since 2013"): the
    interval of X itself, read against the same reference; None when it is not such a date."""
    m = re.match(r"\s*since\s+(\S.*)$", when.text, re.IGNORECASE | re.DOTALL)
    if m is None or when.mod != "ON_OR_AFTER":
        return None
    found = find_dates(m.group(1), published)
    if not found:
        return None
    start, end, inner = found[0]
    if inner.earliest != when.earliest or inner.latest is None:
        return None
    return interval(inner.earliest, inner.latest, inner.precision, inner.mod, when.text)


def _on_weekday(broad: When, weekday: int, word: str) -> When | None:
    """Restrict an interval to the days that fall on ``weekday`` ("Sunday ... in late January")."""
    if broad.earliest is None or broad.latest is None:
        return None
    first = broad.earliest + timedelta(days=(weekday - broad.earliest.weekday()) % 7)
    last = broad.latest - timedelta(days=(broad.latest.weekday() - weekday) % 7)
    if first > last:
        return None
    precision = "day" if first == last else "interval"
    said = (
        broad.text if re.match(r"(?:in|on|during|at)\s", broad.text, re.I) else f"in {broad.text}"
    )
    return interval(first, last, precision, broad.mod, f"{word} {said}")


def combine_dates(dates: list[When]) -> When | None:
    weekdays = [d for d in dates if _WEEKDAY.match(d.text.strip())]
    others = [d for d in dates if d not in weekdays]
    if weekdays and others:
        word = _WEEKDAY.match(weekdays[0].text.strip()).group(1)  # type: ignore[union-attr]
        broad = intersect(others)
        if broad is not None:
            refined = _on_weekday(broad, _WEEKDAYS.index(word.lower()), word)
            if refined is not None:
                return refined
        return broad
    return intersect(dates)
