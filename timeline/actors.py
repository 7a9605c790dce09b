"""The actor gazetteer: canonical names, aliases, affiliations, and mentions of actors in text.

A :class:`Gazetteer` is an immutable value. ``Gazetteer.builtin()`` returns the cached gazetteer
shipped in ``timeline/data/actors.json``; ``with_actor``, ``with_alias``, ``with_link`` and
``apply`` return a *new* gazetteer and leave the old one untouched, so the cached built-in one can
be shared freely. ``Gazetteer.from_records(records)`` replays the registry records
(``actor.added``, ``actor.alias_added``, ``actor.affiliated``) on top of the built-in gazetteer.

Names are compared through :func:`fold`: case, accents, dotless i, apostrophes, hyphens (any dash,
non-breaking ones too), dots and runs of spaces do not matter. Short all-capital aliases ("IS",
"MIT", "AQ", "US") are the exception: they match text only when written exactly so, as whole words,
so that "is", "it" and "us" are never actors.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from timeline.errors import NotFoundError, UsageError

__all__ = [
    "KINDS",
    "Actor",
    "Gazetteer",
    "Mention",
    "PhraseMatcher",
    "Token",
    "fold",
    "tokenize",
]

KINDS: tuple[str, ...] = (
    "armed_group",
    "state_agency",
    "state",
    "security_force",
    "person",
    "media",
    "other",
)

# Letters that NFKD does not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "ð": "d",
    }
)

_WORD = re.compile(r"[^\W_]+")

# Short all-capital aliases match case-sensitively (see the module docstring).
_CASE_SENSITIVE_MAX_LETTERS = 6


def _fold_token(token: str) -> str:
    decomposed = unicodedata.normalize("NFKD", token.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold().translate(_SPECIAL) if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text: its offsets in the original text, its surface and its folded key."""

    start: int
    end: int
    surface: str
    key: str
    gap: str = ""  # the characters between the previous token and this one


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into word tokens (runs of letters and digits) with their original offsets."""
    tokens: list[Token] = []
    last = 0
    for m in _WORD.finditer(text):
        tokens.append(
            Token(m.start(), m.end(), m.group(), _fold_token(m.group()), text[last : m.start()])
        )
        last = m.end()
    return tokens


def fold(name: str) -> str:
    """The matching key of a name: lower case, no accents, words joined by single spaces.

    >>> fold("DAESH\u2011K") == fold("Daesh-K") == fold("daesh k")
    True
    >>> fold("Türkiye") == fold("Turkiye")
    True
    """
    return " ".join(t.key for t in tokenize(name))


def _is_case_sensitive(alias: str) -> bool:
    letters = [ch for ch in alias if ch.isalpha()]
    return 0 < len(letters) <= _CASE_SENSITIVE_MAX_LETTERS and all(ch.isupper() for ch in letters)


@dataclass(frozen=True, slots=True)
class _Phrase:
    keys: tuple[str, ...]
    surfaces: tuple[str, ...]
    case_sensitive: bool
    value: str


class PhraseMatcher:
    """Longest-match, left-to-right, token-aligned matching of a set of phrases in a text.

    Each phrase carries a value (here: a canonical name). Matches never overlap; at each position
    the longest phrase wins. Phrases written in short capitals match only that exact spelling.
    """

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self._by_first: dict[str, list[_Phrase]] = {}
        for text, value in phrases:
            tokens = tokenize(text)
            if not tokens:
                continue
            phrase = _Phrase(
                keys=tuple(t.key for t in tokens),
                surfaces=tuple(t.surface for t in tokens),
                case_sensitive=_is_case_sensitive(text),
                value=value,
            )
            self._by_first.setdefault(phrase.keys[0], []).append(phrase)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda p: len(p.keys), reverse=True)

    def match(self, tokens: Sequence[Token], i: int) -> tuple[_Phrase, int] | None:
        """The longest phrase starting at token ``i``, and the index of the token after it."""
        for phrase in self._by_first.get(tokens[i].key, ()):
            n = len(phrase.keys)
            if i + n > len(tokens):
                continue
            window = tokens[i : i + n]
            if any(t.key != k for t, k in zip(window, phrase.keys, strict=True)):
                continue
            if phrase.case_sensitive and (
                any(t.surface != s for t, s in zip(window, phrase.surfaces, strict=True))
                or _shouting(tokens, i, i + n)
            ):
                continue
            if not _contiguous(window):
                continue
            return phrase, i + n
        return None

    def scan(self, tokens: Sequence[Token]) -> Iterator[tuple[int, int, str]]:
        """Yield ``(first token index, end token index, value)`` for every match, in order."""
        i = 0
        while i < len(tokens):
            found = self.match(tokens, i)
            if found is None:
                i += 1
                continue
            phrase, end = found
            yield i, end, phrase.value
            i = end


# Inside a phrase, words are separated by a space, a dash, an apostrophe or a slash, at most
# once each; a dot only ends an initial ("U.S.", "St. Petersburg").
_GAP = re.compile(r"['\u2019\u2018\u02bc`]?[ \u00a0]?[\-\u2010-\u2015\u2212/]?[ \u00a0]?")


def _contiguous(window: Sequence[Token]) -> bool:
    for prev, token in zip(window, window[1:], strict=False):
        gap = token.gap
        if gap.startswith(".") and (len(prev.surface) <= 2 or prev.surface in _ABBREVIATIONS):
            gap = gap[1:]
        if not _GAP.fullmatch(gap):
            return False
    return True


_ABBREVIATIONS = frozenset({"St", "Mt", "Ft", "Dr", "Gen", "Col", "Lt", "Sgt"})


def _shouting(tokens: Sequence[Token], start: int, end: int) -> bool:
    """True when a short capital alias stands among other capital words ("THIS IS WAR")."""

    def caps(t: Token) -> bool:
        return len(t.surface) >= 3 and t.surface.isalpha() and t.surface.isupper()

    before = tokens[start - 1] if start > 0 else None
    after = tokens[end] if end < len(tokens) else None
    return before is not None and after is not None and caps(before) and caps(after)


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor of the gazetteer. ``parent`` is the canonical name of the organisation (or
    state) it is a branch or an agency of."""

    name: str
    kind: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    note: str | None = None
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not fold(self.name):
            raise UsageError(f"an actor needs a name with letters or digits, got {self.name!r}")
        if self.kind not in KINDS:
            raise UsageError(
                f"unknown actor kind {self.kind!r} for {self.name!r}; use one of {', '.join(KINDS)}"
            )

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases."""
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "aliases": list(self.aliases),
            "parent": self.parent,
            "note": self.note,
            "demonyms": list(self.demonyms),
            "metonyms": list(self.metonyms),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        try:
            name = data["name"]
        except (KeyError, TypeError):
            raise UsageError(f"an actor record needs a name: {dict(data)!r}") from None
        return cls(
            name=name,
            kind=data.get("kind") or "other",
            country=data.get("country") or None,
            aliases=tuple(data.get("aliases") or ()),
            parent=data.get("parent") or None,
            note=data.get("note") or None,
            demonyms=tuple(data.get("demonyms") or ()),
            metonyms=tuple(data.get("metonyms") or ()),
        )


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor named in a text: ``text[start:end] == surface``."""

    start: int
    end: int
    actor: Actor
    surface: str
    metonym: bool = field(default=False, compare=False)


# Metonymy ("Ankara said", "helped Moscow thwart"): a capital stands for its government only
# in a government context, never after a locative preposition or before a place noun.
_LOCATIVE = frozenset(
    "in at near from to into across outside inside of around via toward towards through "
    "within throughout outskirts downtown central hall centre center".split()
)
_GOVERNMENT_BEFORE = frozenset(
    "helped help helping with urged told warned accused blamed asked between against "
    "supplied informed".split()
)
_GOVERNMENT_AFTER = frozenset(
    "has have had is was were will would said says say announced accused warned denied "
    "blamed claimed thwarted responded rejected condemned insisted vowed agreed demanded "
    "confirmed refused called urged threatened retaliated".split()
)


def _government_context(tokens: Sequence[Token], start: int, end: int) -> bool:
    before = tokens[start - 1].key if start > 0 else None
    after = tokens[end] if end < len(tokens) else None
    if before in _LOCATIVE:
        return False
    if after is not None and after.surface[:1].isupper():
        return False  # part of a longer name: "Moscow Region", "Ankara University"
    if before in _GOVERNMENT_BEFORE:
        return True
    return after is not None and after.key in _GOVERNMENT_AFTER


class Gazetteer:
    """An immutable registry of actors. Build it from actors, or use ``Gazetteer.builtin()``."""

    def __init__(self, actors: Iterable[Actor] = ()) -> None:
        self._actors: dict[str, Actor] = {}
        self._keys: dict[str, str] = {}  # folded name or alias -> canonical name
        self._metonyms: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}
        for actor in actors:
            self._insert(actor)
        for actor in self._actors.values():
            if actor.parent is not None and actor.parent not in self._actors:
                raise UsageError(f"{actor.name!r} has unknown parent {actor.parent!r}")
        for name in self._actors:
            self._ancestors(name)  # raises on a cycle
        self._matcher = PhraseMatcher((n, a.name) for a in self._actors.values() for n in a.names)
        self._metonym_matcher = PhraseMatcher(
            (m, a.name) for a in self._actors.values() for m in a.metonyms
        )

    def _insert(self, actor: Actor) -> None:
        if actor.name in self._actors:
            raise UsageError(f"actor {actor.name!r} is already in the gazetteer")
        for alias in actor.names:
            key = fold(alias)
            if not key:
                raise UsageError(f"alias {alias!r} of {actor.name!r} has no letters or digits")
            owner = self._keys.get(key)
            if owner is not None and owner != actor.name:
                raise UsageError(f"{alias!r} already names {owner!r}, not {actor.name!r}")
            self._keys[key] = actor.name
        for metonym in actor.metonyms:
            self._metonyms.setdefault(fold(metonym), actor.name)
        for demonym in actor.demonyms:
            self._demonyms.setdefault(fold(demonym), actor.name)
        self._actors[actor.name] = actor

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The gazetteer shipped with the package (cached; immutable, so safe to share)."""
        return _builtin()

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any]], base: Gazetteer | None = None
    ) -> Gazetteer:
        """Replay registry records on ``base`` (the built-in gazetteer when None).

        Each record is a mapping with ``kind`` (or ``type``) one of ``actor.added``,
        ``actor.alias_added``, ``actor.affiliated``, and its fields either at the top level or
        under ``payload``:

        - ``actor.added``: ``name``, ``kind``, optional ``country``, ``aliases``, ``parent``,
          ``note``
        - ``actor.alias_added``: ``name`` (or ``actor``), ``alias``
        - ``actor.affiliated``: ``name`` (or ``actor``), ``parent``

        Other kinds are ignored, so the whole log can be passed. Errors are UsageError or
        NotFoundError with the offending name.
        """
        actors = dict((base if base is not None else cls.builtin())._actors)
        for record in records:
            kind, payload = _unpack(record)
            if kind == "actor.added":
                actor = Actor.from_dict(payload)
                if actor.name in actors:
                    raise UsageError(f"actor {actor.name!r} is already in the gazetteer")
                actors[actor.name] = actor
            elif kind == "actor.alias_added":
                name = _field(payload, "name", "actor")
                current = _resolve_in(actors, name)
                alias = _field(payload, "alias")
                if fold(alias) not in {fold(n) for n in current.names}:
                    actors[current.name] = replace(current, aliases=(*current.aliases, alias))
            elif kind == "actor.affiliated":
                current = _resolve_in(actors, _field(payload, "name", "actor", "child"))
                parent = payload.get("parent")
                if parent is not None:
                    parent = _resolve_in(actors, parent).name
                actors[current.name] = replace(current, parent=parent)
        return cls(actors.values())

    def with_actor(self, actor: Actor) -> Gazetteer:
        """A new gazetteer with ``actor`` added (UsageError if its name or an alias is taken)."""
        return Gazetteer([*self._actors.values(), actor])

    def with_alias(self, name: str, alias: str) -> Gazetteer:
        """A new gazetteer where the actor ``name`` (any of its names) also answers to ``alias``."""
        return self.apply({"kind": "actor.alias_added", "name": name, "alias": alias})

    def with_link(self, name: str, parent: str | None) -> Gazetteer:
        """A new gazetteer where ``name`` is a branch of ``parent`` (None removes the link)."""
        return self.apply({"kind": "actor.affiliated", "name": name, "parent": parent})

    def apply(self, record: Mapping[str, Any]) -> Gazetteer:
        """A new gazetteer with one registry record applied (see :meth:`from_records`)."""
        return Gazetteer.from_records([record], base=self)

    # -- queries -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._actors)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.lookup(name) is not None

    def actors(self) -> list[Actor]:
        return list(self._actors.values())

    def lookup(self, name: str) -> Actor | None:
        """The actor with this canonical name or alias (folded), else a capital used as a
        metonym ("Ankara" -> Türkiye), else None."""
        key = fold(name)
        canonical = self._keys.get(key) or self._metonyms.get(key)
        return self._actors[canonical] if canonical else None

    def resolve(self, name: str) -> Actor:
        """Like :meth:`lookup`, but raise NotFoundError for an unknown name."""
        actor = self.lookup(name)
        if actor is None:
            raise NotFoundError(f"no actor named {name!r} in the gazetteer")
        return actor

    def by_demonym(self, word: str) -> Actor | None:
        """The state whose demonym is ``word`` ("Turkish" -> Türkiye)."""
        canonical = self._demonyms.get(fold(word))
        return self._actors[canonical] if canonical else None

    def demonyms(self) -> dict[str, str]:
        """Folded demonym -> canonical state name."""
        return dict(self._demonyms)

    def affiliates(self, name: str) -> list[str]:
        """Canonical names of the branches of ``name``, recursively, breadth first."""
        root = self.resolve(name).name
        children: dict[str, list[str]] = {}
        for actor in self._actors.values():
            if actor.parent is not None:
                children.setdefault(actor.parent, []).append(actor.name)
        found: list[str] = []
        queue = [root]
        while queue:
            current = queue.pop(0)
            for child in children.get(current, ()):
                found.append(child)
                queue.append(child)
        return found

    def ancestors(self, name: str) -> list[str]:
        """Canonical names of the parent, grandparent... of ``name``."""
        return self._ancestors(self.resolve(name).name)

    def _ancestors(self, name: str) -> list[str]:
        chain: list[str] = []
        parent = self._actors[name].parent
        while parent is not None:
            if parent == name or parent in chain:
                raise UsageError(f"affiliation cycle through {name!r}")
            chain.append(parent)
            parent = self._actors[parent].parent if parent in self._actors else None
        return chain

    def related(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` are the same actor or one is a branch of the other."""
        x, y = self.resolve(a).name, self.resolve(b).name
        return x == y or x in self._ancestors(y) or y in self._ancestors(x)

    def find_mentions(self, text: str, *, metonyms: bool = False) -> list[Mention]:
        """Actors named in ``text``, in order, longest match first, never overlapping.

        With ``metonyms=True`` a capital used for its government ("Ankara has warned",
        "helped Moscow thwart") is a mention of the state too; a capital used as a place
        ("an attack in Moscow", "a Moscow concert hall") never is.
        """
        tokens = tokenize(text)
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            found = self._matcher.match(tokens, i)
            is_metonym = False
            if found is None and metonyms:
                found = self._metonym_matcher.match(tokens, i)
                is_metonym = found is not None and _government_context(tokens, i, found[1])
                if not is_metonym:
                    found = None
            if found is None:
                i += 1
                continue
            phrase, end = found
            start_char, end_char = tokens[i].start, tokens[end - 1].end
            mentions.append(
                Mention(
                    start_char,
                    end_char,
                    self._actors[phrase.value],
                    text[start_char:end_char],
                    metonym=is_metonym,
                )
            )
            i = end
        return mentions


def _unpack(record: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(record, Mapping):
        raise UsageError(f"an actor record must be a mapping, got {type(record).__name__}")
    kind = record.get("kind") or record.get("type") or ""
    payload = record.get("payload")
    return str(kind), payload if isinstance(payload, Mapping) else record


def _field(payload: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = payload.get(name)
        if isinstance(value, str) and value.strip():
            return value
    raise UsageError(f"actor record lacks {names[0]!r}: {dict(payload)!r}")


def _resolve_in(actors: Mapping[str, Actor], name: str) -> Actor:
    if name in actors:
        return actors[name]
    key = fold(name)
    for actor in actors.values():
        if key in {fold(n) for n in actor.names}:
            return actor
    raise NotFoundError(f"no actor named {name!r} in the gazetteer")


def load_json(resource: str) -> Any:
    """Parse a JSON file shipped in ``timeline/data``."""
    with resources.files("timeline.data").joinpath(resource).open("r", encoding="utf-8") as f:
        return json.load(f)


@functools.cache
def _builtin() -> Gazetteer:
    data = load_json("actors.json")
    return Gazetteer(Actor.from_dict(item) for item in data["actors"])
