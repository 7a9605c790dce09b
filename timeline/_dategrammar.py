"""Regex fragments, number words and calendar arithmetic for :mod:`timeline.dates`.

Nothing here knows about rules or the reference date; it is the vocabulary the rules are written in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name[1:], start=1):
    MONTHS[_name.lower()] = _i
    MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9

WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(calendar.day_name):
    WEEKDAYS[_name.lower()] = _i
    WEEKDAYS[_name[:3].lower()] = _i
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_ORD_TEENS = ("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
              "eighteenth nineteenth").split()
_ORD_TENS = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()

WORD_VALUE: dict[str, int] = {"zero": 0, "oh": 0, "o": 0, "a": 1, "an": 1}
for _i, _w in enumerate(_UNITS, start=1):
    WORD_VALUE[_w] = _i
for _i, _w in enumerate(_TEENS, start=10):
    WORD_VALUE[_w] = _i
for _i, _w in enumerate(_TENS, start=2):
    WORD_VALUE[_w] = _i * 10
ORD_VALUE: dict[str, int] = {}
for _i, _w in enumerate(_ORD_UNITS, start=1):
    ORD_VALUE[_w] = _i
for _i, _w in enumerate(_ORD_TEENS, start=10):
    ORD_VALUE[_w] = _i
for _i, _w in enumerate(_ORD_TENS, start=2):
    ORD_VALUE[_w] = _i * 10
ORD_VALUE["last"] = -1


def _alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_U = _alt(_UNITS)
_T = _alt(_TEENS)
_X = _alt(_TENS)
CARD99 = rf"(?:(?:{_X})(?:[- ](?:{_U}))?|{_T}|{_U})"
ORD99 = (rf"(?:(?:{_X})[- ](?:{_alt(_ORD_UNITS)})|{_alt(_ORD_TENS)}|{_alt(_ORD_TEENS)}"
         rf"|{_alt(_ORD_UNITS)})")
_CARD_HUNDREDS = rf"(?:(?:{_U}) hundred(?:(?: and)? {CARD99})?|{CARD99})"
YEARWORDS = (
    rf"(?:(?:one|two) thousand(?:(?: and)? {_CARD_HUNDREDS})?"
    rf"|(?:{_T}|(?:{_X})(?:[- ](?:{_U}))?) hundred(?:(?: and)? {CARD99})?"
    rf"|(?:{_T}|(?:{_X})(?:[- ](?:{_U}))?) (?:(?:zero|oh|o) (?:{_U})|{CARD99}))"
)


def words_to_int(text: str) -> int | None:
    """Value of a number in words or digits ('twenty-first', 'nineteen zero one', '18th')."""
    s = text.strip().lower()
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", s)
    if m:
        return int(m.group(1))
    tokens = [t for t in re.split(r"[\s-]+", s) if t and t != "and"]
    if not tokens:
        return None
    if "hundred" in tokens or "thousand" in tokens:
        total = current = 0
        for t in tokens:
            if t == "hundred":
                current = (current or 1) * 100
            elif t == "thousand":
                total += (current or 1) * 1000
                current = 0
            elif t in WORD_VALUE:
                current += WORD_VALUE[t]
            elif t in ORD_VALUE:
                current += ORD_VALUE[t]
            else:
                return None
        return total + current
    chunks: list[int] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in ("zero", "oh", "o") and i + 1 < len(tokens) and tokens[i + 1] in WORD_VALUE:
            chunks.append(WORD_VALUE[tokens[i + 1]])
            i += 2
            continue
        val = WORD_VALUE.get(t, ORD_VALUE.get(t))
        if val is None:
            return None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t in _TENS and nxt is not None and (nxt in _UNITS or nxt in _ORD_UNITS):
            val += WORD_VALUE.get(nxt, ORD_VALUE.get(nxt, 0))
            i += 1
        chunks.append(val)
        i += 1
    if len(chunks) == 1:
        return chunks[0]
    if len(chunks) == 2 and 10 <= chunks[0] <= 99:
        return chunks[0] * 100 + chunks[1]
    return None


# ---------------------------------------------------------------------------------------------
# Regex fragments: a rule pattern names them as {NAME} (non-capturing) or {NAME:group}.
# ---------------------------------------------------------------------------------------------

FRAGMENTS: dict[str, str] = {
    "MON": r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?",
    "WD": r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?"
          r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?(?![a-z])\.?",
    "DAY": rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?![\d])|(?:{ORD99}|{CARD99})(?![a-z]))",
    "ODAY": rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORD99})(?![a-z])",
    "YEAR": rf"(?:\d{{4}}(?!\d)|'\d{{2}}(?!\d)|{YEARWORDS}(?![a-z]))",
    "Y4": r"(?:[12]\d{3})(?!\d)",
    "NUM": rf"(?:\d+|{CARD99}|a couple of|couple of|a couple|couple|a few|few|several|an|a)"
           r"(?![a-z])",
    "ORD": rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORD99}|last)(?![a-z])",
    "UNIT": r"(?:day|week|wk|fortnight|month|quarter|qtr|year|yr|decade|centur(?:y|ie))s?(?![a-z])",
    "S": r"(?:\s*[,./-]\s*|\s+)",
    "THIS": r"(?:this|current|the current|present|the present)",
    "LAST": r"(?:last|past|previous|the last|the past|the previous|this past|preceding"
            r"|the preceding)",
    "NEXT": r"(?:next|coming|upcoming|following|the next|the coming|the upcoming|the following"
            r"|this coming|this upcoming)",
    "SEASON": r"(?:spring|summer|autumn|fall|winter)(?![a-z])",
    "PART": r"(?:early|earlier|mid|middle|late|later|beginning|start|end|first part|last part"
            r"|first days|last days|the beginning|the start|the end|the middle|eo|bo)",
}


def pattern(template: str) -> str:
    """Expand {NAME} and {NAME:group} placeholders in a rule template."""

    def sub(m: re.Match[str]) -> str:
        frag = FRAGMENTS[m.group(1)]
        return f"(?P<{m.group(2)}>{frag})" if m.group(2) else f"(?:{frag})"

    return re.sub(r"\{([A-Z][A-Z0-9_]*)(?::(\w+))?\}", sub, template)


def month_of(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS[w] if w in MONTHS else MONTHS[w[:3]]


def weekday_of(word: str) -> int:
    w = word.lower().rstrip(".")
    return WEEKDAYS[w] if w in WEEKDAYS else WEEKDAYS[w.rstrip("s")[:3]]


def year_of(text: str, ref: date) -> int | None:
    """A year written as digits, words or a two-digit '87 (placed near the reference)."""
    s = text.strip().lower().lstrip("'")
    if re.fullmatch(r"\d{2}", s):
        return two_digit_year(int(s), ref)
    return words_to_int(s)


def two_digit_year(yy: int, ref: date) -> int:
    """'87 -> the year ending in 87 no more than 12 years after the reference."""
    year = (ref.year // 100) * 100 + yy
    if year > ref.year + 12:
        year -= 100
    elif year <= ref.year - 88:
        year += 100
    return year


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------------------------


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(d: date, n: int) -> date:
    total = d.year * 12 + d.month - 1 + n
    y, m = divmod(total, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def shift(d: date, n: int, unit: str) -> date:
    """Move a day by n units (day, week, fortnight, month, quarter, year, decade, century)."""
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    if unit == "fortnight":
        return d + timedelta(weeks=2 * n)
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}[unit]
    return add_months(d, n * months)


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def unit_name(word: str) -> str:
    w = word.lower().rstrip("s")
    return {"wk": "week", "qtr": "quarter", "yr": "year", "centurie": "century",
            "centurys": "century"}.get(w, w)


@dataclass(frozen=True)
class Span:
    """A resolved interval before it is wrapped into a public DateSpan."""

    earliest: date | None
    latest: date | None
    precision: str
    mod: str | None = None


def day(d: date, mod: str | None = None) -> Span:
    return Span(d, d, "day", mod)


def month(y: int, m: int) -> Span:
    return Span(date(y, m, 1), month_end(y, m), "month")


def year(y: int) -> Span:
    return Span(date(y, 1, 1), date(y, 12, 31), "year")


def week(d: date) -> Span:
    mon = monday(d)
    return Span(mon, mon + timedelta(days=6), "week")


def weekend(d: date) -> Span:
    """The Saturday-Sunday of the Monday-Sunday week holding d."""
    sat = monday(d) + timedelta(days=5)
    return Span(sat, sat + timedelta(days=1), "weekend")


def quarter(y: int, q: int) -> Span:
    return Span(date(y, 3 * q - 2, 1), month_end(y, 3 * q), "quarter")


def half(y: int, h: int) -> Span:
    return Span(date(y, 6 * h - 5, 1), month_end(y, 6 * h), "half")


SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def season(y: int, name: str) -> Span:
    """Meteorological, Northern hemisphere; winter Y runs from December Y to February Y+1."""
    start = date(y, SEASON_START[name], 1)
    end = add_months(start, 2)
    return Span(start, month_end(end.year, end.month), "season")


def season_containing(d: date) -> Span:
    m = d.month
    if m in (1, 2):
        return season(d.year - 1, "winter")
    name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[m - (m % 3)]
    return season(d.year, name)


def decade(y0: int) -> Span:
    y0 -= y0 % 10
    return Span(date(y0, 1, 1), date(y0 + 9, 12, 31), "decade")


def century(n: int) -> Span:
    """The nth century, counted the popular way: the 21st century is 2000-2099."""
    y0 = (n - 1) * 100
    return Span(date(max(y0, 1), 1, 1), date(y0 + 99, 12, 31), "century")


def unit_span(unit: str, d: date) -> Span:
    """The calendar unit (week, weekend, month, quarter, half, year, decade, season) holding d."""
    if unit == "day":
        return day(d)
    if unit == "week":
        return week(d)
    if unit == "weekend":
        return weekend(d)
    if unit == "fortnight":
        mon = monday(d)
        return Span(mon, mon + timedelta(days=13), "interval")
    if unit == "month":
        return month(d.year, d.month)
    if unit == "quarter":
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if unit == "half":
        return half(d.year, 1 if d.month <= 6 else 2)
    if unit == "year":
        return year(d.year)
    if unit == "decade":
        return decade(d.year)
    if unit == "century":
        return century(d.year // 100 + 1)
    if unit == "season":
        return season_containing(d)
    raise ValueError(unit)


def unit_step(unit: str, d: date, n: int) -> date:
    """d moved by n whole units, for walking from one unit_span to the next."""
    if unit in ("weekend",):
        return d + timedelta(weeks=n)
    if unit == "season":
        return add_months(d, 3 * n)
    if unit == "half":
        return add_months(d, 6 * n)
    return shift(d, n, unit)


# Parts of a span: (first share, last share) as fractions of whole months/days per precision.
def part(span: Span, which: str) -> Span:
    """START, MID or END third of a span, by the documented rule for its precision."""
    e, last = span.earliest, span.latest
    assert e is not None and last is not None
    p = span.precision
    if p == "month":
        bounds = {"START": (1, 10), "MID": (11, 20), "END": (21, last.day)}[which]
        return Span(e.replace(day=bounds[0]), e.replace(day=bounds[1]), "part_of_month", which)
    if p == "year":
        m0 = {"START": 1, "MID": 5, "END": 9}[which]
        return Span(date(e.year, m0, 1), month_end(e.year, m0 + 3), "year", which)
    if p in ("week", "weekend", "interval", "day"):
        n = (last - e).days + 1
        if p == "week":
            cut = {"START": (0, 1), "MID": (2, 3), "END": (4, 6)}[which]
        else:
            a, b = n // 3, n - n // 3
            cut = {"START": (0, max(a - 1, 0)), "MID": (a, max(b - 1, a)), "END": (b, n - 1)}[which]
        return Span(e + timedelta(days=cut[0]), e + timedelta(days=cut[1]), p, which)
    if p == "decade":
        a, b = {"START": (0, 3), "MID": (4, 6), "END": (7, 9)}[which]
        return Span(date(e.year + a, 1, 1), date(e.year + b, 12, 31), "decade", which)
    if p == "century":
        a, b = {"START": (0, 32), "MID": (33, 65), "END": (66, 99)}[which]
        y0 = e.year - e.year % 100
        return Span(date(max(y0 + a, 1), 1, 1), date(y0 + b, 12, 31), "century", which)
    # quarter, half, season, part_of_month: thirds by whole months when possible
    months = (last.year - e.year) * 12 + last.month - e.month + 1
    if months >= 3 and months % 3 == 0:
        k = months // 3
        i = {"START": 0, "MID": 1, "END": 2}[which]
        first = add_months(e, i * k)
        final = add_months(e, (i + 1) * k - 1)
        return Span(first, month_end(final.year, final.month), p, which)
    n = (last - e).days + 1
    a, b = n // 3, n - n // 3
    cut = {"START": (0, max(a - 1, 0)), "MID": (a, max(b - 1, a)), "END": (b, n - 1)}[which]
    return Span(e + timedelta(days=cut[0]), e + timedelta(days=cut[1]), p, which)


def part_name(word: str) -> str:
    w = word.lower().replace("the ", "")
    if w in ("early", "earlier", "beginning", "start", "first part", "first days", "bo"):
        return "START"
    if w in ("mid", "middle"):
        return "MID"
    return "END"
