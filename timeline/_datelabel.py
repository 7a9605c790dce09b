"""The label of a date interval ("late Jan 2024", "Q1 2024", "on or before 18 Jun 2024").

Kept apart from the date grammar so that showing events, which labels every one of them,
does not import the grammar, its rule tables and its holiday calendar.
"""

from __future__ import annotations

from datetime import date

_MON = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_PART_WORD = {"START": "early", "MID": "mid", "END": "late"}


def _fmt(d: date) -> str:
    return f"{d.day} {_MON[d.month]} {d.year}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def label_of(e: date | None, last: date | None, p: str | None, mod: str | None) -> str:
    """A short human label that never claims more precision than the interval has."""
    if e is None and last is None:
        return "any time"
    if e is None:
        assert last is not None
        return f"on or before {_fmt(last)}"
    if last is None:
        return f"on or after {_fmt(e)}"
    part = _PART_WORD.get(mod or "")
    if e == last:
        return ("about " if mod == "APPROX" else "") + _fmt(e)
    if p == "month":
        return f"{_MON[e.month]} {e.year}"
    if p == "part_of_month":
        if part:
            return f"{part} {_MON[e.month]} {e.year}"
        return f"{e.day}–{last.day} {_MON[e.month]} {e.year}"
    if p == "week" and not part:
        return f"week of {_fmt(e)}"
    if p == "weekend":
        if e.month == last.month:
            return f"weekend {e.day}–{last.day} {_MON[e.month]} {e.year}"
        return f"weekend {e.day} {_MON[e.month]}–{_fmt(last)}"
    if p == "quarter" and not part:
        return f"Q{(e.month + 2) // 3} {e.year}"
    if p == "half" and not part:
        return f"H{1 if e.month <= 6 else 2} {e.year}"
    if p == "season" and not part:
        name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}.get(e.month, "season")
        return f"winter {e.year}–{str(e.year + 1)[-2:]}" if name == "winter" else f"{name} {e.year}"
    if p == "year":
        return f"{part} {e.year}" if part else f"{e.year}"
    if p == "decade":
        y0 = e.year - e.year % 10
        return f"{part} {y0}s" if part else f"{y0}s"
    if p == "century":
        c = _ordinal(last.year // 100 + 1)
        return f"{part} {c} century" if part else f"{c} century"
    if e.year == last.year and e.month == last.month:
        return f"{e.day}–{last.day} {_MON[e.month]} {e.year}"
    if e.year == last.year:
        return f"{e.day} {_MON[e.month]} – {_fmt(last)}"
    return f"{_fmt(e)} – {_fmt(last)}"
