"""The tests' reference time ``T0``, RFC 3339 stamps relative to it, and a settable clock."""

from __future__ import annotations

import datetime as dt

T0 = dt.datetime(2024, 5, 6, 12, 0, 0, tzinfo=dt.UTC)
"""The tests' reference "now"."""


def iso(moment: dt.datetime) -> str:
    """RFC 3339 with ``Z``, to the second, as the fold keeps it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(minutes: float) -> str:
    """``T0`` shifted by ``minutes``, as RFC 3339."""
    return iso(T0 + dt.timedelta(minutes=minutes))


class Clock:
    """A settable time source for the models (epoch seconds)."""

    def __init__(self, moment: dt.datetime = T0) -> None:
        self.now = moment.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward."""
        self.now += seconds
