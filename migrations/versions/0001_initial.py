"""The append-only log, its guards, and the projection tables.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SQLITE_GUARDS = [
    """CREATE TRIGGER records_no_update BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'records are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'records are append-only: DELETE refused'); END""",
    # INSERT OR REPLACE deletes the conflicting row without firing DELETE triggers (unless
    # recursive_triggers is on in that connection): refuse any insert that would collide.
    """CREATE TRIGGER records_no_replace BEFORE INSERT ON records
    WHEN EXISTS (SELECT 1 FROM records WHERE position = NEW.position)
      OR EXISTS (SELECT 1 FROM records WHERE record_id = NEW.record_id)
      OR EXISTS (SELECT 1 FROM records WHERE stream_id = NEW.stream_id
                                          AND version = NEW.version)
      OR EXISTS (SELECT 1 FROM records WHERE hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, 'records are append-only: that record exists'); END""",
]

POSTGRES_GUARDS = [
    """CREATE FUNCTION timeline_records_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'records are append-only: % refused', TG_OP;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER records_no_update BEFORE UPDATE OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION timeline_records_append_only()""",
    """CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION timeline_records_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("position", POSITION, primary_key=True, autoincrement=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("stream_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_records"),
        sa.UniqueConstraint("record_id", name="uq_records_record_id"),
        sa.UniqueConstraint("hash", name="uq_records_hash"),
        sa.UniqueConstraint("stream_id", "version", name="uq_records_stream_version"),
    )
    op.create_index("ix_records_recorded_at", "records", ["recorded_at"])

    op.create_table(
        "events",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("earliest", sa.String(10)),
        sa.Column("latest", sa.String(10)),
        sa.Column("sort_key", sa.String(10), nullable=False),
        sa.Column("first_position", POSITION, nullable=False),
        sa.Column("last_position", POSITION, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_order", "events", ["sort_key", "latest", "first_position"])

    op.create_table(
        "event_actors",
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_key", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "seq", name="pk_event_actors"),
    )
    op.create_index(
        "ix_event_actors_actor_key", "event_actors", ["actor_key", "event_id"]
    )

    op.create_table(
        "sources",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("name", sa.String(300)),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("first_position", POSITION, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
    )
    op.create_index("ix_sources_sha256", "sources", ["sha256"])

    op.create_table(
        "actors",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("country", sa.String(100)),
        sa.Column("parent", sa.String(200)),
        sa.Column("first_position", POSITION, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_actors"),
        sa.UniqueConstraint("key", name="uq_actors_key"),
    )

    op.create_table(
        "actor_aliases",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_actor_aliases"),
    )
    op.create_index("ix_actor_aliases_actor", "actor_aliases", ["actor"])

    op.create_table(
        "projection_state",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("position", POSITION, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_projection_state"),
    )

    guards = POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS records_no_truncate ON records")
        op.execute("DROP TRIGGER IF EXISTS records_no_update ON records")
        op.execute("DROP FUNCTION IF EXISTS timeline_records_append_only()")
    for table in ("projection_state", "actor_aliases", "actors", "sources", "event_actors",
                  "events", "records"):
        op.drop_table(table)
