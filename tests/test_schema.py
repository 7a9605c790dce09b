"""Migrations: the head constant, the declared metadata, the guards, packaging."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import event_fields
from timeline import db as tldb
from timeline.schema import metadata

ROOT = Path(__file__).resolve().parents[1]
TRIGGERS = {"records_no_update", "records_no_delete", "records_no_replace"}


def _triggers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    conn.close()
    return names


def test_head_constant_is_the_script_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(tldb.alembic_config())
    assert script.get_heads() == [tldb.HEAD_REVISION]
    assert {rev.revision for rev in script.walk_revisions()} == tldb.known_revisions()


def test_upgrading_an_empty_database_yields_the_declared_metadata(db_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = tldb.create(tldb.resolve_url(str(db_path)))
    tldb.ensure_schema(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_triggers_survive_alembic_upgrade_head_from_the_command_line(db_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"),
         "-x", f"db={db_path}", "upgrade", "head"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert TRIGGERS <= _triggers(db_path)
    # And again: a second upgrade is a no-op that keeps them.
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"),
         "-x", f"db={db_path}", "upgrade", "head"],
        cwd=ROOT, capture_output=True, check=True,
    )
    assert TRIGGERS <= _triggers(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
        tldb.HEAD_REVISION
    )
    conn.close()


def test_opening_a_database_at_head_does_not_import_alembic(db_path: Path) -> None:
    engine = tldb.create(tldb.resolve_url(str(db_path)))
    tldb.ensure_schema(engine)
    engine.dispose()
    code = (
        "import sys; from timeline import db; "
        f"e = db.create(db.resolve_url({str(db_path)!r})); db.ensure_schema(e); "
        "print('alembic' in sys.modules, 'dateparser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_failed_migration_rolls_back_entirely(db_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    """The transactional recipe: DDL of a failing migration leaves no half-made schema."""
    from sqlalchemy import text

    engine = tldb.create(tldb.resolve_url(str(db_path)))

    def broken_upgrade(conn: object, target: str = "head") -> None:
        conn.execute(text("CREATE TABLE half_made (x INTEGER)"))  # type: ignore[attr-defined]
        raise RuntimeError("migration failed halfway")

    monkeypatch.setattr(tldb, "upgrade", broken_upgrade)
    with pytest.raises(RuntimeError):
        tldb.ensure_schema(engine)
    engine.dispose()
    conn = sqlite3.connect(db_path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    conn.close()
    assert tables == []


@pytest.mark.slow
def test_the_wheel_ships_the_migrations(tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "src"  # build a copy: building writes build/ and egg-info/
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("timeline", "migrations"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
         str(tmp_path / "dist"), str(source)],
        capture_output=True, check=True,
    )
    wheel = next((tmp_path / "dist").glob("timeline-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "timeline/migrations/env.py" in names
    assert "timeline/migrations/script.py.mako" in names
    assert f"timeline/migrations/versions/{tldb.HEAD_REVISION}.py" in names
    assert "timeline/data/demo.json" in names



FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("rev-*.db")), ids=lambda p: p.stem)
def test_a_database_of_each_earlier_revision_migrates_with_its_log_intact(
    fixture: Path, tmp_path: Path
) -> None:
    """Each fixture was made by the code of its revision; opening it migrates it to head."""
    from timeline.api import Timeline

    path = tmp_path / fixture.name
    path.write_bytes(fixture.read_bytes())
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT * FROM records ORDER BY position").fetchall()
    conn.close()
    with Timeline(str(path)) as tl:
        report = tl.verify()
        assert report.ok, report
        assert report.count == len(before)
        events = list(tl.show(include_retracted=True))
        assert events and all(e["label"] for e in events)
        assert list(tl.show(actor="Wilayat Khorasan"))  # an alias recorded in the old log
    conn = sqlite3.connect(path)
    after = conn.execute("SELECT * FROM records ORDER BY position").fetchall()
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    conn.close()
    assert after == before
    assert revision == tldb.HEAD_REVISION
    assert TRIGGERS <= _triggers(path)


def test_there_is_a_fixture_for_every_revision_but_head() -> None:
    made = {p.stem.removeprefix("rev-") for p in FIXTURES.glob("rev-*.db")}
    assert made == tldb.known_revisions() - {tldb.HEAD_REVISION}


def test_down_to_the_first_revision_and_up_again_keeps_the_log(db_path: Path) -> None:
    from timeline.api import Timeline

    with Timeline(str(db_path), user="test") as tl:
        [kept, changed] = tl.add_many([event_fields(summary="kept"),
                                       event_fields(summary="changed", actors=["ISKP"])])
        tl.amend(changed, killed=3, reason="toll")
        shown = list(tl.show())
    before = sqlite3.connect(db_path).execute("SELECT * FROM records").fetchall()

    def alembic(*args: str) -> None:
        run = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"),
             "-x", f"db={db_path}", *args], cwd=ROOT, capture_output=True, text=True,
            check=False)
        assert run.returncode == 0, run.stderr

    alembic("downgrade", "0001_initial")
    alembic("upgrade", "head")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT * FROM records").fetchall() == before
    conn.close()
    with Timeline(str(db_path), user="test") as tl:  # the read tables are refolded on open
        assert list(tl.show()) == shown
        assert tl.verify().ok
