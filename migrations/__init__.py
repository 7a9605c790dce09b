"""Alembic migrations, shipped inside the wheel as ``timeline.migrations``."""
