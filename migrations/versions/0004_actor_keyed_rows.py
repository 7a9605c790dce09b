"""Fewer B-trees to write: events lose their id column and index, event_actors is keyed by actor.

Measured on a million events (bench/scale.py), the rows a rebuild writes cost SQLite alone
9.2 s with revision 0003's tables and 4.4 s with these:

- `events` no longer has an `id` column nor the unique index on it (1M ids in no order: the
  most expensive of the indexes to fill). An event is found by its id through the log's own
  unique (stream_id, version) index, joined on the position of its event.recorded record.
- `event_actors` is keyed by (actor_key, event_position, seq), WITHOUT ROWID on SQLite: the
  table is the actor index, where it was a rowid table, its primary-key index and a second
  index. It no longer copies the actor's name as written: the event's document has it.

Projections are disposable: both tables are made anew, the other read tables emptied, and the
next `timeline` command refolds them from the log, which this revision does not touch.

Revision ID: 0004_actor_keyed_rows
Revises: 0003_lean_events
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_actor_keyed_rows"
down_revision = "0003_lean_events"
branch_labels = None
depends_on = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EMPTIED = ("sources", "actor_aliases", "actors", "projection_state")


def _events(*, with_id: bool) -> None:
    op.create_table(
        "events",
        *([sa.Column("id", sa.String(40), nullable=False)] if with_id else []),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("earliest", sa.String(10)),
        sa.Column("latest", sa.String(10)),
        sa.Column("sort_key", sa.String(24), nullable=False),
        sa.Column("first_position", POSITION, nullable=False, autoincrement=False),
        sa.Column("last_position", POSITION, nullable=False),
        sa.Column("doc", sa.Text),
        sa.PrimaryKeyConstraint("first_position", name="pk_events"),
    )
    if with_id:
        op.create_index("ix_events_id", "events", ["id"], unique=True)
    op.create_index("ix_events_order", "events", ["sort_key", "first_position"])


def _remake_events(*, with_id: bool) -> None:
    for table in EMPTIED:
        op.execute(f"DELETE FROM {table}")
    op.drop_table("event_actors")
    op.drop_table("events")
    _events(with_id=with_id)


def upgrade() -> None:
    _remake_events(with_id=False)
    op.create_table(
        "event_actors",
        sa.Column("actor_key", sa.String(200), nullable=False),
        sa.Column("event_position", POSITION, nullable=False, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("actor_key", "event_position", "seq", name="pk_event_actors"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    _remake_events(with_id=True)
    op.create_table(
        "event_actors",
        sa.Column("event_position", POSITION, nullable=False, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_key", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("event_position", "seq", name="pk_event_actors"),
    )
    op.create_index("ix_event_actors_actor_key", "event_actors",
                    ["actor_key", "event_position"])
