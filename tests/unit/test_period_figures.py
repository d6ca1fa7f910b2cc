"""Figures of a period (``bridge.wire.figures``): the dashboard's "today" and the report's."""

from __future__ import annotations

import datetime as dt

import pytest

from bridge.wire.entities import Message, Ticket, TicketAction
from bridge.wire.figures import Period, holder_at, local_day, local_days, period_figures
from bridge.wire.timestamps import epoch_of
from console.dashboard.queue_load import compute_figures
from tests.helpers import entities

LIMA = dt.timezone(dt.timedelta(hours=-5))
# 2026-12-03 15:00 in Lima; the local day is 2026-12-03 05:00Z .. 2026-12-04 05:00Z
NOW = dt.datetime(2026, 12, 3, 20, 0, tzinfo=dt.UTC)


def z(day: int, hour: int, minute: int = 0) -> str:
    """A UTC instant in December 2026."""
    return f"2026-12-{day:02d}T{hour:02d}:{minute:02d}:00Z"


def reply(event_id: str, agent_id: str, when: str, *, internal: bool = False) -> Message:
    return entities.message(
        event_id, "agent", author_id=agent_id, author_name=agent_id.title(), at=when,
        internal=internal,
    )  # fmt: skip


def act(kind: str, when: str, agent_id: str = "ana", **fields: object) -> TicketAction:
    return entities.ticket_action(
        f"{kind}-{when}", f"atp.ticket.{kind}", at=when, agent_id=agent_id,
        agent_name=agent_id.title(), **fields,
    )  # fmt: skip


def ticket(
    ticket_id: str,
    *,
    queue: str = "deliveries",
    opened: str,
    due: str,
    messages: list[Message] | None = None,
    actions: list[TicketAction] | None = None,
) -> Ticket:
    replies = [m for m in messages or [] if m.author_kind == "agent" and not m.internal]
    return entities.ticket(
        ticket_id, queue=queue, opened_at=opened, sla_due_at=due,
        first_response_at=replies[0].at if replies else None,
        messages=messages or [], actions=actions or [],
    )  # fmt: skip


TICKETS = [
    # opened yesterday (local), due today 05:30Z, answered 05:10Z by ana who claimed it: met
    ticket("T1", opened=z(3, 4, 50), due=z(3, 5, 30),
           messages=[reply("r1", "ana", z(3, 5, 10))], actions=[act("claimed", z(3, 5, 0))]),
    # opened and due today, answered late by luis, holder luis (assigned by rosa): breached
    ticket("T2", opened=z(3, 10), due=z(3, 11),
           messages=[entities.message("c2", "customer", at=z(3, 10, 5)),
                     reply("n2", "ana", z(3, 10, 6), internal=True),
                     reply("r2", "luis", z(3, 11, 30))],
           actions=[act("assigned", z(3, 10, 1), "rosa", target_id="luis", target_name="Luis"),
                    act("status_changed", z(3, 12), "luis", value="resolved"),
                    act("status_changed", z(3, 12, 30), "luis", value="open"),
                    act("status_changed", z(3, 13), "luis", value="resolved")]),
    # due today, not answered, past due, released before its due time: breached, no agent
    ticket("T3", queue="payments", opened=z(3, 14), due=z(3, 15),
           actions=[act("claimed", z(3, 14, 1)), act("released", z(3, 14, 2))]),
    # due later today (21:00Z), unanswered: pending; answered in 10 min by ana
    ticket("T4", queue="payments", opened=z(3, 19, 40), due=z(3, 21),
           messages=[reply("r4", "ana", z(3, 19, 50))]),
    # due later today and unanswered: pending (not in the attainment)
    ticket("T5", queue="payments", opened=z(3, 19, 45), due=z(3, 21)),
    # yesterday's ticket, resolved today by ana (its first response was yesterday)
    ticket("T6", opened=z(2, 15), due=z(2, 16), messages=[reply("r6", "ana", z(2, 15, 20))],
           actions=[act("status_changed", z(3, 6), value="resolved")]),
    # due tomorrow (local): not today's SLA
    ticket("T7", opened=z(3, 20), due=z(4, 5, 30)),
]  # fmt: skip


def test_the_local_day_runs_from_midnight_to_midnight_in_its_time_zone() -> None:
    today = local_day(NOW, LIMA)
    assert today.start == dt.datetime(2026, 12, 3, 5, 0, tzinfo=dt.UTC)
    assert today.end == dt.datetime(2026, 12, 4, 5, 0, tzinfo=dt.UTC)
    assert today.as_of == NOW
    # late in the evening in Lima it is already the next day in UTC, still the same local day
    evening = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)
    assert local_day(evening, LIMA).start == today.start
    assert local_day(evening, dt.UTC).start == dt.datetime(2026, 12, 4, tzinfo=dt.UTC)


def test_queue_figures_of_today() -> None:
    figures = period_figures(TICKETS, local_day(NOW, LIMA))
    deliveries = figures.queue("deliveries")
    payments = figures.queue("payments")
    assert deliveries is not None
    assert payments is not None
    # T1 was opened at 04:50Z, yesterday in Lima
    assert (deliveries.opened, payments.opened) == (2, 3)
    assert (deliveries.resolved, payments.resolved) == (2, 0)  # T2 twice counts once, T6
    assert (deliveries.sla_met, deliveries.sla_breached, deliveries.sla_pending) == (1, 1, 0)
    assert deliveries.sla_attainment == 0.5
    assert (payments.sla_met, payments.sla_breached, payments.sla_pending) == (1, 1, 1)
    assert payments.sla_attainment == 0.5
    # T1 20 min, T2 90 min: the median of two is their mean
    assert deliveries.first_response_median == dt.timedelta(minutes=55)
    assert payments.first_response_median == dt.timedelta(minutes=10)  # T4


def test_agent_figures_of_today() -> None:
    figures = period_figures(TICKETS, local_day(NOW, LIMA))
    assert [row.key for row in figures.agents] == ["ana", "luis"]
    ana, luis = figures.agents
    assert ana.name == "Ana"
    assert ana.resolved == 1  # T6
    assert ana.first_responses == 2  # T1 and T4 (the internal note on T2 is no reply)
    assert ana.first_response_median == dt.timedelta(minutes=15)
    assert (ana.sla_met, ana.sla_breached, ana.sla_pending) == (1, 0, 0)  # T1 (held at due)
    assert luis.resolved == 1
    assert luis.first_response_median == dt.timedelta(minutes=90)
    assert (luis.sla_met, luis.sla_breached) == (0, 1)  # T2, assigned to him before its due time


def test_as_of_the_end_of_a_past_period_pending_becomes_breached() -> None:
    later = dt.datetime(2026, 12, 10, tzinfo=dt.UTC)
    day = local_days(dt.date(2026, 12, 3), dt.date(2026, 12, 3), LIMA, later)
    assert day.as_of == day.end
    payments = period_figures(TICKETS, day).queue("payments")
    assert payments is not None
    assert (payments.sla_met, payments.sla_breached, payments.sla_pending) == (1, 2, 0)


def test_a_reply_after_the_period_does_not_count_in_it() -> None:
    late = ticket("L1", opened=z(3, 10), due=z(3, 11), messages=[reply("l", "ana", z(5, 9))])
    day = local_days(dt.date(2026, 12, 3), dt.date(2026, 12, 3), LIMA, NOW + dt.timedelta(days=7))
    row = period_figures([late], day).queue("deliveries")
    assert row is not None
    assert (row.first_responses, row.sla_met, row.sla_breached) == (0, 0, 1)


def test_nothing_decided_has_no_attainment() -> None:
    figures = period_figures([TICKETS[4]], local_day(NOW, LIMA))
    payments = figures.queue("payments")
    assert payments is not None
    assert payments.sla_attainment is None
    assert payments.first_response_median is None


def test_holder_at_follows_claims_assignments_and_releases() -> None:
    t2, t3 = TICKETS[1], TICKETS[2]
    assert holder_at(t2, _epoch(z(3, 10))) is None
    assert holder_at(t2, _epoch(z(3, 10, 1))) == ("luis", "Luis")
    assert holder_at(t3, _epoch(z(3, 14, 1))) == ("ana", "Ana")
    assert holder_at(t3, _epoch(z(3, 15))) is None


def test_a_period_must_be_aware_and_forward() -> None:
    start = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="naive"):
        Period.until(start.replace(tzinfo=None), start, start)
    with pytest.raises(ValueError, match="after it starts"):
        Period.until(start, start, start)
    with pytest.raises(ValueError, match="before it starts"):
        local_days(dt.date(2026, 12, 7), dt.date(2026, 12, 1), LIMA, start)


def test_the_dashboard_rows_carry_today() -> None:
    agents = [entities.presence("ana", name="Ana Quispe", expires_at=z(3, 21))]
    figures = compute_figures(TICKETS, agents, NOW, LIMA)
    by_queue = {row.queue: row for row in figures.queues}
    assert (by_queue["deliveries"].sla_met_today, by_queue["deliveries"].sla_decided_today) == (
        1,
        2,
    )
    assert by_queue["payments"].sla_attainment_today == 0.5
    by_agent = {row.agent_id: row for row in figures.agents}
    assert by_agent["ana"].name == "Ana Quispe"  # the presence's name
    assert by_agent["ana"].first_response_today == dt.timedelta(minutes=15)
    assert by_agent["ana"].resolved_today == 1
    # luis has no presence and holds no open ticket, but resolved one today: still listed
    assert by_agent["luis"].presence == "offline"
    assert by_agent["luis"].resolved_today == 1


def _epoch(text: str) -> float:
    epoch = epoch_of(text)
    assert epoch is not None
    return epoch
