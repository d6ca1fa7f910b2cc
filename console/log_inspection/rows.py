"""The rows the diagnostics view shows, from the bridge's answers (plain Python, no Qt).

Every text comes from the log and may be anything: the view shows it as plain
text only. Times are shown in the console's time zone; a time the record
carries but that cannot be read is shown as it is.
"""

from __future__ import annotations

import datetime as dt

from bridge.wire.protocol import Diagnostics, Trace
from bridge.wire.timestamps import moment_of

NO_VALUE = "—"


def local_time(text: str | None, tz: dt.tzinfo | None) -> str:
    """``2025-12-01 10:00:00`` in ``tz`` (``None``: the system's), or the text as it is."""
    if not text:
        return NO_VALUE
    moment = moment_of(text)
    if moment is None:
        return text
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def quarantine_rows(answer: Diagnostics, tz: dt.tzinfo | None) -> list[tuple[str, ...]]:
    """Time, topic, partition, offset, event id, reason; newest first."""
    return [
        (
            local_time(entry.at, tz),
            entry.topic,
            str(entry.partition),
            str(entry.offset),
            entry.event_id or NO_VALUE,
            entry.reason,
        )
        for entry in answer.quarantined
    ]


def lag_rows(answer: Diagnostics) -> list[tuple[str, ...]]:
    """Topic, partition, folded, log end, lag."""
    return [
        (
            entry.topic,
            str(entry.partition),
            str(entry.folded),
            NO_VALUE if entry.end is None else str(entry.end),
            NO_VALUE if entry.lag is None else str(entry.lag),
        )
        for entry in answer.partitions
    ]


def total_lag(answer: Diagnostics) -> int | None:
    """Records not folded yet over every partition whose end is known (``None``: none is)."""
    known = [entry.lag for entry in answer.partitions if entry.lag is not None]
    return sum(known) if known else None


def trace_rows(answer: Trace, tz: dt.tzinfo | None) -> list[tuple[str, ...]]:
    """Event time, type, outcome, reason, source, event id, topic/partition/offset, Kafka time.

    The outcome is the fold's word (``applied``, ``duplicate``, ...): the view translates it.
    """
    return [
        (
            local_time(event.time, tz),
            event.type or NO_VALUE,
            event.outcome,
            event.reason or "",
            event.source or NO_VALUE,
            event.event_id or NO_VALUE,
            f"{event.topic} / {event.partition} / {event.offset}",
            local_time(event.kafka_time, tz),
        )
        for event in answer.events
    ]
