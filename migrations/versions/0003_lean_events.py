"""An event as recorded keeps no copy of its document: the log holds it once.

`events.doc` becomes nullable: NULL while the event is as its event.recorded record says (the
document is then read from that record's payload, joined on first_position), the folded
document once it has been amended or retracted. This halves the database's size and the work
of a rebuild. Projections are disposable: they are emptied here and the next `timeline`
command refolds them from the log, which this revision does not touch.

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

PROJECTIONS = ("event_actors", "events", "sources", "actor_aliases", "actors",
               "projection_state")


def upgrade() -> None:
    for table in PROJECTIONS:
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("events") as batch:
        batch.alter_column("doc", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    for table in PROJECTIONS:
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("events") as batch:
        batch.alter_column("doc", existing_type=sa.Text(), nullable=False)
