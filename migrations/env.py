"""Alembic environment.

The application hands in an open connection (inside its own transaction, BEGIN IMMEDIATE on
SQLite) through ``config.attributes["connection"]``; from the command line (``alembic upgrade
head`` with the top-level alembic.ini) the URL comes from ``-x db=...``, ``$TIMELINE_DB`` or the
default location, and the engine comes from the project's one engine factory.
"""

from __future__ import annotations

from alembic import context

from timeline import db as tldb
from timeline.schema import metadata

config = context.config


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("db")
    engine = tldb.create(tldb.resolve_url(url))
    try:
        with tldb.writer(engine.connect()) as conn, conn.begin():
            run_migrations(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("timeline migrations run online only: alembic upgrade head")
run_online()
