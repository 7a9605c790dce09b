"""The data of the extractor: its version, mentions of events, sentences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from timeline.actors import Mention, Token
from timeline.extract_dates import When, combine_dates
from timeline.lexicon import TriggerHit

EXTRACTOR_VERSION = "0.1"
METHOD = f"extract/{EXTRACTOR_VERSION}"

STATE_KINDS = frozenset({"state", "state_agency", "security_force"})
ROLE_ORDER = ("perpetrator", "agent", "target", "victim", "source", "other")


@dataclass
class EventMention:
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
    dates: list[When] = field(default_factory=list)
    relations: list[tuple[str, int, str]] = field(default_factory=list)  # rel, anchor id, text
    definite: bool = False
    ordinal: bool = False
    detail: str = ""
    plan: str = ""  # what detained suspects were planning ("planning attacks on ...")
    keep: bool = True

    @property
    def own_date(self) -> When | None:
        return combine_dates(self.dates)

    def role_names(self, *roles: str) -> set[str]:
        return {n for n, r in self.actors if r in roles}


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    tokens: list[Token]
    mentions: list[Mention]
    quotes: list[tuple[int, int]]


def inside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)
