from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches a user's data: the default database is a temporary file."""
    monkeypatch.setenv("TIMELINE_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("TIMELINE_USER", "tester")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


@pytest.fixture
def tl(db_path: Path) -> Iterator[object]:
    from timeline.api import Timeline

    with Timeline(str(db_path)) as timeline:
        yield timeline


def event_fields(**overrides: object) -> dict[str, object]:
    """Fields of an event with an already resolved date (no date parsing involved)."""
    fields: dict[str, object] = dict(
        type="attack",
        summary="Gunmen attack a concert hall",
        earliest="2024-03-22",
        latest="2024-03-22",
        precision="day",
        date_text="22 March 2024",
        reference="2024-06-18",
        edtf="2024-03-22",
        actors=["Daesh-K"],
        location="Krasnogorsk, Russia",
        killed=144,
        injured=360,
    )
    fields.update(overrides)
    return fields
