"""Agent actions to contract events: check an action, then build its CloudEvent record.

Pure: no I/O, no clock. ``event_for_action`` either returns the record to put
in the outbox (topic kind, key, value) or raises :class:`ActionRejected` with a
reason the console shows as "invalid"; a rejected action is never queued, so
garbage never reaches the shared log: ids, names and queues have length limits
and no control characters, a body must show something (not only blanks,
control or format characters) and holds no control characters nor bidi
overrides, and, given the known tickets, the ticket must exist.

``verdict_from_state`` gives the verdict of an action whose event the log had
judged before the bridge could record it (found in the state, not folded now).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container
from typing import Literal, get_args

from bridge.contract.envelope import encode_event, make_event
from bridge.contract.events import TopicKind
from bridge.fold.state import State
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
MAX_ID_CHARS = 128  # command, ticket and agent ids
MAX_NAME_CHARS = 200  # an assignee's name
MAX_QUEUE_CHARS = 64
_BODY_CONTROLS_ALLOWED = frozenset("\n\r\t")
# Embeddings, overrides and isolates reorder the text shown to every agent ("Trojan source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
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
    action: Action,
    *,
    event_id: str,
    agent: AgentIdentity,
    time: str,
    known_tickets: Container[str] | None = None,
    taken_ids: Container[str] = (),
) -> tuple[TopicKind, str, bytes]:
    """Check ``action`` and return its record: (topic kind, key = ticket id, CloudEvent value).

    ``known_tickets``: the tickets the state holds; an action on another one is
    refused (``None``: not checked, e.g. while the bridge still catches up).
    ``taken_ids``: event ids the log already holds; the command id may not be one
    (its event would be dropped as a duplicate and never judged).

    Raises:
        ActionRejected: the action may not be queued (empty, invisible or too
            long body, assignment by a non-supervisor, empty, too long or
            malformed ids, unknown ticket, status or priority).
        ValueError: ``time`` is not an RFC 3339 timestamp (a bug of the caller).
    """
    if parse_rfc3339(time) is None:
        raise ValueError(f"time {time!r} is not an RFC 3339 timestamp with offset")
    if not event_id:
        raise ActionRejected("the command has no id")
    _check_id("command id", event_id)
    if event_id in taken_ids:
        raise ActionRejected(
            "the command id is already the id of an event in the log; "
            "send the action again with a new id"
        )
    ticket_id = action.ticket_id
    if not ticket_id.strip():
        raise ActionRejected("the command names no ticket")
    _check_id("ticket id", ticket_id)
    if known_tickets is not None and ticket_id not in known_tickets:
        raise ActionRejected(f"there is no ticket {ticket_id!r}")
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
            _check_name("queue name", action.queue, MAX_QUEUE_CHARS)
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
    _check_id("agent id", action.agent_id)
    _check_name("agent name", action.agent_name, MAX_NAME_CHARS)
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
    for character in body:
        if character in _BIDI_CONTROLS:
            raise ActionRejected(
                f"the message contains the text-direction control U+{ord(character):04X}"
            )
        if unicodedata.category(character) == "Cc" and character not in _BODY_CONTROLS_ALLOWED:
            raise ActionRejected(
                f"the message contains the control character U+{ord(character):04X}"
            )
    if not _has_visible(body):
        raise ActionRejected("the message shows nothing (only invisible characters)")


def _has_visible(text: str) -> bool:
    return any(unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in text)


def _check_id(what: str, value: str) -> None:
    """Ids travel as record keys and in every agent's state: short, one visible word."""
    if len(value) > MAX_ID_CHARS:
        raise ActionRejected(
            f"the {what} is {len(value):,} characters long; the limit is {MAX_ID_CHARS}"
        )
    for character in value:
        if unicodedata.category(character) in _INVISIBLE_CATEGORIES:
            raise ActionRejected(
                f"the {what} contains a space, control or invisible character "
                f"(U+{ord(character):04X})"
            )


def _check_name(what: str, value: str, limit: int) -> None:
    """Names and queues: short, no control or format characters, something visible."""
    if len(value) > limit:
        raise ActionRejected(f"the {what} is {len(value):,} characters long; the limit is {limit}")
    for character in value:
        if character != " " and unicodedata.category(character) in _INVISIBLE_CATEGORIES:
            raise ActionRejected(
                f"the {what} contains a control or invisible character (U+{ord(character):04X})"
            )
    if not _has_visible(value):
        raise ActionRejected(f"the {what} shows nothing")


def verdict_from_state(
    state: State, event_id: str, ticket_id: str
) -> tuple[Literal["confirmed", "rejected"], str | None]:
    """The verdict of an action whose event the state already holds as judged.

    Applied agent actions leave their event id on the ticket (a message or an
    action); a judged id that left nothing there was refused, or was the id of
    another event altogether.
    """
    ticket = state.tickets.get(ticket_id)
    if ticket is not None and (
        any(message.event_id == event_id for message in ticket.messages)
        or any(action.event_id == event_id for action in ticket.actions)
    ):
        return "confirmed", None
    return "rejected", (
        "the log had already judged an event with this id and it did not take effect on this ticket"
    )
