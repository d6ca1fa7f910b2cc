"""The fold: records in log order in, the materialized state out (CONTRACT.md, "Fold rules").

Pure and deterministic: no I/O, no clock. ``fold_record`` validates a record and
applies it to a ``State`` in place; two States that fold the same records in
partition order are equal. docs/FOLD.md states every rule as implemented.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from bridge.contract.events import (
    EVENT_KINDS,
    TOPIC_OF,
    AgentPresence,
    EventKind,
    OrderData,
    OrderPlaced,
    StatusChanged,
    TicketData,
    TicketOpened,
    TopicKind,
)
from bridge.contract.topics import Topics
from bridge.contract.validate import Invalid, RawRecord, UnknownType, ValidEvent, validate_record
from bridge.fold.archive import Archive, ArchivedKind, bring_back, bring_back_customer, is_active
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
    offset, partition = record.offset, record.partition
    partitions = state.next_offsets.get(record.topic)
    folded_to = 0 if partitions is None else partitions.get(partition, 0)
    redelivered = offset < folded_to
    try:
        if partitions is None:
            partitions = state.next_offsets[record.topic] = {}
        # As _advance does; max() would cost 2% of folding a record.
        partitions[partition] = offset + 1 if offset + 1 > folded_to else folded_to  # noqa: FURB136
        if record.value is None:
            agent_id = _tombstoned_agent(record, topics)
            if agent_id is not None:
                return _delete_presence(state, agent_id, redelivered=redelivered)
        checked = validate_record(record, topics, kinds=kinds)
        if type(checked) is ValidEvent:
            return apply_event(state, checked, archive)
        return _not_valid(state, record, checked, redelivered=redelivered)
    except Exception as error:  # noqa: BLE001  (quarantined with the reason: never lost)
        _advance(state, record)
        if redelivered:
            return FoldResult(outcome="duplicate", event_id=None, reason=REDELIVERED)
        reason = f"the fold failed on this record ({type(error).__name__}: {error})"
        return _quarantine(state, record, Invalid(reason=reason[:500]))


def _delete_presence(state: State, agent_id: str, *, redelivered: bool) -> FoldResult:
    """A tombstone on the compacted presence topic deletes the agent's presence."""
    if redelivered:
        return FoldResult(outcome="duplicate", event_id=None, reason=REDELIVERED)
    state.agents.pop(agent_id, None)
    return FoldResult(outcome="applied", event_id=None, reason=None, touched=[("agent", agent_id)])


def _not_valid(
    state: State,
    record: RawRecord,
    checked: ValidEvent | Invalid | UnknownType,
    *,
    redelivered: bool,
) -> FoldResult:
    """A record that is no valid event: a redelivery, skipped (unknown type) or quarantined."""
    if redelivered:
        return FoldResult(outcome="duplicate", event_id=None, reason=REDELIVERED)
    if isinstance(checked, UnknownType):
        state.skipped_unknown_type += 1
        return FoldResult(
            outcome="skipped", event_id=None, reason=f"unknown event type {checked.type!r}"
        )
    assert isinstance(checked, Invalid)  # noqa: S101  (a ValidEvent is applied by the caller)
    return _quarantine(state, record, checked)


def apply_event(state: State, event: ValidEvent, archive: Archive | None = None) -> FoldResult:
    """Apply an already validated event (rules 1-6, 8); its id is judged once, then seen.

    With an ``archive``: bring back the event's entity if it was evicted, apply, and
    bring back the rest of a customer the event made active. Dispatch is on the
    exact type of ``event.data`` (see ``bridge.fold.tickets``).
    """
    data = event.data
    topic = TOPIC_OF[type(data)]
    if archive is None or topic == "agents":
        return _apply(state, event, topic)
    held: dict[str, Ticket] | dict[str, Order]
    if topic == "orders":
        kind: ArchivedKind = "order"
        key = cast("OrderData", data).order_id
        held = state.orders
    else:
        kind, key, held = "ticket", cast("TicketData", data).ticket_id, state.tickets
    back = key not in held and bring_back(state, archive, kind, key)
    result = _apply(state, event, topic)
    if result.outcome == "applied" and (back or type(data) in _WAKES_ITS_CUSTOMER):
        entity = held.get(key)
        if entity is not None and is_active(entity):
            result.touched.extend(bring_back_customer(state, archive, entity.customer_id))
    return result


_WAKES_ITS_CUSTOMER = frozenset({OrderPlaced, TicketOpened, StatusChanged})
"""Events that bring back the customer's archived entities when they leave theirs active."""


def _apply(state: State, event: ValidEvent, topic: TopicKind) -> FoldResult:
    event_id = event.id
    if event_id in state.applied_event_ids:
        return FoldResult(outcome="duplicate", event_id=event_id, reason=SEEN_BEFORE)
    data = event.data
    if topic == "tickets":
        ticket_data = cast("TicketData", data)
        result = apply_ticket_event(state.tickets, event, ticket_data)
        if type(data) is TicketOpened and result.outcome == "applied":
            state.opened_ids[ticket_data.ticket_id] = event_id
    elif topic == "orders":
        result = apply_order_event(state.orders, event, cast("OrderData", data))
    else:
        result = _apply_presence(state, event, cast("AgentPresence", data))
    state.applied_event_ids[event_id] = None
    if result.outcome == "quarantined":
        reason = result.reason or "quarantined"
        _quarantine(state, event, Invalid(reason=reason, event_id=event_id))
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


def _advance(state: State, record: RawRecord) -> None:
    """One past the record's offset is where its partition's folding has reached (at least).

    (``fold_record`` does the same in line, on its way.)
    """
    partitions = state.next_offsets.setdefault(record.topic, {})
    partitions[record.partition] = max(partitions.get(record.partition, 0), record.offset + 1)
