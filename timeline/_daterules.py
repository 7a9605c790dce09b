"""The core of the English date grammar of :mod:`timeline.dates`: rules, dispatch, helpers.

A rule is a regex template (see ``_dategrammar.pattern``) and a handler turning its match into a
``Span``. ``{ATOM:a}`` in a template stands for a whole sub-expression that is resolved again by
the same grammar (ranges, "since X", "late X", "3 days after X"...). For ``resolve`` it is a lazy
or greedy ``.+``; for ``find`` it is the alternation of the atom rules, so a scan never runs away.

The rules themselves live in modules by responsibility, loaded (in this order, which is the order
rules are tried in) the first time the grammar is compiled:

- ``_daterules_ranges``: ranges, "since / before / after X", parts ("late X"), approximations;
- ``_daterules_relative``: offsets ("3 days after X"), windows ("the past 3 weeks"), nth-of rules;
- ``_dateholidays``: named holidays ("Christmas 2016", "last Easter");
- ``_daterules_atoms``: the plain forms (dates, months, weekdays, years, seasons...).
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
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
# Helpers shared by rule modules
# ---------------------------------------------------------------------------------------------


MD1_T = r"(?:the )?(?P<day>{DAY})(?: of| day of)?{S}?(?P<mon>{MON})"

MD2_T = r"(?P<mon>{MON})(?:{S}|\s*)(?:the )?(?P<day>{DAY})"

MD1 = re.compile(g.pattern(MD1_T))

MD2 = re.compile(g.pattern(MD2_T))

YEARISH = re.compile(g.pattern(r"(?<!\d)(?:\d{4}|'\d{2})(?!\d)|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
                                 r"|{YEAR}|year|decade|century"))

CALENDAR_NAME = re.compile(g.pattern(r"{MON}|\d{1,2}[-/.]\d{1,2}"))


def has_year(text: str) -> bool:
    return YEARISH.search(text) is not None


def parse_month_day(text: str) -> tuple[int, int] | None:
    for rx in (MD1, MD2):
        mm = rx.fullmatch(text)
        if mm:
            d = g.words_to_int(mm["day"])
            if d and 1 <= d <= 31:
                return g.month_of(mm["mon"]), d
    return None


def quarter_of_match(m: re.Match[str], y: int) -> Span | None:
    q = m["q"].lower()
    if q.isdigit():
        return g.quarter(y, int(q))
    k = g.ORD_VALUE.get(m["o"].lower()) or g.words_to_int(m["o"])
    if q == "half":
        return g.half(y, 2 if k == -1 else k) if k in (1, 2, -1) else None
    return g.quarter(y, 4 if k == -1 else k) if k in (1, 2, 3, 4, -1) else None


def earlier_later(word: str, a: Span, ref: date) -> Span:
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


# ---------------------------------------------------------------------------------------------
# Compilation and the entry point
# ---------------------------------------------------------------------------------------------

_LOCK = threading.Lock()

# The rule modules, in the order their rules are tried (atoms of every module before compounds).
RULE_MODULES = ("timeline._daterules_ranges", "timeline._daterules_relative",
                "timeline._dateholidays", "timeline._daterules_atoms")


@lru_cache(maxsize=1)
def all_rules() -> list[Rule]:
    """Every rule, loaded from RULE_MODULES: atoms first, then by module and definition order
    (whichever module happened to be imported first)."""
    with _LOCK:
        for name in RULE_MODULES:
            importlib.import_module(name)
        index = {name: i for i, name in enumerate(RULE_MODULES)}
        order = sorted(range(len(RULES)), key=lambda i: (
            not RULES[i].atom, index.get(RULES[i].handler.__module__, len(index)), i))
        return [RULES[i] for i in order]


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], re.Pattern[str] | None, Rule]]:
    """Each rule's pattern with {ATOM} as a lazy .+ and (if it has one) as a greedy .+."""
    out = []
    for r in all_rules():
        lazy = g.pattern(re.sub(r"\{ATOM:(\w+)\}", r".+?", r.template))
        greedy = None
        if "{ATOM" in r.template:
            greedy = re.compile(g.pattern(re.sub(r"\{ATOM:(\w+)\}", r".+", r.template)))
        out.append((re.compile(lazy), greedy, r))
    return out


@lru_cache(maxsize=1)
def scan_rules() -> list[tuple[re.Pattern[str], Rule]]:
    """Rules for find(): the ones without sub-expressions, bounded by word edges. find() joins
    their hits and extends them with prefixes ("since", "late"...), then lets resolve() judge."""
    out = []
    for r in all_rules():
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

