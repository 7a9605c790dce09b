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


BACKENDS = ["sqlite", "postgresql"]
PG_ENV = "TIMELINE_TEST_POSTGRES"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend: a SQLite path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "t.db")
        return
    yield from _postgres_database()


def _postgres_database() -> Iterator[str]:
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = os.environ.get(PG_ENV)
    if not server:
        message = (f"no PostgreSQL server: set {PG_ENV}=postgresql+psycopg://user:pw@host/db "
                   "(CI starts one with .ci/install-postgres.sh)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a server that is configured but down
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {type(exc).__name__}")
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fingerprint(db: str) -> object:
    """What must not change when a command is refused: a SQLite file's bytes, or every row."""
    if "://" not in db:
        path = Path(db)
        return path.read_bytes() if path.exists() else None
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                t: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{t}"')))) for t in tables
            }
    finally:
        engine.dispose()
