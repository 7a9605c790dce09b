"""The read tables: lean event rows, the two plans of `show --actor`, verify under writes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import event_fields
from timeline import projections
from timeline.api import Timeline
from timeline.schema import events

WORKERS = Path(__file__).resolve().parent / "helpers" / "workers.py"


def many(n: int, *, every: str, rare: str) -> list[dict[str, Any]]:
    """n events over a few years, ``every`` in each (perpetrator or target by turns), ``rare``
    in one in fifty; types rotate."""
    out = []
    for k in range(n):
        actors = [f"{every}:{'perpetrator' if k % 2 else 'target'}"]
        if k % 50 == 0:
            actors.append(rare)
        day = f"{2015 + k % 9}-{1 + k % 12:02d}-{1 + (k * 7) % 28:02d}"
        out.append(event_fields(
            summary=f"Event {k}", actors=actors, type=("attack", "detention", "statement")[k % 3],
            earliest=day, latest=day, precision="day", date_text=day, reference=day))
    return out


@pytest.fixture
def crowded(db: str) -> Iterator[Timeline]:
    """1,300 events: enough rows for an actor to count as frequent for a small --limit."""
    with Timeline(db, user="test") as tl:
        ids = tl.add_many(many(1300, every="PKK", rare="Daesh-K"))
        tl.amend(ids[10], summary="Event 10, amended", earliest="2014-01-01",
                 latest="2014-01-31", precision="month", reason="test")
        tl.retract(ids[20], reason="test")
        yield tl


@pytest.mark.parametrize("filters", [
    {"actor": "PKK"},
    {"actor": "PKK", "role": "target"},
    {"actor": "PKK", "types": ["attack"], "date_from": "2016-01-01"},
    {"actor": "PKK", "include_retracted": True},
    {"actor": "Daesh-K"},
    {"role": "perpetrator"},
], ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
@pytest.mark.parametrize("limit", [1, 7, 50])
def test_a_limited_show_is_the_start_of_the_whole_answer_whichever_plan_runs(
    crowded: Timeline, filters: dict[str, Any], limit: int
) -> None:
    whole = list(crowded.show(**filters))
    with crowded.engine.connect() as conn:
        keys = projections.resolve_actor(conn, filters.get("actor", "PKK"))
        frequent = projections._frequent(
            conn, [projections.event_actors.c.actor_key.in_(sorted(keys))], limit)
    assert frequent == (filters.get("actor", "PKK") == "PKK")  # both plans are exercised
    assert whole and list(crowded.show(**filters, limit=limit)) == whole[:limit]


def test_an_event_as_recorded_is_stored_once_and_reads_back_whole(db: str) -> None:
    with Timeline(db, user="test") as tl:
        [kept, changed, gone] = tl.add_many(many(3, every="ISKP", rare="MIT:agent"))
        tl.amend(changed, killed=4, reason="toll")
        tl.retract(gone, reason="duplicate")
        with tl.engine.connect() as conn:
            docs = dict(conn.execute(select(events.c.id, events.c.doc)).all())
        assert docs[kept] is None  # the log holds its document
        assert docs[changed] is not None and docs[gone] is not None
        shown = {e["id"]: e for e in tl.show(include_retracted=True)}
        assert shown[kept] == tl.get(kept)
        assert shown[kept]["actors"] == [{"name": "Daesh-K", "role": "target"},
                                         {"name": "MIT", "role": "agent"}]
        assert shown[kept]["label"] and shown[kept]["version"] == 1
        assert shown[changed]["killed"] == 4 and shown[changed]["version"] == 2
        assert shown[gone]["status"] == "retracted"
        # The timeline as it stood before the amendment, folded into a scratch database.
        before = {e["id"]: e for e in tl.show(as_of=shown[kept]["recorded_at"])}
        assert before[changed]["version"] == 1 and before[changed]["killed"] == 144
        assert before[kept] == shown[kept]
        report = tl.verify()
        assert report.ok, report


def test_verify_reads_one_moment_while_another_process_appends(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with Timeline(str(path), user="test") as tl:
        tl.add_many(many(20, every="PKK", rare="ISIS"))
        go = tmp_path / "go"
        with subprocess.Popen(
            [sys.executable, str(WORKERS), "appends", str(path), str(go), "60", "20", "w"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ) as writer:
            try:
                assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
                go.touch()
                reports = []
                while writer.poll() is None or not reports:
                    reports.append(tl.verify())
            finally:
                writer.kill()
                writer.communicate()
        counts = {r.count for r in reports}
        assert all(r.ok for r in reports), [r for r in reports if not r.ok][:1]
        assert len(counts) > 1  # verify did run while records were being added
