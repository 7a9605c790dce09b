"""Properties of the date layer that must hold for any text and any reference."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates import DateSpan, find, resolve
from timeline.errors import DateError

refs = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
any_refs = st.dates()

PHRASES = ["late January", "last month", "Tuesday", "since 2013", "two weeks ago", "the 18th",
           "earlier this week", "the weekend", "in the first quarter", "mid-April", "spring",
           "before 2010", "after 2015", "the 1990s", "the 19th century", "In December last year",
           "Sunday in late January", "between March 3 and March 9", "next Monday", "H2",
           "the last week of July", "winter", "early 2024", "from November to February",
           "3 days after January 12th", "the first Friday of next month", "yesterday"]
WEEKDAY_PHRASES = ["Tuesday", "last Friday", "next Monday", "Sunday", "this Wednesday",
                   "Friday last week", "on Thursday"]


@given(st.sampled_from(PHRASES), refs, st.sampled_from(["past", "future"]))
def test_earliest_never_after_latest(text: str, ref: date, prefer: str) -> None:
    s = resolve(text, ref, prefer=prefer)
    assert s.earliest is not None or s.latest is not None
    if s.earliest is not None and s.latest is not None:
        assert s.earliest <= s.latest
    assert DateSpan.from_dict(s.to_dict()) == s


@given(st.sampled_from(WEEKDAY_PHRASES), refs, st.integers(-300, 300),
       st.sampled_from(["past", "future"]))
def test_weekday_answers_move_with_the_reference(text: str, ref: date, weeks: int,
                                                 prefer: str) -> None:
    moved = ref + timedelta(weeks=weeks)
    a = resolve(text, ref, prefer=prefer)
    b = resolve(text, moved, prefer=prefer)
    assert a.earliest is not None and b.earliest is not None
    assert b.earliest - a.earliest == timedelta(weeks=weeks)
    assert a.precision == b.precision == "day"


@settings(max_examples=300)
@given(st.text(max_size=80), any_refs, st.sampled_from(["past", "future"]))
def test_resolve_raises_only_date_error(text: str, ref: date, prefer: str) -> None:
    try:
        s = resolve(text, ref, prefer=prefer)
    except DateError as err:
        assert "\n" not in str(err)
        return
    if s.earliest is not None and s.latest is not None:
        assert s.earliest <= s.latest


@settings(max_examples=100)
@given(st.lists(st.sampled_from(PHRASES + ["the", "police said", "a second", "Two of the four",
                                           ",", ".", "may", "march", "on", "144"]),
                max_size=12), refs)
def test_find_offsets_slice_the_text(words: list[str], ref: date) -> None:
    text = " ".join(words)
    for start, end, span in find(text, ref):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == span.text


@settings(max_examples=100)
@given(st.text(max_size=200), refs)
def test_find_never_raises(text: str, ref: date) -> None:
    for start, end, span in find(text, ref):
        assert text[start:end] == span.text
