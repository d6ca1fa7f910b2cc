"""The fold: records in log order in, the materialized state out (CONTRACT.md, "Fold rules").

Pure and deterministic: no I/O, no clock. ``fold_record`` validates a record and
applies it to a ``State`` in place; two States that fold the same records in
partition order are equal. docs/FOLD.md states every rule as implemented.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bridge.contract.events import (
    EVENT_KINDS,
    AgentPresence,
    EventKind,
    OrderData,
    OrderPlaced,
    StatusChanged,
    TicketOpened,
)
from bridge.contract.topics import Topics
from bridge.contract.validate import Invalid, RawRecord, UnknownType, ValidEvent, validate_record
from bridge.fold.archive import Archive, bring_back, bring_back_customer, is_active
from bridge.fold.orders import apply_order_event
from bridge.fold.result import EntityKind, FoldResult, Outcome
from bridge.fold.state import QuarantinedRecord, State
from bridge.fold.tickets import apply_ticket_event
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.timestamps import rfc3339_of_ms

__all__ = [
    "QUARANTINE_LIMIT",
    "EntityKind",
    "FoldResult",
    "Outcome",
    "apply_event",
    "fold_record",
]

_NO_OFFSETS: Mapping[int, int] = MappingProxyType({})  # a topic not folded yet (no dict per call)
QUARANTINE_LIMIT = 1000  # quarantined records kept in State.quarantined (the count is exact)
SEEN_BEFORE = "event id seen before"
REDELIVERED = "record redelivered (its offset was folded before)"


def fold_record(
    state: State,
    record: RawRecord,
    topics: Topics,
    *,
    kinds: Mapping[str, EventKind] = EVENT_KINDS,
    archive: Archive | None = None,
) -> FoldResult:
    """Validate ``record`` and apply it to ``state`` (in place); say what happened.

    ``kinds``: the event types known (see ``validate_record``); the contract's by default.
    ``archive``: where evicted entities are (``bridge.fold.archive``); the fold brings
    back what an event needs before judging it.
    Never raises for a record: if folding it fails in any way (a bug, a decoder's
    recursion limit), the record is quarantined with the failure as its reason and
    the next record is folded as usual.
    """
    redelivered = record.offset < _next_offset(state, record)
    try:
        return _fold_record(state, record, topics, kinds, archive, redelivered=redelivered)
    except Exception as error:  # noqa: BLE001  (quarantined with the reason: never lost)
        _advance(state, record)
        if redelivered:
            return FoldResult(outcome="duplicate", event_id=None, reason=REDELIVERED)
        reason = f"the fold failed on this record ({type(error).__name__}: {error})"
        return _quarantine(state, record, Invalid(reason=reason[:500]))


def _fold_record(
    state: State,
    record: RawRecord,
    topics: Topics,
    kinds: Mapping[str, EventKind],
    archive: Archive | None,
    *,
    redelivered: bool,
) -> FoldResult:
    _advance(state, record)
    agent_id = _tombstoned_agent(record, topics)
    if agent_id is not None:
        # A tombstone on the compacted presence topic deletes the agent's presence.
        if redelivered:
            return FoldResult(outcome="duplicate", event_id=None, reason=REDELIVERED)
        state.agents.pop(agent_id, None)
        return FoldResult(
            outcome="applied", event_id=None, reason=None, touched=[("agent", agent_id)]
        )
    checked = validate_record(record, topics, kinds=kinds)
    if isinstance(checked, ValidEvent):
        return apply_event(state, checked, archive)
    if redelivered:
        return FoldResult(outcome="duplicate", event_id=None, reason=REDELIVERED)
    if isinstance(checked, UnknownType):
        state.skipped_unknown_type += 1
        return FoldResult(
            outcome="skipped", event_id=None, reason=f"unknown event type {checked.type!r}"
        )
    return _quarantine(state, record, checked)


def apply_event(state: State, event: ValidEvent, archive: Archive | None = None) -> FoldResult:
    """Apply an already validated event (rules 1-6, 8); its id is judged once, then seen."""
    if archive is not None:
        return _apply_with_archive(state, event, archive)
    if event.id in state.applied_event_ids:
        return FoldResult(outcome="duplicate", event_id=event.id, reason=SEEN_BEFORE)
    data = event.data
    if isinstance(data, AgentPresence):
        result = _apply_presence(state, event, data)
    elif isinstance(data, OrderData):
        result = apply_order_event(state.orders, event, data)
    else:
        result = apply_ticket_event(state.tickets, event, data)
        if isinstance(data, TicketOpened) and result.outcome == "applied":
            state.opened_ids[data.ticket_id] = event.id
    state.applied_event_ids.add(event.id)
    if result.outcome == "quarantined":
        reason = result.reason or "quarantined"
        _quarantine(state, event, Invalid(reason=reason, event_id=event.id))
    return result


def _apply_with_archive(state: State, event: ValidEvent, archive: Archive) -> FoldResult:
    """Bring back the event's entity if evicted, apply, bring back an active customer's rest."""
    data = event.data
    if isinstance(data, AgentPresence):
        return apply_event(state, event)
    if isinstance(data, OrderData):
        back = bring_back(state, archive, "order", data.order_id)
        result = apply_event(state, event)
        entity: Ticket | Order | None = state.orders.get(data.order_id)
        woke = back or isinstance(data, OrderPlaced)
    else:
        back = bring_back(state, archive, "ticket", data.ticket_id)
        result = apply_event(state, event)
        entity = state.tickets.get(data.ticket_id)
        woke = back or isinstance(data, TicketOpened | StatusChanged)
    if woke and result.outcome == "applied" and entity is not None and is_active(entity):
        result.touched.extend(bring_back_customer(state, archive, entity.customer_id))
    return result


def _apply_presence(state: State, event: ValidEvent, data: AgentPresence) -> FoldResult:
    agent = data.agent
    state.agents[agent.id] = Presence(
        agent_id=agent.id,
        name=agent.name,
        role=agent.role,
        status=data.status,
        queues=list(data.queues),
        expires_at=data.expires_at,
        viewing=data.viewing,
        composing=data.composing,
    )
    return FoldResult(
        outcome="applied", event_id=event.id, reason=None, touched=[("agent", agent.id)]
    )


def _quarantine(state: State, where: RawRecord | ValidEvent, invalid: Invalid) -> FoldResult:
    state.quarantined.append(
        QuarantinedRecord(
            topic=where.topic,
            partition=where.partition,
            offset=where.offset,
            reason=invalid.reason,
            event_id=invalid.event_id,
            at=rfc3339_of_ms(where.timestamp_ms),
        )
    )
    if len(state.quarantined) > QUARANTINE_LIMIT:
        del state.quarantined[: len(state.quarantined) - QUARANTINE_LIMIT]
    state.quarantined_count += 1
    return FoldResult(
        outcome="quarantined", event_id=invalid.event_id, reason=invalid.reason, touched=[]
    )


def _tombstoned_agent(record: RawRecord, topics: Topics) -> str | None:
    """The agent id of a presence tombstone (no value, a UTF-8 key), else ``None``."""
    if record.value is not None or record.topic != topics.agents or not record.key:
        return None
    try:
        return record.key.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _next_offset(state: State, record: RawRecord) -> int:
    return state.next_offsets.get(record.topic, _NO_OFFSETS).get(record.partition, 0)


def _advance(state: State, record: RawRecord) -> None:
    partitions = state.next_offsets.setdefault(record.topic, {})
    partitions[record.partition] = max(partitions.get(record.partition, 0), record.offset + 1)
