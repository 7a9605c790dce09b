"""Engines, database locations and the schema check that migrates on first use.

This is the one place where engines are created. On SQLite it applies SQLAlchemy's documented
recipe for transactional control: pysqlite's own implicit BEGIN is switched off in the connect
event and the ``begin`` event emits the BEGIN itself, so DDL inside a migration is transactional
and a writer can ask for ``BEGIN IMMEDIATE`` (the execution option ``sqlite_begin``), taking the
write lock up front instead of failing with "database is locked" on its first write.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from timeline.errors import StoreError

#: The Alembic revision this code was written for. Compared with one SELECT on every open, so
#: alembic is imported only when the schema actually needs migrating. A test keeps it equal to
#: the head of migrations/versions.
HEAD_REVISION = "0004_actor_keyed_rows"

ENV_VAR = "TIMELINE_DB"
BUSY_TIMEOUT_MS = 30_000


def default_path() -> Path:
    """The embedded default: ``timeline.db`` in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("timeline", appauthor=False) / "timeline.db"


def resolve_url(db: str | None = None) -> str:
    """``--db`` (a path or a URL), else ``$TIMELINE_DB``, else the file in the user data dir."""
    value = db or os.environ.get(ENV_VAR) or ""
    if not value.strip():
        return _sqlite_url(default_path())
    if "://" in value:
        try:
            make_url(value)
        except ArgumentError:
            raise StoreError(f"not a database URL: {value!r}") from None
        return value
    return _sqlite_url(Path(value).expanduser())


def _sqlite_url(path: Path) -> str:
    path = path.resolve()
    if path.is_dir():
        raise StoreError(f"database path is a directory: {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the directory for {path}: {exc.strerror}") from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise StoreError(f"cannot write the database at {path}: permission denied")
    return f"sqlite:///{path}"


#: How much of a SQLite file is read through a memory map (SQLite caps it at its build's
#: limit, 2 GiB unless set otherwise).
MMAP_BYTES = 2**32


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control away from pysqlite: it would otherwise BEGIN lazily on the first
    # DML and COMMIT before any DDL. The "begin" listener below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL before any BEGIN: readers never block the writer and vice versa.
        _wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Reads through a memory map, not a read() call per page: a chronological read jumps
        # about the log, and this halves the time of a whole-timeline export (measured on
        # 100k events). Writes still go through the journal as before. The price, as SQLite's
        # documentation puts it: an I/O error while reading (a disk failing, a network share
        # going away) stops the process with a signal rather than an error; it cannot change
        # the file, which is only read this way.
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    finally:
        cursor.close()


def _wal(cursor: sqlite3.Cursor) -> None:
    """Switch a file database to WAL (persistent, so only its first opening changes it).

    Several processes opening a new file at once can find it locked while one of them switches
    it; the busy handler does not cover this pragma, so wait and look again.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if mode in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _on_sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create(url: str) -> Engine:
    """Create an engine for ``url`` with the project's SQLite settings."""
    try:
        engine = create_engine(url, future=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open database {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def writer(conn: Connection) -> Connection:
    """Options for a connection that will write: BEGIN IMMEDIATE on SQLite."""
    return conn.execution_options(sqlite_begin="IMMEDIATE")


def tuples(conn: Connection, statement: Any, page: int = 5000) -> Iterator[tuple[Any, ...]]:
    """The rows of ``statement`` as plain tuples, streamed a page at a time, in the
    transaction of ``conn``. On SQLite the statement is compiled once (its IN lists expanded)
    and run on the DB-API cursor: long reads (folds, verify) then skip the result machinery
    that would otherwise handle every one of millions of rows."""
    return itertools.chain.from_iterable(pages(conn, statement, page))


def pages(conn: Connection, statement: Any, page: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``statement`` (see :func:`tuples`) in lists of exactly ``page`` rows but
    the last: two reads of equal rows give equal pages, which compare in one C call."""
    if conn.dialect.name != "sqlite":
        streamed = statement.execution_options(stream_results=True, yield_per=page)
        rows = map(tuple, conn.execute(streamed))
        while chunk := list(itertools.islice(rows, page)):
            yield chunk
        return
    compiled = statement.compile(dialect=conn.dialect,
                                 compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(page):  # as many as asked for, until the last
            yield cast("list[tuple[Any, ...]]", batch)
    finally:
        cursor.close()


def current_revision(conn: Connection, *, probe: bool = True) -> str | None:
    """The schema revision stored in the database, or None for an empty database.

    ``probe`` tries the SELECT directly (one statement when the schema exists) and may roll
    back the connection's implicit transaction; inside an explicit transaction pass False.
    """
    from sqlalchemy import inspect

    if not probe and not inspect(conn).has_table("alembic_version"):
        return _empty_or_foreign(conn)
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError as exc:
        if _is_not_a_database(exc):
            raise StoreError(f"not a SQLite database: {conn.engine.url.database}") from None
        conn.rollback()
        return _empty_or_foreign(conn)
    return row[0] if row else None


def _empty_or_foreign(conn: Connection) -> str | None:
    """None (no revision) for an empty database; an error for someone else's."""
    if _has_tables(conn):
        raise StoreError(f"{_describe(conn)} holds tables but is not a timeline database")
    return None


def _has_tables(conn: Connection) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(conn).get_table_names())


def _is_not_a_database(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return "file is not a database" in message or "not a database" in message


def _describe(conn: Connection) -> str:
    url = conn.engine.url
    if url.drivername.startswith("sqlite"):
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def ensure_schema(engine: Engine) -> None:
    """Migrate the database to HEAD_REVISION if it is not there yet.

    The common case (already at head) costs one SELECT and never imports alembic. A database
    newer than this code is refused, so old code never writes into a schema it does not know.
    """
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
        if revision == HEAD_REVISION:
            return
        _check_known(revision)
        with writer(engine.connect()) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                # One migrator at a time (SQLite's BEGIN IMMEDIATE does this there).
                conn.execute(text("SELECT pg_advisory_xact_lock(7305019)"))
            # Another process may have migrated while we waited for the write lock.
            revision = current_revision(conn, probe=False)
            if revision == HEAD_REVISION:
                return
            _check_known(revision)
            upgrade(conn)
    except StoreError:
        raise
    except DBAPIError as exc:
        if _is_not_a_database(exc):
            raise StoreError(f"not a SQLite database: {engine.url.database}") from None
        raise StoreError(f"cannot open the database: {_one_line(exc)}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the database: {_one_line(exc)}") from None


def _check_known(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"the database schema ({revision}) is newer than this version of timeline "
            f"(which knows up to {HEAD_REVISION}); upgrade timeline"
        )


def migrations_dir() -> Path:
    """The Alembic script directory: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError("the migrations are missing from this installation of timeline")


def known_revisions() -> set[str]:
    """Revision ids present in the script directory (file names start with the id)."""
    versions = migrations_dir() / "versions"
    return {p.stem for p in versions.glob("*.py") if not p.stem.startswith("_")}


def alembic_config(conn: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def upgrade(conn: Connection, target: str = "head") -> None:
    """Run the Alembic migrations on ``conn`` inside the caller's transaction."""
    from alembic import command

    command.upgrade(alembic_config(conn), target)


def _one_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc)
    return " ".join(message.split())
