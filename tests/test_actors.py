from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.actors import KINDS, Actor, Gazetteer, fold, tokenize
from timeline.errors import NotFoundError, TimelineError, UsageError


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.builtin()


def names(gaz: Gazetteer, text: str, *, metonyms: bool = False) -> list[str]:
    return [m.actor.name for m in gaz.find_mentions(text, metonyms=metonyms)]


# -- fold ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Daesh-K", "daesh k"),
        ("Daesh-K", "DAESH\u2011K"),  # non-breaking hyphen
        ("Daesh-K", "Daesh \u2013 K"),  # en dash with spaces
        ("Türkiye", "Turkiye"),
        ("TÜRKİYE", "turkiye"),  # dotted capital I
        ("Millî İstihbarat Teşkilatı", "milli istihbarat teskilati"),  # dotless i, s cedilla
        ("Kurdistan Workers' Party", "Kurdistan Workers\u2019 Party"),
        ("al-Qa'ida", "al qa ida"),
        ("  Islamic   State ", "islamic state"),
        ("Erdoğan", "ERDOGAN"),
    ],
)
def test_fold_equates_spellings(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [("Daesh", "Daesh-K"), ("ISIS", "ISIL"), ("Iran", "Iraq")])
def test_fold_keeps_different_names_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text())
def test_tokens_slice_the_text(s: str) -> None:
    for token in tokenize(s):
        assert s[token.start : token.end] == token.surface


# -- the built-in data -------------------------------------------------------------------------


def test_builtin_data_is_well_formed(gaz: Gazetteer) -> None:
    raw = json.loads(resources.files("timeline.data").joinpath("actors.json").read_text("utf-8"))
    assert len(raw["actors"]) == len(gaz) >= 60
    for actor in gaz:
        assert actor.kind in KINDS
        assert actor.parent is None or gaz.lookup(actor.parent) is not None
    assert Gazetteer.builtin() is gaz  # cached


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("ISIS", "Daesh"),
        ("ISIL", "Daesh"),
        ("IS", "Daesh"),
        ("Islamic State", "Daesh"),
        ("Daesh terrorists", "Daesh"),
        ("DAESH", "Daesh"),
        ("daesh", "Daesh"),
        ("ISIS-K", "Daesh-K"),
        ("ISKP", "Daesh-K"),
        ("IS-K", "Daesh-K"),
        ("Islamic State Khorasan Province", "Daesh-K"),
        ("Daesh Khorasan Province", "Daesh-K"),
        ("Islamic State Khorasan", "Daesh-K"),
        ("daesh\u2011k", "Daesh-K"),
        ("Islamic State West Africa Province", "ISWAP"),
        ("al-Qaida", "al-Qaeda"),
        ("AQ", "al-Qaeda"),
        ("al-Shabab", "al-Shabaab"),
        ("JAS", "Boko Haram"),
        ("Hayat Tahrir al-Sham", "HTS"),
        ("Nusra Front", "HTS"),
        ("PKK/KCK", "PKK"),
        ("People's Protection Units", "YPG"),
        ("Turkey", "Türkiye"),
        ("Turkiye", "Türkiye"),
        ("Republic of Türkiye", "Türkiye"),
        ("Russian Federation", "Russia"),
        ("National Intelligence Organization", "MIT"),
        ("Turkish intelligence", "MIT"),
        ("Milli Istihbarat Teskilati", "MIT"),
        ("Federal Security Service", "FSB"),
        ("Kremlin", "Kremlin"),
        ("Russian government", "Kremlin"),
        ("Turkish police", "Turkish police"),
        ("Central Intelligence Agency", "CIA"),
        ("President Recep Tayyip Erdoğan", "Recep Tayyip Erdoğan"),
        ("Erdogan", "Recep Tayyip Erdoğan"),
        ("Russian President Vladimir Putin", "Vladimir Putin"),
        ("Ankara", "Türkiye"),  # a metonym answers lookup, after the aliases
    ],
)
def test_lookup_by_alias(gaz: Gazetteer, alias: str, canonical: str) -> None:
    actor = gaz.lookup(alias)
    assert actor is not None and actor.name == canonical


def test_lookup_unknown(gaz: Gazetteer) -> None:
    assert gaz.lookup("Not An Actor At All") is None
    assert gaz.lookup("") is None
    with pytest.raises(NotFoundError):
        gaz.resolve("Not An Actor At All")


def test_pkk_and_ypg_stay_separate(gaz: Gazetteer) -> None:
    pkk, ypg = gaz.resolve("PKK"), gaz.resolve("YPG")
    assert pkk != ypg and ypg.kind == "armed_group"
    assert not gaz.related("PKK", "YPG")
    assert names(gaz, "strikes on PKK/YPG positions") == ["PKK", "YPG"]


def test_affiliates_recursive(gaz: Gazetteer) -> None:
    assert {"Daesh-K", "ISWAP", "IS Sahel", "ISCAP"} <= set(gaz.affiliates("Daesh"))
    assert {"AQAP", "AQIM", "JNIM", "al-Shabaab", "AQIS"} <= set(gaz.affiliates("al-Qaida"))
    assert "Daesh-K" not in gaz.affiliates("al-Qaeda")
    assert gaz.affiliates("Daesh-K") == []
    türkiye = gaz.affiliates("Turkey")
    # the police is a branch of the Interior Ministry, itself a branch of the state
    assert {"MIT", "Turkish Interior Ministry", "Turkish police"} <= set(türkiye)
    assert türkiye.index("Turkish Interior Ministry") < türkiye.index("Turkish police")
    assert gaz.ancestors("Turkish police") == ["Turkish Interior Ministry", "Türkiye"]
    assert gaz.related("Daesh", "ISKP") and gaz.related("Kremlin", "Russia")
    with pytest.raises(NotFoundError):
        gaz.affiliates("nobody")


# -- mentions --------------------------------------------------------------------------------


def test_mentions_longest_match_with_offsets(gaz: Gazetteer) -> None:
    text = "Analysts say Islamic State Khorasan Province (ISIS-K), not ISIS, did it."
    found = gaz.find_mentions(text)
    assert [(m.surface, m.actor.name) for m in found] == [
        ("Islamic State Khorasan Province", "Daesh-K"),
        ("ISIS-K", "Daesh-K"),
        ("ISIS", "Daesh"),
    ]
    for m in found:
        assert text[m.start : m.end] == m.surface


def test_short_capital_aliases_are_case_sensitive(gaz: Gazetteer) -> None:
    text = "It is what it is, and it was us who said so; Is it? mit aq"
    assert names(gaz, text) == []
    assert names(gaz, "IS claimed it, MIT said, AQ denied, US agreed") == [
        "Daesh",
        "MIT",
        "al-Qaeda",
        "United States",
    ]
    assert names(gaz, "THIS IS WAR") == []


def test_word_boundaries(gaz: Gazetteer) -> None:
    assert names(gaz, "ISISK and DaeshK and Hamasville and Kremlinology") == []
    assert names(gaz, "Daesh’s plot and Hamas's claim") == ["Daesh", "Hamas"]


def test_phrase_does_not_cross_a_sentence(gaz: Gazetteer) -> None:
    assert names(gaz, "He spoke of Islamic. State officials left.") == []


def test_capital_city_is_a_place_not_an_actor(gaz: Gazetteer) -> None:
    for text in (
        "an attack at a Moscow concert hall",
        "the terrorist attack in Moscow",
        "They had been residing in Moscow for a long period.",
        "a blast in Ankara",
        "Moscow Region officials",
    ):
        assert names(gaz, text) == []
        assert names(gaz, text, metonyms=True) == []


def test_capital_as_metonym_only_when_asked(gaz: Gazetteer) -> None:
    assert names(gaz, "Ankara has been on high alert") == []
    assert names(gaz, "Ankara has been on high alert", metonyms=True) == ["Türkiye"]
    found = gaz.find_mentions("intelligence that helped Moscow thwart it", metonyms=True)
    assert [(m.actor.name, m.metonym) for m in found] == [("Russia", True)]


def test_demonym(gaz: Gazetteer) -> None:
    assert gaz.by_demonym("Turkish").name == "Türkiye"  # type: ignore[union-attr]
    assert gaz.by_demonym("Martian") is None


@given(st.text(alphabet=st.sampled_from(list("ISisMTaqQ-K ’'.\u2011dDeh")), max_size=40))
def test_mentions_slice_the_text(s: str) -> None:
    gaz = Gazetteer.builtin()
    last_end = 0
    for m in gaz.find_mentions(s, metonyms=True):
        assert s[m.start : m.end] == m.surface
        assert m.start >= last_end  # no overlap
        last_end = m.end


# -- extending -------------------------------------------------------------------------------


def test_immutable_extension(gaz: Gazetteer) -> None:
    bigger = gaz.with_actor(Actor("Example Front", "armed_group", aliases=("EF-X",)))
    assert bigger.lookup("ef x") is not None and gaz.lookup("ef x") is None
    linked = bigger.with_link("EF-X", "Daesh").with_alias("Example Front", "The Examples")
    assert "Example Front" in linked.affiliates("Daesh")
    assert "Example Front" not in bigger.affiliates("Daesh")
    assert linked.resolve("the examples").name == "Example Front"
    assert [m.actor.name for m in linked.find_mentions("The Examples struck")] == ["Example Front"]


def test_from_records_replays_the_registry() -> None:
    records = [
        {"kind": "actor.added", "payload": {"name": "Cell 7", "kind": "armed_group"}},
        {"kind": "event.recorded", "payload": {"anything": 1}},  # ignored
        {"kind": "actor.alias_added", "name": "Cell 7", "alias": "Seventh Cell"},
        {"type": "actor.affiliated", "payload": {"actor": "seventh cell", "parent": "ISKP"}},
    ]
    gaz = Gazetteer.from_records(records)
    assert gaz.resolve("Seventh Cell").parent == "Daesh-K"
    assert "Cell 7" in gaz.affiliates("Daesh")
    empty = Gazetteer.from_records(records[:1], base=Gazetteer())
    assert len(empty) == 1


@pytest.mark.parametrize(
    "records",
    [
        [{"kind": "actor.added", "payload": {"name": "Daesh", "kind": "armed_group"}}],
        [{"kind": "actor.added", "payload": {"name": "X", "kind": "wizard"}}],
        [{"kind": "actor.added", "payload": {"kind": "state"}}],
        [{"kind": "actor.added", "payload": {"name": "New", "kind": "other", "aliases": ["ISIS"]}}],
        [{"kind": "actor.alias_added", "payload": {"name": "nobody", "alias": "x"}}],
        [{"kind": "actor.alias_added", "payload": {"name": "Hamas", "alias": "ISIS"}}],
        [{"kind": "actor.affiliated", "payload": {"name": "Daesh", "parent": "Daesh-K"}}],
        [{"kind": "actor.affiliated", "payload": {"name": "Daesh", "parent": "nobody"}}],
        ["not a mapping"],
    ],
)
def test_bad_records_raise_timeline_errors(records: list) -> None:
    with pytest.raises(TimelineError):
        Gazetteer.from_records(records)


def test_constructor_checks() -> None:
    with pytest.raises(UsageError):
        Gazetteer([Actor("A", "other", parent="B")])
    with pytest.raises(UsageError):
        Gazetteer([Actor("A", "other", parent="B"), Actor("B", "other", parent="A")])
    with pytest.raises(UsageError):
        Actor("---", "other")
