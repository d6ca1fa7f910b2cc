"""Time in the console: the injected clock, and state timestamps shown in the agent's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bridge.wire.timestamps import moment_of

Clock = Callable[[], float]
"""Returns "now" as epoch seconds; injected so that tests and views share one notion of time."""


def clock_text(epoch: float, now: float) -> str:
    """Local wall-clock text of ``epoch``: ``14:03:12`` today, ``2024-05-01 14:03`` otherwise."""
    moment = dt.datetime.fromtimestamp(epoch).astimezone()
    today = dt.datetime.fromtimestamp(now).astimezone().date()
    if moment.date() == today:
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


def local_tz() -> dt.tzinfo:
    """Return the workstation's time zone (the default for the widgets)."""
    zone = dt.datetime.now(dt.UTC).astimezone().tzinfo
    return zone if zone is not None else dt.UTC


def clock(text: str | None, tz: dt.tzinfo) -> str:
    """Return ``HH:MM`` in ``tz`` (empty for ``None``; an unreadable time as it is)."""
    return _format(text, tz, "%H:%M")


def stamp(text: str | None, tz: dt.tzinfo) -> str:
    """Return ``YYYY-MM-DD HH:MM`` in ``tz`` (empty for ``None``; an unreadable time as it is)."""
    return _format(text, tz, "%Y-%m-%d %H:%M")


def short_stamp(text: str | None, tz: dt.tzinfo, now: float) -> str:
    """Return ``HH:MM`` for a time of today (in ``tz``), ``YYYY-MM-DD HH:MM`` otherwise.

    The same rule as the order feed: today's times need no date.
    """
    if not text:
        return ""
    moment = moment_of(text)
    if moment is None:
        return text
    local = moment.astimezone(tz)
    today = dt.datetime.fromtimestamp(now, tz).date()
    return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")


def _format(text: str | None, tz: dt.tzinfo, pattern: str) -> str:
    if not text:
        return ""
    moment = moment_of(text)
    return text if moment is None else moment.astimezone(tz).strftime(pattern)
