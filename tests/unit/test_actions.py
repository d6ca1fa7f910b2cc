"""Agent actions become contract events, or are refused with a reason before queueing."""

from __future__ import annotations

import json

import pytest

from bridge.actions import MAX_BODY_CHARS, ActionRejected, event_for_action, verdict_from_state
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord, ValidEvent, validate_record
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.wire.protocol import (
    Action,
    AgentIdentity,
    Assign,
    Claim,
    Note,
    Release,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from tests.helpers import samples

TIME = "2024-05-01T10:15:00.000Z"
ANA = AgentIdentity(agent_id="ana", name="Ana Torres", role="agent", queues=["deliveries"])
SUPER = AgentIdentity(agent_id="sofia", name="Sofía Ríos", role="supervisor", queues=[])
ME_ANA = {"id": "ana", "name": "Ana Torres"}
ME_SUPER = {"id": "sofia", "name": "Sofía Ríos"}


def build(action: Action, agent: AgentIdentity = ANA, event_id: str = "cmd-1") -> dict[str, object]:
    kind, key, value = event_for_action(action, event_id=event_id, agent=agent, time=TIME)
    assert kind == "tickets"
    assert key == action.ticket_id
    event = json.loads(value)
    assert isinstance(event, dict)
    assert {k: v for k, v in event.items() if k != "data"} == {
        "specversion": "1.0",
        "id": event_id,
        "source": f"/atp/console/{agent.agent_id}",
        "type": event["type"],
        "subject": action.ticket_id,
        "time": TIME,
        "datacontenttype": "application/json",
    }
    checked = validate_record(
        RawRecord(topic="atp.tickets.v1", partition=0, offset=0, key=key.encode(), value=value),
        Topics(),
    )
    assert isinstance(checked, ValidEvent), checked
    assert checked.type == event["type"]
    return event


@pytest.mark.parametrize(("action", "internal"), [(Reply, False), (Note, True)])
def test_reply_and_note_are_message_added(action: type[Reply | Note], internal: bool) -> None:
    event = build(action(ticket_id="t-1", body="Su pedido llega en 10 minutos."))
    assert event["type"] == "atp.ticket.message_added"
    assert event["data"] == {
        "ticket_id": "t-1",
        "message_id": "msg-cmd-1",
        "author": {"kind": "agent", **ME_ANA},
        "body": "Su pedido llega en 10 minutos.",
        "internal": internal,
    }


def test_message_id_is_stable_per_event_id_and_distinct_between_ids() -> None:
    reply = Reply(ticket_id="t-1", body="hola")
    first = build(reply, event_id="cmd-7")["data"]
    again = build(reply, event_id="cmd-7")["data"]
    other = build(reply, event_id="cmd-8")["data"]
    assert isinstance(first, dict)
    assert isinstance(again, dict)
    assert isinstance(other, dict)
    assert first["message_id"] == again["message_id"]
    assert first["message_id"] != other["message_id"]


@pytest.mark.parametrize(
    ("action", "event_type", "data"),
    [
        (Claim(ticket_id="t-2"), "atp.ticket.claimed", {"agent": ME_ANA}),
        (Release(ticket_id="t-2"), "atp.ticket.released", {"agent": ME_ANA}),
        (
            SetStatus(ticket_id="t-2", status="resolved"),
            "atp.ticket.status_changed",
            {"status": "resolved", "agent": ME_ANA},
        ),
        (
            SetPriority(ticket_id="t-2", priority="urgent"),
            "atp.ticket.priority_changed",
            {"priority": "urgent", "agent": ME_ANA},
        ),
        (
            SetQueue(ticket_id="t-2", queue="payments"),
            "atp.ticket.queue_changed",
            {"queue": "payments", "agent": ME_ANA},
        ),
    ],
)
def test_ticket_actions(action: Action, event_type: str, data: dict[str, object]) -> None:
    event = build(action)
    assert event["type"] == event_type
    assert event["data"] == {"ticket_id": "t-2", **data}


def test_assign_by_a_supervisor_names_assignee_and_supervisor() -> None:
    event = build(Assign(ticket_id="t-3", agent_id="bob", agent_name="Bob Díaz"), agent=SUPER)
    assert event["type"] == "atp.ticket.assigned"
    assert event["source"] == "/atp/console/sofia"
    assert event["data"] == {
        "ticket_id": "t-3",
        "agent": {"id": "bob", "name": "Bob Díaz"},
        "by": ME_SUPER,
    }


@pytest.mark.parametrize(
    ("action", "agent", "reason"),
    [
        (Reply(ticket_id="t-1", body=""), ANA, "the message is empty"),
        (Note(ticket_id="t-1", body="  \n\t "), ANA, "the message is empty"),
        (
            Reply(ticket_id="t-1", body="x" * (MAX_BODY_CHARS + 1)),
            ANA,
            "the message is 20,001 characters long; the limit is 20,000",
        ),
        (
            Assign(ticket_id="t-1", agent_id="bob", agent_name="Bob"),
            ANA,
            "only a supervisor can assign tickets; Ana Torres is an agent",
        ),
        (
            Assign(ticket_id="t-1", agent_id="", agent_name=""),
            SUPER,
            "the assignment names no agent",
        ),
        (Claim(ticket_id=""), ANA, "the command names no ticket"),
        (SetQueue(ticket_id="t-1", queue=" "), ANA, "the queue name is empty"),
        (
            SetStatus(ticket_id="t-1", status="gone"),  # type: ignore[arg-type]  # a bad value on purpose
            ANA,
            "unknown status 'gone'; expected one of closed, open, pending, resolved",
        ),
        (
            Reply(ticket_id="t-1", body="broken \ud800 text"),
            ANA,
            "the text contains characters that are not valid Unicode",
        ),
    ],
)
def test_invalid_actions_are_rejected_with_a_reason(
    action: Action, agent: AgentIdentity, reason: str
) -> None:
    with pytest.raises(ActionRejected) as caught:
        event_for_action(action, event_id="cmd-1", agent=agent, time=TIME)
    assert caught.value.reason == reason
    assert str(caught.value) == reason


def test_a_body_at_the_limit_is_accepted() -> None:
    event = build(Reply(ticket_id="t-1", body="y" * MAX_BODY_CHARS))
    data = event["data"]
    assert isinstance(data, dict)
    assert len(data["body"]) == MAX_BODY_CHARS


def test_an_empty_command_id_is_rejected() -> None:
    with pytest.raises(ActionRejected, match="the command has no id"):
        event_for_action(Claim(ticket_id="t-1"), event_id="", agent=ANA, time=TIME)


def test_a_time_that_is_not_rfc3339_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        event_for_action(
            Claim(ticket_id="t-1"), event_id="c", agent=ANA, time="2024-05-01 10:00:00"
        )


GARBAGE: dict[str, tuple[Action, str]] = {
    "ticket id with a newline": (Claim(ticket_id="t-1\nt-2"), "U+000A"),
    "ticket id of 200,000 characters": (
        Claim(ticket_id="t" * 200_000),
        "the ticket id is 200,000 characters long; the limit is 128",
    ),
    "queue of 100,000 characters": (
        SetQueue(ticket_id="t-1", queue="q" * 100_000),
        "the queue name is 100,000 characters long; the limit is 64",
    ),
    "queue with an escape": (SetQueue(ticket_id="t-1", queue="vip\x1b[2J"), "U+001B"),
    "body of NUL and BEL": (Reply(ticket_id="t-1", body="\x00\x07"), "control character U+0000"),
    "body with an ANSI escape": (
        Note(ticket_id="t-1", body="hola \x1b[31mrojo"),
        "control character U+001B",
    ),
    "body with a right-to-left override": (
        Reply(ticket_id="t-1", body="factura \u202eexe.pdf"),
        "text-direction control U+202E",
    ),
    "body of zero-width characters only": (
        Reply(ticket_id="t-1", body="\u200b\u200c\u2060 \ufeff"),
        "the message shows nothing",
    ),
    "assignee id with a space": (
        Assign(ticket_id="t-1", agent_id="bob smith", agent_name="Bob"),
        "U+0020",
    ),
    "assignee name of control characters": (
        Assign(ticket_id="t-1", agent_id="bob", agent_name="\x07\x07"),
        "U+0007",
    ),
}


@pytest.mark.parametrize("case", GARBAGE, ids=list(GARBAGE))
def test_garbage_never_reaches_the_outbox(case: str) -> None:
    action, reason = GARBAGE[case]
    with pytest.raises(ActionRejected) as caught:
        event_for_action(action, event_id="cmd-1", agent=SUPER, time=TIME)
    assert reason in caught.value.reason


def test_a_command_id_with_a_newline_or_too_long_is_rejected() -> None:
    for event_id, reason in (("cmd\n1", r"U\+000A"), ("c" * 129, "the limit is 128")):
        with pytest.raises(ActionRejected, match=reason):
            event_for_action(Claim(ticket_id="t-1"), event_id=event_id, agent=ANA, time=TIME)


def test_a_body_with_newlines_tabs_and_accents_is_fine() -> None:
    event = build(Reply(ticket_id="t-1", body="Hola,\n\tsu pedido llegó. ¡Gracias! 🚚"))
    assert event["type"] == "atp.ticket.message_added"


def test_an_unknown_ticket_and_a_taken_id_are_rejected_when_the_state_is_given() -> None:
    with pytest.raises(ActionRejected, match="there is no ticket 't-9'"):
        event_for_action(
            Claim(ticket_id="t-9"), event_id="c", agent=ANA, time=TIME, known_tickets={"t-1"}
        )
    with pytest.raises(ActionRejected, match="already the id of an event in the log"):
        event_for_action(
            Claim(ticket_id="t-1"), event_id="open-1", agent=ANA, time=TIME, taken_ids={"open-1"}
        )
    kind, key, _ = event_for_action(
        Claim(ticket_id="t-1"), event_id="c", agent=ANA, time=TIME, known_tickets={"t-1"}
    )
    assert (kind, key) == ("tickets", "t-1")


def test_the_verdict_of_an_event_already_judged_comes_from_the_ticket() -> None:
    state = State()
    records = [
        samples.ticket_opened("t-1", event_id="open-1"),
        samples.ticket_action("claimed", "t-1", event_id="claim-ana", agent_id="ana"),
        samples.ticket_action("claimed", "t-1", event_id="claim-bob", agent_id="bob"),
        samples.message_added("t-1", event_id="reply-1"),
    ]
    for offset, event in enumerate(records):
        fold_record(
            state, samples.as_record(event, topic=Topics().tickets, offset=offset), Topics()
        )
    assert verdict_from_state(state, "claim-ana", "t-1") == ("confirmed", None)
    assert verdict_from_state(state, "reply-1", "t-1") == ("confirmed", None)
    rejected, reason = verdict_from_state(state, "claim-bob", "t-1")  # lost to ana
    assert rejected == "rejected"
    assert reason is not None
    assert verdict_from_state(state, "open-1", "t-2")[0] == "rejected"  # another event's id
