"""The date layer's conventions, one concrete case each (docs/dates.md is the rule book)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from timeline.dates import DateSpan, find, parse_day, resolve
from timeline.errors import DateError, TimelineError

MAY7 = date(2024, 5, 7)  # a Tuesday
JUN18 = date(2024, 6, 18)  # a Tuesday: the reference article's publication day
ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "corpus" / "reference" / "000_72e2369b582a3854.txt"


Row = tuple[str | None, str | None, str, str | None]


def span(text: str, ref: date = JUN18, **kw: object) -> Row:
    s = resolve(text, ref, **kw)  # type: ignore[arg-type]
    return (s.earliest.isoformat() if s.earliest else None,
            s.latest.isoformat() if s.latest else None, s.precision, s.mod)


@pytest.mark.parametrize(("text", "ref", "expected"), [
    # months in thirds
    ("late January", JUN18, ("2024-01-21", "2024-01-31", "part_of_month", "END")),
    ("early March", MAY7, ("2024-03-01", "2024-03-10", "part_of_month", "START")),
    ("mid-April", MAY7, ("2024-04-11", "2024-04-20", "part_of_month", "MID")),
    ("the end of February 2024", MAY7, ("2024-02-21", "2024-02-29", "part_of_month", "END")),
    # year-less things: the most recent one on or before the reference
    ("December", JUN18, ("2023-12-01", "2023-12-31", "month", None)),
    ("June", JUN18, ("2024-06-01", "2024-06-30", "month", None)),
    ("Tuesday", JUN18, ("2024-06-18", "2024-06-18", "day", None)),
    ("Friday", MAY7, ("2024-05-03", "2024-05-03", "day", None)),
    ("the 18th", MAY7, ("2024-04-18", "2024-04-18", "day", None)),
    ("on March 22", JUN18, ("2024-03-22", "2024-03-22", "day", None)),
    ("22 December", JUN18, ("2023-12-22", "2023-12-22", "day", None)),
    # relative units: whole calendar units
    ("last month", JUN18, ("2024-05-01", "2024-05-31", "month", None)),
    ("In December last year", JUN18, ("2023-12-01", "2023-12-31", "month", None)),
    ("last week", JUN18, ("2024-06-10", "2024-06-16", "week", None)),
    ("this week", MAY7, ("2024-05-06", "2024-05-12", "week", None)),
    ("last year", MAY7, ("2023-01-01", "2023-12-31", "year", None)),
    ("next month", MAY7, ("2024-06-01", "2024-06-30", "month", None)),
    ("last Friday", JUN18, ("2024-06-14", "2024-06-14", "day", None)),
    ("next Monday", JUN18, ("2024-06-24", "2024-06-24", "day", None)),
    ("Friday last week", JUN18, ("2024-06-14", "2024-06-14", "day", None)),
    ("yesterday", MAY7, ("2024-05-06", "2024-05-06", "day", None)),
    ("the day before yesterday", MAY7, ("2024-05-05", "2024-05-05", "day", None)),
    # offsets
    ("two weeks ago", JUN18, ("2024-06-04", "2024-06-04", "day", None)),
    ("three days ago", MAY7, ("2024-05-04", "2024-05-04", "day", None)),
    ("two months ago", JUN18, ("2024-04-18", "2024-04-18", "day", "APPROX")),
    ("in 10 days", MAY7, ("2024-05-17", "2024-05-17", "day", None)),
    ("earlier this week", date(2024, 6, 21), ("2024-06-17", "2024-06-19", "interval", None)),
    ("earlier this month", JUN18, ("2024-06-01", "2024-06-15", "interval", None)),
    ("the past three days", JUN18, ("2024-06-15", "2024-06-17", "interval", None)),
    # weekends, quarters, halves, seasons, years, decades, centuries
    ("the weekend", MAY7, ("2024-05-04", "2024-05-05", "weekend", None)),
    ("this weekend", MAY7, ("2024-05-11", "2024-05-12", "weekend", None)),
    ("over the weekend", MAY7, ("2024-05-04", "2024-05-05", "weekend", None)),
    ("in the first quarter", JUN18, ("2024-01-01", "2024-03-31", "quarter", None)),
    ("the third quarter", JUN18, ("2023-07-01", "2023-09-30", "quarter", None)),
    ("Q4 2023", JUN18, ("2023-10-01", "2023-12-31", "quarter", None)),
    ("the second half of 2023", JUN18, ("2023-07-01", "2023-12-31", "half", None)),
    ("spring", JUN18, ("2024-03-01", "2024-05-31", "season", None)),
    ("winter 2024", JUN18, ("2024-12-01", "2025-02-28", "season", None)),
    ("early 2024", JUN18, ("2024-01-01", "2024-04-30", "year", "START")),
    ("late 2023", JUN18, ("2023-09-01", "2023-12-31", "year", "END")),
    ("2019", JUN18, ("2019-01-01", "2019-12-31", "year", None)),
    ("the 1990s", JUN18, ("1990-01-01", "1999-12-31", "decade", None)),
    ("the nineties", JUN18, ("1990-01-01", "1999-12-31", "decade", None)),
    ("the 19th century", JUN18, ("1800-01-01", "1899-12-31", "century", None)),
    # open and since
    ("since 2013", JUN18, ("2013-01-01", "2024-06-18", "interval", "ON_OR_AFTER")),
    ("before 2010", JUN18, (None, "2009-12-31", "open", "BEFORE")),
    ("after 2020", JUN18, ("2021-01-01", None, "open", "AFTER")),
    # ranges, numbers in words, explicit dates
    ("between March 3 and March 9", JUN18, ("2024-03-03", "2024-03-09", "interval", None)),
    ("from 2014 to 2018", JUN18, ("2014-01-01", "2018-12-31", "interval", None)),
    ("from November to February", JUN18, ("2023-11-01", "2024-02-29", "interval", None)),
    ("the twenty-second of March 2024", JUN18, ("2024-03-22", "2024-03-22", "day", None)),
    ("nineteen ninety six", JUN18, ("1996-01-01", "1996-12-31", "year", None)),
    ("2024-03-22", JUN18, ("2024-03-22", "2024-03-22", "day", None)),
    ("March 2024", JUN18, ("2024-03-01", "2024-03-31", "month", None)),
    # a weekday inside a fuzzy range: every such weekday of it, first to last
    ("Sunday in late January", JUN18, ("2024-01-21", "2024-01-28", "interval", None)),
    ("the first Monday of March", JUN18, ("2024-03-04", "2024-03-04", "day", None)),
])
def test_conventions(text: str, ref: date, expected: tuple[str | None, ...]) -> None:
    assert span(text, ref) == expected


@pytest.mark.parametrize(("text", "ref", "expected"), [
    # fixed, computed and US nth-weekday holidays; year-less ones like year-less days
    ("Christmas", JUN18, ("2023-12-25", "2023-12-25", "day", None)),
    ("Christmas 2016", JUN18, ("2016-12-25", "2016-12-25", "day", None)),
    ("Christmas Eve", JUN18, ("2023-12-24", "2023-12-24", "day", None)),
    ("last Christmas", date(2024, 12, 25), ("2023-12-25", "2023-12-25", "day", None)),
    ("Easter", JUN18, ("2024-03-31", "2024-03-31", "day", None)),
    ("Easter", MAY7, ("2024-03-31", "2024-03-31", "day", None)),
    ("next Easter", JUN18, ("2025-04-20", "2025-04-20", "day", None)),
    ("Good Friday 2019", JUN18, ("2019-04-19", "2019-04-19", "day", None)),
    ("Ash Wednesday 2018", JUN18, ("2018-02-14", "2018-02-14", "day", None)),
    ("Pentecost 2013", JUN18, ("2013-05-19", "2013-05-19", "day", None)),
    ("orthodox Easter 2021", JUN18, ("2021-05-02", "2021-05-02", "day", None)),
    ("Thanksgiving", JUN18, ("2023-11-23", "2023-11-23", "day", None)),
    ("the day after Thanksgiving", JUN18, ("2023-11-24", "2023-11-24", "day", None)),
    ("Memorial Day", JUN18, ("2024-05-27", "2024-05-27", "day", None)),
    ("MLK day of last year", JUN18, ("2023-01-16", "2023-01-16", "day", None)),
    ("Labor Day weekend 2021", JUN18, ("2021-09-04", "2021-09-06", "weekend", None)),
    ("Independence Day", JUN18, ("2023-07-04", "2023-07-04", "day", None)),
    ("Halloween", JUN18, ("2023-10-31", "2023-10-31", "day", None)),
    ("Passover 2024", JUN18, ("2024-04-23", "2024-04-30", "interval", None)),
    ("Yom Kippur 2018", JUN18, ("2018-09-19", "2018-09-19", "day", None)),
    ("Eid al-Adha 2020", JUN18, ("2020-07-31", "2020-07-31", "day", None)),
    ("Ramadan", JUN18, ("2024-03-11", "2024-04-09", "interval", None)),
    ("since Easter", JUN18, ("2024-03-31", "2024-06-18", "interval", "ON_OR_AFTER")),
])
def test_holidays(text: str, ref: date, expected: tuple[str | None, ...]) -> None:
    assert span(text, ref) == expected


def test_holidays_in_running_text_are_capitalised() -> None:
    text = "The bank was attacked on Christmas Eve. He lent them money before Easter 2019."
    got = {text[s:e]: sp.earliest for s, e, sp in find(text, JUN18)}
    assert got == {"on Christmas Eve": date(2023, 12, 24), "before Easter 2019": None}


# Words that are also titles, names, places or ordinary nouns are no holiday on their own.
NOT_HOLIDAYS = [
    "President Erdoğan assured Vladimir Putin that Ankara would share what it knew.",
    "Presidents of three countries met in Astana.",
    "Workers at the plant were evacuated after the blast.",
    "Veterans of the campaign were questioned by police.",
    "Labor leaders condemned the attack; the Labour Party called for calm.",
    "Mourners gathered at the Memorial to the victims.",
    "Independence Square was cordoned off by riot police.",
    "Victory was declared by the militia's commander.",
    "Mother's relatives were detained for questioning.",
    "Father Gabriel said the church had received threats.",
    "Martin Luther King Jr. was quoted by the protesters.",
    "Valentine Ivanov, a spokesman, denied the report.",
    "St Patrick's Cathedral was evacuated after a bomb threat.",
    "Protesters wore Guy Fawkes masks.",
    "Police in Corpus Christi arrested two men.",
    "The Assumption church was damaged in the shelling.",
    "His Ascension to power followed the coup.",
    "Pilgrims were turned away from the Church of the Nativity.",
    "The All Saints school was closed.",
    "He had an Epiphany about the plot, investigators said.",
    "The Arab Spring reshaped the region.",
    "The Winter Olympics security plan was leaked.",
    "Veterans Affairs officials and the Independence Party met.",
]


@pytest.mark.parametrize("sentence", NOT_HOLIDAYS)
def test_titles_and_ordinary_words_are_no_dates(sentence: str) -> None:
    assert [sentence[s:e] for s, e, _ in find(sentence, JUN18)] == []


@pytest.mark.parametrize(("word", "name", "day"), [
    ("President", "Presidents' Day", date(2024, 2, 19)),
    ("President", "Presidents Day", date(2024, 2, 19)),
    ("President", "President's Day", date(2024, 2, 19)),
    ("Labor", "Labor Day", date(2023, 9, 4)),
    ("Memorial", "Memorial Day", date(2024, 5, 27)),
    ("Independence", "Independence Day", date(2023, 7, 4)),
    ("Veterans", "Veterans Day", date(2023, 11, 11)),
    ("Workers", "International Workers' Day", date(2024, 5, 1)),
    ("Mother's", "Mother's Day", date(2024, 5, 12)),
    ("Martin Luther King", "Martin Luther King Day", date(2024, 1, 15)),
    ("Valentine's", "Valentine's Day", date(2024, 2, 14)),
    ("St Patrick's", "St Patrick's Day", date(2024, 3, 17)),
    ("Ascension", "Ascension Day", date(2024, 5, 9)),
])
def test_only_complete_holiday_names_are_dates(word: str, name: str, day: date) -> None:
    with pytest.raises(DateError):
        resolve(word, JUN18)
    sentence = f"The attack on {name} killed four, officials said."
    got = [(sentence[s:e], sp.earliest) for s, e, sp in find(sentence, JUN18)]
    assert got == [(f"on {name}", day)]


@pytest.mark.parametrize(("text", "ref", "expected"), [
    # a side naming no calendar date is read against the reference, not against the other side
    ("between January 22 and now", JUN18, ("2024-01-22", "2024-06-18", "interval", None)),
    ("from 2019-08-01 to today", JUN18, ("2019-08-01", "2024-06-18", "interval", None)),
    ("between 2014-2018", JUN18, ("2014-01-01", "2018-12-31", "interval", None)),
    ("from 2014~2018", JUN18, ("2014-01-01", "2018-12-31", "interval", None)),
    # two year-less sides: the start is the latest that has begun, so a range holds the reference
    ("from May to August", JUN18, ("2024-05-01", "2024-08-31", "interval", None)),
    ("November between 19 and 20", JUN18, ("2023-11-19", "2023-11-20", "interval", None)),
    ("the thirty-first day of the month", date(2024, 8, 12),
     ("2024-08-31", "2024-08-31", "day", None)),
    # "this" / "next" / "last" before a year-less date
    ("this 5/12", JUN18, ("2024-05-12", "2024-05-12", "day", None)),
    ("next 6th of April", JUN18, ("2025-04-06", "2025-04-06", "day", None)),
    ("last June 20", JUN18, ("2023-06-20", "2023-06-20", "day", None)),
    ("this Friday-Jun-14", JUN18, ("2024-06-14", "2024-06-14", "day", None)),
    ("as early as next year's first quarter", JUN18, ("2025-01-01", None, "open", "ON_OR_AFTER")),
    # windows: "within" counts from the reference; durations may be compound
    ("within the next 3 years", JUN18, ("2024-06-18", "2027-06-17", "interval", None)),
    ("the last 3 months and 2 weeks", JUN18, ("2024-03-04", "2024-06-17", "interval", None)),
    ("the last week-end of July", JUN18, ("2023-07-29", "2023-07-30", "weekend", None)),
])
def test_ranges_and_relative_dates(text: str, ref: date, expected: tuple[str | None, ...]) -> None:
    assert span(text, ref) == expected


def test_a_holiday_name_that_is_a_word_alone_needs_its_year() -> None:
    assert span("Saint Patrick 2020")[:2] == ("2020-03-17", "2020-03-17")
    assert span("the Assumption 2023")[:2] == ("2023-08-15", "2023-08-15")


def test_prefer_future_flips_yearless_readings() -> None:
    assert span("Tuesday", MAY7, prefer="future")[:2] == ("2024-05-07", "2024-05-07")
    assert span("Friday", MAY7, prefer="future")[:2] == ("2024-05-10", "2024-05-10")
    assert span("March", MAY7, prefer="future")[:2] == ("2025-03-01", "2025-03-31")
    assert span("the 18th", MAY7, prefer="future")[:2] == ("2024-05-18", "2024-05-18")


@pytest.mark.parametrize(("text", "edtf", "label"), [
    ("on March 22", "2024-03-22", "22 Mar 2024"),
    ("late January", "2024-01-21/2024-01-31", "late Jan 2024"),
    ("January 2024", "2024-01", "Jan 2024"),
    ("Q1 2024", "2024-33", "Q1 2024"),
    ("H2 2023", "2023-41", "H2 2023"),
    ("spring 2024", "2024-21", "spring 2024"),
    ("winter 2023", "2023-24", "winter 2023–24"),
    ("2024", "2024", "2024"),
    ("early 2024", "2024-37", "early 2024"),
    ("the 2010s", "201X", "2010s"),
    ("the 20th century", "19XX", "20th century"),
    ("last week", "2024-06-10/2024-06-16", "week of 10 Jun 2024"),
    ("the weekend", "2024-06-15/2024-06-16", "weekend 15–16 Jun 2024"),
    ("this weekend", "2024-06-22/2024-06-23", "weekend 22–23 Jun 2024"),
    ("before 2011", "../2010-12-31", "on or before 31 Dec 2010"),
    ("since 2013", "2013-01-01/2024-06-18", "1 Jan 2013 – 18 Jun 2024"),
    ("after 2030", "2031-01-01/..", "on or after 1 Jan 2031"),
    ("two months ago", "2024-04-18~", "about 18 Apr 2024"),
])
def test_edtf_and_label(text: str, edtf: str, label: str) -> None:
    s = resolve(text, JUN18)
    assert (s.edtf, s.label()) == (edtf, label)


def test_round_trip_through_dict() -> None:
    s = resolve("late January", JUN18)
    d = s.to_dict()
    assert d == {"text": "late January", "reference": "2024-06-18", "earliest": "2024-01-21",
                 "latest": "2024-01-31", "precision": "part_of_month", "mod": "END",
                 "edtf": "2024-01-21/2024-01-31"}
    assert DateSpan.from_dict(d) == s
    open_span = resolve("before 2010", JUN18)
    assert DateSpan.from_dict(open_span.to_dict()) == open_span


@pytest.mark.parametrize("text", ["no date here", "", "   ", "a second", "Two of the four",
                                  "foo", "the attack"])
def test_no_date_raises_date_error(text: str) -> None:
    with pytest.raises(DateError) as err:
        resolve(text, JUN18)
    assert isinstance(err.value, TimelineError)
    assert "\n" not in str(err.value)


def test_bad_arguments_raise_date_error_only() -> None:
    with pytest.raises(DateError):
        resolve("March", JUN18, prefer="sideways")
    with pytest.raises(DateError):
        resolve(None, JUN18)  # type: ignore[arg-type]
    with pytest.raises(DateError):
        resolve("March", "2024-06-18")  # type: ignore[arg-type]
    with pytest.raises(DateError):
        resolve("last year", date.min)


@pytest.mark.parametrize(("text", "languages"), [("22 Mart 2024", ["tr"]),
                                                  ("22 марта 2024", ["ru"]),
                                                  ("22. März 2024", ["de"])])
def test_other_languages_through_dateparser(text: str, languages: list[str]) -> None:
    s = resolve(text, JUN18, languages=languages)
    assert (s.earliest, s.latest, s.precision) == (date(2024, 3, 22), date(2024, 3, 22), "day")


def test_dateparser_period_becomes_an_interval() -> None:
    s = resolve("mart 2024", JUN18, languages=["tr"])
    assert (s.earliest, s.latest, s.precision) == (date(2024, 3, 1), date(2024, 3, 31), "month")


def test_parse_day() -> None:
    assert parse_day("2024-01-01") == date(2024, 1, 1)
    assert parse_day("22 March 2024") == date(2024, 3, 22)
    with pytest.raises(DateError):
        parse_day("March 2024")
    with pytest.raises(DateError):
        parse_day("whenever")


PARAGRAPH = (
    "Police said on Monday that the two suspects, detained in a raid in early March, had "
    "entered the country in 2019. A second cell was dismantled last week, and prosecutors "
    "expect the trial to open in the first quarter of next year. Two of the four men had "
    "been under surveillance since 2021, officials said. The March raid followed a warning "
    "issued on 14 February."
)


def test_find_in_a_news_paragraph() -> None:
    got = {PARAGRAPH[s:e]: (sp.earliest, sp.latest) for s, e, sp in find(PARAGRAPH, MAY7)}
    assert got == {
        "on Monday": (date(2024, 5, 6), date(2024, 5, 6)),
        "in early March": (date(2024, 3, 1), date(2024, 3, 10)),
        "in 2019": (date(2019, 1, 1), date(2019, 12, 31)),
        "last week": (date(2024, 4, 29), date(2024, 5, 5)),
        "in the first quarter of next year": (date(2025, 1, 1), date(2025, 3, 31)),
        "since 2021": (date(2021, 1, 1), MAY7),
        "The March": (date(2024, 3, 1), date(2024, 3, 31)),
        "on 14 February": (date(2024, 2, 14), date(2024, 2, 14)),
    }


def test_find_offsets_slice_the_expression() -> None:
    for s, e, sp in find(PARAGRAPH, MAY7):
        assert PARAGRAPH[s:e] == sp.text


def test_find_skips_modal_may_and_bare_numbers() -> None:
    text = "Officials may march on Friday; 3 to 5 people were hurt in a second blast."
    got = [text[s:e] for s, e, _ in find(text, MAY7)]
    assert got == ["on Friday"]


@pytest.mark.skipif(not ARTICLE.exists(), reason="shared reference corpus not present")
def test_find_in_the_reference_article() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    found = {text[s:e]: sp for s, e, sp in find(text, JUN18)}
    days = {k: (v.earliest, v.latest) for k, v in found.items()}
    assert days["on March 22"] == (date(2024, 3, 22), date(2024, 3, 22))
    assert days["Tuesday"] == (JUN18, JUN18)
    assert days["last month"] == (date(2024, 5, 1), date(2024, 5, 31))
    assert days["since 2013"] == (date(2013, 1, 1), JUN18)
    assert days["in late January"] == (date(2024, 1, 21), date(2024, 1, 31))
    assert days["In December last year"] == (date(2023, 12, 1), date(2023, 12, 31))
    # "Sunday Mass ... in late January": the Sundays of late January, not last Sunday
    sunday = next(v for k, v in found.items() if "Sunday" in k)
    assert (sunday.earliest, sunday.latest) == (date(2024, 1, 21), date(2024, 1, 28))
    texts = " | ".join(found)
    assert "second" not in texts and "Two" not in texts


def test_corpus_accuracy_floor() -> None:
    bench = ROOT / "bench"
    cases = ROOT.parent / "shared" / "corpus" / "temporal" / "cases.jsonl"
    if not cases.exists():
        pytest.skip("shared temporal corpus not present")
    sys.path.insert(0, str(bench))
    try:
        import dates_accuracy
    finally:
        sys.path.remove(str(bench))
    assert dates_accuracy.news_accuracy() >= 0.94


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13-01", "2023/02/29", "2024-00-10"])
def test_a_numeric_date_that_is_no_calendar_day_is_an_error(text: str) -> None:
    with pytest.raises(DateError, match="not a real date"):
        resolve(text, JUN18)
