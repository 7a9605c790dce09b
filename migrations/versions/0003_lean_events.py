"""An event as recorded keeps no copy of its document: the log holds it once.

`events.doc` becomes nullable: NULL while the event is as its event.recorded record says (the
document is then read from that record's payload, joined on first_position), the folded
document once it has been amended or retracted. Both tables are keyed by that position (an
event's, for its actors) rather than by the event id: rows then arrive in key order, and the
ids, which come in no order, feed one small unique index. This halves the database's size and
much of the work of appends and rebuilds.

Projections are disposable: events and event_actors are made anew, the other read tables
emptied, and the next `timeline` command refolds them from the log, which this revision does
not touch.

Revision ID: 0003_lean_events
Revises: 0002_event_labels
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_lean_events"
down_revision = "0002_event_labels"
branch_labels = None
depends_on = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EMPTIED = ("sources", "actor_aliases", "actors", "projection_state")


def _event_tables(*, lean: bool) -> None:
    """events and event_actors as this revision makes them (``lean``) or as 0002 had them."""
    key = "first_position" if lean else "id"
    op.create_table(
        "events",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("earliest", sa.String(10)),
        sa.Column("latest", sa.String(10)),
        sa.Column("sort_key", sa.String(24), nullable=False),
        sa.Column("first_position", POSITION, nullable=False, autoincrement=False),
        sa.Column("last_position", POSITION, nullable=False),
        sa.Column("doc", sa.Text, nullable=lean),
        sa.PrimaryKeyConstraint(key, name="pk_events"),
    )
    if lean:
        op.create_index("ix_events_id", "events", ["id"], unique=True)
    op.create_index("ix_events_order", "events", ["sort_key", "first_position"])
    event = ("event_position", POSITION) if lean else ("event_id", sa.String(40))
    op.create_table(
        "event_actors",
        sa.Column(event[0], event[1], nullable=False, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_key", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint(event[0], "seq", name="pk_event_actors"),
    )
    op.create_index("ix_event_actors_actor_key", "event_actors", ["actor_key", event[0]])


def _remake(*, lean: bool) -> None:
    for table in EMPTIED:
        op.execute(f"DELETE FROM {table}")
    op.drop_table("event_actors")
    op.drop_table("events")
    _event_tables(lean=lean)


def upgrade() -> None:
    _remake(lean=True)


def downgrade() -> None:
    _remake(lean=False)
