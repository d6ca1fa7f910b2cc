"""Agent actions to contract events: check an action, then build its CloudEvent record.

Pure: no I/O, no clock. ``event_for_action`` either returns the record to put
in the outbox (topic kind, key, value) or raises :class:`ActionRejected` with a
reason the console shows as "invalid"; a rejected action is never queued.
"""

from __future__ import annotations

from typing import get_args

from bridge.contract.envelope import encode_event, make_event
from bridge.contract.events import TopicKind
from bridge.wire.protocol import (
    Action,
    AddTag,
    AgentIdentity,
    Assign,
    Claim,
    Note,
    Release,
    RemoveTag,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from bridge.wire.rules import MAX_TAG_CHARS
from bridge.wire.timestamps import parse_rfc3339
from bridge.wire.vocabulary import Priority, TicketStatus

MAX_BODY_CHARS = 20_000
_STATUSES: frozenset[str] = frozenset(get_args(TicketStatus))
_PRIORITIES: frozenset[str] = frozenset(get_args(Priority))


class ActionRejected(Exception):  # noqa: N818  (a verdict, not an error of the bridge)
    """An action that breaks a rule; ``reason`` says which, in words an agent understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def message_id_for(event_id: str) -> str:
    """Return the ``message_id`` of the message an event adds (stable: derived from its id)."""
    return f"msg-{event_id}"


def event_for_action(
    action: Action, *, event_id: str, agent: AgentIdentity, time: str
) -> tuple[TopicKind, str, bytes]:
    """Check ``action`` and return its record: (topic kind, key = ticket id, CloudEvent value).

    Raises:
        ActionRejected: the action may not be queued (empty or too long body,
            assignment by a non-supervisor, empty ids, unknown status or priority).
        ValueError: ``time`` is not an RFC 3339 timestamp (a bug of the caller).
    """
    if parse_rfc3339(time) is None:
        raise ValueError(f"time {time!r} is not an RFC 3339 timestamp with offset")
    if not event_id:
        raise ActionRejected("the command has no id")
    ticket_id = action.ticket_id
    if not ticket_id.strip():
        raise ActionRejected("the command names no ticket")
    event_type, data = _type_and_data(action, event_id, agent)
    event = make_event(
        type=event_type,
        subject=ticket_id,
        data={"ticket_id": ticket_id, **data},
        source=f"/atp/console/{agent.agent_id}",
        time=time,
        event_id=event_id,
    )
    try:
        value = encode_event(event)
    except UnicodeEncodeError:
        raise ActionRejected("the text contains characters that are not valid Unicode") from None
    return "tickets", ticket_id, value


def _type_and_data(
    action: Action, event_id: str, agent: AgentIdentity
) -> tuple[str, dict[str, object]]:
    """Return the event type and its ``data`` (without ``ticket_id``)."""
    me: dict[str, object] = {"id": agent.agent_id, "name": agent.name}
    match action:
        case Reply() | Note():
            _check_body(action.body)
            event_type, data = (
                "atp.ticket.message_added",
                {
                    "message_id": message_id_for(event_id),
                    "author": {"kind": "agent", **me},
                    "body": action.body,
                    "internal": isinstance(action, Note),
                },
            )
        case Claim():
            event_type, data = "atp.ticket.claimed", {"agent": me}
        case Release():
            event_type, data = "atp.ticket.released", {"agent": me}
        case Assign():
            event_type, data = "atp.ticket.assigned", _assign_data(action, agent, me)
        case SetStatus():
            _check_choice("status", action.status, _STATUSES)
            event_type, data = "atp.ticket.status_changed", {"status": action.status, "agent": me}
        case SetPriority():
            _check_choice("priority", action.priority, _PRIORITIES)
            event_type = "atp.ticket.priority_changed"
            data = {"priority": action.priority, "agent": me}
        case SetQueue():
            if not action.queue.strip():
                raise ActionRejected("the queue name is empty")
            event_type, data = "atp.ticket.queue_changed", {"queue": action.queue, "agent": me}
        case AddTag() | RemoveTag():
            _check_tag(action.tag)
            added = isinstance(action, AddTag)
            event_type = "atp.ticket.tag_added" if added else "atp.ticket.tag_removed"
            data = {"tag": action.tag, "agent": me}
    return event_type, data


def _check_tag(tag: str) -> None:
    """Contract 1.1: 1 to 40 characters, sent exactly as typed (not trimmed)."""
    if not tag.strip():
        raise ActionRejected("the tag is empty")
    if len(tag) > MAX_TAG_CHARS:
        raise ActionRejected(f"the tag is {len(tag)} characters long; the limit is {MAX_TAG_CHARS}")


def _assign_data(action: Assign, agent: AgentIdentity, me: dict[str, object]) -> dict[str, object]:
    if agent.role != "supervisor":
        raise ActionRejected(
            f"only a supervisor can assign tickets; {agent.name} is an {agent.role}"
        )
    if not action.agent_id.strip():
        raise ActionRejected("the assignment names no agent")
    return {"agent": {"id": action.agent_id, "name": action.agent_name}, "by": me}


def _check_choice(what: str, value: str, allowed: frozenset[str]) -> None:
    if value not in allowed:
        raise ActionRejected(
            f"unknown {what} {value!r}; expected one of {', '.join(sorted(allowed))}"
        )


def _check_body(body: str) -> None:
    if not body.strip():
        raise ActionRejected("the message is empty")
    if len(body) > MAX_BODY_CHARS:
        raise ActionRejected(
            f"the message is {len(body):,} characters long; the limit is {MAX_BODY_CHARS:,}"
        )
