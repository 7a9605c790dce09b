"""The vocabulary of :mod:`timeline.extract`: triggers, places, venues, numbers and casualties.

The word lists live in ``timeline/data/lexicon.json`` and ``timeline/data/places.json``; this
module compiles them once and offers small pure functions over a sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from timeline.actors import PhraseMatcher, fold, load_json, tokenize

__all__ = [
    "Casualties",
    "Lexicon",
    "PlaceHit",
    "TriggerHit",
    "casualties",
    "lexicon",
    "number",
]


@dataclass(frozen=True, slots=True)
class TriggerHit:
    """A trigger found in a sentence (offsets relative to the sentence)."""

    type: str
    subtype: str | None
    pos: str  # "verb" or "noun"
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class PlaceHit:
    start: int
    end: int
    name: str
    kind: str
    country: str | None
    text: str  # as written, with a direction word when there is one ("northern Iraq")


@dataclass(frozen=True, slots=True)
class _Trigger:
    type: str
    subtype: str | None
    pos: str
    regex: re.Pattern[str]


class Lexicon:
    """The compiled lexicon. Use :func:`lexicon` for the shared instance."""

    def __init__(self, data: dict[str, Any], places: list[dict[str, Any]]) -> None:
        self.roles: dict[str, dict[str, str]] = data["roles"]
        self.triggers = [
            _Trigger(
                t["type"],
                t.get("subtype"),
                t["pos"],
                re.compile(r"(?<![\w-])(?:" + t["pattern"] + r")(?![\w-])", re.IGNORECASE),
            )
            for t in data["triggers"]
        ]
        self.strong_statement_verbs = frozenset(data["strong_statement_verbs"])
        self.subtype_words = {
            k: re.compile(r"\b(?:" + "|".join(map(re.escape, v)) + r")\b", re.IGNORECASE)
            for k, v in data["subtype_words"].items()
        }
        self.venue_matcher = PhraseMatcher(
            (word, venue) for venue, words in data["venues"].items() for word in words
        )
        self.relation_markers: dict[str, str] = {
            fold(word): rel for rel, words in data["relation_markers"].items() for word in words
        }
        self.directions = frozenset(fold(w) for w in data["directions"])
        self.group_pronouns = frozenset(data["group_pronouns"])
        self.group_nouns = frozenset(data["group_nouns"])
        self.people_nouns = frozenset(fold(w) for w in data["people_nouns"])
        self.modal_words = frozenset(fold(w) for w in data["modal_words"])
        titles = sorted(data.get("titles", ()), key=len, reverse=True)
        self.titles = frozenset(fold(t) for t in titles)
        self._title = re.compile(
            r"(?:[A-Z][\w'\u2019-]*\s+){0,2}(?:" + "|".join(map(re.escape, titles)) + r")\s+$"
            if titles
            else r"(?!)"
        )
        self._places = {p["name"]: p for p in places}
        self.place_matcher = PhraseMatcher(
            (alias, p["name"]) for p in places for alias in (p["name"], *p.get("aliases", ()))
        )

    # -- triggers ------------------------------------------------------------------------------

    def find_triggers(self, sentence: str) -> list[TriggerHit]:
        """Triggers in the sentence; where two overlap, the longer (then the earlier) wins."""
        hits: list[TriggerHit] = []
        for trig in self.triggers:
            for m in trig.regex.finditer(sentence):
                hits.append(
                    TriggerHit(trig.type, trig.subtype, trig.pos, m.start(), m.end(), m.group())
                )
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        kept: list[TriggerHit] = []
        for hit in hits:
            if all(hit.end <= k.start or hit.start >= k.end for k in kept):
                kept.append(hit)
        return sorted(kept, key=lambda h: h.start)

    def subtype_in(self, text: str) -> str | None:
        for name, regex in self.subtype_words.items():
            if regex.search(text):
                return name
        return None

    def title_before(self, prefix: str) -> int | None:
        """Where a title ("Russian President ") ending ``prefix`` starts, if one does."""
        m = self._title.search(prefix)
        return m.start() if m else None

    # -- places and venues ---------------------------------------------------------------------

    def find_places(self, sentence: str) -> list[PlaceHit]:
        """Places named in the sentence. A place must be written with a capital letter."""
        tokens = tokenize(sentence)
        out: list[PlaceHit] = []
        for i, end, name in self.place_matcher.scan(tokens):
            if not tokens[i].surface[:1].isupper():
                continue
            start = tokens[i].start
            if i > 0 and tokens[i - 1].key in self.directions and tokens[i].gap.strip() == "":
                start = tokens[i - 1].start
            place = self._places[name]
            out.append(
                PlaceHit(
                    start,
                    tokens[end - 1].end,
                    name,
                    place["kind"],
                    place.get("country"),
                    sentence[start : tokens[end - 1].end],
                )
            )
        return out

    def find_venues(self, sentence: str) -> list[tuple[int, int, str]]:
        tokens = tokenize(sentence)
        return [
            (tokens[i].start, tokens[end - 1].end, venue)
            for i, end, venue in self.venue_matcher.scan(tokens)
        ]


@functools.cache
def lexicon() -> Lexicon:
    """The shared lexicon built from the package data."""
    return Lexicon(load_json("lexicon.json"), load_json("places.json")["places"])


# -- numbers -----------------------------------------------------------------------------------

_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|a single)"
)
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + _NUMBER_WORD + r")"


def number(text: str) -> int | None:
    """The value of a cardinal written in digits or words ("32", "1,200", "thirty-two")."""
    t = text.strip().lower().replace(",", "")
    if t.isdigit():
        return int(t)
    if t == "a dozen":
        return 12
    if t == "a single":
        return 1
    parts = re.split(r"[- ]", t)
    if len(parts) == 1:
        return _SMALL.get(t, _TENS.get(t))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _SMALL:
        return _TENS[parts[0]] + _SMALL[parts[1]]
    return None


@dataclass(frozen=True, slots=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None
    detained: int | None = None


_PEOPLE = (
    r"(?:(?:more|other|further|foreign|suspected|alleged|local)\s+)?"
    r"(?:people|persons|others|civilians|suspects|members|individuals|militants|terrorists|"
    r"soldiers|police officers|officers|policemen|worshippers|children|women|men|foreigners|"
    r"foreign nationals|fighters|operatives|attackers|gunmen|visitors|guests|passengers)"
)
_ONE_PERSON = (
    r"(?:a|an|one)\s+(?:\w+\s+)?(?:man|woman|person|worshipper|civilian|child|boy|girl|"
    r"soldier|officer|policeman|guard|teacher|priest|imam|journalist|tourist|visitor)"
)
_AUX = r"(?:(?:were|was|have been|had been|are|is|being)\s+)?"
_LEAST = r"(?:(?:at least|more than|over|nearly|almost|some|about|around)\s+)?"
_KILL = r"(?:killed|dead|died|slain|shot dead|lost their lives)"
_HURT = r"(?:injured|wounded|hurt)"
_HOLD = r"(?:detained|arrested|apprehended|caught|captured|nabbed|rounded up|taken into custody)"

_CASUALTY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "killed",
        re.compile(
            rf"\b(?:left|leaving)\s+{_LEAST}(?P<n>{NUMBER})\s+(?:{_PEOPLE}\s+)?(?:dead|killed)\b",
            re.I,
        ),
    ),
    ("killed", re.compile(rf"\b(?:killed|killing|shot dead)\s+{_LEAST}(?P<n>{NUMBER})\b", re.I)),
    (
        "killed1",
        re.compile(rf"\b(?:killed|killing|shot dead|stabbed to death)\s+{_ONE_PERSON}\b", re.I),
    ),
    (
        "killed",
        re.compile(rf"\b{_LEAST}(?P<n>{NUMBER})\s+(?:{_PEOPLE}\s+)?{_AUX}{_KILL}\b", re.I),
    ),
    (
        "killed",
        re.compile(
            rf"\bdeath toll\s+(?:\w+\s+){{0,2}}(?:to|of|at|reached)\s+{_LEAST}(?P<n>{NUMBER})\b",
            re.I,
        ),
    ),
    (
        "injured",
        re.compile(rf"\b(?:injuring|wounding|injured|wounded)\s+{_LEAST}(?P<n>{NUMBER})\b", re.I),
    ),
    ("injured", re.compile(rf"\b{_LEAST}(?P<n>{NUMBER})\s+(?:{_PEOPLE}\s+)?{_AUX}{_HURT}\b", re.I)),
    ("detained", re.compile(rf"\b{_HOLD}\s+{_LEAST}(?P<n>{NUMBER})\b", re.I)),
    (
        "detained",
        re.compile(rf"\b{_LEAST}(?P<n>{NUMBER})\s+(?:{_PEOPLE}\s+)?{_AUX}{_HOLD}\b", re.I),
    ),
    ("detained", re.compile(rf"\b(?:detention|arrest)\s+of\s+{_LEAST}(?P<n>{NUMBER})\b", re.I)),
]


def casualties(text: str) -> Casualties:
    """Killed, injured and detained counts stated in ``text`` (None where not stated)."""
    found: dict[str, int] = {}
    for key, regex in _CASUALTY_PATTERNS:
        for m in regex.finditer(text):
            if key == "killed1":
                key_, value = "killed", 1
            else:
                key_, value = key, number(m.group("n")) or 0
                if value <= 0 or value >= 100_000 or _looks_like_year_or_day(text, m):
                    continue
            found.setdefault(key_, value)
    return Casualties(found.get("killed"), found.get("injured"), found.get("detained"))


_MONTH_BEFORE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$", re.IGNORECASE
)


def _looks_like_year_or_day(text: str, m: re.Match[str]) -> bool:
    n = m.group("n")
    return bool(_MONTH_BEFORE.search(text[: m.start("n")])) or (
        n.isdigit() and len(n) == 4 and 1900 <= int(n) <= 2100
    )


