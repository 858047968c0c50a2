from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware (stored as such on both databases)."""
    return datetime.now(UTC)
