"""The supervisor's figures for a crafted state (pure code, no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest

from bridge.wire.entities import Message, Presence, Ticket, TicketAction
from bridge.wire.rules import effective_presence, is_breached
from console.dashboard.queue_load import compute_figures, throughput, waiting_since
from tests.helpers import entities

NOW = dt.datetime(2025, 3, 1, 16, 0, tzinfo=dt.UTC)


def at(minutes_ago: float) -> str:
    return (NOW - dt.timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def msg(event_id: str, kind: str, minutes_ago: float, *, internal: bool = False) -> Message:
    return entities.message(
        event_id, kind, message_id=event_id,  # type: ignore[arg-type]  # test data
        author_id=f"{kind}-1", author_name=kind, body="...", internal=internal, at=at(minutes_ago),
    )  # fmt: skip


def resolved(event_id: str, minutes_ago: float) -> TicketAction:
    return entities.ticket_action(
        event_id, "atp.ticket.status_changed", at=at(minutes_ago),
        agent_id="ag-ana", agent_name="Ana Quispe", value="resolved",
    )  # fmt: skip


def ticket(
    ticket_id: str,
    queue: str,
    *,
    status: str = "open",
    assignee: str | None = None,
    opened: float = 30,
    due: float = -10,
    first_response: float | None = None,
    messages: list[Message] | None = None,
    actions: list[TicketAction] | None = None,
) -> Ticket:
    """``opened``/``due``/``first_response``: minutes before NOW (negative: after)."""
    return entities.ticket(
        ticket_id, status=status, queue=queue,
        assignee=assignee, assignee_name=None if assignee is None else assignee.title(),
        customer_id="c", customer_name="Cliente", channel="app",
        subject="s", body="b", opened_at=at(opened), sla_due_at=at(due),
        first_response_at=None if first_response is None else at(first_response),
        updated_at=at(0), messages=messages or [], actions=actions or [],
    )  # fmt: skip


def presence(
    agent_id: str, name: str, status: str, expires_in: float = 5, **kw: object
) -> Presence:
    return entities.presence(agent_id, name=name, status=status, expires_at=at(-expires_in), **kw)


TICKETS = [
    # deliveries: 3 open (1 pending), 2 unassigned, 1 breached; one resolved, one closed
    ticket("D1", "deliveries", opened=50, due=20),  # breached, waiting 50 min
    ticket("D2", "deliveries", assignee="ag-ana", opened=20, due=10, first_response=15,
           messages=[msg("d2a", "agent", 15), msg("d2b", "customer", 12)]),  # waiting 12 min
    # pending: breached but not waiting
    ticket("D3", "deliveries", status="pending", opened=40, due=10),
    ticket("D4", "deliveries", status="resolved", assignee="ag-ana", opened=90, due=60,
           first_response=85, actions=[resolved("r1", 30)]),
    ticket("D5", "deliveries", status="closed", opened=200, due=170),
    # payments: 1 open, assigned, answered in time, last word the agent's (an internal note after)
    ticket("P1", "payments", assignee="ag-luis", opened=10, due=-20, first_response=5,
           messages=[msg("p1a", "customer", 9), msg("p1b", "agent", 5),
                     msg("p1c", "agent", 4, internal=True)]),
    # payments: resolved twice within the hour (reopened in between)
    ticket("P2", "payments", status="resolved", assignee="ag-gone", opened=70, due=40,
           first_response=65, actions=[resolved("r2", 55), resolved("r3", 2)]),
    ticket("P3", "payments", assignee="ag-gone", opened=5, due=-25),
]  # fmt: skip

AGENTS = [
    presence("ag-ana", "Ana Quispe", "online"),
    presence("ag-luis", "Luis Mendoza", "away", queues=["payments"]),
    presence("ag-rosa", "Rosa Huamán", "online", expires_in=-1, role="supervisor", queues=["vip"]),
]


def test_queue_figures() -> None:
    figures = compute_figures(TICKETS, AGENTS, NOW)
    by_queue = {row.queue: row for row in figures.queues}
    assert list(by_queue) == ["deliveries", "payments", "vip"]  # an agent's empty queue is listed
    deliveries = by_queue["deliveries"]
    assert (deliveries.open, deliveries.unassigned, deliveries.breached) == (3, 2, 2)
    assert deliveries.oldest_waiting == dt.timedelta(minutes=50)
    assert deliveries.oldest_ticket_id == "D1"
    payments = by_queue["payments"]
    assert (payments.open, payments.unassigned, payments.breached) == (2, 0, 0)
    assert payments.oldest_waiting == dt.timedelta(minutes=5)  # P3; P1 was answered
    assert payments.oldest_ticket_id == "P3"
    vip = by_queue["vip"]
    assert (vip.open, vip.unassigned, vip.breached, vip.oldest_waiting) == (0, 0, 0, None)


def test_agent_presence_and_load() -> None:
    figures = compute_figures(TICKETS, AGENTS, NOW)
    rows = [(a.agent_id, a.presence, a.load) for a in figures.agents]
    assert rows == [
        ("ag-ana", "online", 1),  # D2 (D4 is resolved)
        ("ag-luis", "away", 1),
        ("ag-gone", "offline", 1),  # holds P3 without a presence: still listed
        ("ag-rosa", "offline", 0),  # presence expired
        ("agent-1", "offline", 0),  # no presence, no load, but answered tickets today
    ]
    gone = next(a for a in figures.agents if a.agent_id == "ag-gone")
    assert gone.name == "Ag-Gone"
    assert gone.role is None


def test_created_and_resolved_over_the_last_hour() -> None:
    figures = compute_figures(TICKETS, AGENTS, NOW)
    assert len(figures.buckets) == 12
    assert figures.buckets[0].start == NOW - dt.timedelta(hours=1)
    # Opened within the hour: D1 (50), D2 (20), D3 (40), P1 (10), P3 (5); not D4/D5/P2.
    assert figures.created_last_hour == 5
    # Resolutions within the hour: r1 (30), r2 (55), r3 (2).
    assert figures.resolved_last_hour == 3
    created = [b.created for b in figures.buckets]
    assert created == [
        0,
        1,
        0,
        1,
        0,
        0,
        0,
        1,
        0,
        1,
        1,
        0,
    ]  # a boundary counts in the earlier bucket
    resolved_counts = [b.resolved for b in figures.buckets]
    assert resolved_counts == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]


def test_window_edges() -> None:
    edge = [ticket("E1", "q", opened=60), ticket("E2", "q", opened=0), ticket("E3", "q", opened=-1)]
    buckets = throughput(edge, NOW)
    # (now - 1 h, now]: exactly an hour ago is out, exactly now is in, the future is out.
    assert sum(b.created for b in buckets) == 1
    assert buckets[-1].created == 1


def test_breach_follows_rule_6() -> None:
    assert is_breached(ticket("B1", "q", due=1), NOW)
    assert not is_breached(ticket("B2", "q", due=-1), NOW)
    assert not is_breached(ticket("B3", "q", due=10, first_response=15), NOW)  # answered in time
    assert is_breached(ticket("B4", "q", due=10, first_response=5), NOW)  # answered late


def test_waiting_since() -> None:
    assert waiting_since(ticket("W1", "q", opened=30)) == NOW - dt.timedelta(minutes=30)
    answered = ticket("W2", "q", messages=[msg("a", "agent", 20)])
    assert waiting_since(answered) is None
    again = ticket("W3", "q", messages=[
        msg("a", "agent", 20), msg("b", "customer", 15), msg("c", "customer", 10),
        msg("d", "system", 8),
    ])  # fmt: skip
    assert waiting_since(again) == NOW - dt.timedelta(minutes=15)
    assert waiting_since(ticket("W4", "q", status="pending")) is None


def test_presence_expiry() -> None:
    assert effective_presence(presence("a", "A", "online", expires_in=1), NOW) == "online"
    assert effective_presence(presence("a", "A", "away", expires_in=-1), NOW) == "offline"


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_figures([], [], dt.datetime(2025, 3, 1, 16, 0))  # noqa: DTZ001 - the point of the test
