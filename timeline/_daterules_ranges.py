"""Date rules for ranges and anchored intervals: "from X to Y", "since X", "before X",
"after X", "late X", "around X", "the rest of the month". Registered into ``_daterules.RULES``."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from timeline import _dategrammar as g
from timeline._dategrammar import Span
from timeline._daterules import (
    CALENDAR_NAME,
    Ctx,
    earlier_later,
    has_year,
    parse,
    pick_month_day,
    rule,
)


@rule(r"(?:between|from) (?:the )?(?P<d1>{DAY}) (?:to|till|until|through|thru|and|-) "
      r"(?:the )?(?P<d2>{DAY})(?: of| in)?{S}(?P<rest>{ATOM:a})", atom=False)
def _days_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    return _day_range(m["d1"], m["d2"], ctx.sub(m["rest"]))


@rule(r"(?:from |between )?(?P<d1>{DAY}) ?(?:to|till|until|through|thru|-) ?(?P<d2>{DAY})"
      r"(?: of| in)?{S}(?P<rest>{ATOM:a})", atom=False)
def _days_of2(m: re.Match[str], ctx: Ctx) -> Span | None:
    return _day_range(m["d1"], m["d2"], ctx.sub(m["rest"]))


# words that place a date by the reference itself, whatever comes before them
_DEICTIC = re.compile(r"\b(?:now|today|tonight|tomorrow|tmrw|yesterday|present|date|ago|next|last"
                      r"|this|coming|past|previous)\b")
_SPLIT_NUMBER = re.compile(g.pattern(
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\|(?:{DAY})(?![a-z])"))
WEEKDAY_ONLY = re.compile(g.pattern(r"(?:(?:{THIS}|{LAST}|{NEXT}) )?(?P<wd>{WD})"))


@rule(r"(?:from |between )?{MON:mon}{S}(?:between |from )?(?:the )?(?P<d1>{DAY}) ?"
      r"(?:to|till|until|through|thru|-|and) ?(?:the )?(?P<d2>{DAY})"
      r"(?:{S}(?P<y>{YEAR}))?", atom=False)
def _mon_days(m: re.Match[str], ctx: Ctx) -> Span | None:
    mo = g.month_of(m["mon"])
    if m["y"]:
        y = g.year_of(m["y"], ctx.ref)
        cont = g.month(y, mo) if y else None
    else:  # the year of the first day, read as a month-day of its own
        d1 = g.words_to_int(m["d1"])
        first = pick_month_day(mo, d1, ctx) if d1 and 1 <= d1 <= 31 else None
        cont = g.month(first.earliest.year, mo) if first and first.earliest else None
    return _day_range(m["d1"], m["d2"], cont)


def _day_range(d1s: str, d2s: str, cont: Span | None) -> Span | None:
    d1, d2 = g.words_to_int(d1s), g.words_to_int(d2s)
    if cont is None or d1 is None or d2 is None or cont.precision != "month" or not cont.earliest:
        return None
    try:
        a, b = cont.earliest.replace(day=d1), cont.earliest.replace(day=d2)
    except ValueError:
        return None
    return Span(a, b, "interval") if a <= b else None


@rule(r"(?:from |since )?(?P<a>{ATOM:a}) (?:to|till|until|up to|through) (?:the )?(?:current )?"
      r"(?:date|present|present day|this day)", atom=False)
def _to_date(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.earliest > ctx.ref:
        return None
    return Span(a.earliest, ctx.ref, "interval")


@rule(r"(?:between|from) (?P<a>{ATOM:a})(?: (?:and|to|till|until|through|thru) | ?[-~] ?)"
      r"(?P<b>{ATOM:b})",
      r"(?P<a>{ATOM:a}) ?(?:to|till|until|through|thru|-|~) ?(?P<b>{ATOM:b})", atom=False)
def _range(m: re.Match[str], ctx: Ctx) -> Span | None:
    """A range: a side without a year takes it from the other side (the end is the first such
    date on or after the start; a start without a year is the latest one before the end). A side
    that names no calendar date but the reference's ("now", "today", "next Friday") is read
    against the reference."""
    ta, tb = m["a"], m["b"]
    if _SPLIT_NUMBER.search(f"{ta}|{tb}"):
        return None  # "the thirty-first day" is no range
    a_year, b_year = has_year(ta), has_year(tb)
    if WEEKDAY_ONLY.fullmatch(ta) and CALENDAR_NAME.search(tb):
        # "this Friday - Jun 15": a weekday naming the date that follows it is decoration
        d = ctx.sub(f"{ta}, {tb}")
        wd = WEEKDAY_ONLY.fullmatch(ta)
        if d is not None and d.precision == "day" and d.earliest is not None and wd and \
                d.earliest.weekday() == g.weekday_of(wd["wd"]):
            return d
    a = ctx.sub(ta)
    if a is None or a.earliest is None or a.latest is None:
        return None
    if not b_year and not CALENDAR_NAME.search(tb) and _DEICTIC.search(tb):
        b = ctx.sub(tb)
    elif a_year or not b_year:
        # two year-less sides: the start is read like any year-less date (the latest that has
        # begun), the end is the first on or after it, so a range may hold the reference
        b = parse(tb, Ctx(a.earliest, False, ctx.depth + 1)) if not b_year else ctx.sub(tb)
    else:
        b = ctx.sub(tb)
        if b is not None and b.latest is not None:
            a = parse(ta, Ctx(b.latest, True, ctx.depth + 1))
    if a is None or b is None or a.earliest is None or b.latest is None:
        return None
    if a.earliest > b.latest:
        return None
    if a.precision == b.precision == "day" and a.earliest == b.earliest:
        return a
    return Span(a.earliest, b.latest, "interval")


@rule(r"(?:ever |at least |even )?since (?P<a>{ATOM:a})", atom=False)
def _since(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None:
        return None
    if a.earliest > ctx.ref:
        return Span(a.earliest, None, "open", "ON_OR_AFTER")
    return Span(a.earliest, ctx.ref, "interval", "ON_OR_AFTER")


@rule(r"(?:sometimes? |anytime |any time |some time |sometime |just |shortly |well |long |even )?"
      r"(?:before|prior to|until|till|til|up to|up until|by|no later than|not later than"
      r"|earlier than|sooner than|ending with|ahead of|<) ?(?P<a>{ATOM:a})", atom=False)
def _before(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None:
        return None
    if a.mod == "END":  # "before the end of 2024": by 31 December at the latest
        return Span(None, a.latest, "open", "BEFORE")
    return Span(None, a.earliest - timedelta(days=1), "open", "BEFORE")


@rule(r"(?:on or before|before or on|before or in|on or earlier than|as late as"
      r"|no later than the end of"
      r"|< ?=) ?(?P<a>{ATOM:a})",
      r"(?P<a>{ATOM:a}) (?:or earlier|or before|and earlier|and before)", atom=False)
def _on_or_before(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.latest is None:
        return None
    return Span(None, a.latest, "open", "ON_OR_BEFORE")


@rule(r"(?:on or after|after or on|after or equal to|later than or (?:at|in|on)|as early as|> ?="
      r"|starting(?! of)(?: on| from| in)?|beginning(?! of)(?: on| from| in)?|from|effective) ?"
      r"(?P<a>{ATOM:a})",
      r"(?P<a>{ATOM:a}) (?:or later|and later|and after|or after|onwards?|and beyond|and greater)",
      r"(?:year )?(?P<a>{ATOM:a}) (?:or later|and later|and after|or after|and greater)",
      atom=False)
def _on_or_after(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None:
        return None
    return Span(a.earliest, None, "open", "ON_OR_AFTER")


@rule(r"(?:sometimes? |anytime |any time |some time |sometime |just |shortly |well |long |even )?"
      r"(?:after|later than|greater than|>|year greater than|since the end of) ?(?P<a>{ATOM:a})",
      atom=False)
def _after(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None:
        return None
    # after a day includes that day (what follows an event can happen later the same day)
    start = a.earliest if a.precision == "day" else a.latest + timedelta(days=1)
    if a.mod == "START":  # "after the beginning of March": from 1 March
        start = a.earliest
    return Span(start, None, "open", "AFTER")


@rule(r"(?:at |in |during |by )?(?:the )?(?P<p>{PART})(?:[- ]| of | in |-of-)(?:the )?"
      r"(?P<a>{ATOM:a})", atom=False)
def _part(m: re.Match[str], ctx: Ctx) -> Span | None:
    which = g.part_name(m["p"])
    pw = m["p"].lower()
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None or a.precision == "day":
        return None
    if pw in ("earlier", "later") and a.precision in ("week", "month", "year") and \
            a.earliest <= ctx.ref <= a.latest:
        return earlier_later(pw, a, ctx.ref)
    if a.mod in ("START", "MID", "END"):
        return None
    return g.part(a, which)


@rule(r"(?:the )?(?:remainder|rest|remaining)(?: of)?(?: the| this| my| current)? "
      r"(?P<u>week|month|year)",
      atom=False)
def _rest(m: re.Match[str], ctx: Ctx) -> Span | None:
    s = g.unit_span(m["u"], ctx.ref)
    return Span(ctx.ref, s.latest, "interval")


@rule(r"(?:around|about|approximately|approx\.?|circa|c\.|roughly|some|sometime around) "
      r"(?P<a>{ATOM:a})", atom=False)
def _approx(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    return replace(a, mod=a.mod or "APPROX") if a else None
