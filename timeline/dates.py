"""The date layer: vague news dates resolved against a reference into honest intervals.

``resolve("late January", date(2024, 6, 18))`` gives 21-31 January 2024 with precision
``part_of_month``, never a made-up exact day. The common English forms are read by a compiled
grammar (``timeline._daterules``); dateparser is the fallback for other languages and odd
formats. The conventions (which January, what "late" means...) are documented in docs/dates.md.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from timeline import _dategrammar as g
from timeline import _dateholidays as holidays
from timeline import _daterules as rules
from timeline._dategrammar import Span
from timeline._datelabel import label_of
from timeline.errors import DateError

__all__ = ["DateSpan", "PRECISIONS", "MODS", "resolve", "find", "parse_day", "clear_caches"]

PRECISIONS = ("day", "week", "weekend", "month", "part_of_month", "quarter", "half", "season",
              "year", "decade", "century", "interval", "open")
MODS = ("START", "MID", "END", "BEFORE", "AFTER", "ON_OR_AFTER", "ON_OR_BEFORE", "APPROX")

_MAX_LEN = 160  # longer texts are not a date expression; find() is the tool for running text


@dataclass(frozen=True)
class DateSpan:
    """An interval of days (both ends inclusive; None = open side) and what it was read from."""

    earliest: date | None
    latest: date | None
    precision: str
    mod: str | None
    text: str
    reference: date
    edtf: str

    def to_dict(self) -> dict[str, str | None]:
        return {
            "text": self.text,
            "reference": self.reference.isoformat(),
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "precision": self.precision,
            "mod": self.mod,
            "edtf": self.edtf,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DateSpan:
        def day(v: Any) -> date | None:
            return date.fromisoformat(v) if v else None

        earliest, latest = day(d.get("earliest")), day(d.get("latest"))
        precision, mod = d["precision"], d.get("mod")
        span = Span(earliest, latest, precision, mod)
        return cls(earliest, latest, precision, mod, d.get("text", ""),
                   date.fromisoformat(d["reference"]), d.get("edtf") or edtf_of(span))

    def label(self) -> str:
        return label_of(self.earliest, self.latest, self.precision, self.mod)


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def resolve(text: str, reference: date, *, prefer: str = "past",
            languages: list[str] | None = None) -> DateSpan:
    """Resolve a date expression against a reference (a publication date).

    Raises DateError (and nothing else) when the text holds no date this layer can read.
    """
    try:
        if prefer not in ("past", "future"):
            raise DateError(f"prefer must be 'past' or 'future', not {prefer!r}")
        if not isinstance(text, str):
            raise DateError(f"a date expression must be text, not {type(text).__name__}")
        ref = reference.date() if isinstance(reference, datetime) else reference
        if not isinstance(ref, date):
            raise DateError(f"the reference must be a date, not {type(reference).__name__}")
        _check_numeric_date(text)
        langs = tuple(languages) if languages else None
        result = _resolve_cached(text, ref, prefer, langs)
    except DateError:
        raise
    except Exception as exc:  # the promise: DateError or a span, whatever the input
        raise DateError(f"cannot read a date in {_quote(text)}: {type(exc).__name__}") from None
    if result is None:
        raise DateError(f"no date found in {_quote(text)}")
    return result


_NUMERIC_DATE = re.compile(r"\s*(\d{4})([-/.])(\d{1,2})\2(\d{1,2})\s*")


def _check_numeric_date(text: str) -> None:
    """A whole-text year-month-day that is no calendar day ("2024-02-30") is an error, not a
    range of "2024-02" to "30" or anything else a looser rule could make of it."""
    m = _NUMERIC_DATE.fullmatch(text)
    if m is None:
        return
    try:
        date(int(m[1]), int(m[3]), int(m[4]))
    except ValueError:
        raise DateError(f"not a real date: {_quote(text)}") from None


def parse_day(text: str, reference: date | None = None) -> date:
    """A single day for option values such as ``--from 2024-01-01``: ISO dates directly, any
    other expression through resolve() when it names exactly one day."""
    s = text.strip() if isinstance(text, str) else ""
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    span = resolve(s, reference or date.today())
    if span.precision != "day" or span.earliest is None:
        raise DateError(f"{_quote(text)} is not a single day (it reads as {span.label()})")
    return span.earliest


def find(text: str, reference: date, *, prefer: str = "past",
         languages: list[str] | None = None) -> list[tuple[int, int, DateSpan]]:
    """Date expressions in running text: (start, end, span) with ``text[start:end] == span.text``.

    Only the grammar's forms are found (no dateparser search: it reads "a second" as a date).
    A lone month or weekday name must be capitalised; bare numbers and ordinals are never dates
    on their own. A weekday naming a kind of event ("Sunday Mass") followed in the same sentence
    by a coarser date ("... in late January") is resolved inside that date.
    """
    if not isinstance(text, str) or not text:
        return []
    scan = _SCAN_NORMALISE.sub(lambda m: _SCAN_MAP.get(m.group(0), " "), text)
    hits: set[tuple[int, int]] = set()
    for rx, _rule in rules.scan_rules():
        for m in rx.finditer(scan):
            e = m.end() - 1 if scan[m.end() - 1] == "." and m.end() - m.start() > 4 else m.end()
            if e > m.start():
                hits.add((m.start(), e))
    ordered = sorted(hits)
    candidates: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(ordered):
        ends = [e]
        for s2, e2 in ordered[i + 1:i + 4]:  # join hits: "December last year", "2014 to 2018"
            if s2 >= ends[-1] and _CONNECT.fullmatch(scan[ends[-1]:s2]):
                ends.append(max(e2, ends[-1]))
            elif s2 >= ends[-1]:
                break
        starts = [s]
        lead = _PREFIX.search(scan, max(0, s - 60), s)
        if lead:
            for w in re.finditer(r"\S+", scan[lead.start():s]):
                starts.append(lead.start() + w.start())
        candidates.extend((st, en) for st in starts for en in ends)
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    chosen: list[tuple[int, int, DateSpan]] = []
    for s, e in candidates:
        while s < e and text[s].isspace():
            s += 1
        if any(s < ce and cs < e for cs, ce, _ in chosen) or not _plausible(text[s:e]) or \
                _inside_a_name(text, s, e):
            continue
        try:
            span = resolve(text[s:e], reference, prefer=prefer, languages=languages)
        except DateError:
            continue
        chosen.append((s, e, span))
    found = sorted(chosen, key=lambda t: t[0])
    return _weekdays_in_context(text, found, reference, prefer, languages)


def clear_caches() -> None:
    """Forget memoised results (for benchmarks measuring cold speed)."""
    _resolve_cached.cache_clear()
    _dateparser_span.cache_clear()
    rules.parse_cached.cache_clear()


# ---------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def normalize(text: str) -> str:
    s = text.replace("\u2019", "'").replace("\u2018", "'")
    s = _DASHES.sub("-", s).lower()
    s = re.sub(r"\s+", " ", s).strip(" \"'\u201c\u201d()[]")
    s = re.sub(r"\bweek[- ]end\b", "weekend", s)
    s = s.lstrip("= ")  # "=2019" in a query means 2019
    s = re.sub(r"\s*[,;:!?.]+$", "", s)
    s = re.sub(r"^(?:on|at|during|of)\s+(?!or\b)", "", s)
    return s.strip()


@lru_cache(maxsize=8192)
def _resolve_cached(text: str, ref: date, prefer: str,
                    languages: tuple[str, ...] | None) -> DateSpan | None:
    s = normalize(text)
    if not s or len(s) > _MAX_LEN:
        return None
    span = None
    if languages is None or "en" in languages:
        span = rules.parse(s, rules.Ctx(ref, prefer == "past"))
    if span is None:
        span = _dateparser_span(s if languages is None else text.strip(), ref, prefer, languages)
    if span is None or not _valid(span):
        return None
    return DateSpan(span.earliest, span.latest, span.precision, span.mod, text, ref, edtf_of(span))


def _valid(s: Span) -> bool:
    if s.earliest is None and s.latest is None:
        return False
    if s.earliest is not None and s.latest is not None and s.earliest > s.latest:
        return False
    return s.precision in PRECISIONS and (s.mod is None or s.mod in MODS)


# English texts the grammar did not read go to dateparser only when they hold a digit next to a
# month or weekday name, or a numeric date: on anything else it guesses or, mostly, finds nothing
# after spending more time than the whole grammar.
_WORTH_DATEPARSER = re.compile(g.pattern(
    r"(?=.*\d)(?=.*(?<![a-z])(?:{MON}|{WD}))|\d{1,4} ?[-/.] ?\d{1,2}"), re.IGNORECASE)


@lru_cache(maxsize=1024)
def _dateparser_span(text: str, ref: date, prefer: str,
                     languages: tuple[str, ...] | None) -> Span | None:
    """dateparser's reading, its period (day/week/month/year) kept as the interval. For English
    it only gets texts with a digit and a month or weekday name, or a numeric date: its guesses on
    words alone ("a second") are not dates."""
    if len(text) > 80 or (languages is None and not _WORTH_DATEPARSER.search(text)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            data = _date_data_parser(languages or ("en",), ref, prefer).get_date_data(text)
    except Exception:
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return g.year(d.year)
    if period == "month":
        return g.month(d.year, d.month)
    if period == "week":
        return g.week(d)
    return g.day(d)


# ---------------------------------------------------------------------------------------------
# EDTF and labels
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=32)
def _date_data_parser(languages: tuple[str, ...], ref: date, prefer: str) -> Any:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(ref.year, ref.month, ref.day),
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return DateDataParser(languages=list(languages), settings=settings)


_SEASON_CODE = {3: 21, 6: 22, 9: 23, 12: 24}
_PART_CODE = {"START": 37, "MID": 38, "END": 39}  # ISO 8601-2 quadrimesters = our year thirds


def _iso(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def edtf_of(s: Span) -> str:
    e, last = s.earliest, s.latest
    if e is None and last is None:
        return "../.."
    if e is None:
        assert last is not None
        return f"../{_iso(last)}"
    if last is None:
        return f"{_iso(e)}/.."
    approx = "~" if s.mod == "APPROX" else ""
    p = s.precision
    if e == last:
        return _iso(e) + approx
    if p == "month":
        return f"{e.year:04d}-{e.month:02d}{approx}"
    if p == "year" and s.mod in _PART_CODE:
        return f"{e.year:04d}-{_PART_CODE[s.mod]}"
    if p == "year" and s.mod in (None, "APPROX"):
        return f"{e.year:04d}{approx}"
    if p == "quarter" and s.mod is None:
        return f"{e.year:04d}-{32 + (e.month + 2) // 3}"
    if p == "half" and s.mod is None:
        return f"{e.year:04d}-{40 if e.month == 1 else 41}"
    if p == "season" and s.mod is None and e.month in _SEASON_CODE:
        return f"{e.year:04d}-{_SEASON_CODE[e.month]}"
    if p == "decade" and s.mod is None:
        return f"{e.year // 10:03d}X"
    if p == "century" and s.mod is None:
        return f"{last.year // 100:02d}XX"
    return f"{_iso(e)}/{_iso(last)}"


# ---------------------------------------------------------------------------------------------
# find() helpers
# ---------------------------------------------------------------------------------------------

_SCAN_MAP = {"\u2019": "'", "\u2018": "'"}
_SCAN_NORMALISE = re.compile(r"[\u2010-\u2015\u2212\u2018\u2019\s]")
for _c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
    _SCAN_MAP[_c] = "-"

_PREFIX = re.compile(
    r"(?<![\w])(?:(?:since|before|after|until|till|by|from|between|early|mid|late|in|on|at|during"
    r"|the|beginning of|end of|start of|middle of|around|about|as early as|no later than|prior to"
    r"|ahead of|earlier|later|last|next|this|past|previous|coming|following|sometime in"
    r"|first|second|third|fourth|final)[\s-]+)+$", re.IGNORECASE)
_CONNECT = re.compile(r"\s*(?:-|to|and|through|thru|until|till|in|of|,)?\s*|\s+", re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:on|in|at|during|of|the|by|since|from|this|last|next)\s+)*", re.I)
_MONTH_OR_WEEKDAY = re.compile(
    g.pattern(r"(?:{MON}|{WD}|{SEASON})"), re.IGNORECASE)
_DATE_SIGNAL = re.compile(
    g.pattern(r"(?<![\w])(?:{MON}|{WD}|{SEASON}|[12]\d{3}|\d{1,4}[-/.]\d{1,2}|\d0'?s|today|tonight"
              r"|yesterday|tomorrow|week|weekend|month|year|decade|century|quarter|q[1-4]|h[12]"
              r"|ago|nineties|eighties|seventies|sixties|fifties|forties|thirties|twenties)"),
    re.IGNORECASE)


def _plausible(expr: str) -> bool:
    """Reject scan hits that are words more often than dates ('may', 'march', 'fall', '4 to 5')."""
    if not (_DATE_SIGNAL.search(expr) or _holiday_named(expr)) or _VERB_MONTH.search(expr):
        return False
    core = _LEAD.sub("", expr).strip()
    if _MONTH_OR_WEEKDAY.fullmatch(core):
        if not core[:1].isupper() or len(core.rstrip(".")) <= 3:
            return False
        if core.lower() in ("fall", "may", "sun", "sat", "wed"):
            return False
    return True


_BARE_NAME = re.compile(g.pattern(r"(?:{MON}|{SEASON})"), re.IGNORECASE)
_SEASON_WORD = re.compile(g.pattern(r"{SEASON}"), re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'-]*)[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z][\w'-]*)")


def _inside_a_name(text: str, s: int, e: int) -> bool:
    """A lone capitalised month or season that is part of a proper name: "the Arab Spring",
    "the Long March", "the Winter Olympics". The word before is capitalised in mid-sentence (or,
    for a season, the word after is capitalised)."""
    ws = e - len(_LEAD.sub("", text[s:e]))
    core = text[ws:e]
    if not core[:1].isupper() or not _BARE_NAME.fullmatch(core):
        return False
    before = _WORD_BEFORE.search(text, max(0, ws - 40), ws)
    if ws == s and before and before.group(1)[:1].isupper() and \
            not re.search(r"(?:^|[.!?:;\"\u201c(]\s*)$", text[max(0, s - 60):before.start(1)]):
        return True
    after = _WORD_AFTER.match(text, e)
    return bool(_SEASON_WORD.fullmatch(core) and after and after.group(1)[:1].isupper())


def _holiday_named(expr: str) -> bool:
    """A holiday's name, capitalised as news writes it ("Christmas", "Lent"; not "lent")."""
    m = _HOLIDAY.search(expr.lower())
    return m is not None and expr[m.start()].isupper()


_HOLIDAY = re.compile(r"(?<![\w'])(?:" + holidays.HOL + r")(?![\w])")
_VERB_MONTH = re.compile(r"(?<![\w-])(?:may|march)(?![\w-])")  # lowercase: the verbs


_BARE_WEEKDAY = re.compile(g.pattern(r"(?:during |at |after |before )?{WD}"), re.IGNORECASE)
# "Sunday Mass", "Friday prayers": a weekday naming a kind of event, not a date by itself
_ADJECTIVAL = re.compile(
    r" (?!(?:that|and|or|but|when|while|as|after|before|to|the|a|an|in|on|at|of|for|by|with"
    r"|night|morning|afternoon|evening|last|next|this)\b)[A-Za-z]{3,}")


def _weekdays_in_context(text: str, found: list[tuple[int, int, DateSpan]], reference: date,
                         prefer: str, languages: list[str] | None
                         ) -> list[tuple[int, int, DateSpan]]:
    out = []
    for i, (s, e, span) in enumerate(found):
        if span.precision == "day" and _BARE_WEEKDAY.fullmatch(text[s:e]) and \
                _ADJECTIVAL.match(text, e):
            for s2, e2, other in found[i + 1:]:
                gap = text[e:s2]
                if len(gap) > 80 or re.search(r"[.!?;]\s", gap):
                    break
                if other.precision in ("day", "open", "interval") or other.earliest is None:
                    continue
                try:
                    inside = resolve(f"{_LEAD.sub('', text[s:e])} in {_LEAD.sub('', text[s2:e2])}",
                                     reference, prefer=prefer, languages=languages)
                except DateError:
                    break
                span = DateSpan(inside.earliest, inside.latest, inside.precision, inside.mod,
                                text[s:e], span.reference, inside.edtf)
                break
        out.append((s, e, span))
    return out


def _quote(text: object) -> str:
    s = text if isinstance(text, str) else repr(text)
    if len(s) > 60:
        s = s[:57] + "..."
    return repr(s)

