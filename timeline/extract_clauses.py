"""Clauses of the extractor: what the rest of a sentence adds to a mention of an event.

- a warning "that Daesh was plotting another attack" names the plotter (role perpetrator);
- a detention of suspects "who were planning attacks on churches" says what they planned;
- a statement's content is its clause, dates taken out, actors named as in the timeline;
- a designation "since 2013" took place in 2013.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from timeline.actors import Mention, fold
from timeline.extract_dates import When, onset
from timeline.extract_grammar import CLAUSE_PUNCT
from timeline.extract_model import EventMention, Sentence
from timeline.lexicon import Lexicon, TriggerHit

_PLOTS = ("plot", "thwarted_plot")
_ABOUT = re.compile(r"\b(?:that|about|of)\b", re.IGNORECASE)
_RELATIVE_END = re.compile(r"\b(?:who|that|which)\s+(?:were|was|had been|have been|are|is)\s*$")
_CLEFT = re.compile(r"\bit\s+(?:was|is|were)\s+(.+?)\s+(?:that|who)\s+", re.IGNORECASE)
_DANGLING = frozenset("and or but that which who as to of with the a an".split())
_MAX_WORDS = 16


def complete(
    sent: Sentence,
    hits: Sequence[TriggerHit],
    built: Sequence[EventMention | None],
    dates: Sequence[tuple[int, int, When]],
    published: date,
    lex: Lexicon,
    display: Callable[[str], str],
) -> None:
    """Add to each mention of the sentence what its clause says (see the module docstring)."""
    for k, m in enumerate(built):
        if m is None:
            continue
        if m.type == "designation":
            m.dates = [onset(d, published) or d for d in m.dates]
        if m.type == "statement":
            m.detail = statement_content(sent, hits, k, dates, lex, display)
        plot = next(
            (j for j in range(k + 1, len(hits)) if built[j] and built[j].type in _PLOTS),  # type: ignore[union-attr]
            None,
        )
        if plot is None:
            continue
        p = built[plot]
        assert p is not None
        between = sent.text[hits[k].end : hits[plot].start]
        if re.search(r"[;.]", between):
            continue
        if m.type == "warning" and _ABOUT.search(between):
            for name in p.role_names("perpetrator"):
                if (name, "perpetrator") not in m.actors:
                    m.actors.append((name, "perpetrator"))
        elif m.type == "detention" and p.type == "plot" and _RELATIVE_END.search(between):
            m.plan = plan_phrase(sent.text, hits, plot)


def plan_phrase(text: str, hits: Sequence[TriggerHit], j: int) -> str:
    """ "planning attacks on churches and synagogues, as well as the Iraqi Embassy" ->
    "planning attacks on churches, synagogues and the Iraqi Embassy"."""
    end = hits[j + 1].start if j + 1 < len(hits) else len(text)
    phrase = text[hits[j].start : end]
    phrase = re.split(r"[;:\u2013\u2014]|\s-\s|,\s+(?!as well as\b)", phrase, maxsplit=1)[0]
    phrase = re.sub(r",?\s+as well as\s+", " and ", phrase)
    parts = phrase.split(" and ")
    if len(parts) > 2:
        phrase = ", ".join(parts[:-1]) + " and " + parts[-1]
    return _trim(phrase)


def statement_content(
    sent: Sentence,
    hits: Sequence[TriggerHit],
    k: int,
    dates: Sequence[tuple[int, int, When]],
    lex: Lexicon,
    display: Callable[[str], str],
) -> str:
    """What a statement says: from its verb to the end of its clause (or the next statement
    verb, or a quotation), without date expressions, persons without their titles, groups by
    their canonical names: "confirmed Daesh-K carried out the terrorist attack in Moscow"."""
    text = sent.text
    hit = hits[k]
    end = len(text)
    cut = CLAUSE_PUNCT.search(text, hit.end)
    if cut:
        end = cut.start()
    quote = re.search(r"[\"\u201c\u00ab]", text[hit.end : end])
    if quote:
        end = hit.end + quote.start()
    for other in hits[k + 1 :]:
        if other.type == "statement" and other.start < end:
            end = other.start
            break
    edits: list[tuple[int, int, str]] = [
        (s, e, "") for s, e, _ in dates if hit.start <= s and e <= end
    ]
    for m in sent.mentions:
        if not (hit.end <= m.start and m.end <= end) or m.metonym:
            continue
        if m.actor.kind not in ("person", "armed_group"):
            continue
        start = m.start
        if m.actor.kind == "person":
            title = lex.title_before(text[:start])
            if title is not None:
                start = title
        edits.append((start, m.end, display(m.actor.name)))
    out = text[hit.start : end]
    for s, e, new in sorted(edits, reverse=True):
        if any(s < e2 and s2 < e for s2, e2, _ in edits if (s2, e2) != (s, e) and s2 > s):
            continue
        out = out[: s - hit.start] + new + out[e - hit.start :]
    out = _CLEFT.sub(r"\1 ", out)
    for _, _, new in edits:
        if new:
            out = re.sub(re.escape(new) + r"\s*\(\s*" + re.escape(new) + r"\s*\)", new, out)
    return _trim(out)


def _trim(phrase: str) -> str:
    words = phrase.split()
    if len(words) > _MAX_WORDS:
        words = words[:_MAX_WORDS]
        while words and words[-1].lower() in _DANGLING:
            words.pop()
        words.append("...")
    while words and (words[-1].lower() in _DANGLING or not re.search(r"\w", words[-1])):
        words.pop()
    if words:
        words[-1] = words[-1].rstrip(".,;:")
    return " ".join(words)


class Names:
    """How the summaries name actors: persons by their surname ("Erdoğan"), and "the" before a
    name the article writes so ("the Kremlin")."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        counts: dict[str, list[int]] = {}
        for m in mentions:
            if m.metonym or fold(m.surface) != fold(m.actor.name):
                continue
            after = text[m.end : m.end + 2]
            if re.match(r"\s[A-Z]", after):
                continue  # part of a longer name
            with_the = bool(re.search(r"\bthe\s+$", text[max(0, m.start - 5) : m.start], re.I))
            counts.setdefault(m.actor.name, [0, 0])[int(with_the)] += 1
        self.definite = {name for name, (bare, the) in counts.items() if the > bare}
        self.persons = {m.actor.name for m in mentions if m.actor.kind == "person"}

    def __call__(self, name: str) -> str:
        if name in self.persons and " " in name:
            return name.split()[-1]
        return f"the {name}" if name in self.definite else name
