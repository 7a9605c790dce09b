"""Date rules relative to another date or the reference: "3 days after X", "two weeks ago",
"the past three days", "the first Friday of X", "the second week of X", "Sundays in X".
Registered into ``_daterules.RULES``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from timeline import _dategrammar as g
from timeline._dategrammar import Span
from timeline._daterules import (
    Ctx,
    apply_duration,
    num,
    parse_duration,
    parse_month_day,
    quarter_of_match,
    relword,
    rule,
)


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


@rule(r"(?:on )?the (?:day|night|morning|evening) (?P<dir>after|before|following|preceding) "
      r"(?P<a>{ATOM:a})", atom=False)
def _day_after(m: re.Match[str], ctx: Ctx) -> Span | None:
    """'the day after Thanksgiving': the day next to a day, or just outside a longer span."""
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.latest is None:
        return None
    if m["dir"] in ("after", "following"):
        return g.day(a.latest + timedelta(days=1))
    return g.day(a.earliest - timedelta(days=1))


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


@rule(r"(?:(?P<within>within )|(?:for|over|during|in|throughout) )?(?:the )?(?P<rel>{LAST}|{NEXT}) "
      r"(?P<dur>{NUM} ?{UNIT}(?:(?:,? and |, ){NUM} ?{UNIT})*)",
      r"(?:(?:for|within|over|during|in|throughout) )?(?:the )?(?P<n>{NUM}) "
      r"(?P<rel>past|last|previous"
      r"|next|upcoming|coming|following) (?P<u>{UNIT})", atom=False)
def _window(m: re.Match[str], ctx: Ctx) -> Span | None:
    sign = relword(m["rel"])
    if m.groupdict().get("dur"):
        dur = parse_duration(m["dur"])
        if not dur or any(k > 1000 for k, _ in dur):
            return None
        if sign > 0 and m["within"]:  # "within the next 3 years": from the reference on
            return Span(ctx.ref, apply_duration(ctx.ref, dur, 1) - timedelta(days=1), "interval")
        if len(dur) > 1:  # "the last 3 months and 2 weeks"
            if sign < 0:
                return Span(apply_duration(ctx.ref, dur, -1), ctx.ref - timedelta(days=1),
                            "interval")
            return Span(ctx.ref + timedelta(days=1), apply_duration(ctx.ref, dur, 1), "interval")
        n, unit = dur[0]
    else:
        n, unit = num(m["n"]) or 0, g.unit_name(m["u"])
    if not n or n > 1000:
        return None
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


@rule(r"(?P<rel>{THIS}|{LAST}|{NEXT}) (?P<wd>{WD})(?:,? |-)\(?(?P<a>{ATOM:a})\)?", atom=False)
def _rel_weekday_date(m: re.Match[str], ctx: Ctx) -> Span | None:
    """'this Friday 5/12', 'next Friday (Jun 15)': the date wins over the weekday; after "this"
    a year-less date is the reference's year's ('this 5/12')."""
    this = m["rel"].lower() in ("this", "current", "the current", "present", "the present")
    a = (ctx.sub(f"this {m['a']}") if this else None) or ctx.sub(m["a"])
    return a if a is not None and a.precision == "day" else None


@rule(r"(?P<a>{ATOM:a})'s (?P<b>{ATOM:b})", atom=False)
def _possessive(m: re.Match[str], ctx: Ctx) -> Span | None:
    """"next year's first quarter", "last month's end": B of A."""
    return ctx.sub(f"{m['b']} of {m['a']}")


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
    return quarter_of_match(m, a.earliest.year)


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


@rule(r"(?:on |in |during |at |of |throughout |over |for |sometime in |some time in |within |"
      r"the whole of |all of |all )(?P<a>{ATOM:a})", atom=False)
def _preposition(m: re.Match[str], ctx: Ctx) -> Span | None:
    return ctx.sub(m["a"])
