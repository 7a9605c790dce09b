"""Short event ids can collide by chance: a collision gets a fresh id, never a failure or a skip."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest

from tests.conftest import event_fields
from timeline import events as ev


def test_colliding_random_ids_are_replaced(tl: object, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = itertools.chain(["ev-00000000aa"] * 3, (f"ev-{n:010x}" for n in itertools.count(1)))
    monkeypatch.setattr(ev, "new_event_id", lambda: next(ids))
    first = tl.add_many([event_fields(summary="one")])  # type: ignore[attr-defined]
    more = tl.add_many([event_fields(summary="two"), event_fields(summary="three")])  # type: ignore[attr-defined]
    assert first == ["ev-00000000aa"]
    assert len(set(first + more)) == 3
    shown = {e["id"]: e["summary"] for e in tl.show()}  # type: ignore[attr-defined]
    assert sorted(shown.values()) == ["one", "three", "two"]


def test_import_rows_whose_derived_ids_collide_are_all_kept(
    tl: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ev.ids_for_key
    monkeypatch.setattr(ev, "ids_for_key", lambda key: ("ev-00000000bb", real(key)[1]))
    rows = "type,summary,earliest\nattack,first,2024-01-01\nattack,second,2024-01-02\n"
    result = tl.import_events(io.StringIO(rows), "csv")  # type: ignore[attr-defined]
    assert (result.added, result.skipped) == (2, 0)
    again = tl.import_events(io.StringIO(rows), "csv")  # type: ignore[attr-defined]
    assert (again.added, again.skipped) == (0, 2)
    assert [e["summary"] for e in tl.show()] == ["first", "second"]  # type: ignore[attr-defined]


def test_amend_returns_the_version_it_wrote(
    tl: object, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.api import Timeline

    [event_id] = tl.add_many([event_fields()])  # type: ignore[attr-defined]
    other = Timeline(str(db_path))
    store = tl.store  # type: ignore[attr-defined]
    real_append = store.append

    def append_then_someone_else(batch: object, **kwargs: object) -> object:
        stored = real_append(batch, **kwargs)
        other.amend(event_id, reason="b", killed=2)  # another writer goes on at once
        return stored

    monkeypatch.setattr(store, "append", append_then_someone_else)
    try:
        doc = tl.amend(event_id, reason="a", killed=1)  # type: ignore[attr-defined]
    finally:
        other.close()
    assert (doc["version"], doc["killed"]) == (2, 1)
    now = tl.get(event_id)  # type: ignore[attr-defined]
    assert (now["version"], now["killed"]) == (3, 2)
