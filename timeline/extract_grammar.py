"""Grammar of the extractor: subjects, objects, modifiers, places and date distances."""

from __future__ import annotations

import re
from collections.abc import Sequence

from timeline.actors import Gazetteer, Mention, Token, fold
from timeline.lexicon import Lexicon, TriggerHit

PREPOSITIONS = frozenset(
    "in at from to into of with for on against near by about over under across via within "
    "toward towards through".split()
)
CLAUSE_PUNCT = re.compile(r"[,;:\u2013\u2014]|\s-\s")
_RELATIVE = re.compile(r"^\s*,?\s*(?:who|which|that)\b", re.IGNORECASE)


def distance(text: str, hit: TriggerHit, d0: int, d1: int) -> int:
    """How far a date expression is from a trigger: characters between them, plus a penalty
    for each clause break crossed, plus a little when the date comes first."""
    if hit.end <= d0:
        between, extra = text[hit.end : d0], 0
    elif d1 <= hit.start:
        between, extra = text[d1 : hit.start], 5
    else:
        return 0
    return len(between) + extra + 15 * len(CLAUSE_PUNCT.findall(between))


def nearest_left(
    text: str, mentions: Sequence[Mention], lo: int, hi: int, lex: Lexicon
) -> Mention | None:
    """The subject of a verb: the nearest actor to its left, skipping objects of prepositions
    (except a relative clause's antecedent, "Daesh, which ..." and "Daesh-K members")."""
    for m in reversed([m for m in mentions if m.start >= lo and m.end <= hi]):
        gap = text[m.end : hi]
        if _RELATIVE.match(gap):
            return m
        prev = re.search(
            r"(\w+)\W*(?:(?:northern|southern|eastern|western|central|the)\W+)?$",
            text[: m.start],
            re.IGNORECASE,
        )
        after = re.match(r"\W*(\w+)", text[m.end :])
        head_noun = after is not None and after.group(1).lower() in lex.people_nouns
        if prev and prev.group(1).lower() in PREPOSITIONS and not m.metonym:
            if m.surface.lower() not in lex.group_pronouns and not head_noun:
                continue  # "from Türkiye", "in Syria": not a subject
        return m
    return None


def modifier(
    text: str,
    mentions: Sequence[Mention],
    start: int,
    lex: Lexicon,
    gaz: Gazetteer,
    tokens: Sequence[Token],
) -> str | None:
    """The actor just before a noun trigger: "Daesh attack", "its attack", "Turkish airstrikes"."""
    for m in reversed([m for m in mentions if m.end <= start]):
        gap = text[m.end : start]
        if re.fullmatch(
            r"(?:['\u2019]s?)?\s*(?:(?!by|with|of|and|against|on|in|at|to|that|which|"
            r"who|was|were|is|has|had|the)[\w-]+\s+){0,2}",
            gap,
            re.IGNORECASE,
        ):
            return m.actor.name
        break
    before = [t for t in tokens if t.end <= start]
    if before and not text[before[-1].end : start].strip():
        state = gaz.by_demonym(before[-1].surface)
        if state is not None and before[-1].surface[:1].isupper():
            return state.name
    return None


def by_phrase(text: str, mentions: Sequence[Mention], lo: int, hi: int) -> Mention | None:
    for m in mentions:
        if lo <= m.start <= hi and re.search(r"\bby\s+(?:the\s+)?$", text[lo : m.start], re.I):
            return m
    return None


def object_of(
    text: str,
    mentions: Sequence[Mention],
    lo: int,
    hi: int,
    pos: str,
    by_mention: Mention | None,
) -> Mention | None:
    for m in mentions:
        if m.start < lo or m.end > hi or m is by_mention or m.surface.lower() in ("its", "their"):
            continue
        if pos == "noun" and not re.fullmatch(
            r"\W*(?:\w+\W+){0,2}(?:on|against|targeting|target|targets|of)\s+(?:\w+\s+){0,2}",
            text[lo : m.start],
            re.IGNORECASE,
        ):
            continue
        return m
    return None


def location_in(
    text: str, lex: Lexicon, mentions: Sequence[Mention], lo: int, hi: int
) -> tuple[str, str | None, int] | None:
    """The place of an event: (text, country, rank: 0 city, 1 region, 2 country). A city or a
    region is written with its country when the places file knows it ("Istanbul, Türkiye")."""
    found = _place(text, lex, mentions, lo, hi)
    if found is None:
        return None
    where, country, rank = found
    if rank < 2 and country and fold(country) not in fold(where):
        where = f"{where}, {country}"
    return where, country, rank


def _place(
    text: str, lex: Lexicon, mentions: Sequence[Mention], lo: int, hi: int
) -> tuple[str, str | None, int] | None:
    rank = {"city": 0, "region": 1, "country": 2}
    places = [
        p
        for p in lex.find_places(text)
        if lo <= p.start
        and p.end <= hi
        and not any(m.metonym and m.start < p.end and p.start < m.end for m in mentions)
    ]
    if not places:
        return None
    names = list(dict.fromkeys(p.name for p in places))
    countries = {p.country for p in places}
    if len(names) == 1:
        p = places[0]
        return p.text, p.country, rank.get(p.kind, 3)
    # "northern Iraq and Syria": the span from the first place to the last, if only joined
    first, last = places[0], places[-1]
    joined = text[first.start : last.end]
    rest = re.sub("|".join(re.escape(p.text) for p in places), "", joined)
    if re.fullmatch(r"[\s,]*(?:(?:and|or|,)[\s,]*)*", rest):
        country = next(iter(countries)) if len(countries) == 1 else None
        return joined, country, min(rank.get(p.kind, 3) for p in places)
    best = min(places, key=lambda p: rank.get(p.kind, 3))
    return best.text, best.country, rank.get(best.kind, 3)
