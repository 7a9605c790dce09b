"""Moving a log between backends, and the append-only guards on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import _postgres_database
from timeline.cli import app
from timeline.db import HEAD_REVISION

runner = CliRunner()


@pytest.fixture
def pg() -> Iterator[str]:
    yield from _postgres_database()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def populate(db: str) -> None:
    for args in (
        ["-t", "attack", "-s", "Concert hall attack", "-d", "on March 22", "--ref", "2024-06-18",
         "-a", "ISIS-K", "--killed", "144"],
        ["-t", "detention", "-s", "32 detained", "-d", "In December last year", "--ref",
         "2024-06-18", "-a", "Turkish security forces:agent", "--detained", "32"],
    ):
        code, _, err = invoke("add", "--db", db, *args)
        assert code == 0, err


def test_copy_sqlite_to_postgresql_and_back(db_path: Path, pg: str, tmp_path: Path) -> None:
    source = str(db_path)
    populate(source)
    code, out, err = invoke("db", "copy", "--db", source, "--to", pg)
    assert code == 0, err
    _, verified_source, _ = invoke("verify", "--db", source)
    _, verified_pg, _ = invoke("verify", "--db", pg)
    assert verified_pg == verified_source  # same count, same head hash
    assert out.split()[1] == verified_source.split()[1]
    shown = [invoke("show", "--db", d, "--format", "json")[1] for d in (source, pg)]
    assert json.loads(shown[0]) == json.loads(shown[1])
    back = str(tmp_path / "back.db")
    code, _, err = invoke("db", "copy", "--db", pg, "--to", back)
    assert code == 0, err
    assert invoke("verify", "--db", back)[1] == verified_source
    assert json.loads(invoke("show", "--db", back, "--format", "json")[1]) == json.loads(
        shown[0])


def test_copy_refuses_a_target_that_holds_records(db_path: Path, tmp_path: Path) -> None:
    source, target = str(db_path), str(tmp_path / "other.db")
    populate(source)
    populate(target)
    before = Path(target).read_bytes()
    code, _, err = invoke("db", "copy", "--db", source, "--to", target)
    assert code == 1
    assert err.startswith("Error: the target") and "already holds" in err
    assert Path(target).read_bytes() == before


def test_postgresql_refuses_update_delete_and_truncate(pg: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    populate(pg)
    engine = create_engine(pg)
    try:
        for statement in ("UPDATE records SET payload = '{}'", "DELETE FROM records",
                          "TRUNCATE records",
                          "INSERT INTO records SELECT * FROM records WHERE position = 1 "
                          "ON CONFLICT (position) DO UPDATE SET payload = '{}'"):
            with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(statement))
        with engine.connect() as conn:
            triggers = set(conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'records'::regclass "
                "AND NOT tgisinternal")).scalars())
    finally:
        engine.dispose()
    assert {"records_no_update", "records_no_truncate"} <= triggers


def test_db_info_names_backend_and_revision(db: str) -> None:
    populate(db)
    code, out, _ = invoke("db", "info", "--db", db)
    assert code == 0
    info = dict(line.split(None, 1) for line in out.splitlines())
    assert info["revision"] == HEAD_REVISION
    assert info["events"] == "2"
    assert "***" in info["url"] or "://" not in db
