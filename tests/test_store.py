"""Store contract: append-only, atomic batches, versions, the hash chain."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import event_fields
from timeline import db as tldb
from timeline import records as rk
from timeline.errors import ConcurrencyError, StoreError
from timeline.records import NewRecord
from timeline.schema import records
from timeline.store import Store


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    """The contract holds on every backend: each test runs on SQLite and on PostgreSQL."""
    engine = tldb.create(tldb.resolve_url(db))
    tldb.ensure_schema(engine)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[Store]:
    engine = tldb.create(tldb.resolve_url(str(db_path)))
    tldb.ensure_schema(engine)
    yield Store(engine)
    engine.dispose()


def test_append_assigns_positions_versions_and_chains_hashes(store: Store) -> None:
    first = store.append([NewRecord("s-1", "test.kind", {"n": 1}, 0)], recorded_by="a")
    more = store.append(
        [NewRecord("s-1", "test.kind", {"n": 2}, 1), NewRecord("s-2", "test.kind", {"n": 3}, 0)],
        recorded_by="b",
    )
    got = list(store.read())
    assert [r.position for r in got] == [1, 2, 3]
    assert [(r.stream_id, r.version) for r in got] == [("s-1", 1), ("s-1", 2), ("s-2", 1)]
    assert got[0].prev_hash == rk.GENESIS_HASH
    assert got[1].prev_hash == got[0].hash and got[2].prev_hash == got[1].hash
    assert [r.payload for r in got] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert first[0].hash == got[0].hash and more[-1].hash == store.head()[1]
    assert got[1].recorded_by == "b"


def test_wrong_expected_version_appends_nothing(store: Store) -> None:
    store.append([NewRecord("s-1", "k", {}, 0)], recorded_by="a")
    with pytest.raises(ConcurrencyError, match="version 1, not 0"):
        store.append(
            [NewRecord("s-2", "k", {}, 0), NewRecord("s-1", "k", {}, 0)], recorded_by="a"
        )
    assert [r.stream_id for r in store.read()] == ["s-1"]


def test_a_failing_projector_rolls_the_whole_batch_back(store: Store) -> None:
    def explode(conn: object, batch: object) -> None:
        raise RuntimeError("projector failed")

    store.projector = explode
    with pytest.raises(RuntimeError):
        store.append([NewRecord(f"s-{i}", "k", {}, 0) for i in range(5)], recorded_by="a")
    assert list(store.read()) == []


def test_read_pages_through_a_long_log_and_filters(store: Store) -> None:
    store.append([NewRecord(f"s-{i}", "k", {"i": i}, 0) for i in range(12_000)],
                 recorded_by="a")
    assert sum(1 for _ in store.read()) == 12_000
    assert [r.position for r in store.read(since_position=11_998)] == [11_999, 12_000]
    assert [r.payload for r in store.read(stream_id="s-7")] == [{"i": 7}]


def _raw(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None)
    return conn


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE records SET payload = '{}' WHERE position = 1",
        "DELETE FROM records WHERE position = 1",
        "DELETE FROM records",
        "INSERT OR REPLACE INTO records SELECT * FROM records WHERE position = 1",
        "REPLACE INTO records (position, record_id, stream_id, version, kind, schema_version,"
        " payload, recorded_at, recorded_by, prev_hash, hash) VALUES (1, 'x', 'y', 1, 'k', 1,"
        " '{}', 'now', 'me', 'p', 'h')",
        "INSERT OR REPLACE INTO records (position, record_id, stream_id, version, kind,"
        " schema_version, payload, recorded_at, recorded_by, prev_hash, hash) VALUES"
        " (99, 'new', 's-1', 1, 'k', 1, '{}', 'now', 'me', 'p', 'h')",
    ],
)
def test_the_database_itself_refuses_to_change_records(
    sqlite_store: Store, db_path: Path, statement: str
) -> None:
    sqlite_store.append([NewRecord("s-1", "k", {"n": 1}, 0)], recorded_by="a")
    before = [tuple(r) for r in _raw(db_path).execute("SELECT * FROM records")]
    conn = _raw(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(statement)
    conn.close()
    assert [tuple(r) for r in _raw(db_path).execute("SELECT * FROM records")] == before


def test_verify_chain_names_the_first_tampered_position(tl: object, db_path: Path) -> None:
    ids = tl.add_many([event_fields(summary=f"event {i}") for i in range(5)])  # type: ignore[attr-defined]
    assert len(ids) == 5
    assert tl.verify().ok  # type: ignore[attr-defined]
    conn = _raw(db_path)
    conn.execute("DROP TRIGGER records_no_update")
    (target,) = conn.execute(
        "SELECT position FROM records WHERE payload LIKE '%event 2%'").fetchone()
    conn.execute(
        "UPDATE records SET payload = replace(payload, 'event 2', 'event X') WHERE position = ?",
        (target,),
    )
    conn.close()
    report = tl.verify()  # type: ignore[attr-defined]
    assert not report.ok
    assert report.bad_position == target
    assert report.count == target - 1


def test_verify_detects_a_deleted_record(tl: object, db_path: Path) -> None:
    tl.add_many([event_fields(summary=f"event {i}") for i in range(4)])  # type: ignore[attr-defined]
    conn = _raw(db_path)
    conn.execute("DROP TRIGGER records_no_delete")
    (target,) = conn.execute(
        "SELECT position FROM records WHERE payload LIKE '%event 1%'").fetchone()
    conn.execute("DELETE FROM records WHERE position = ?", (target,))
    conn.close()
    report = tl.verify()  # type: ignore[attr-defined]
    assert report.bad_position == target
    assert "missing" in (report.problem or "")


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    before = path.read_bytes()
    engine = tldb.create(tldb.resolve_url(str(path)))
    with pytest.raises(StoreError, match="not a SQLite database"):
        tldb.ensure_schema(engine)
    engine.dispose()
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(sqlite_store: Store, db_path: Path) -> None:
    conn = _raw(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    engine = tldb.create(tldb.resolve_url(str(db_path)))
    with pytest.raises(StoreError, match="newer than this version"):
        tldb.ensure_schema(engine)


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.commit()
    conn.close()
    engine = tldb.create(tldb.resolve_url(str(path)))
    with pytest.raises(StoreError, match="not a timeline database"):
        tldb.ensure_schema(engine)


def test_records_table_matches_what_select_returns(store: Store) -> None:
    store.append([NewRecord("s-1", "k", {"a": "é"}, 0)], recorded_by="a")
    with store.engine.connect() as conn:
        row = conn.execute(select(records)).one()
    assert row.payload == '{"a":"é"}'
