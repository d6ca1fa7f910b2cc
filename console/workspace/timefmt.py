"""RFC 3339 strings of the state, read and shown in the agent's time zone."""

from __future__ import annotations

import datetime as dt

from console.labels import money

__all__ = ["money"]


def local_tz() -> dt.tzinfo:
    """Return the workstation's time zone (the default for the widgets)."""
    zone = dt.datetime.now(dt.UTC).astimezone().tzinfo
    return zone if zone is not None else dt.UTC


def parse_time(text: str) -> dt.datetime:
    """Parse an RFC 3339 timestamp of the state into an aware datetime."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def clock(text: str | None, tz: dt.tzinfo) -> str:
    """Return ``HH:MM`` in ``tz`` (empty for ``None`` or an unreadable time)."""
    if not text:
        return ""
    try:
        return parse_time(text).astimezone(tz).strftime("%H:%M")
    except ValueError:
        return text


def stamp(text: str | None, tz: dt.tzinfo) -> str:
    """Return ``YYYY-MM-DD HH:MM`` in ``tz`` (empty for ``None``)."""
    if not text:
        return ""
    try:
        return parse_time(text).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text
