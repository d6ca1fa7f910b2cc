"""An entity's event trace: every record of one ticket or order, read from the log itself.

Why the log and not the state: the state keeps what the fold *applied* (messages,
actions, the order's timeline), not what it refused, nor where each record is.
The cheapest honest answer to "why does this ticket show that?" is to read the
entity's topic from its beginning and keep the records whose key is the entity's
id. Every partition of the topic is read: which one holds a key depends on the
producer's partitioner (librdkafka and Java clients hash differently), so the
bridge cannot tell. The records kept are folded, in log order, into a fresh
``State``, which gives each one the verdict the bridge's fold gave it (applied,
rejected, duplicate, quarantined, skipped) with its reason: a ticket's fold
depends only on its own records (an event id reused under another key, a
producer bug, is the exception). Bounded: a deadline (``TRACE_TIMEOUT_S``) and
at most ``MAX_TRACE_EVENTS`` records listed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import msgspec

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.kafka.scan import ScanError, ScanTimeoutError, scan_topics
from bridge.wire.protocol import MAX_TRACE_EVENTS, Trace, TraceEvent, TraceKind
from bridge.wire.timestamps import rfc3339_of_ms

TRACE_TIMEOUT_S = 30.0
TEXT_CHARS = 200  # of the type, time and source a record claims (they may be anything)


class _LooseEnvelope(msgspec.Struct):
    """The envelope fields a trace shows, read leniently (a quarantined record may lack any)."""

    id: object = None
    type: object = None
    time: object = None
    source: object = None


_ENVELOPE = msgspec.json.Decoder(_LooseEnvelope)


def trace_entity(
    settings: Mapping[str, str | int | float | bool],
    topics: Topics,
    kind: TraceKind,
    key: str,
    *,
    timeout_s: float = TRACE_TIMEOUT_S,
) -> Trace:
    """The trace of the ticket or order ``key`` (never raises: a failure is ``Trace.error``)."""
    topic = topics.tickets if kind == "ticket" else topics.orders
    wanted = key.encode("utf-8")
    state = State()
    events: list[TraceEvent] = []
    truncated = False

    def keep(record: RawRecord) -> None:
        nonlocal truncated
        if record.key != wanted:
            return
        result = fold_record(state, record, topics)
        if len(events) >= MAX_TRACE_EVENTS:
            truncated = True
            return
        events.append(_event(record, result.outcome, result.reason))

    try:
        scanned = scan_topics(settings, [topic], keep, timeout_s=timeout_s).records
    except ScanTimeoutError as error:
        return Trace(
            kind=kind, key=key, events=events, truncated=truncated,
            records_scanned=error.records, error=str(error),
        )  # fmt: skip
    except ScanError as error:
        return Trace(kind=kind, key=key, events=events, error=str(error))
    return Trace(
        kind=kind, key=key, events=events, complete=True, truncated=truncated,
        records_scanned=scanned,
    )  # fmt: skip


def _event(record: RawRecord, outcome: str, reason: str | None) -> TraceEvent:
    envelope = _LooseEnvelope()
    if record.value is not None:
        with contextlib.suppress(msgspec.DecodeError, RecursionError):  # the reason says why
            envelope = _ENVELOPE.decode(record.value)
    return TraceEvent(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        outcome=outcome,
        duplicate=outcome == "duplicate",
        reason=reason,
        event_id=_text(envelope.id),
        type=_text(envelope.type),
        time=_text(envelope.time),
        source=_text(envelope.source),
        kafka_time=rfc3339_of_ms(record.timestamp_ms),
    )


def _text(value: object) -> str | None:
    return value[:TEXT_CHARS] if isinstance(value, str) else None
