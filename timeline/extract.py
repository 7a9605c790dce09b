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
from datetime import date, datetime
from typing import Any

from timeline.actors import Gazetteer, Mention, fold, tokenize
from timeline.errors import UsageError
from timeline.extract_clauses import Names, complete
from timeline.extract_dates import When, intersect, interval
from timeline.extract_dates import find_dates as _find_dates
from timeline.extract_grammar import (
    CLAUSE_PUNCT,
    PREPOSITIONS,
    by_phrase,
    distance,
    location_in,
    modifier,
    nearest_left,
    object_of,
)
from timeline.extract_merge import Event, merge
from timeline.extract_model import (
    EXTRACTOR_VERSION,
    METHOD,
    STATE_KINDS,
    EventMention,
    Sentence,
    inside,
)
from timeline.extract_text import parse_article, split_sentences, summary
from timeline.lexicon import Lexicon, TriggerHit, casualties, lexicon

__all__ = ["EXTRACTOR_VERSION", "METHOD", "extract", "parse_article", "split_sentences"]

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
_QUOTE = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\u00ab[^\u00bb\n]*\u00bb")


class _Extractor:
    def __init__(self, text: str, published: date, gaz: Gazetteer, lex: Lexicon) -> None:
        self.text = text
        self.published = published
        self.gaz = gaz
        self.lex = lex
        self.mentions: list[EventMention] = []
        self.last_group: str | None = None
        self.sources: dict[int, set[str]] = {}  # sentence index -> media named as reporting
        self.names = Names(text, gaz.find_mentions(text))

    # -- per sentence ------------------------------------------------------------------------

    def run(self) -> list[dict[str, Any]]:
        for index, (start, end) in enumerate(split_sentences(self.text)):
            self.sentence(index, start, end)
        events = merge(self.mentions, self.gaz)
        return self.finish(events)

    def sentence(self, index: int, start: int, end: int) -> None:
        text = self.text[start:end]
        quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
        mentions = self.actor_mentions(text)
        sent = Sentence(index, start, end, text, tokenize(text), mentions, quotes)
        hits = [h for h in self.lex.find_triggers(text) if not inside(quotes, h.start, h.end)]
        dates = [
            d
            for d in _find_dates(text, self.published)
            if not inside(quotes, d[0], d[1]) and fold(text[d[0] : d[1]]) not in self.lex.titles
        ]  # a title is no date: "President Erdoğan" is not Presidents' Day
        built: list[EventMention | None] = []
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
                key=lambda k: (distance(text, hits[k], d_start, d_end), hits[k].start),
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
        complete(sent, hits, built, dates, self.published, self.lex, self.names)
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
        self, sent: Sentence, hit: TriggerHit, left: int, right: int
    ) -> EventMention | None:
        text = sent.text
        lex = self.lex
        clause_end = right
        cut = CLAUSE_PUNCT.search(text, hit.end, right)
        if cut:
            clause_end = cut.start()
        m = EventMention(
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
        mentions = [x for x in sent.mentions if not inside(sent.quotes, x.start, x.end)]
        by_mention = by_phrase(text, mentions, hit.end, clause_end)
        obj_from = hit.start + (len(first_word.group()) if first_word else 0)
        # subject / passive subject / modifier
        if hit.pos == "verb":
            window_start = left
            if hit.type == "statement":
                cut_left = [c.end() for c in CLAUSE_PUNCT.finditer(text, left, hit.start)]
                window_start = cut_left[-1] if cut_left else left
            subject = nearest_left(text, mentions, window_start, hit.start, lex)
            if subject is not None:
                m.actors.append((subject.actor.name, roles["passive" if passive else "subject"]))
                if hit.type == "statement" and re.match(
                    r"\s*sources?\b", text[subject.end :], re.I
                ):
                    m.keep = False
        else:
            mod = modifier(text, mentions, hit.start, lex, self.gaz, sent.tokens)
            if mod is not None:
                m.actors.append((mod, roles["modifier"]))
        if by_mention is not None:
            word_before = re.search(r"(\w+)\s+by\s+\S*$", text[: by_mention.start])
            role = roles["by"]
            if word_before and word_before.group(1).lower() in _PERP_VERBS:
                role = "perpetrator"
            m.actors.append((by_mention.actor.name, role))
        obj = object_of(text, mentions, obj_from, clause_end, hit.pos, by_mention)
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
                if tok.key in _STOP_LEFT or tok.key in PREPOSITIONS or tok.start < left:
                    break
                if CLAUSE_PUNCT.search(text, tok.end, span_lo):
                    break
                span_lo = tok.start
        window = text[span_lo:clause_end]
        if hit.type in ("attack", "thwarted_plot", "plot") and m.subtype is None:
            m.subtype = lex.subtype_in(text[max(left, hit.start - 40) : clause_end])
        if hit.type in ("attack", "thwarted_plot", "plot", "airstrike"):
            m.venues = [v for s, e, v in lex.find_venues(text) if s >= span_lo and e <= clause_end]
        if hit.type not in ("statement", "warning", "designation"):
            lo = left if hit.type == "sentencing" else span_lo  # "An Istanbul court sentenced"
            m.location = location_in(text, lex, mentions, lo, clause_end)
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
        sent: Sentence,
        m: EventMention,
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
            if first is not None and first.actor.kind in STATE_KINDS and first.end <= hit.start:
                m.actors.append((first.actor.name, "agent"))
                m.inferred_agent = True
                agents = [first.actor.name]
        if m.type == "operation":
            m.keep = any(self.gaz.resolve(a).kind in STATE_KINDS for a in agents)
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
        sent: Sentence,
        hits: list[TriggerHit],
        built: list[EventMention | None],
        dates: list[tuple[int, int, When]],
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
                if len(between.split()) <= 8 and not CLAUSE_PUNCT.search(between):
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

    def finish(self, events: list[Event]) -> list[dict[str, Any]]:
        by_mention = {m.id: e for e in events for m in e.mentions}
        resolved: dict[int, When] = {}

        def when(e: Event, depth: int = 0) -> When:
            key = id(e)
            if key in resolved:
                return resolved[key]
            own = intersect([d for m in e.mentions if (d := m.own_date) is not None])
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
                                interval(a.earliest, self.published, "interval", "AFTER", said)
                            )
                        elif rel == "before" and a.latest is not None:
                            constraints.append(interval(None, a.latest, "interval", "BEFORE", said))
                own = intersect(constraints)
            if own is None:
                own = interval(
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
            dicts[id(e)]["summary"] = summary(dicts[id(e)], e, display=self.names)
            out.append(dicts[id(e)])
        # a warning about a plot named in the same sentence says which plot
        for e in events:
            if e.type != "warning":
                continue
            sentences = {m.sentence for m in e.mentions}
            for p in events:
                if p.type == "thwarted_plot" and sentences & {m.sentence for m in p.mentions}:
                    venues = [v for m in p.mentions for v in m.venues]
                    dicts[id(e)]["summary"] = summary(
                        dicts[id(e)], e, dicts[id(p)], venues, display=self.names
                    )
                    break
        out.sort(
            key=lambda ev: (
                ev["earliest"] or ev["latest"] or "9999",
                ev["latest"] or "9999",
                ev["evidence_start"] or 0,
            )
        )
        return out


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
