"""Reading one field of an API record: the few rules every connector applies the same way.

A field the API left out, sent empty or sent with the wrong type reads as ``None`` (the record is kept;
the connector decides which fields are required and says so in its own error).
"""

from __future__ import annotations

from datetime import date
from typing import Any


def text_or_none(value: Any) -> str | None:
    """``value`` stripped of surrounding white space; ``None`` for a non-string or an empty string."""
    return value.strip() or None if isinstance(value, str) else None


def day_or_none(value: Any) -> date | None:
    """The calendar day an ISO 8601 date or timestamp string starts with (``YYYY-MM-DD``), else ``None``."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
