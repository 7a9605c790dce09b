"""One family of exceptions: the CLI turns any of them into a single ``Error: ...`` line."""

from __future__ import annotations


class TimelineError(Exception):
    """Root of every error the library raises on purpose. Its message is one complete line."""


class UsageError(TimelineError):
    """An argument or option value that makes no sense (unknown type, negative count...)."""


class DateError(TimelineError):
    """A text that holds no date the date layer can read."""


class NotFoundError(TimelineError):
    """An event, actor or record that does not exist."""


class ConcurrencyError(TimelineError):
    """Another writer appended to the same stream first (expected version mismatch)."""


class StoreError(TimelineError):
    """The database cannot be opened, is not a timeline database, or is newer than this code."""


class IntegrityError(TimelineError):
    """The log fails verification: a hash does not match or a position is missing."""
