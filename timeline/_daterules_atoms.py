"""Atom date rules (no sub-expression): full and numeric dates, month-days, months, years,
decades, centuries, weekdays, relative days and units, weeks, quarters, seasons.
Registered into ``_daterules.RULES``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from timeline import _dategrammar as g
from timeline._dategrammar import Span
from timeline._daterules import (
    MD1_T,
    MD2_T,
    Ctx,
    earlier_later,
    pick_day_of_month,
    pick_month,
    pick_month_day,
    pick_unit,
    pick_weekday,
    quarter_of_match,
    relword,
    rule,
)


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


@rule(r"(?:(?P<wd>{WD}){S})?" + MD1_T, r"(?:(?P<wd>{WD}){S})?" + MD2_T,
      r"(?:(?P<wd>{WD}){S})?" + MD2_T + r"{S}(?P<wd2>{WD})")
def _month_day(m: re.Match[str], ctx: Ctx) -> Span | None:
    d = g.words_to_int(m["day"])
    if d is None or not 1 <= d <= 31:
        return None
    # a weekday next to a month-day is decoration: the date wins ("Tuesday, March 7")
    return pick_month_day(g.month_of(m["mon"]), d, ctx)


_REL_MD = r"(?P<rel>this|last|next|this coming|this past|coming) "


@rule(_REL_MD + MD1_T, _REL_MD + MD2_T, _REL_MD + r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})(?![\d/.])")
def _rel_month_day(m: re.Match[str], ctx: Ctx) -> Span | None:
    """'this 5/12' (the reference's year), 'next 6th of April' (the first after the reference),
    'last March 3' (the latest before it)."""
    if m.groupdict().get("a"):
        mo, d = int(m["a"]), int(m["b"])
    else:
        mo, d = g.month_of(m["mon"]), g.words_to_int(m["day"]) or 0
    r, k = ctx.ref, relword(m["rel"])
    if k == 0:
        return g.day(date(r.year, mo, d))
    return pick_month_day(mo, d, Ctx(r + timedelta(days=k), k < 0, ctx.depth))


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
        if u == "weekend" and rel == "the" and ctx.past and ctx.ref.weekday() < 5:
            k = -1  # news reading: "the weekend" is the one just past, like a bare weekday
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
    """"The weekend": in news reading (past) the most recent one begun by the reference, like a
    bare weekday; read forward, the coming one (or the one under way)."""
    w = g.weekend(ctx.ref)
    if ctx.past and w.earliest is not None and w.earliest > ctx.ref:
        w = g.weekend(ctx.ref - timedelta(weeks=1))
    return w


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
        return earlier_later(w, s, ctx.ref)
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
    s = quarter_of_match(m, ctx.ref.year)
    if s is None:
        return None
    q = m
    return pick_unit("q", ctx, 0, lambda y: quarter_of_match(q, y) or s)


@rule(r"(?P<y>\d{4}|\d{2})[- ]?(?P<h>[qh][1-4])", r"(?P<h>[qh][1-4])[- ]?(?P<y>\d{4})")
def _quarter_year(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = int(m["y"]) if len(m["y"]) == 4 else g.two_digit_year(int(m["y"]), ctx.ref)
    h = m["h"].lower()
    if h[0] == "h":
        return g.half(y, int(h[1])) if h[1] in "12" else None
    return g.quarter(y, int(h[1]))


@rule(r"(?:the )?(?P<y>{Y4}) (?:the )?(?P<o>{ORD}) (?P<q>quarter|qtr|half)")
def _year_quarter(m: re.Match[str], ctx: Ctx) -> Span | None:
    return quarter_of_match(m, int(m["y"]))


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
