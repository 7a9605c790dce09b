"""The English date grammar of :mod:`timeline.dates`: one rule per form, tried in order.

A rule is a regex template (see ``_dategrammar.pattern``) and a handler turning its match into a
``Span``. ``{ATOM:a}`` in a template stands for a whole sub-expression that is resolved again by
the same grammar (ranges, "since X", "late X", "3 days after X"...). For ``resolve`` it is a lazy
or greedy ``.+``; for ``find`` it is the alternation of the atom rules, so a scan never runs away.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from timeline import _dategrammar as g
from timeline._dategrammar import Span


@dataclass(frozen=True)
class Ctx:
    ref: date
    past: bool
    depth: int = 0

    def sub(self, text: str | None) -> Span | None:
        if text is None or self.depth > 4:
            return None
        if text in ("year", "month", "week", "quarter", "decade", "century"):
            text = "the " + text
        return parse_cached(text, self.ref, self.past, self.depth + 1)


Handler = Callable[[re.Match[str], Ctx], Span | None]


@dataclass(frozen=True)
class Rule:
    template: str
    handler: Handler
    atom: bool  # may stand for {ATOM} inside other rules
    scan: bool  # may be reported on its own by find()


RULES: list[Rule] = []


def rule(*templates: str, atom: bool = True, scan: bool = True) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        for t in templates:
            RULES.append(Rule(t, fn, atom and "{ATOM" not in t, scan))
        return fn

    return deco


# ---------------------------------------------------------------------------------------------
# Picking year-less things by the reference and the preferred direction
# ---------------------------------------------------------------------------------------------


def pick_month(m: int, ctx: Ctx) -> Span:
    r = ctx.ref
    if ctx.past:
        return g.month(r.year if m <= r.month else r.year - 1, m)
    return g.month(r.year if m >= r.month else r.year + 1, m)


def pick_month_day(m: int, d: int, ctx: Ctx, weekday: int | None = None) -> Span | None:
    """Most recent (m, d) on or before the reference (or first on or after it), whose weekday
    matches when one is given (searching up to 12 years)."""
    r = ctx.ref
    step = -1 if ctx.past else 1
    y = r.year
    first = None
    for _ in range(14):
        try:
            cand = date(y, m, d)
        except ValueError:
            y += step
            continue
        if (ctx.past and cand <= r) or (not ctx.past and cand >= r):
            if first is None:
                first = cand
            if weekday is None or cand.weekday() == weekday:
                return g.day(cand)
        y += step
    return g.day(first) if first else None


def pick_day_of_month(d: int, ctx: Ctx, weekday: int | None = None) -> Span | None:
    """'the 18th': this month if it fits the direction, else the nearest month that has it.
    With a weekday ('Friday the 15th'): this month's if it falls on that weekday, else the
    nearest month in the preferred direction where it does."""
    r = ctx.ref
    if weekday is not None:
        try:
            here = date(r.year, r.month, d)
            if here.weekday() == weekday:
                return g.day(here)
        except ValueError:
            pass
    step = -1 if ctx.past else 1
    first = date(r.year, r.month, 1)
    for i in range(0, 40):
        mfirst = g.add_months(first, i * step)
        try:
            cand = mfirst.replace(day=d)
        except ValueError:
            continue
        if ctx.past and cand > r or (not ctx.past and cand < r):
            continue
        if weekday is None or cand.weekday() == weekday:
            return g.day(cand)
    return None


def pick_weekday(wd: int, ctx: Ctx) -> date:
    r = ctx.ref
    if ctx.past:
        return r - timedelta(days=(r.weekday() - wd) % 7)
    return r + timedelta(days=(wd - r.weekday()) % 7)


def pick_unit(unit: str, ctx: Ctx, count: int, first_of: Callable[[int], Span]) -> Span:
    """A year-less quarter/half/season: the latest that started on or before the reference
    (past) or the first that has not ended before it (future)."""
    y = ctx.ref.year
    s = first_of(y)
    if ctx.past:
        while s.earliest and s.earliest > ctx.ref:
            y -= 1
            s = first_of(y)
    else:
        while s.latest and s.latest < ctx.ref:
            y += 1
            s = first_of(y)
    return s


def span_day(s: Span | None) -> date | None:
    return s.earliest if s is not None and s.precision == "day" else None


def hull(a: Span, b: Span, precision: str = "interval") -> Span | None:
    if a.earliest is None or b.latest is None or b.latest < a.earliest:
        return None
    return Span(a.earliest, b.latest, precision)


def relword(word: str) -> int:
    """this -> 0, last/past/previous -> -1, next/coming/following -> +1."""
    w = word.lower().replace("the ", "").replace("this ", "").strip()
    if w in ("this", "current", "present", ""):
        return 0
    if w in ("last", "past", "previous", "preceding"):
        return -1
    return 1


def parse_duration(text: str) -> list[tuple[int, str]] | None:
    out = []
    for m in re.finditer(g.pattern(r"(?P<n>{NUM})?\s*(?P<u>{UNIT})"), text):
        n = num(m["n"]) if m["n"] else 1
        if n is None:
            return None
        out.append((n, g.unit_name(m["u"])))
    return out or None


def num(text: str) -> int | None:
    t = text.strip().lower()
    if t in ("a", "an"):
        return 1
    if "couple" in t:
        return 2
    if "few" in t or "several" in t:
        return 3
    return g.words_to_int(t)


def apply_duration(d: date, dur: list[tuple[int, str]], sign: int) -> date:
    for n, unit in dur:
        d = g.shift(d, sign * n, unit)
    return d


# ---------------------------------------------------------------------------------------------
# Compound rules (they embed whole sub-expressions)
# ---------------------------------------------------------------------------------------------


@rule(r"(?:between|from) (?:the )?(?P<d1>{DAY}) (?:to|till|until|through|thru|and|-) "
      r"(?:the )?(?P<d2>{DAY})(?: of| in)?{S}(?P<rest>{ATOM:a})", atom=False)
def _days_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    return _day_range(m["d1"], m["d2"], ctx.sub(m["rest"]))


@rule(r"(?:from |between )?(?P<d1>{DAY}) ?(?:to|till|until|through|thru|-) ?(?P<d2>{DAY})"
      r"(?: of| in)?{S}(?P<rest>{ATOM:a})", atom=False)
def _days_of2(m: re.Match[str], ctx: Ctx) -> Span | None:
    return _day_range(m["d1"], m["d2"], ctx.sub(m["rest"]))


@rule(r"(?:from |between )?{MON:mon}{S}(?:the )?(?P<d1>{DAY}) ?(?:to|till|until|through|thru|-|and)"
      r" ?(?:the )?(?P<d2>{DAY})(?:{S}(?P<y>{YEAR}))?", atom=False)
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


@rule(r"(?:between|from) (?P<a>{ATOM:a}) (?:and|to|till|until|through|thru|-) (?P<b>{ATOM:b})",
      r"(?P<a>{ATOM:a}) ?(?:to|till|until|through|thru|-|~) ?(?P<b>{ATOM:b})", atom=False)
def _range(m: re.Match[str], ctx: Ctx) -> Span | None:
    """A range: a side without a year takes it from the other side (the end is the first such
    date on or after the start; a start without a year is the latest one before the end)."""
    ta, tb = m["a"], m["b"]
    a_year, b_year = _has_year(ta), _has_year(tb)
    a = ctx.sub(ta)
    if a is None or a.earliest is None or a.latest is None:
        return None
    if a_year or not b_year:
        b = parse(tb, Ctx(a.earliest, False, ctx.depth + 1)) if not b_year else ctx.sub(tb)
        if b is not None and b.latest is not None and not a_year and ctx.past and \
                b.earliest is not None and b.earliest > ctx.ref and _CALENDAR_NAME.search(ta):
            # both sides year-less and the end still ahead: the whole range a year back
            a = parse(ta, Ctx(g.add_months(ctx.ref, -12), True, ctx.depth + 1))
            if a is None or a.earliest is None:
                return None
            b = parse(tb, Ctx(a.earliest, False, ctx.depth + 1))
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
        return _earlier_later(pw, a, ctx.ref)
    if a.mod in ("START", "MID", "END"):
        return None
    return g.part(a, which)


def _earlier_later(word: str, a: Span, ref: date) -> Span:
    """'earlier this month': start .. the day before the reference, within the first half;
    'later this month': the reference (or the second half's start) .. the end."""
    assert a.earliest is not None and a.latest is not None
    n = (a.latest - a.earliest).days + 1
    if a.precision == "year":
        mid = date(a.earliest.year, 7, 1)
    elif a.precision == "month":
        mid = a.earliest.replace(day=16)
    else:
        mid = a.earliest + timedelta(days=n // 2)
    if word == "earlier":
        end = min(ref - timedelta(days=1), mid - timedelta(days=1))
        return Span(a.earliest, max(end, a.earliest), "interval")
    return Span(max(ref, mid), a.latest, "interval")


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


@rule(r"(?:(?P<wd1>{WD}),? )?(?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+) "
      r"(?P<dir>ago|back|earlier|before|previously|prior|later|after|hence|from now|from today"
      r"|in the future|from tomorrow|from tmrw|from yesterday)(?: on (?P<wd2>{WD}))?", atom=False)
def _offset(m: re.Match[str], ctx: Ctx) -> Span | None:
    dur = parse_duration(m["dur"])
    if dur is None:
        return None
    d = m["dir"]
    sign = -1 if d in ("ago", "back", "earlier", "before", "previously", "prior") else 1
    base = ctx.ref
    if d.endswith("tomorrow") or d.endswith("tmrw"):
        base += timedelta(days=1)
    elif d.endswith("yesterday"):
        base -= timedelta(days=1)
    target = apply_duration(base, dur, sign)
    return _snap(target, m["wd1"] or m["wd2"], approximate=dur)


def _snap(target: date, wd: str | None, approximate: list[tuple[int, str]] | None = None) -> Span:
    if wd:
        return g.day(g.monday(target) + timedelta(days=g.weekday_of(wd)))
    coarse = approximate and any(u not in ("day", "week", "fortnight") for _, u in approximate)
    return g.day(target, "APPROX" if coarse else None)


@rule(r"(?:(?P<wd1>{WD}),? )?in (?:the next |another )?(?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+)"
      r"(?:'s time| time| from now)?(?: on (?P<wd2>{WD}))?", atom=False)
def _in_offset(m: re.Match[str], ctx: Ctx) -> Span | None:
    dur = parse_duration(m["dur"])
    if dur is None:
        return None
    return _snap(apply_duration(ctx.ref, dur, 1), m["wd1"] or m["wd2"], approximate=dur)


@rule(r"(?:(?P<wd1>{WD}),? )?(?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+) "
      r"(?P<dir>before|after|from|since|following|prior to|earlier than|later than) "
      r"(?P<a>{ATOM:a})(?: on (?P<wd2>{WD}))?", atom=False)
def _offset_from(m: re.Match[str], ctx: Ctx) -> Span | None:
    dur = parse_duration(m["dur"])
    a = ctx.sub(m["a"])
    if dur is None or a is None or a.earliest is None:
        return None
    sign = -1 if m["dir"] in ("before", "prior to", "earlier than") else 1
    return _snap(apply_duration(a.earliest, dur, sign), m["wd1"] or m["wd2"])


@rule(r"(?P<n>{NUM}) (?P<wd>{WD}) (?P<dir>ago|back|before|from now|later|hence|after)", atom=False)
def _nth_weekday_ago(m: re.Match[str], ctx: Ctx) -> Span | None:
    """'2 Thursdays ago': the second Thursday strictly before the reference (after, forward)."""
    n = num(m["n"])
    if not n or n > 1000:
        return None
    wd, r = g.weekday_of(m["wd"]), ctx.ref
    if m["dir"] in ("ago", "back", "before"):
        first = r - timedelta(days=(r.weekday() - wd - 1) % 7 + 1)
        return g.day(first - timedelta(weeks=n - 1))
    first = r + timedelta(days=(wd - r.weekday() - 1) % 7 + 1)
    return g.day(first + timedelta(weeks=n - 1))


@rule(r"(?P<q>more|less) than (?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+) "
      r"(?P<dir>before|after|from|ago|from now|later|earlier)(?: (?P<a>{ATOM:a}))?", atom=False)
def _more_less_than(m: re.Match[str], ctx: Ctx) -> Span | None:
    dur = parse_duration(m["dur"])
    anchor = ctx.sub(m["a"]) if m["a"] else g.day(ctx.ref)
    if dur is None or anchor is None or anchor.earliest is None:
        return None
    back = m["dir"] in ("before", "ago", "earlier")
    target = apply_duration(anchor.earliest, dur, -1 if back else 1)
    if m["q"] == "more":
        if back:
            return Span(None, target - timedelta(days=1), "open", "BEFORE")
        return Span(target, None, "open", "AFTER")
    if back:
        return Span(target + timedelta(days=1), anchor.earliest, "interval")
    return Span(anchor.earliest, target - timedelta(days=1), "interval")


@rule(r"(?:the )?(?P<fl>first|last|final) (?P<n>{NUM}) (?P<u>{UNIT}) (?:of|in) (?:the )?"
      r"(?P<a>{ATOM:a})", atom=False)
def _first_n_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    n, unit = num(m["n"]), g.unit_name(m["u"])
    if a is None or a.earliest is None or a.latest is None or not n:
        return None
    first = m["fl"] == "first"
    if unit == "week" and a.precision in ("month", "year"):
        w1, w2 = (_week_of(a, 1), _week_of(a, n)) if first else (_week_of(a, -n), _week_of(a, -1))
        if w1 is None or w2 is None:
            return None
        return Span(w1.earliest, w2.latest, "interval")
    if first:
        end = g.shift(a.earliest, n, unit) - timedelta(days=1)
        return Span(a.earliest, end, "interval") if end <= a.latest else None
    start = g.shift(a.latest + timedelta(days=1), -n, unit)
    return Span(start, a.latest, "interval") if start >= a.earliest else None


@rule(r"(?:(?:for|within|over|during|in|throughout) )?(?:the )?(?P<rel>{LAST}|{NEXT}) "
      r"(?P<n>{NUM}) (?P<u>{UNIT})",
      r"(?:(?:for|within|over|during|in|throughout) )?(?:the )?(?P<n>{NUM}) "
      r"(?P<rel>past|last|previous"
      r"|next|upcoming|coming|following) (?P<u>{UNIT})", atom=False)
def _window(m: re.Match[str], ctx: Ctx) -> Span | None:
    n = num(m["n"])
    unit = g.unit_name(m["u"])
    if not n or n > 1000:
        return None
    sign = relword(m["rel"])
    if unit in ("quarter", "decade", "century"):
        cur = g.unit_span(unit, ctx.ref)
        assert cur.earliest is not None and cur.latest is not None
        if sign < 0:
            start = g.unit_step(unit, cur.earliest, -n)
            return Span(start, cur.earliest - timedelta(days=1), "interval")
        end = g.unit_step(unit, cur.earliest, n + 1) - timedelta(days=1)
        return Span(cur.latest + timedelta(days=1), end, "interval")
    if sign < 0:
        return Span(g.shift(ctx.ref, -n, unit), ctx.ref - timedelta(days=1), "interval")
    return Span(ctx.ref + timedelta(days=1), g.shift(ctx.ref, n, unit), "interval")


@rule(r"within (?:the )?(?:next |coming |upcoming )?(?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+)"
      r"(?: (?:after|from) today)?", atom=False)
def _within(m: re.Match[str], ctx: Ctx) -> Span | None:
    dur = parse_duration(m["dur"])
    if dur is None:
        return None
    return Span(ctx.ref, apply_duration(ctx.ref, dur, 1) - timedelta(days=1), "interval")


@rule(r"(?:for )?(?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+),? (?:starting|beginning|from)"
      r"(?: on| from)? (?P<a>{ATOM:a})",
      r"(?:from )?(?P<a>{ATOM:a}),? for (?P<dur>(?:{NUM} ?{UNIT}(?:,? (?:and )?)?)+)", atom=False)
def _for_duration(m: re.Match[str], ctx: Ctx) -> Span | None:
    dur = parse_duration(m["dur"])
    a = ctx.sub(m["a"])
    if dur is None or a is None or a.earliest is None:
        return None
    return Span(a.earliest, apply_duration(a.earliest, dur, 1) - timedelta(days=1), "interval")


@rule(r"(?:on |in |during )?(?:the )?(?P<wd>{WD})s?,? (?:in|of|during|from|within|on) (?:the )?"
      r"(?P<a>{ATOM:a})",
      r"(?:on )?(?:the )?(?P<wd>{WD})s?,? (?P<a>{ATOM:a})",
      r"(?P<a>{ATOM:a})(?: on| -|,)? (?:the )?(?P<wd>{WD})", atom=False)
def _weekday_in(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None:
        return None
    wd = g.weekday_of(m["wd"])
    if a.precision == "day":
        return a  # "Monday, 12 January 2016": the date wins over the weekday
    first = a.earliest + timedelta(days=(wd - a.earliest.weekday()) % 7)
    if first > a.latest:
        return None
    last = first + timedelta(weeks=(a.latest - first).days // 7)
    return g.day(first) if first == last else Span(first, last, "interval")


@rule(r"(?:on |the )*(?P<o>{ORD}) (?P<wd>{WD}) (?:of|in) (?:the )?(?P<a>{ATOM:a})", atom=False)
def _nth_weekday_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None or a.precision != "month":
        return None
    return _nth_weekday(a, g.weekday_of(m["wd"]), m["o"])


def _nth_weekday(a: Span, wd: int, ordinal: str) -> Span | None:
    assert a.earliest is not None and a.latest is not None
    n = g.ORD_VALUE.get(ordinal.lower()) or g.words_to_int(ordinal)
    if n is None:
        return None
    if n == -1:
        d = a.latest - timedelta(days=(a.latest.weekday() - wd) % 7)
    else:
        d = a.earliest + timedelta(days=(wd - a.earliest.weekday()) % 7 + 7 * (n - 1))
    return g.day(d) if a.earliest <= d <= a.latest else None


@rule(r"(?:the )?(?P<o>{ODAY}) (?P<wd>{WD})", scan=False)
def _nth_weekday_bare(m: re.Match[str], ctx: Ctx) -> Span | None:
    return _nth_weekday(g.month(ctx.ref.year, ctx.ref.month), g.weekday_of(m["wd"]), m["o"])


@rule(r"(?:the )?(?:(?P<o>{ORD}|week (?P<n>\d{1,2})) ?(?P<last>last )?(?:week|wk)"
      r"|week (?P<n2>\d{1,2}))"
      r"(?: of| in|,)? (?:the )?(?P<a>{ATOM:a})", atom=False)
def _nth_week_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None:
        return None
    if m["n"] or m["n2"]:
        k = int(m["n"] or m["n2"])
    else:
        k = g.ORD_VALUE.get(m["o"].lower()) or g.words_to_int(m["o"]) or 0
    if m["last"] and k > 0:
        k = -k
    return _week_of(a, k)


def _week_of(a: Span, k: int) -> Span | None:
    """Week k (negative from the end) of a month or year: weeks run Monday-Sunday and belong to
    the month or year holding their Thursday (the ISO 8601 rule)."""
    assert a.earliest is not None and a.latest is not None
    if a.precision not in ("month", "year") or k == 0:
        return None
    first_thu = a.earliest + timedelta(days=(3 - a.earliest.weekday()) % 7)
    last_thu = a.latest - timedelta(days=(a.latest.weekday() - 3) % 7)
    thu = first_thu + timedelta(weeks=k - 1) if k > 0 else last_thu + timedelta(weeks=k + 1)
    if not first_thu <= thu <= last_thu:
        return None
    return g.week(thu)


@rule(r"(?:the )?(?:week|weekend) (?:of|beginning|starting|commencing|including)(?: on| with)? "
      r"(?:the )?(?P<a>{ATOM:a})",
      r"w/c (?P<a>{ATOM:a})", atom=False)
def _week_of_day(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.precision != "day":
        return None
    return g.weekend(a.earliest) if "weekend" in m.group(0)[:12] else g.week(a.earliest)


@rule(r"(?:the )?(?P<a>{ATOM:a}) (?:weekend|week-end)", atom=False)
def _day_weekend(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.precision != "day":
        return None
    return g.weekend(a.earliest)


@rule(r"(?:the )?(?P<o>{ORD}) (?P<last>last )?(?:weekend|week-end|week end|wkend)(?: of| in) "
      r"(?:the )?(?P<a>{ATOM:a})", atom=False)
def _nth_weekend_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None or a.precision != "month":
        return None
    sat = _nth_weekday(a, 5, m["o"] if not m.groupdict().get("last") else "last")
    return g.weekend(sat.earliest) if sat and sat.earliest else None


@rule(r"(?:on )?(?:the )?(?P<o>{ORD}|{DAY})(?P<last> last)?(?: day)?(?: of| in) (?:the )?"
      r"(?P<a>{ATOM:a})", atom=False)
def _nth_day_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None or a.precision != "month":
        return None
    k = g.ORD_VALUE.get(m["o"].lower()) or g.words_to_int(m["o"])
    if k is None:
        return None
    if m["last"]:
        k = -k
    d = a.latest + timedelta(days=k + 1) if k < 0 else a.earliest + timedelta(days=k - 1)
    return g.day(d) if a.earliest <= d <= a.latest else None


@rule(r"(?:the )?(?P<o>{ORD}) month (?:of|in) (?:the )?(?P<a>{ATOM:a})", atom=False)
def _nth_month_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    k = g.ORD_VALUE.get(m["o"].lower()) or g.words_to_int(m["o"])
    if a is None or a.earliest is None or a.precision != "year" or not k or not 1 <= k <= 12:
        return None
    return g.month(a.earliest.year, k)


@rule(r"(?:in |during |for )?(?:the )?(?P<o>{ORD}|q(?=[1-4])) ?"
      r"(?P<q>quarter|qtr|half|[1-4](?![\d]))"
      r"(?: of| in|,)? (?:the )?(?P<a>{ATOM:a})", atom=False)
def _quarter_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.precision != "year":
        return None
    return _quarter(m, a.earliest.year)


def _quarter(m: re.Match[str], y: int) -> Span | None:
    q = m["q"].lower()
    if q.isdigit():
        return g.quarter(y, int(q))
    k = g.ORD_VALUE.get(m["o"].lower()) or g.words_to_int(m["o"])
    if q == "half":
        return g.half(y, 2 if k == -1 else k) if k in (1, 2, -1) else None
    return g.quarter(y, 4 if k == -1 else k) if k in (1, 2, 3, 4, -1) else None


@rule(r"(?:in |during )?(?:the )?(?P<s>{SEASON})(?: of| in|,)? (?:the )?(?P<a>{ATOM:a})",
      atom=False)
def _season_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.precision != "year":
        return None
    return g.season(a.earliest.year, m["s"].lower())


@rule(r"(?:in |during |on )?(?:the )?(?P<mon>{MON})(?: of| in|,)? (?:the )?(?P<a>{ATOM:a})",
      atom=False)
def _month_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.precision != "year" or a.mod:
        return None
    return g.month(a.earliest.year, g.month_of(m["mon"]))


@rule(r"(?P<md>{ATOM:a})(?: of| in|,)? (?P<a>this year|last year|next year|the year before"
      r"|the previous year|the following year)", atom=False)
def _monthday_of_year(m: re.Match[str], ctx: Ctx) -> Span | None:
    a = ctx.sub(m["a"])
    md = parse_month_day(m["md"])
    if a is None or a.earliest is None or md is None:
        return None
    try:
        return g.day(date(a.earliest.year, md[0], md[1]))
    except ValueError:
        return None


_YEARISH = re.compile(g.pattern(r"(?<!\d)(?:\d{4}|'\d{2})(?!\d)|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
                                 r"|{YEAR}|year|decade|century"))


_CALENDAR_NAME = re.compile(g.pattern(r"{MON}|\d{1,2}[-/.]\d{1,2}"))


def _has_year(text: str) -> bool:
    return _YEARISH.search(text) is not None


def parse_month_day(text: str) -> tuple[int, int] | None:
    for rx in (_MD1, _MD2):
        mm = rx.fullmatch(text)
        if mm:
            d = g.words_to_int(mm["day"])
            if d and 1 <= d <= 31:
                return g.month_of(mm["mon"]), d
    return None


@rule(r"(?:on |in |during |at |of |throughout |over |for |sometime in |some time in |within |"
      r"the whole of |all of |all )(?P<a>{ATOM:a})", atom=False)
def _preposition(m: re.Match[str], ctx: Ctx) -> Span | None:
    return ctx.sub(m["a"])


# ---------------------------------------------------------------------------------------------
# Atoms
# ---------------------------------------------------------------------------------------------


@rule(r"(?:(?P<wd>{WD}){S})?(?P<y>\d{4})[-/. ](?P<m>\d{1,2})[-/. ](?P<d>\d{1,2})(?!\d)",
      r"(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)")
def _iso(m: re.Match[str], ctx: Ctx) -> Span | None:
    try:
        return g.day(date(int(m["y"]), int(m["m"]), int(m["d"])))
    except ValueError:
        return None


@rule(r"(?:(?P<wd>{WD}){S})?(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})[-/.] ?"
      r"(?P<y>\d{4}|\d{2})(?!\d)",
      r"(?P<a>\d{1,2})/(?P<b>\d{1,2}) ?, ?(?P<y>\d{4}|\d{2})(?!\d)")
def _numeric_dmy(m: re.Match[str], ctx: Ctx) -> Span | None:
    a, b = int(m["a"]), int(m["b"])
    y = int(m["y"]) if len(m["y"]) == 4 else g.two_digit_year(int(m["y"]), ctx.ref)
    mo, d = (b, a) if a > 12 else (a, b)  # month first unless the first number cannot be one
    try:
        return g.day(date(y, mo, d))
    except ValueError:
        return None


@rule(r"(?:(?P<wd>{WD}){S})?(?:the )?(?P<day>{DAY})(?: of)?(?:{S}|(?<=\d))(?P<mon>{MON})(?:{S}|\s*)"
      r"(?:of |in )?"
      r"(?P<y>{YEAR}|\d{2}(?!\d))",
      r"(?:(?P<wd>{WD}){S})?(?P<mon>{MON}){S}?(?:the )?(?P<day>{DAY})(?:{S}|\s*)(?:of |in )?"
      r"(?P<y>{YEAR})",
      r"(?P<mon>{MON})[-/ ](?P<y>\d{4})[-/ ](?P<day>\d{1,2})",
      r"(?P<day>\d{1,2})[-/ ](?P<y>\d{4})[-/ ](?P<mon>{MON})",
      r"(?P<y>\d{4})[-/ ](?P<mon>{MON})[-/ ](?P<day>\d{1,2})",
      r"(?P<y>\d{4})[-/ ](?P<day>\d{1,2})[-/ ](?P<mon>{MON})")
def _full_date(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = g.year_of(m["y"], ctx.ref)
    d = g.words_to_int(m["day"])
    if y is None or d is None or not 1 <= y <= 9999:
        return None
    try:
        return g.day(date(y, g.month_of(m["mon"]), d))
    except ValueError:
        return None


_MD1_T = r"(?:the )?(?P<day>{DAY})(?: of| day of)?{S}?(?P<mon>{MON})"
_MD2_T = r"(?P<mon>{MON})(?:{S}|\s*)(?:the )?(?P<day>{DAY})"
_MD1 = re.compile(g.pattern(_MD1_T))
_MD2 = re.compile(g.pattern(_MD2_T))


@rule(r"(?:(?P<wd>{WD}){S})?" + _MD1_T, r"(?:(?P<wd>{WD}){S})?" + _MD2_T,
      r"(?:(?P<wd>{WD}){S})?" + _MD2_T + r"{S}(?P<wd2>{WD})")
def _month_day(m: re.Match[str], ctx: Ctx) -> Span | None:
    d = g.words_to_int(m["day"])
    if d is None or not 1 <= d <= 31:
        return None
    # a weekday next to a month-day is decoration: the date wins ("Tuesday, March 7")
    return pick_month_day(g.month_of(m["mon"]), d, ctx)


@rule(r"(?:(?P<wd>{WD}){S})?(?P<a>\d{1,2}) ?(?P<sep>[-/.]) ?(?P<b>\d{1,2})(?![\d/])", scan=False)
def _numeric_md(m: re.Match[str], ctx: Ctx) -> Span | None:
    a, b = int(m["a"]), int(m["b"])
    mo, d = (b, a) if a > 12 else (a, b)
    if not 1 <= mo <= 12:
        return None
    return pick_month_day(mo, d, ctx)


@rule(r"(?P<wd>{WD}),? (?:the )?(?P<day>{DAY})")
def _weekday_day(m: re.Match[str], ctx: Ctx) -> Span | None:
    d = g.words_to_int(m["day"])
    if d is None or not 1 <= d <= 31:
        return None
    return pick_day_of_month(d, ctx, g.weekday_of(m["wd"]))


@rule(r"(?:on )?the (?P<day>{DAY})(?: day)?", r"(?:on )?(?P<day>{ODAY})", r"(?P<day>\d{1,2})",
      scan=False)
def _day_of_month(m: re.Match[str], ctx: Ctx) -> Span | None:
    d = g.words_to_int(m["day"])
    if d is None or not 1 <= d <= 31:
        return None
    return pick_day_of_month(d, ctx)


@rule(r"(?P<mon>{MON})(?:{S}|\s*)(?:of |in )?(?P<y>{YEAR}|\d{2}(?!\d))",
      r"(?P<y>{Y4})\s*,?\s*(?P<mon>{MON})",
      r"(?P<y>\d{4}) ?[-/.] ?(?P<m>\d{1,2})(?![\d/.-])",
      r"(?P<m>\d{1,2}) ?[-/] ?(?P<y>\d{4})(?!\d)")
def _month_year(m: re.Match[str], ctx: Ctx) -> Span | None:
    if m.groupdict().get("mon"):
        mo = g.month_of(m["mon"])
        y = g.year_of(m["y"], ctx.ref)
    else:
        mo, y = int(m["m"]), int(m["y"])
    if y is None or not 1 <= mo <= 12 or not 1 <= y <= 9999:
        return None
    return g.month(y, mo)


@rule(r"(?:the )?(?:month of )?(?P<mon>{MON})")
def _month(m: re.Match[str], ctx: Ctx) -> Span | None:
    return pick_month(g.month_of(m["mon"]), ctx)


@rule(r"(?:the )?(?P<rel>{THIS}|{LAST}|{NEXT}|the|my) (?P<mon>{MON})")
def _rel_month_name(m: re.Match[str], ctx: Ctx) -> Span | None:
    mo = g.month_of(m["mon"])
    rel = m["rel"].lower()
    if rel in ("the", "my"):
        return pick_month(mo, ctx)
    r = ctx.ref
    k = relword(rel)
    if k == 0:
        return g.month(r.year, mo)
    if k < 0:
        return g.month(r.year if mo < r.month else r.year - 1, mo)
    return g.month(r.year if mo > r.month else r.year + 1, mo)


@rule(r"(?P<mon>{MON}) after next")
def _month_after_next(m: re.Match[str], ctx: Ctx) -> Span | None:
    mo = g.month_of(m["mon"])
    r = ctx.ref
    return g.month((r.year if mo > r.month else r.year + 1) + 1, mo)


@rule(r"(?:(?:the|calendar|fiscal|cy) )?(?:year )?(?P<y>{Y4})(?: (?:a\.?d\.?|c\.?e\.?))?",
      r"(?:the year |year |cy ?)(?P<y>\d{2,4}|{YEAR})")
def _year(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = g.year_of(m["y"], ctx.ref)
    return g.year(y) if y and 1 <= y <= 9999 else None


@rule(r"(?P<y>{YEAR})", scan=False)
def _year_words(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = g.year_of(m["y"], ctx.ref)
    return g.year(y) if y and 1000 <= y <= 9999 else None


_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80, "nineties": 90}


@rule(r"(?:the )?(?P<y>\d{3}0) ?'?s", r"(?:the )?'?(?P<yy>\d0) ?'?s",
      r"(?:the )?(?P<c>nineteen|eighteen|twenty|two thousand and|two thousand)[- ]?"
      r"(?P<w>twenties|thirties"
      r"|forties|fifties|sixties|seventies|eighties|nineties|tens|teens)",
      r"(?:the )?(?P<w2>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)")
def _decade(m: re.Match[str], ctx: Ctx) -> Span | None:
    if m.groupdict().get("y"):
        return g.decade(int(m["y"]))
    if m.groupdict().get("yy"):
        return g.decade(_past_decade(int(m["yy"]), ctx.ref))
    w = (m.groupdict().get("w") or m.groupdict().get("w2") or "").lower()
    tens = _DECADE_WORDS.get(w, 10)
    if m.groupdict().get("c"):
        c = m["c"].lower()
        base = {"nineteen": 1900, "eighteen": 1800}.get(c, 2000)
        return g.decade(base + tens)
    return g.decade(_past_decade(tens, ctx.ref))


def _past_decade(tens: int, ref: date) -> int:
    y = (ref.year // 100) * 100 + tens
    return y - 100 if y > ref.year else y


@rule(r"(?:the )?(?:two thousands|noughties|aughts|2000s)")
def _noughties(m: re.Match[str], ctx: Ctx) -> Span | None:
    return g.decade(2000)


@rule(r"(?:the )?(?P<o>{ORD}) ?(?:century|c\.?)(?: (?P<bc>bc|bce))?")
def _century(m: re.Match[str], ctx: Ctx) -> Span | None:
    n = g.words_to_int(m["o"])
    if not n or n > 99 or m["bc"]:
        return None
    return g.century(n)


@rule(r"(?:the )?(?P<rel>{THIS}|{LAST}|{NEXT}|the|my|this past|in the|during the|for the|all)"
      r" (?P<u>week|weekend|week-end|month|quarter|qtr|year|yr|decade|century|season|fortnight"
      r"|calendar year|working week|workweek|work week)s?")
def _rel_unit(m: re.Match[str], ctx: Ctx) -> Span | None:
    u = m["u"].lower()
    rel = m["rel"].lower()
    if u in ("working week", "workweek", "work week"):
        mon = g.monday(ctx.ref) + timedelta(weeks=relword(rel) if rel != "the" else 0)
        return Span(mon, mon + timedelta(days=4), "interval")
    u = {"week-end": "weekend", "qtr": "quarter", "yr": "year", "calendar year": "year"}.get(u, u)
    if rel in ("the", "my", "in the", "during the", "for the", "all"):
        k = 0
        if u == "weekend" and rel == "in the":
            return None
    elif rel == "this past":
        k = -1 if u != "weekend" or ctx.ref.weekday() < 5 else 0
    else:
        k = relword(rel)
    if rel == "all" and u == "week":
        mon = g.monday(ctx.ref)
        return Span(mon, mon + timedelta(days=6), "interval")
    return g.unit_span(u, g.unit_step(u, ctx.ref, k))


@rule(r"(?:over|at|during|on) the weekend")
def _over_weekend(m: re.Match[str], ctx: Ctx) -> Span | None:
    """News idiom: the most recent weekend that has begun by the reference."""
    w = g.weekend(ctx.ref)
    if ctx.past and w.earliest and w.earliest > ctx.ref:
        w = g.weekend(ctx.ref - timedelta(weeks=1))
    return w


@rule(r"(?:week-?end|weekend)")
def _weekend(m: re.Match[str], ctx: Ctx) -> Span | None:
    return g.weekend(ctx.ref)


@rule(r"(?:the )?(?P<u>week|weekend|month|year|quarter|decade) (?P<w>after|before) (?:the )?"
      r"(?P<w2>next|last)")
def _unit_after_next(m: re.Match[str], ctx: Ctx) -> Span | None:
    k = 2 if m["w"] == "after" else -2
    return g.unit_span(m["u"], g.unit_step(m["u"], ctx.ref, k))


@rule(r"(?:on )?(?:the )?(?P<rel>{LAST}|{NEXT}|this|past|this past|coming|this coming)? ?"
      r"(?P<wd>{WD})(?P<after> after next)?")
def _weekday(m: re.Match[str], ctx: Ctx) -> Span | None:
    wd = g.weekday_of(m["wd"])
    r = ctx.ref
    rel = (m["rel"] or "").lower().replace("the ", "")
    if m["after"]:
        nxt = r + timedelta(days=(wd - r.weekday() - 1) % 7 + 1)
        return g.day(nxt + timedelta(weeks=1))
    if not rel:
        return g.day(pick_weekday(wd, ctx))
    if rel in ("this past", "past"):
        return g.day(r - timedelta(days=(r.weekday() - wd - 1) % 7 + 1))
    if rel in ("coming", "this coming", "this upcoming", "upcoming"):
        return g.day(r + timedelta(days=(wd - r.weekday() - 1) % 7 + 1))
    k = relword(rel)
    return g.day(g.monday(r) + timedelta(weeks=k, days=wd))


@rule(r"(?:the )?(?P<rel>{THIS}|{LAST}|{NEXT}|this|the|that)?(?: week)?(?:,| -)? (?:on )?"
      r"(?P<wd>{WD})",
      r"(?P<wd>{WD}),? (?:of |from |on )?(?:the )?(?P<rel>{THIS}|{LAST}|{NEXT}|this|that) week")
def _weekday_of_week(m: re.Match[str], ctx: Ctx) -> Span | None:
    if "week" not in m.group(0):
        return None
    k = relword(m["rel"] or "this") if (m["rel"] or "") not in ("the", "that") else 0
    return g.day(g.monday(ctx.ref) + timedelta(weeks=k, days=g.weekday_of(m["wd"])))


_REL_DAYS = {"today": 0, "tonight": 0, "now": 0, "right now": 0, "this day": 0, "the day": 0,
             "my day": 0, "otd": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
             "at this time": 0, "currently": 0, "current date": 0,
             "the present day": 0, "present day": 0, "nowadays": 0,
             "tomorrow": 1, "tmrw": 1, "tomorrows": 1, "tmr": 1, "yesterday": -1,
             "last night": -1, "yesterday morning": -1, "yesterday evening": -1,
             "the next day": 1, "next day": 1, "the following day": 1, "the day after": 1,
             "the day before": -1, "the previous day": -1, "previous day": -1, "last day": -1,
             "the last day": -1, "past day": -1, "the past day": -1, "the preceding day": -1,
             "day after tomorrow": 2, "the day after tomorrow": 2, "the day after tmrw": 2,
             "day after tmrw": 2, "the day before yesterday": -2, "day before yesterday": -2,
             "overmorrow": 2, "tomorrow night": 1, "tomorrow morning": 1}


@rule("(?P<w>" + "|".join(sorted((re.escape(k) for k in _REL_DAYS), key=len, reverse=True)) + ")")
def _relative_day(m: re.Match[str], ctx: Ctx) -> Span | None:
    return g.day(ctx.ref + timedelta(days=_REL_DAYS[m["w"]]))


@rule(r"(?:at |by |in )?(?:the )?(?P<w>{PART})(?:-| of| in)?(?: the)? (?P<u>week|month|year)")
def _earlier_this(m: re.Match[str], ctx: Ctx) -> Span | None:
    w = m["w"].lower()
    s = g.unit_span(m["u"], ctx.ref)
    if w in ("earlier", "later"):
        return _earlier_later(w, s, ctx.ref)
    return g.part(s, g.part_name(w))


@rule(r"(?:the )?(?:iso )?week (?P<n>\d{1,2})(?:,? (?P<y>{Y4}))?", r"(?P<y>{Y4})-?w(?P<n>\d{2})")
def _iso_week(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = int(m["y"]) if m["y"] else ctx.ref.year
    return g.week(date.fromisocalendar(y, int(m["n"]), 1))


@rule(r"(?:the |at the )?(?P<w>eo|bo)(?P<u>[mwy])")
def _eom(m: re.Match[str], ctx: Ctx) -> Span | None:
    u = {"m": "month", "w": "week", "y": "year"}[m["u"]]
    return g.part(g.unit_span(u, ctx.ref), "START" if m["w"] == "bo" else "END")


@rule(r"(?:the )?(?P<o>{ORD}|q(?=[1-4])) ?(?P<q>quarter|qtr|half|[1-4](?![\d]))",
      r"(?:the )?(?P<h>h[12]|q[1-4])")
def _quarter_bare(m: re.Match[str], ctx: Ctx) -> Span | None:
    if m.groupdict().get("h"):
        h = m["h"].lower()
        first: Callable[[int], Span] = (
            (lambda y: g.half(y, int(h[1]))) if h[0] == "h" else (lambda y: g.quarter(y, int(h[1])))
        )
        return pick_unit("q", ctx, 0, first)
    s = _quarter(m, ctx.ref.year)
    if s is None:
        return None
    q = m
    return pick_unit("q", ctx, 0, lambda y: _quarter(q, y) or s)


@rule(r"(?P<y>\d{4}|\d{2})[- ]?(?P<h>[qh][1-4])", r"(?P<h>[qh][1-4])[- ]?(?P<y>\d{4})")
def _quarter_year(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = int(m["y"]) if len(m["y"]) == 4 else g.two_digit_year(int(m["y"]), ctx.ref)
    h = m["h"].lower()
    if h[0] == "h":
        return g.half(y, int(h[1])) if h[1] in "12" else None
    return g.quarter(y, int(h[1]))


@rule(r"(?:the )?(?P<y>{Y4}) (?:the )?(?P<o>{ORD}) (?P<q>quarter|qtr|half)")
def _year_quarter(m: re.Match[str], ctx: Ctx) -> Span | None:
    return _quarter(m, int(m["y"]))


@rule(r"(?:the )?(?P<s>{SEASON})(?: of)? (?P<y>{YEAR})")
def _season_year(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = g.year_of(m["y"], ctx.ref)
    return g.season(y, m["s"].lower()) if y else None


@rule(r"(?:the )?(?P<rel>{THIS}|{LAST}|{NEXT}|the|this|last|next)? ?(?P<s>{SEASON})")
def _season(m: re.Match[str], ctx: Ctx) -> Span | None:
    name = m["s"].lower()
    rel = (m["rel"] or "the").lower()
    if rel == "the":
        return pick_unit("season", ctx, 0, lambda y: g.season(y, name))
    k = relword(rel)
    if k == 0:
        y = ctx.ref.year - (1 if name == "winter" and ctx.ref.month <= 2 else 0)
        return g.season(y, name)
    cur = g.season_containing(ctx.ref)
    assert cur.earliest is not None
    y = cur.earliest.year + (k if name != "winter" or ctx.ref.month != 12 else k)
    s = g.season(cur.earliest.year, name)
    if k > 0:
        while s.earliest and s.earliest <= ctx.ref:
            y += 1
            s = g.season(s.earliest.year + 1, name)
    else:
        while s.latest and s.latest >= ctx.ref:
            s = g.season(s.earliest.year - 1 if s.earliest else y - 1, name)
    return s


# ---------------------------------------------------------------------------------------------
# Compilation and the entry point
# ---------------------------------------------------------------------------------------------

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], re.Pattern[str] | None, Rule]]:
    """Each rule's pattern with {ATOM} as a lazy .+ and (if it has one) as a greedy .+."""
    out = []
    for r in RULES:
        lazy = g.pattern(re.sub(r"\{ATOM:(\w+)\}", r".+?", r.template))
        greedy = None
        if "{ATOM" in r.template:
            greedy = re.compile(g.pattern(re.sub(r"\{ATOM:(\w+)\}", r".+", r.template)))
        out.append((re.compile(lazy), greedy, r))
    out.sort(key=lambda t: not t[2].atom)
    return out


@lru_cache(maxsize=1)
def scan_rules() -> list[tuple[re.Pattern[str], Rule]]:
    """Rules for find(): the ones without sub-expressions, bounded by word edges. find() joins
    their hits and extends them with prefixes ("since", "late"...), then lets resolve() judge."""
    with _LOCK:
        out = []
        for r in RULES:
            if not r.scan or "{ATOM" in r.template:
                continue
            body = g.pattern(r.template)
            out.append((re.compile(r"(?<![\w'])(?:" + body + r")(?![\w])", re.IGNORECASE), r))
        return out


@lru_cache(maxsize=16384)
def parse_cached(text: str, ref: date, past: bool, depth: int) -> Span | None:
    return parse(text, Ctx(ref, past, depth))


def parse(text: str, ctx: Ctx) -> Span | None:
    """The first rule that matches the whole normalised text and yields a span: atoms first
    (a whole-text atom is the plain reading), then the compound rules in order."""
    for lazy, greedy, r in _compiled():
        for rx in (lazy, greedy):
            if rx is None:
                continue
            m = rx.fullmatch(text)
            if m is None:
                break  # the greedy variant matches the same texts, only split differently
            try:
                s = r.handler(m, ctx)
            except (ValueError, OverflowError, KeyError, IndexError, AssertionError):
                s = None
            if s is not None:
                return s
    return None
