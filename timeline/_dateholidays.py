"""Named holidays: a calendar of fixed, Easter-based, nth-weekday, Hebrew and Islamic holidays,
and the date rules that read them ("Christmas 2016", "last Easter", "Thanksgiving of next year").

A holiday resolves to its day (or, for Lent, Ramadan and Hanukkah, its whole span), never to its
eve. Without a year it follows the rule for year-less days: the most recent one that has begun by
the reference (``prefer="past"``) or the first that has not ended (``prefer="future"``); "last X"
is the latest one entirely before the reference, "next X" the first that starts after it, "this X"
the one of the reference's year.

Computed dates: Easter by the Anonymous Gregorian algorithm, Orthodox Easter by the Julian
computus moved to the Gregorian calendar, Passover by Gauss's formula (other Hebrew holidays are
fixed distances from it), Islamic holidays by the tabular (arithmetical) Islamic calendar, which
can differ by a day from the sighting of the moon in a given country.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from timeline import _dategrammar as g
from timeline._dategrammar import Span
from timeline._daterules import Ctx, relword, rule

# ---------------------------------------------------------------------------------------------
# Computus and other calendars
# ---------------------------------------------------------------------------------------------


def easter(y: int) -> date:
    """Western Easter Sunday (Anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    gg = (b - f + 1) // 3
    h = (19 * a + b - d - gg + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    n = h + ll - 7 * m + 114
    return date(y, n // 31, n % 31 + 1)


def orthodox_easter(y: int) -> date:
    """Orthodox Easter Sunday: the Julian computus, its date moved to the Gregorian calendar."""
    d = (19 * (y % 19) + 15) % 30
    e = (2 * (y % 4) + 4 * (y % 7) - d + 34) % 7
    n = d + e + 114
    julian_offset = y // 100 - y // 400 - 2
    return date(y, n // 31, n % 31 + 1) + timedelta(days=julian_offset)


def passover(y: int) -> date:
    """15 Nisan, the first day of Passover, in Gregorian year y (Gauss's formula)."""
    a = (12 * y + 12) % 19
    b = y % 4
    mm = 20.0955877 + 1.5542418 * a + 0.25 * b - 0.003177794 * y
    m = int(mm)
    frac = mm - m
    c = (m + 3 * y + 5 * b + 1) % 7
    if c in (2, 4, 6):
        m += 1
    elif c == 1 and a > 6 and frac >= 0.63287037:
        m += 2
    elif c == 0 and a > 11 and frac >= 0.89772376:
        m += 1
    m += y // 100 - y // 400 - 2  # Julian to Gregorian
    return date(y, 3, 1) + timedelta(days=m - 1)


def rosh_hashanah(y: int) -> date:
    """1 Tishrei in Gregorian year y: 163 days after 15 Nisan of the same year."""
    return passover(y) + timedelta(days=163)


def hanukkah(y: int) -> Span:
    """25 Kislev and the seven days after it (the Kislev that follows Rosh Hashanah of year y)."""
    rh = rosh_hashanah(y)
    cheshvan = 30 if (rosh_hashanah(y + 1) - rh).days in (355, 385) else 29
    first = rh + timedelta(days=30 + cheshvan + 24)
    return Span(first, first + timedelta(days=7), "interval")


_ISLAMIC_EPOCH = date(622, 7, 19).toordinal()  # 1 Muharram AH 1 (civil epoch), Gregorian


def islamic_to_gregorian(iy: int, im: int, iday: int) -> date:
    """A date of the tabular Islamic calendar (30-year cycle, 11 leap years)."""
    days = iday - 1 + (59 * (im - 1) + 1) // 2 + 354 * (iy - 1) + (3 + 11 * iy) // 30
    return date.fromordinal(_ISLAMIC_EPOCH + days)


def islamic_in_year(y: int, im: int, iday: int, length: int = 1) -> list[Span]:
    """Every span starting on Islamic month-day (im, iday) within Gregorian year y (one or two)."""
    iy0 = int((y - 622) * 33 / 32) - 1
    out = []
    for iy in range(iy0, iy0 + 4):
        d = islamic_to_gregorian(iy, im, iday)
        if d.year == y:
            last = d + timedelta(days=length - 1)
            out.append(Span(d, last, "day" if length == 1 else "interval"))
    return out


def nth_weekday(y: int, m: int, wd: int, n: int) -> date:
    """The nth weekday (0 = Monday) of a month; n = -1 is the last."""
    if n < 0:
        last = g.month_end(y, m)
        return last - timedelta(days=(last.weekday() - wd) % 7)
    first = date(y, m, 1)
    return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))


# ---------------------------------------------------------------------------------------------
# The calendar: names (regex over normalised lowercase text) and the span(s) in a given year
# ---------------------------------------------------------------------------------------------

Spans = Callable[[int], list[Span]]


def _on(fn: Callable[[int], date]) -> Spans:
    return lambda y: [g.day(fn(y))]


def _fixed(m: int, d: int) -> Spans:
    return _on(lambda y: date(y, m, d))


def _easter(offset: int, orthodox: bool = False) -> Spans:
    base = orthodox_easter if orthodox else easter
    return _on(lambda y: base(y) + timedelta(days=offset))


def _between(first: Callable[[int], date], last: Callable[[int], date]) -> Spans:
    return lambda y: [Span(first(y), last(y), "interval")]


def _nth(m: int, wd: int, n: int, offset: int = 0) -> Spans:
    return _on(lambda y: nth_weekday(y, m, wd, n) + timedelta(days=offset))


def _hebrew(offset: int, days: int = 1) -> Spans:
    """A Hebrew holiday `offset` days after 15 Nisan of the same Gregorian year, `days` long."""
    def spans(y: int) -> list[Span]:
        first = passover(y) + timedelta(days=offset)
        if days == 1:
            return [g.day(first)]
        return [Span(first, first + timedelta(days=days - 1), "interval")]
    return spans


def _moved(d: date, by_weekday: dict[int, int]) -> date:
    """d moved by a number of days that depends on its weekday (0 = Monday)."""
    return d + timedelta(days=by_weekday.get(d.weekday(), 0))


def _islamic(im: int, iday: int, length: int = 1) -> Spans:
    return lambda y: islamic_in_year(y, im, iday, length)


_S = r"(?:saint|st\.?) "  # "Saint Patrick's", "St. Patrick's", "st patricks"
HOLIDAYS: list[tuple[str, Spans]] = [
    # fixed dates
    (r"new year'?s? eve|new years'? eve|old year'?s? (?:day|night)|hogmanay", _fixed(12, 31)),
    (r"new year'?s'? day|new years'? day|new year day|new year'?s|yuandan", _fixed(1, 1)),
    (r"(?:christmas|xmas|x-mas) eve", _fixed(12, 24)),
    (r"(?:christmas|xmas|x-mas)(?: day)?|(?:the )?feast of the nativity", _fixed(12, 25)),
    (rf"boxing day|{_S}stephen'?s day", _fixed(12, 26)),
    (r"hallowe'?en|all hallows'? eve", _fixed(10, 31)),
    (rf"(?:{_S})?valentine'?s?'? day", _fixed(2, 14)),
    (rf"{_S}patrick'?s?'? day|{_S}paddy'?s?'? day|paddy'?s day", _fixed(3, 17)),
    (rf"{_S}george'?s?'? day", _fixed(4, 23)),
    (rf"{_S}andrew'?s?'? day", _fixed(11, 30)),
    (rf"{_S}david'?s?'? day", _fixed(3, 1)),
    (r"(?:us |american |u\.s\. )?independence day|the fourth of july", _fixed(7, 4)),
    (r"veterans'? day|armistice day|remembrance day|poppy day", _fixed(11, 11)),
    (r"earth day", _fixed(4, 22)),
    (r"may day|(?:international |int'?l )?workers'? day", _fixed(5, 1)),
    (r"juneteenth", _fixed(6, 19)),
    (r"all saints'? day|all hallows'? day", _fixed(11, 1)),
    (r"all souls'? day", _fixed(11, 2)),
    (r"world vegan day", _fixed(11, 1)),
    (r"(?:the )?ides of march", _fixed(3, 15)),
    (r"groundhog day", _fixed(2, 2)),
    (r"april fool'?s'? day", _fixed(4, 1)),
    (r"(?:the )?feast of (?:the )?epiphany|epiphany day|three kings'? day", _fixed(1, 6)),
    (r"cinco de mayo", _fixed(5, 5)),
    (r"guy fawkes'? (?:day|night)|bonfire night", _fixed(11, 5)),
    (r"canada day", _fixed(7, 1)),
    (r"bastille day", _fixed(7, 14)),
    (r"australia day", _fixed(1, 26)),
    (r"anzac day", _fixed(4, 25)),
    (r"boss'?s?'? day|bosses'? day", _fixed(10, 16)),
    (r"koningsdag|king'?s day", _on(lambda y: _moved(date(y, 4, 27), {6: -1}))),
    (r"(?:international )?women'?s'? day", _fixed(3, 8)),
    (r"world aids day", _fixed(12, 1)),
    (r"human rights day", _fixed(12, 10)),
    (r"inauguration day", _fixed(1, 20)),
    (r"pearl harbou?r(?: remembrance)? day", _fixed(12, 7)),
    (r"assumption day|(?:the )?feast of (?:the )?assumption", _fixed(8, 15)),
    # Western Easter and the days counted from it
    (r"easter(?: sunday| day)?|resurrection sunday", _easter(0)),
    (r"easter monday|easter mon", _easter(1)),
    (r"good friday|holy friday|great friday", _easter(-2)),
    (r"holy saturday|easter saturday|easter eve", _easter(-1)),
    (r"maundy thursday|holy thursday|covenant thu(?:rsday)?|thu(?:rsday)? of mysteries",
     _easter(-3)),
    (r"palm sunday|branch sunday", _easter(-7)),
    (r"ash wednesday", _easter(-46)),
    (r"shrove tuesday|mardi gras|pancake (?:day|tuesday)", _easter(-47)),
    (r"ascension (?:day|thursday)|(?:the )?feast of (?:the )?ascension", _easter(39)),
    (r"pentecost(?: sunday)?|whit(?:e)? sunday|whitsun(?:day)?", _easter(49)),
    (r"whit monday|pentecost monday|monday of the holy spirit", _easter(50)),
    (r"trinity sunday", _easter(56)),
    (r"(?:the )?feast of corpus christi|corpus christi (?:day|thursday)", _easter(60)),
    (r"lent", _between(lambda y: easter(y) - timedelta(days=46),
                       lambda y: easter(y) - timedelta(days=1))),
    # Orthodox
    (r"orthodox easter(?: sunday| day)?", _easter(0, orthodox=True)),
    (r"orthodox (?:good|great|holy) friday", _easter(-2, orthodox=True)),
    (r"clean monday|orthodox shrove monday|ash monday", _easter(-48, orthodox=True)),
    (r"lazarus saturday", _easter(-8, orthodox=True)),
    (r"great lent|great fast", _between(lambda y: orthodox_easter(y) - timedelta(days=48),
                                        lambda y: orthodox_easter(y) - timedelta(days=9))),
    # United States: nth weekdays
    (r"(?:martin luther king|mlk)(?: jr\.?)?'?s? day|civil rights day", _nth(1, 0, 3)),
    (r"presidents?'?s?'? day|washington'?s birthday", _nth(2, 0, 3)),
    (r"memorial day", _nth(5, 0, -1)),
    (r"labou?r day", _nth(9, 0, 1)),
    (r"columbus day|indigenous peoples'? day", _nth(10, 0, 2)),
    (r"thanks ?giving(?: day)?", _nth(11, 3, 4)),
    (r"black friday", _nth(11, 3, 4, 1)),
    (r"cyber monday", _nth(11, 3, 4, 4)),
    (r"mother'?s'? day", _nth(5, 6, 2)),
    (r"father'?s'? day", _nth(6, 6, 3)),
    (r"election day", _nth(11, 0, 1, 1)),
    # Hebrew (the day itself, not the eve before it)
    (r"pesach|passover", _hebrew(0, days=8)),
    (r"shavuot|shavuos", _hebrew(50, days=2)),
    (r"purim", _hebrew(-30)),
    (r"rosh hashann?ah?|jewish new year", _hebrew(163, days=2)),
    (r"yom kippur", _hebrew(172)),
    (r"sukkot|sukkos|succot|succos|feast of (?:the )?(?:ingathering|tabernacles|booths)",
     _hebrew(177, days=7)),
    (r"yom ha'?shoah|holocaust (?:remembrance )?day", _on(lambda y: _moved(
        passover(y) + timedelta(days=12), {4: -1, 6: 1}))),
    (r"yom ha'?atzmaut|israel(?:i)? independence day", _on(lambda y: _moved(
        passover(y) + timedelta(days=20), {4: -1, 5: -2, 0: 1}))),
    (r"shemini atzeret", _hebrew(184)),
    (r"simchat torah|simhat torah", _hebrew(185)),
    (r"hann?ukk?ah?|chann?ukk?ah?", lambda y: [hanukkah(y)]),
    # Islamic (tabular calendar)
    (r"ramadh?an|ramazan|ramzan|ramathan", _islamic(9, 1, 30)),
    (r"eid al-? ?fitr|eid ul-? ?fitr|eidul fitr|festival of breaking the fast", _islamic(10, 1)),
    (r"(?:eid|id) (?:al|ul)-? ?ad[hz]a|eidul ad[hz]a|feast of (?:the )?sacrifice"
     r"|sacrifice feast|bakr[ai]?-? ?[ie]i?d", _islamic(12, 10)),
    (r"(?:islamic|hijri|arabic|muslim) new year|amun jadid", _islamic(1, 1)),
    (r"(?:the )?(?:day of )?ashura", _islamic(1, 10)),
    (r"mawlid(?: an-nabi| al-nabawi)?|milad un nabi|(?:the )?prophet'?s birthday",
     _islamic(3, 12)),
    (r"laylat al-? ?[qk]adr|(?:the )?night of (?:power|destiny)", _islamic(9, 27)),
    (r"isra and mi'?raj|isra mi'?raj|isra'? wal mi'?raj", _islamic(7, 27)),
]

# Names that are ordinary words, titles or places on their own ("St Patrick's" Cathedral, "the
# Assumption", "his ascension"): a holiday only with a year attached ("Saint Patrick 2020").
WITH_YEAR_ONLY: list[tuple[str, Spans]] = [
    (rf"{_S}patrick'?s?'?|{_S}paddy'?s?'?", _fixed(3, 17)),
    (r"(?:the )?epiphany", _fixed(1, 6)),
    (r"(?:the )?assumption", _fixed(8, 15)),
    (r"(?:the )?ascension", _easter(39)),
]

HOL = "(?:" + "|".join(p for p, _ in HOLIDAYS) + ")"
HOL_WITH_YEAR = "(?:" + "|".join(p for p, _ in HOLIDAYS + WITH_YEAR_ONLY) + ")"
_EACH = [(re.compile(p), fn) for p, fn in HOLIDAYS + WITH_YEAR_ONLY]


@lru_cache(maxsize=256)
def spans_in(name: str, y: int) -> tuple[Span, ...]:
    """The holiday's span(s) in Gregorian year y; () when the name is no holiday."""
    if not 1 <= y <= 9998:
        return ()
    for rx, fn in _EACH:
        if rx.fullmatch(name):
            return tuple(fn(y))
    return ()


def pick(name: str, ctx: Ctx, rel: str = "") -> Span | None:
    """A year-less holiday by the reference: see the module docstring for the rules."""
    r = ctx.ref
    found = [s for y in range(r.year - 2, r.year + 3) for s in spans_in(name, y)]
    found = [s for s in found if s.earliest is not None and s.latest is not None]
    if not found:
        return None
    k = relword(rel) if rel else None
    if k == 0:
        this = [s for s in found if s.earliest and s.earliest.year == r.year]
        return this[0] if this else None
    if k == -1:
        return max((s for s in found if s.latest and s.latest < r), key=_start, default=None)
    if k == 1:
        return min((s for s in found if s.earliest and s.earliest > r), key=_start, default=None)
    if ctx.past:
        return max((s for s in found if s.earliest and s.earliest <= r), key=_start, default=None)
    return min((s for s in found if s.latest and s.latest >= r), key=_start, default=None)


def _start(s: Span) -> date:
    assert s.earliest is not None
    return s.earliest


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


@rule(r"(?:the )?(?P<h>" + HOL_WITH_YEAR + r")(?:,? (?:of |in )?(?P<y>{Y4}|{YEAR}))",
      r"(?:the )?(?:(?P<rel>{THIS}|{LAST}|{NEXT}) )?(?P<h>" + HOL + r")")
def _holiday(m: re.Match[str], ctx: Ctx) -> Span | None:
    name = m["h"]
    if m.groupdict().get("y"):
        y = g.year_of(m["y"], ctx.ref)
        found = spans_in(name, y) if y else ()
        return found[0] if found else None
    return pick(name, ctx, m.groupdict().get("rel") or "")


@rule(r"(?:the )?(?P<h>" + HOL + r")(?: of| in|,)? (?:the )?(?P<a>{ATOM:a})", atom=False)
def _holiday_of(m: re.Match[str], ctx: Ctx) -> Span | None:
    """'Thanksgiving of next year', 'MLK day of last year': the holiday in a year-long span."""
    a = ctx.sub(m["a"])
    if a is None or a.earliest is None or a.precision != "year" or a.mod:
        return None
    found = spans_in(m["h"], a.earliest.year)
    return found[0] if found else None


def holiday_weekend(d: date) -> Span:
    """The weekend a holiday belongs to, with the holiday when it makes a long weekend: Monday
    (Saturday-Monday), Thursday or Friday (to Sunday); a Tuesday joins the weekend before it."""
    wd = d.weekday()
    if wd == 0:
        return Span(d - timedelta(days=2), d, "weekend")
    if wd in (3, 4):
        return Span(d, d + timedelta(days=6 - wd), "weekend")
    if wd == 1:
        return g.weekend(d - timedelta(weeks=1))
    return g.weekend(d)


@rule(r"(?:the )?(?P<h>" + HOL + r")(?: (?P<y>{Y4}))? (?:weekend|week-end)(?: (?P<y2>{Y4}))?",
      r"(?:the )?(?:weekend|week-end) of (?:the )?(?P<h>" + HOL + r")(?:,? (?P<y>{Y4}))?")
def _holiday_weekend(m: re.Match[str], ctx: Ctx) -> Span | None:
    y = m["y"] or m.groupdict().get("y2")
    if y:
        found = spans_in(m["h"], int(y))
        s = found[0] if found else None
    else:
        s = pick(m["h"], ctx)
    if s is None or s.earliest is None or s.precision != "day":
        return None
    return holiday_weekend(s.earliest)
