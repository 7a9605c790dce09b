"""The read tables: lean event rows, the two plans of `show --actor`, verify under writes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from tests.conftest import event_fields
from timeline import projections
from timeline.api import Timeline
from timeline.errors import UsageError
from timeline.events import PRECISIONS
from timeline.schema import events, projection_state, records

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


def test_a_late_from_day_makes_a_frequent_actor_gathered_not_walked(crowded: Timeline) -> None:
    """The walk would step over every event before the day first: past the count's bound,
    gathering the actor's events is the plan (both give the same answer, tested above)."""
    with crowded.engine.connect() as conn:
        wanted = [projections.event_actors.c.actor_key.in_(
            sorted(projections.resolve_actor(conn, "PKK")))]
        assert projections._frequent(conn, wanted, 1)
        assert projections._frequent(conn, wanted, 1, "2015-06-01")
        assert not projections._frequent(conn, wanted, 1, "2023-06-01")
    late = list(crowded.show(actor="PKK", date_from="2023-06-01"))
    assert late and list(crowded.show(actor="PKK", date_from="2023-06-01", limit=3)) == late[:3]


def test_an_event_as_recorded_is_stored_once_and_reads_back_whole(db: str) -> None:
    with Timeline(db, user="test") as tl:
        [kept, changed, gone] = tl.add_many(many(3, every="ISKP", rare="MIT:agent"))
        tl.amend(changed, killed=4, reason="toll")
        tl.retract(gone, reason="duplicate")
        with tl.engine.connect() as conn:
            docs = dict(conn.execute(
                select(records.c.stream_id, events.c.doc)
                .join_from(events, records, records.c.position == events.c.first_position)
            ).all())
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


# -- any sequence of changes -----------------------------------------------------------------
ACTORS = ("Daesh-K", "ISKP", "PKK", "MIT:agent", "Türkiye:target", "al-Shabaab")
DAYS = ("2023-12-01", "2024-01-21", "2024-03-22", "2024-05-07")
steps = st.lists(st.one_of(
    st.tuples(st.just("add"), st.lists(st.sampled_from(ACTORS), max_size=3),
              st.sampled_from(DAYS), st.text(max_size=12)),
    st.tuples(st.just("amend"), st.integers(0, 20), st.sampled_from(("killed", "actors",
                                                                     "date", "summary"))),
    st.tuples(st.just("retract"), st.integers(0, 20)),
), min_size=1, max_size=12)


def folded_by_hand(tl: Timeline, event_id: str) -> dict[str, Any]:
    """The event's document folded from its history alone, with no read table involved."""
    from timeline import events as ev

    doc: dict[str, Any] = {}
    for record in tl.history(event_id):
        if record["kind"] == "event.recorded":
            doc = ev.recorded(event_id, record["payload"], record["recorded_at"])
        elif record["kind"] == "event.amended":
            doc = ev.amended(doc, record["payload"]["changes"], record["recorded_at"])
        else:
            doc = ev.retracted(doc, record["recorded_at"])
    return doc


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_any_sequence_of_changes_reads_back_as_its_history_folds(
    tmp_path_factory: pytest.TempPathFactory, plan: list[tuple[Any, ...]]
) -> None:
    path = tmp_path_factory.mktemp("plan") / "t.db"
    with Timeline(str(path), user="test") as tl:
        ids: list[str] = []
        for step in plan:
            if step[0] == "add":
                _, actors, day, summary = step
                ids += tl.add_many([event_fields(
                    summary=summary.strip() or "an event", actors=actors, earliest=day,
                    latest=day, edtf=day, date_text=day)])
            elif ids:
                event_id = ids[step[1] % len(ids)]
                if tl.get(event_id)["status"] == "retracted":
                    continue
                if step[0] == "retract":
                    tl.retract(event_id, reason="test")
                    continue
                field = step[2]
                changes: dict[str, Any] = {
                    "killed": {"killed": len(tl.history(event_id))},
                    "actors": {"actors": ["PKK:victim", "Daesh"]},
                    "date": {"date": "late January", "ref": date(2024, 5, 7)},
                    "summary": {"summary": f"changed {len(tl.history(event_id))}"},
                }[field]
                try:
                    tl.amend(event_id, reason="test", **changes)
                except UsageError:  # nothing to amend: the event already says so
                    pass
        shown = {e["id"]: e for e in tl.show(include_retracted=True)}
        assert set(shown) == set(ids)
        for event_id in ids:
            assert shown[event_id] == folded_by_hand(tl, event_id) == tl.get(event_id)
        for key in ("PKK", "Daesh-K"):
            expect = {i for i in ids if shown[i]["status"] == "active" and any(
                a["name"] == key for a in shown[i]["actors"])}
            assert expect <= {e["id"] for e in tl.show(actor=key, exact=True)}
        report = tl.verify()
        assert report.ok, report
        tl.rebuild()
        assert {e["id"]: e for e in tl.show(include_retracted=True)} == shown


def test_a_document_has_every_field_in_display_order_and_only_the_events() -> None:
    from timeline import events as ev

    payload = ev.build(event_fields(actors=["ISKP"]))
    canonical = dict(sorted(payload.items()))  # key order as the log's JSON has it
    doc = ev.recorded("ev-0123456789", canonical, "2024-06-18T00:00:00Z")
    assert list(doc) == list(ev.DOC_FIELDS)
    assert doc["summary"] == payload["summary"] and doc["label"] == "22 Mar 2024"
    stranger = {**canonical, "colour": "red", "id": "ev-ffffffffff"}  # keys of another tool
    other = ev.recorded("ev-0123456789", stranger, "2024-06-18T00:00:00Z")
    assert other == doc and list(other) == list(ev.DOC_FIELDS)


def test_read_tables_compare_by_content_not_by_the_order_rows_were_stored() -> None:
    rows = [{"name": name, "position": position}
            for name, position in (("a", 1), ("b", 2), ("c", 3))]
    with projections.scratch() as one, projections.scratch() as two:
        with one.begin() as conn:
            conn.execute(projection_state.insert(), rows)
        with two.begin() as conn:
            conn.execute(projection_state.insert(), rows[::-1])
        with one.connect() as a, two.connect() as b:
            assert projections.same(a, b)
        with two.begin() as conn:
            conn.execute(update(projection_state).where(projection_state.c.name == "b")
                         .values(position=5))
        with one.connect() as a, two.connect() as b:
            assert not projections.same(a, b)


@settings(max_examples=300, deadline=None)
@given(first=st.dates(), length=st.integers(0, 4000), open_side=st.sampled_from((None, 0, 1)),
       precision=st.sampled_from(PRECISIONS), mod=st.sampled_from((None, "START", "MID", "END",
                                                                    "APPROX", "ON_OR_BEFORE")))
def test_a_label_made_without_the_date_grammar_is_the_date_layers(
    first: date, length: int, open_side: int | None, precision: str, mod: str | None
) -> None:
    from datetime import timedelta

    from timeline import events as ev
    from timeline.dates import DateSpan

    last = first + timedelta(days=length) if length <= (date.max - first).days else date.max
    days = [first.isoformat(), last.isoformat()]
    if open_side is not None:
        days[open_side] = None
    doc = {"earliest": days[0], "latest": days[1], "precision": precision, "mod": mod,
           "reference": "2024-06-18", "edtf": "x", "date_text": "t"}
    assert ev._label_now(doc) == DateSpan.from_dict(doc).label()


_day = st.one_of(st.none(), st.just(""), st.dates().map(date.isoformat))


@settings(max_examples=100, deadline=None)
@given(spans=st.lists(st.tuples(_day, _day), min_size=1, max_size=8))
def test_the_fold_orders_each_event_by_events_sort_key(spans: list[tuple[Any, Any]]) -> None:
    """The fold makes the sort key inline; it is events.sort_key's, raw or decoded payloads."""
    import orjson

    from timeline import events as ev
    from timeline import records as rk

    payloads = [dict(event_fields(earliest=a, latest=b), actors=[{"name": "ISKP",
                                                                  "role": "perpetrator"}])
                for a, b in spans]
    raw = [(n, None, rk.EVENT_RECORDED, 1, orjson.dumps(p), None)
           for n, p in enumerate(payloads, 1)]
    decoded = [(n, f"ev-{n:010x}", rk.EVENT_RECORDED, 1, p, "2026-11-25T00:00:00Z")
               for n, p in enumerate(payloads, 1)]
    for rows, is_decoded in ((raw, False), (decoded, True)):
        with projections.scratch() as engine, engine.begin() as conn:
            projections._fold(conn, [rows], decoded=is_decoded)
            keys = conn.execute(select(events.c.sort_key).order_by(events.c.first_position))
            assert keys.scalars().all() == [ev.sort_key(p) for p in payloads]
