"""timeline: an event-sourced timeline database for sourced chronologies of security incidents."""

from __future__ import annotations

from timeline.errors import TimelineError

__version__ = "0.1.0"

__all__ = ["TimelineError", "__version__"]
