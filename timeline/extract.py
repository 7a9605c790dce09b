"""News text -> candidate events: a rule-based, offline extractor.

In the tradition of dictionary-based event coders (TABARI, PETRARCH): trigger words per event type
(``timeline/data/lexicon.json``), actors from the gazetteer, roles from position and verb voice,
then places, venues, casualties and dates around each trigger. Mentions of one real-world event in
several sentences are merged (same type, compatible facts, and a link: the same venue or place,
a definite reference such as "the church shooting", related actors...).

Dates come from :mod:`timeline.dates`. A date expression belongs to the nearest trigger of its
sentence. A trigger without a date of its own can be placed by a relation ("after the March
attack", "following the church shooting"): the interval runs from the anchor event's earliest day
to the publication date. Anything else is honestly "on or before the publication date": no day is
ever made up.

Output: dicts in the shape of ``docs/event-shape.md`` without the keys the ingest layer adds
(id, status, version, recorded_at, updated_at, source), in chronological order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from timeline.actors import Gazetteer, Mention, Token, tokenize
from timeline.errors import UsageError
from timeline.lexicon import Lexicon, TriggerHit, casualties, lexicon

__all__ = ["EXTRACTOR_VERSION", "METHOD", "extract", "parse_article", "split_sentences"]

EXTRACTOR_VERSION = "0.1"
METHOD = f"extract/{EXTRACTOR_VERSION}"

_STATE_KINDS = frozenset({"state", "state_agency", "security_force"})
_ROLE_ORDER = ("perpetrator", "agent", "target", "victim", "source", "other")
_PREPOSITIONS = frozenset(
    "in at from to into of with for on against near by about over under across via within "
    "toward towards through".split()
)
_BE = frozenset("was were been being is are be get got gets".split())
_PERP_VERBS = frozenset(
    "planned plotted carried claimed orchestrated masterminded organized organised perpetrated "
    "committed staged launched prepared conducted".split()
)
_ATTACKER_NOUNS = frozenset("gunmen gunman attackers assailants militants fighters police".split())
_STOP_LEFT = frozenset(
    "a an the its their his her this that these those after before following".split()
)
_ADDRESSEE_VERBS = frozenset("assured told informed urged warned".split())
_WEAK_STATEMENT_VERBS = frozenset("said says told".split())
_CLAUSE_PUNCT = re.compile(r"[,;:\u2013\u2014]|\s-\s")
_RELATIVE = re.compile(r"^\s*,?\s*(?:who|which|that)\b", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"^(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?$", re.IGNORECASE
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_QUOTE = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\u00ab[^\u00bb\n]*\u00bb")
_PUBLISHED = re.compile(r"^\s*published\s*:\s*(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)


# -- articles and sentences --------------------------------------------------------------------


def parse_article(raw: str) -> tuple[str, date | None]:
    """Split an article file into its text and its publication date.

    A first line ``Published: YYYY-MM-DD`` (the format of ``examples/``) gives the date and is
    not part of the text; without it the whole input is the text and the date is None.
    """
    first, sep, rest = raw.partition("\n")
    m = _PUBLISHED.match(first)
    if not m:
        return raw, None
    try:
        published = date.fromisoformat(m.group(1))
    except ValueError:
        raise UsageError(f"bad publication date {m.group(1)!r} in the first line") from None
    return rest.lstrip("\n"), published


_ABBREV = frozenset(
    "mr mrs ms dr st gen col lt sgt capt maj prof jan feb mar apr jun jul aug sep sept oct nov "
    "dec no vs etc inc corp co jr sr rep sen gov pres".split()
)
_SENTENCE_END = re.compile(
    r"[.!?]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9\u00c0-\u024f])|\n+"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets ``(start, end)`` in ``text``, whitespace trimmed. A line break always
    ends a sentence; a dot after an abbreviation or an initial ("U.S.", "Dr.") does not."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith("."):
            word = re.search(r"([\w]+)$", text[start : m.start()])
            if word and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREV):
                continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# -- dates -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _When:
    earliest: date | None
    latest: date | None
    precision: str
    mod: str | None
    text: str
    edtf: str

    def width(self) -> int:
        if self.earliest is None or self.latest is None:
            return 10**6
        return (self.latest - self.earliest).days

    def overlaps(self, other: _When) -> bool:
        lo = max(self.earliest or date.min, other.earliest or date.min)
        hi = min(self.latest or date.max, other.latest or date.max)
        return lo <= hi


def _edtf(earliest: date | None, latest: date | None) -> str:
    a = earliest.isoformat() if earliest else ".."
    b = latest.isoformat() if latest else ".."
    return a if earliest == latest and earliest is not None else f"{a}/{b}"


def _interval(
    earliest: date | None, latest: date | None, precision: str, mod: str | None, text: str
) -> _When:
    return _When(earliest, latest, precision, mod, text, _edtf(earliest, latest))


def _intersect(dates: Sequence[_When]) -> _When | None:
    """The narrowest reading consistent with all: the intersection, keeping the metadata of the
    narrowest input when the intersection is that input."""
    if not dates:
        return None
    lo = max((d.earliest for d in dates if d.earliest), default=None)
    hi = min((d.latest for d in dates if d.latest), default=None)
    if lo and hi and lo > hi:
        return min(dates, key=_When.width)
    best = min(dates, key=_When.width)
    if best.earliest == lo and best.latest == hi:
        return best
    texts = "; ".join(dict.fromkeys(d.text for d in dates))
    return _interval(lo, hi, "interval", None, texts)


def _find_dates(sentence: str, published: date) -> list[tuple[int, int, _When]]:
    try:
        from timeline.dates import find
    except ImportError:  # the date layer is not installed: no date is read
        return []
    out = []
    for start, end, span in find(sentence, published):
        out.append(
            (
                start,
                end,
                _When(
                    span.earliest,
                    span.latest,
                    span.precision,
                    span.mod,
                    span.text or sentence[start:end],
                    span.edtf,
                ),
            )
        )
    return out


def _on_weekday(broad: _When, weekday: int, word: str) -> _When | None:
    """Restrict an interval to the days that fall on ``weekday`` ("Sunday ... in late January")."""
    if broad.earliest is None or broad.latest is None:
        return None
    first = broad.earliest + timedelta(days=(weekday - broad.earliest.weekday()) % 7)
    last = broad.latest - timedelta(days=(broad.latest.weekday() - weekday) % 7)
    if first > last:
        return None
    precision = "day" if first == last else "interval"
    return _interval(first, last, precision, broad.mod, f"{word} in {broad.text}")


def _combine_dates(dates: list[_When]) -> _When | None:
    weekdays = [d for d in dates if _WEEKDAY.match(d.text.strip())]
    others = [d for d in dates if d not in weekdays]
    if weekdays and others:
        word = _WEEKDAY.match(weekdays[0].text.strip()).group(1)  # type: ignore[union-attr]
        broad = _intersect(others)
        if broad is not None:
            refined = _on_weekday(broad, _WEEKDAYS.index(word.lower()), word)
            if refined is not None:
                return refined
        return broad
    return _intersect(dates)


# -- mentions of events ------------------------------------------------------------------------


@dataclass
class _EventMention:
    id: int
    sentence: int
    sent_start: int
    sent_end: int
    type: str
    subtype: str | None
    trigger: TriggerHit  # offsets relative to the sentence
    actors: list[tuple[str, str]] = field(default_factory=list)
    inferred_agent: bool = False
    location: tuple[str, str | None, int] | None = None  # text, country, rank (0 = city)
    venues: list[str] = field(default_factory=list)
    killed: int | None = None
    injured: int | None = None
    detained: int | None = None
    dates: list[_When] = field(default_factory=list)
    relations: list[tuple[str, int, str]] = field(default_factory=list)  # rel, anchor id, text
    definite: bool = False
    ordinal: bool = False
    detail: str = ""
    keep: bool = True

    @property
    def own_date(self) -> _When | None:
        return _combine_dates(self.dates)

    def role_names(self, *roles: str) -> set[str]:
        return {n for n, r in self.actors if r in roles}


@dataclass
class _Sentence:
    index: int
    start: int
    end: int
    text: str
    tokens: list[Token]
    mentions: list[Mention]
    quotes: list[tuple[int, int]]


def _inside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


class _Extractor:
    def __init__(self, text: str, published: date, gaz: Gazetteer, lex: Lexicon) -> None:
        self.text = text
        self.published = published
        self.gaz = gaz
        self.lex = lex
        self.mentions: list[_EventMention] = []
        self.last_group: str | None = None
        self.sources: dict[int, set[str]] = {}  # sentence index -> media named as reporting

    # -- per sentence ------------------------------------------------------------------------

    def run(self) -> list[dict[str, Any]]:
        for index, (start, end) in enumerate(split_sentences(self.text)):
            self.sentence(index, start, end)
        events = _merge(self.mentions, self.gaz)
        return self.finish(events)

    def sentence(self, index: int, start: int, end: int) -> None:
        text = self.text[start:end]
        quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
        mentions = self.actor_mentions(text)
        sent = _Sentence(index, start, end, text, tokenize(text), mentions, quotes)
        hits = [h for h in self.lex.find_triggers(text) if not _inside(quotes, h.start, h.end)]
        dates = [d for d in _find_dates(text, self.published) if not _inside(quotes, d[0], d[1])]
        built: list[_EventMention | None] = []
        for i, hit in enumerate(hits):
            left = hits[i - 1].end if i > 0 else 0
            right = hits[i + 1].start if i + 1 < len(hits) else len(text)
            built.append(self.event_mention(sent, hit, left, right))
        # each date goes to the nearest trigger (a dropped statement still takes its date)
        for d_start, d_end, when in dates:
            if not hits:
                break
            nearest = min(
                range(len(hits)),
                key=lambda k: (_distance(text, hits[k], d_start, d_end), hits[k].start),
            )
            target = built[nearest]
            if target is not None:
                target.dates.append(when)
        for k in range(1, len(hits)):
            m, prev = built[k], built[k - 1]
            if (
                m is not None
                and prev is not None
                and hits[k].text.lower() in ("killed", "killing", "injured", "wounded")
                and prev.type in ("attack", "airstrike")
                and hits[k - 1].pos == "noun"
                and not re.search(r"[;.]|,\s", text[hits[k - 1].end : hits[k].start])
            ):
                prev.killed = prev.killed if prev.killed is not None else m.killed
                prev.injured = prev.injured if prev.injured is not None else m.injured
                prev.dates.extend(m.dates)
                built[k] = None
                continue
            if m is None or prev is None or m.dates or hits[k].pos != "verb":
                continue
            between = text[hits[k - 1].end : hits[k].start]
            if re.fullmatch(r"[^,;.]{0,60}?,?\s+and\s+", between):
                m.dates = list(prev.dates)  # "foiled a plot ... and detained two suspects"
        self.relations(sent, hits, built, dates)
        for m in built:
            if m is not None and m.keep:
                self.mentions.append(m)

    def actor_mentions(self, text: str) -> list[Mention]:
        found = self.gaz.find_mentions(text, metonyms=True)
        tokens = tokenize(text)
        pronouns: list[Mention] = []
        for i, tok in enumerate(tokens):
            # the group's / the terrorist group's / its gunmen: the last armed group named
            if tok.key in self.lex.group_pronouns and i + 1 < len(tokens):
                if tokens[i + 1].key not in self.lex.people_nouns and not self.lex.find_triggers(
                    text[tokens[i + 1].start : tokens[i + 1].end]
                ):
                    continue
                span = (tok.start, tok.end)
            elif (
                tok.key in self.lex.group_nouns
                and i > 0
                and tokens[i - 1].key
                in (
                    "the",
                    "terrorist",
                    "militant",
                    "extremist",
                    "jihadist",
                )
            ):
                j = i - 1 if tokens[i - 1].key == "the" else i - 2
                if j < 0 or tokens[j].key != "the":
                    continue
                span = (tokens[j].start, tok.end)
            else:
                continue
            if any(m.start < span[1] and span[0] < m.end for m in found):
                continue
            pronouns.append(Mention(span[0], span[1], None, text[span[0] : span[1]]))  # type: ignore[arg-type]
        # resolve pronouns in text order against the last armed group named
        out: list[Mention] = []
        for m in sorted([*found, *pronouns], key=lambda m: m.start):
            if m.actor is None:
                if self.last_group is None:
                    continue
                m = Mention(m.start, m.end, self.gaz.resolve(self.last_group), m.surface)
            elif m.actor.kind == "armed_group":
                self.last_group = m.actor.name
            out.append(m)
        return out

    def event_mention(
        self, sent: _Sentence, hit: TriggerHit, left: int, right: int
    ) -> _EventMention | None:
        text = sent.text
        lex = self.lex
        clause_end = right
        cut = _CLAUSE_PUNCT.search(text, hit.end, right)
        if cut:
            clause_end = cut.start()
        m = _EventMention(
            id=0,
            sentence=sent.index,
            sent_start=sent.start,
            sent_end=sent.end,
            type=hit.type,
            subtype=hit.subtype,
            trigger=hit,
        )
        m.id = id(m)  # unique while the extraction runs; used to point at relation anchors
        before = [t for t in sent.tokens if t.end <= hit.start]
        first_word = re.match(r"[\w-]+", hit.text)
        verb = first_word.group().lower() if first_word else hit.text.lower()
        m.definite = (
            any(t.key in ("the", "this", "that") for t in before[-3:]) and hit.pos == "noun"
        )
        if hit.pos == "verb" and (
            re.match(r"\s*the\b", text[hit.end : clause_end], re.I)
            or re.search(r"\s(?:the|this|that)\s", hit.text, re.I)
        ):
            m.definite = True
        m.ordinal = bool(re.search(r"\b(?:second|another|new|fresh)\b", hit.text, re.I))
        roles = lex.roles.get(hit.type, {})
        passive = (
            hit.pos == "verb"
            and bool(before)
            and not verb.endswith("ing")
            and (
                before[-1].key in _BE
                or (len(before) > 1 and before[-2].key in _BE and before[-1].key.endswith("ly"))
                or (
                    hit.type in ("detention", "sentencing")
                    and before[-1].key in lex.people_nouns
                    and before[-1].key not in _ATTACKER_NOUNS
                )
            )
        )
        mentions = [x for x in sent.mentions if not _inside(sent.quotes, x.start, x.end)]
        by_mention = _by_phrase(text, mentions, hit.end, clause_end)
        obj_from = hit.start + (len(first_word.group()) if first_word else 0)
        # subject / passive subject / modifier
        if hit.pos == "verb":
            window_start = left
            if hit.type == "statement":
                cut_left = [c.end() for c in _CLAUSE_PUNCT.finditer(text, left, hit.start)]
                window_start = cut_left[-1] if cut_left else left
            subject = _nearest_left(text, mentions, window_start, hit.start, lex)
            if subject is not None:
                m.actors.append((subject.actor.name, roles["passive" if passive else "subject"]))
                if hit.type == "statement" and re.match(
                    r"\s*sources?\b", text[subject.end :], re.I
                ):
                    m.keep = False
        else:
            mod = _modifier(text, mentions, hit.start, lex, self.gaz, sent.tokens)
            if mod is not None:
                m.actors.append((mod, roles["modifier"]))
        if by_mention is not None:
            word_before = re.search(r"(\w+)\s+by\s+\S*$", text[: by_mention.start])
            role = roles["by"]
            if word_before and word_before.group(1).lower() in _PERP_VERBS:
                role = "perpetrator"
            m.actors.append((by_mention.actor.name, role))
        obj = _object(text, mentions, obj_from, clause_end, hit.pos, by_mention)
        if obj is not None and obj.actor.name not in {n for n, _ in m.actors}:
            role = roles["object"]
            if hit.type == "statement":
                role = "target" if verb in _ADDRESSEE_VERBS else "other"
            m.actors.append((obj.actor.name, role))
        # what happened where, to whom
        span_lo = hit.start
        if hit.pos == "noun":
            # modifiers: "the Moscow concert hall attack", "the church shooting"
            for tok in reversed(before[-4:]):
                if tok.key in _STOP_LEFT or tok.key in _PREPOSITIONS or tok.start < left:
                    break
                if _CLAUSE_PUNCT.search(text, tok.end, span_lo):
                    break
                span_lo = tok.start
        window = text[span_lo:clause_end]
        if hit.type in ("attack", "thwarted_plot", "plot") and m.subtype is None:
            m.subtype = lex.subtype_in(text[max(left, hit.start - 40) : clause_end])
        if hit.type in ("attack", "thwarted_plot", "plot", "airstrike"):
            m.venues = [v for s, e, v in lex.find_venues(text) if s >= span_lo and e <= clause_end]
        if hit.type not in ("statement", "warning", "designation"):
            lo = left if hit.type == "sentencing" else span_lo  # "An Istanbul court sentenced"
            m.location = _location(text, lex, mentions, lo, clause_end)
        counts = casualties(text[max(left, hit.start - 60) : right])
        if hit.type in ("attack", "airstrike"):
            m.killed, m.injured = counts.killed, counts.injured
        if hit.type in ("detention", "operation"):
            m.detained = counts.detained
        m.detail = window.strip()
        self.filter(sent, m, verb, mentions, hit)
        return m

    def filter(
        self,
        sent: _Sentence,
        m: _EventMention,
        verb: str,
        mentions: list[Mention],
        hit: TriggerHit,
    ) -> None:
        """Decide whether a mention is an event; infer a missing agent of a state action."""
        kinds = {name: self.gaz.resolve(name).kind for name, _ in m.actors}
        agents = [n for n, r in m.actors if r == "agent"]
        if m.type == "statement":
            speakers = [n for n, r in m.actors if r == "agent"]
            for name in speakers:
                if kinds[name] == "media":
                    self.sources.setdefault(sent.index, set()).add(name)
            ok = bool(speakers) and all(kinds[s] != "media" for s in speakers)
            if ok and verb in _WEAK_STATEMENT_VERBS:
                ok = any(kinds[s] == "person" for s in speakers)
            if (
                ok
                and verb not in _WEAK_STATEMENT_VERBS
                and verb not in self.lex.strong_statement_verbs
            ):
                ok = False
            m.keep = m.keep and ok
            return
        if m.type in ("detention", "operation", "airstrike", "sentencing") and not agents:
            first = mentions[0] if mentions else None
            if first is not None and first.actor.kind in _STATE_KINDS and first.end <= hit.start:
                m.actors.append((first.actor.name, "agent"))
                m.inferred_agent = True
                agents = [first.actor.name]
        if m.type == "operation":
            m.keep = any(self.gaz.resolve(a).kind in _STATE_KINDS for a in agents)
        if m.type == "airstrike" and not agents:
            m.keep = False
        if m.type == "sentencing" and hit.pos == "noun" and not (agents or m.actors):
            m.keep = False
        if m.type == "attack" and hit.pos == "verb" and verb == "killed":
            # "killed" alone is an attack only with an armed actor or a count
            has_perp = any(kinds.get(n) == "armed_group" for n, _ in m.actors)
            m.keep = has_perp or m.killed is not None
        if m.type == "detention" and hit.pos == "noun" and not m.actors and m.detained is None:
            m.keep = False
        modal = re.search(
            r"\b(?:not|never|would|could|might|may|threatened to|vowed to)\s+(?:\w+\s+)?$",
            sent.text[max(0, hit.start - 25) : hit.start],
            re.IGNORECASE,
        )
        if modal and m.type != "plot":
            m.keep = False
        window = [t.key for t in sent.tokens if t.end <= hit.start][-3:]
        if hit.pos == "noun" and any(w in self.lex.modal_words for w in window):
            m.keep = False  # "fear a possible attack", "the threat of attacks"

    def relations(
        self,
        sent: _Sentence,
        hits: list[TriggerHit],
        built: list[_EventMention | None],
        dates: list[tuple[int, int, _When]],
    ) -> None:
        """'after X', 'following the church shooting', 'in the aftermath of the March attack'."""
        tokens = sent.tokens
        found: list[tuple[str, int, int, int]] = []  # relation, marker start, end, anchor
        for i in range(len(tokens)):
            for n in (4, 3, 2, 1):
                phrase = " ".join(t.key for t in tokens[i : i + n])
                rel = self.lex.relation_markers.get(phrase)
                if rel is not None and len(tokens[i : i + n]) == n:
                    break
            else:
                continue
            marker_start, marker_end = tokens[i].start, tokens[i + n - 1].end
            anchor_index = None
            for k, hit in enumerate(hits):
                if hit.start < marker_end:
                    continue
                between = sent.text[marker_end : hit.start]
                if len(between.split()) <= 8 and not _CLAUSE_PUNCT.search(between):
                    anchor_index = k
                break
            if anchor_index is not None and built[anchor_index] is not None:
                found.append((rel, marker_start, marker_end, anchor_index))
        anchors = {a for _, _, _, a in found}
        for rel, marker_start, _, anchor_index in found:
            anchor = built[anchor_index]
            assert anchor is not None
            rel_text = sent.text[marker_start : hits[anchor_index].end]
            initial = all(h.start >= marker_start for k, h in enumerate(hits) if k != anchor_index)
            for k, m in enumerate(built):
                if m is None or k == anchor_index or m.dates or (initial and k in anchors):
                    continue
                if (hits[k].start > marker_start) == initial:
                    m.relations.append((rel, anchor.id, rel_text))

    # -- output ------------------------------------------------------------------------------

    def finish(self, events: list[_Event]) -> list[dict[str, Any]]:
        by_mention = {m.id: e for e in events for m in e.mentions}
        resolved: dict[int, _When] = {}

        def when(e: _Event, depth: int = 0) -> _When:
            key = id(e)
            if key in resolved:
                return resolved[key]
            own = _intersect([d for m in e.mentions if (d := m.own_date) is not None])
            if own is None and depth < 5:
                constraints = []
                for m in e.mentions:
                    for rel, anchor_id, rel_text in m.relations:
                        anchor = by_mention.get(anchor_id)
                        if anchor is None or anchor is e:
                            continue
                        a = when(anchor, depth + 1)
                        said = f"{rel_text} ({a.text})" if a.earliest or a.latest else rel_text
                        if rel == "after" and a.earliest is not None:
                            constraints.append(
                                _interval(a.earliest, self.published, "interval", "AFTER", said)
                            )
                        elif rel == "before" and a.latest is not None:
                            constraints.append(
                                _interval(None, a.latest, "interval", "BEFORE", said)
                            )
                own = _intersect(constraints)
            if own is None:
                own = _interval(
                    None,
                    self.published,
                    "open",
                    "ON_OR_BEFORE",
                    f"before {self.published.isoformat()}",
                )
            resolved[key] = own
            return own

        out = []
        dicts: dict[int, dict[str, Any]] = {}
        for e in events:
            d = when(e)
            for m in e.mentions:
                for media in self.sources.get(m.sentence, ()):
                    e.add_actor(media, "source")
            dicts[id(e)] = e.to_dict(d, self.published, self.text, self.gaz)
            out.append(dicts[id(e)])
        # a warning about a plot named in the same sentence says which plot
        for e in events:
            if e.type != "warning":
                continue
            sentences = {m.sentence for m in e.mentions}
            for p in events:
                if p.type == "thwarted_plot" and sentences & {m.sentence for m in p.mentions}:
                    venues = [v for m in p.mentions for v in m.venues]
                    dicts[id(e)]["summary"] = _summary(dicts[id(e)], e, dicts[id(p)], venues)
                    break
        out.sort(
            key=lambda ev: (
                ev["earliest"] or ev["latest"] or "9999",
                ev["latest"] or "9999",
                ev["evidence_start"] or 0,
            )
        )
        return out


def _distance(text: str, hit: TriggerHit, d0: int, d1: int) -> int:
    """How far a date expression is from a trigger: characters between them, plus a penalty
    for each clause break crossed, plus a little when the date comes first."""
    if hit.end <= d0:
        between, extra = text[hit.end : d0], 0
    elif d1 <= hit.start:
        between, extra = text[d1 : hit.start], 5
    else:
        return 0
    return len(between) + extra + 15 * len(_CLAUSE_PUNCT.findall(between))


def _nearest_left(
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
        if prev and prev.group(1).lower() in _PREPOSITIONS and not m.metonym:
            if m.surface.lower() not in lex.group_pronouns and not head_noun:
                continue  # "from Türkiye", "in Syria": not a subject
        return m
    return None


def _modifier(
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


def _by_phrase(text: str, mentions: Sequence[Mention], lo: int, hi: int) -> Mention | None:
    for m in mentions:
        if lo <= m.start <= hi and re.search(r"\bby\s+(?:the\s+)?$", text[lo : m.start], re.I):
            return m
    return None


def _object(
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


def _location(
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


# -- merging -----------------------------------------------------------------------------------


_COMPATIBLE_TYPES = {
    ("plot", "thwarted_plot"),
    ("operation", "detention"),
    ("detention", "operation"),
    ("plot", "plot"),
}


@dataclass
class _Event:
    mentions: list[_EventMention]
    extra_actors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def type(self) -> str:
        types = [m.type for m in self.mentions]
        for preferred in ("thwarted_plot", "detention"):
            if preferred in types:
                return preferred
        return types[0]

    def add_actor(self, name: str, role: str) -> None:
        if (name, role) not in self.extra_actors:
            self.extra_actors.append((name, role))

    def actors(self, gaz: Gazetteer) -> list[tuple[str, str]]:
        pairs = [a for m in self.mentions for a in m.actors] + self.extra_actors
        pairs = list(dict.fromkeys(pairs))
        names_in_role: dict[str, set[str]] = {}
        for name, role in pairs:
            names_in_role.setdefault(role, set()).add(name)
        out = []
        for name, role in pairs:
            same_role = names_in_role[role] - {name}
            if any(name in gaz.ancestors(other) for other in same_role):
                continue  # the most specific: Daesh-K rather than Daesh, MIT rather than Türkiye
            if role == "source" and any(r != "source" for n, r in pairs if n == name):
                continue
            out.append((name, role))
        out.sort(key=lambda p: _ROLE_ORDER.index(p[1]) if p[1] in _ROLE_ORDER else 99)
        return out

    def first(self, attr: str) -> Any:
        for m in self.mentions:
            value = getattr(m, attr)
            if value not in (None, [], ""):
                return value
        return None

    def location(self) -> tuple[str, str | None, int] | None:
        locs = [m.location for m in self.mentions if m.location is not None]
        return min(locs, key=lambda loc: loc[2]) if locs else None

    def best(self) -> _EventMention:
        def score(m: _EventMention) -> tuple[int, ...]:
            return (
                int(bool(m.dates)),
                int(m.killed is not None or m.detained is not None),
                len(m.actors),
                int(m.trigger.pos == "verb"),
                -m.sentence,
            )

        return max(self.mentions, key=score)

    def to_dict(self, when: _When, published: date, text: str, gaz: Gazetteer) -> dict[str, Any]:
        best = self.best()
        actors = self.actors(gaz)
        loc = self.location()
        country = loc[1] if loc else None
        if loc is None and self.type in ("detention", "operation"):
            for name, role in actors:
                actor = gaz.resolve(name)
                if role == "agent" and actor.kind in _STATE_KINDS:
                    country = actor.country
                    break
        confidence = _confidence(self, when)
        event = {
            "type": self.type,
            "subtype": self.first("subtype"),
            "summary": "",
            "earliest": when.earliest.isoformat() if when.earliest else None,
            "latest": when.latest.isoformat() if when.latest else None,
            "precision": when.precision,
            "mod": when.mod,
            "date_text": when.text,
            "reference": published.isoformat(),
            "edtf": when.edtf,
            "actors": [{"name": n, "role": r} for n, r in actors],
            "location": loc[0] if loc else None,
            "country": country,
            "killed": self.first("killed"),
            "injured": self.first("injured"),
            "detained": self.first("detained"),
            "evidence": text[best.sent_start : best.sent_end],
            "evidence_start": best.sent_start,
            "evidence_end": best.sent_end,
            "confidence": confidence,
            "method": METHOD,
        }
        event["summary"] = _summary(event, self)
        return event


def _confidence(event: _Event, when: _When) -> float:
    base = {
        "attack": 0.65,
        "detention": 0.65,
        "airstrike": 0.6,
        "thwarted_plot": 0.55,
        "warning": 0.55,
        "designation": 0.55,
        "sentencing": 0.55,
        "statement": 0.5,
        "operation": 0.45,
    }.get(event.type, 0.4)
    if when.earliest is not None:
        base += 0.1
    if any(r in ("perpetrator", "agent") for m in event.mentions for _, r in m.actors):
        base += 0.05
    if any(m.killed or m.injured or m.detained or m.location for m in event.mentions):
        base += 0.05
    if all(m.inferred_agent for m in event.mentions if m.type in ("detention", "operation")):
        base -= 0.1 if event.type in ("detention", "operation") else 0.0
    base += 0.05 * min(3, len(event.mentions) - 1)
    return round(max(0.1, min(0.95, base)), 2)


def _compatible(m: _EventMention, e: _Event, gaz: Gazetteer) -> bool:
    if m.type != e.type and (m.type, e.type) not in _COMPATIBLE_TYPES:
        return False
    own = m.own_date
    other = _intersect([d for x in e.mentions if (d := x.own_date) is not None])
    if own is not None and other is not None and not own.overlaps(other):
        return False
    loc = e.location()
    if m.location is not None and loc is not None:
        if m.location[1] and loc[1] and m.location[1] != loc[1]:
            return False
        if m.location[2] == 0 and loc[2] == 0 and m.location[0] != loc[0]:
            return False
    venues = {v for x in e.mentions for v in x.venues}
    if m.venues and venues and not set(m.venues) & venues:
        return False
    subtype = e.first("subtype")
    if m.subtype and subtype and m.subtype != subtype and "shooting" not in (m.subtype, subtype):
        return False
    for attr in ("killed", "injured", "detained"):
        a, b = getattr(m, attr), e.first(attr)
        if a is not None and b is not None and a != b:
            return False
    for role in ("perpetrator", "agent"):
        mine = m.role_names(role)
        theirs = {n for x in e.mentions for n in x.role_names(role)}
        if mine and theirs and not any(gaz.related(a, b) for a in mine for b in theirs):
            return False
    return True


def _links(m: _EventMention, e: _Event, gaz: Gazetteer, anchor_event: dict[int, _Event]) -> int:
    """How many independent reasons say that ``m`` is about the event ``e``."""
    score = 0
    if any(x.sentence == m.sentence for x in e.mentions):
        score += 1
    venues = {v for x in e.mentions for v in x.venues} - {"hideout"}
    if set(m.venues) & venues:
        score += 1
    loc = e.location()
    if m.location and loc and m.location[2] == 0 and m.location[0] == loc[0]:
        score += 1
    if m.definite and m.type in ("attack",) and score == 0:
        # "the March attack", "claimed the bombing": a reference back to a known event
        other = _intersect([d for x in e.mentions if (d := x.own_date) is not None])
        own = m.own_date
        if own is None or (other is not None and own.overlaps(other)):
            score += 1
    if m.ordinal and e.type == "thwarted_plot":
        score += 1
    if m.type in ("warning", "thwarted_plot", "statement", "plot", "detention", "operation"):
        for role in ("agent", "perpetrator", "target"):
            mine = m.role_names(role)
            theirs = {n for x in e.mentions for n in x.role_names(role)}
            if mine and theirs and any(gaz.related(a, b) for a in mine for b in theirs):
                if m.type in ("warning", "thwarted_plot", "plot") or m.own_date is None:
                    score += 1
                    break
    if m.type in ("detention", "operation", "statement"):
        # only with the same anchor ("after the church shooting") or an overlapping date
        anchors = {id(anchor_event[a]) for _, a, _ in m.relations if a in anchor_event}
        theirs = {
            id(anchor_event[a]) for x in e.mentions for _, a, _ in x.relations if a in anchor_event
        }
        same_anchor = bool(anchors & theirs)
        same_sentence = any(x.sentence == m.sentence for x in e.mentions)
        own = m.own_date
        other = _intersect([d for x in e.mentions if (d := x.own_date) is not None])
        dated = own is not None and other is not None and own.overlaps(other)
        if not (same_anchor or same_sentence or dated):
            return 0
        score += int(same_anchor)
    return score


def _has_facts(m: _EventMention) -> bool:
    """A bare noun ("the attack") that refers to no known event and says nothing is no event."""
    if m.trigger.pos == "verb":
        return True
    return bool(
        m.actors
        or m.location
        or m.venues
        or m.dates
        or m.relations
        or m.killed is not None
        or m.injured is not None
        or m.detained is not None
    )


def _merge(mentions: list[_EventMention], gaz: Gazetteer) -> list[_Event]:
    """Group event mentions into events: attacks first (they anchor the others), plots last."""
    events: list[_Event] = []
    anchor_event: dict[int, _Event] = {}
    passes = (
        lambda m: m.type == "attack",
        lambda m: m.type not in ("attack", "plot", "operation"),
        lambda m: m.type == "operation",
        lambda m: m.type == "plot",
    )
    for wanted in passes:
        for m in mentions:
            if not wanted(m):
                continue
            best, best_score = None, 0
            for e in events:
                if not _compatible(m, e, gaz):
                    continue
                score = _links(m, e, gaz, anchor_event)
                if score > best_score:
                    best, best_score = e, score
            if best is not None:
                best.mentions.append(m)
                anchor_event[m.id] = best
            elif m.type != "plot" and _has_facts(m):
                e = _Event([m])
                events.append(e)
                anchor_event[m.id] = e
    return events


# -- summaries ---------------------------------------------------------------------------------


def _names(event: dict[str, Any], *roles: str) -> list[str]:
    return [a["name"] for a in event["actors"] if a["role"] in roles]


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _summary(
    event: dict[str, Any],
    e: _Event,
    plot: dict[str, Any] | None = None,
    plot_venues: Sequence[str] = (),
) -> str:
    kind = event["type"]
    perp = " and ".join(_names(event, "perpetrator"))
    agent = " and ".join(_names(event, "agent"))
    target = " and ".join(_names(event, "target"))
    venue = next((v for m in e.mentions for v in m.venues if v != "hideout"), None)
    where = f" in {event['location']}" if event["location"] else ""
    if kind == "attack":
        noun = e.best().trigger.subtype or "attack"
        head = f"{perp} {noun}" if perp else noun.capitalize()
        prep = "on" if noun == "attack" else "at"
        on = f" {prep} {_article(venue)}" if venue else (f" on {target}" if target else "")
        counts = []
        if event["killed"] is not None:
            counts.append(f"{event['killed']} killed")
        if event["injured"] is not None:
            counts.append(f"{event['injured']} injured")
        return f"{head}{on}{where}" + (": " + ", ".join(counts) if counts else "")
    if kind in ("detention", "operation"):
        who = agent or "Authorities"
        n = event["detained"]
        what = f"{n} suspects" if n else "suspects"
        linked = f" linked to {target}" if target else ""
        verb = "detained" if kind == "detention" else "operation against"
        if kind == "operation":
            return f"{who} operation{' against ' + target if target else ''}{where}"
        return f"{who} {verb} {what}{linked}{where}"
    if kind == "warning":
        about = ""
        if plot is not None:
            plot_perp = " and ".join(_names(plot, "perpetrator"))
            plot_venue = next((v for v in plot_venues if v != "hideout"), None)
            about = f" of a planned {plot_perp + ' ' if plot_perp else ''}attack"
            about += f" on {_article(plot_venue)}" if plot_venue else ""
        return f"{agent or 'Unnamed source'} warned {target or 'authorities'}{about}"
    if kind == "thwarted_plot":
        by = f"{perp} " if perp else ""
        on = f" on {_article(venue)}" if venue else ""
        head = f"{agent} thwarted" if agent else "Thwarted"
        return f"{head} a planned {by}attack{on}{where}"
    if kind == "airstrike":
        on = f" on {target}" if target else ""
        targets = " hideouts" if any("hideout" in m.venues for m in e.mentions) and target else ""
        return f"{agent or 'Unattributed'} airstrikes{on}{targets}{where}"
    if kind == "designation":
        by = f" by {agent}" if agent else ""
        return f"{target or 'Group'} designated a terrorist organisation{by}"
    if kind == "statement":
        best = e.best()
        clause = re.split(r"[,;]\s", best.detail, maxsplit=1)[0]
        words = clause.split()
        if len(words) > 24:
            words = words[:24] + ["..."]
        while words and words[-1].lower() in ("and", "or", "but", "that", "which", "who"):
            words.pop()
        clause = " ".join(words)
        return f"{agent or 'Unnamed official'} {clause}".strip()
    if kind == "sentencing":
        whom = f"{target} members" if target else "defendants"
        return f"{agent or 'Court'} sentenced {whom}{where}"
    return f"{kind.replace('_', ' ').capitalize()}{where}"


# -- entry point -------------------------------------------------------------------------------


def extract(
    text: str, published: date, *, gazetteer: Gazetteer | None = None
) -> list[dict[str, Any]]:
    """Candidate events of a news text published on ``published``, in chronological order.

    Each is a dict in the shape of docs/event-shape.md without id, status, version,
    recorded_at, updated_at and source. Raises UsageError for a non-text or a non-date.
    """
    if not isinstance(text, str):
        raise UsageError(f"extract needs text, got {type(text).__name__}")
    if isinstance(published, datetime):
        published = published.date()
    if not isinstance(published, date):
        raise UsageError(f"extract needs a publication date, got {published!r}")
    gaz = gazetteer if gazetteer is not None else Gazetteer.builtin()
    return _Extractor(text, published, gaz, lexicon()).run()
