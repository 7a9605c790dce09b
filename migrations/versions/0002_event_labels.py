"""Event documents carry a date label: empty the read tables so they are folded anew.

Projections are disposable: a revision that changes what they hold empties them, and the next
`timeline` command refolds them from the log (which this revision does not touch).

Revision ID: 0002_event_labels
Revises: 0001_initial
Create Date: 2026-11-25
"""

from __future__ import annotations

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


def downgrade() -> None:
    for table in PROJECTIONS:
        op.execute(f"DELETE FROM {table}")
