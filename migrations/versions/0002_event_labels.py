"""Event documents carry a date label, and chronological order is one index walk.

Projections are disposable: a revision that changes what they hold empties them, and the next
`timeline` command refolds them from the log (which this revision does not touch). The sort key
grows to "earliest|latest" and the order index loses its second column.

Revision ID: 0002_event_labels
Revises: 0001_initial
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_event_labels"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

PROJECTIONS = ("event_actors", "events", "sources", "actor_aliases", "actors",
               "projection_state")


def upgrade() -> None:
    for table in PROJECTIONS:
        op.execute(f"DELETE FROM {table}")
    op.drop_index("ix_events_order", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.alter_column("sort_key", type_=sa.String(24), existing_type=sa.String(10),
                           existing_nullable=False)
    op.create_index("ix_events_order", "events", ["sort_key", "first_position"])


def downgrade() -> None:
    for table in PROJECTIONS:
        op.execute(f"DELETE FROM {table}")
    op.drop_index("ix_events_order", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.alter_column("sort_key", type_=sa.String(10), existing_type=sa.String(24),
                           existing_nullable=False)
    op.create_index("ix_events_order", "events", ["sort_key", "latest", "first_position"])
