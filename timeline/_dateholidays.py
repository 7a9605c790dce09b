"""Named holidays (placeholder until the holiday calendar lands)."""

from __future__ import annotations
