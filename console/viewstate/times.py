"""RFC 3339 timestamps of the state as epoch seconds (the view state's only time unit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], float]
"""Returns "now" as epoch seconds; injected so that tests and views share one notion of time."""


def parse_epoch(text: str | None) -> float | None:
    """Return the epoch seconds of an RFC 3339 timestamp, or ``None`` if absent or unreadable."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    if moment.tzinfo is None:  # the contract requires an offset; treat a naive time as UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def clock_text(epoch: float, now: float) -> str:
    """Local wall-clock text of ``epoch``: ``14:03:12`` today, ``2024-05-01 14:03`` otherwise."""
    moment = dt.datetime.fromtimestamp(epoch).astimezone()
    today = dt.datetime.fromtimestamp(now).astimezone().date()
    if moment.date() == today:
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")
