"""Merging of the extractor: mentions of one real-world event grouped into one event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from timeline.actors import Gazetteer
from timeline.extract_dates import When, intersect
from timeline.extract_model import METHOD, ROLE_ORDER, STATE_KINDS, EventMention

_COMPATIBLE_TYPES = {
    ("plot", "thwarted_plot"),
    ("operation", "detention"),
    ("detention", "operation"),
    ("plot", "plot"),
}


@dataclass
class Event:
    mentions: list[EventMention]
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
        out.sort(key=lambda p: ROLE_ORDER.index(p[1]) if p[1] in ROLE_ORDER else 99)
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

    def best(self) -> EventMention:
        def score(m: EventMention) -> tuple[int, ...]:
            return (
                int(bool(m.dates)),
                int(m.killed is not None or m.detained is not None),
                len(m.actors),
                int(m.trigger.pos == "verb"),
                -m.sentence,
            )

        return max(self.mentions, key=score)

    def to_dict(self, when: When, published: date, text: str, gaz: Gazetteer) -> dict[str, Any]:
        best = self.best()
        actors = self.actors(gaz)
        loc = self.location()
        country = loc[1] if loc else None
        if loc is None and self.type in ("detention", "operation"):
            for name, role in actors:
                actor = gaz.resolve(name)
                if role == "agent" and actor.kind in STATE_KINDS:
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
        return event


def _confidence(event: Event, when: When) -> float:
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


def _compatible(m: EventMention, e: Event, gaz: Gazetteer) -> bool:
    if m.type != e.type and (m.type, e.type) not in _COMPATIBLE_TYPES:
        return False
    own = m.own_date
    other = intersect([d for x in e.mentions if (d := x.own_date) is not None])
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


def _links(m: EventMention, e: Event, gaz: Gazetteer, anchor_event: dict[int, Event]) -> int:
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
        other = intersect([d for x in e.mentions if (d := x.own_date) is not None])
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
        their_anchors = {
            id(anchor_event[a]) for x in e.mentions for _, a, _ in x.relations if a in anchor_event
        }
        same_anchor = bool(anchors & their_anchors)
        same_sentence = any(x.sentence == m.sentence for x in e.mentions)
        own = m.own_date
        other = intersect([d for x in e.mentions if (d := x.own_date) is not None])
        dated = own is not None and other is not None and own.overlaps(other)
        if not (same_anchor or same_sentence or dated):
            return 0
        score += int(same_anchor)
    return score


def _has_facts(m: EventMention) -> bool:
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


def merge(mentions: list[EventMention], gaz: Gazetteer) -> list[Event]:
    """Group event mentions into events: attacks first (they anchor the others), plots last."""
    events: list[Event] = []
    anchor_event: dict[int, Event] = {}
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
                e = Event([m])
                events.append(e)
                anchor_event[m.id] = e
    return events
