"""The incremental figures equal a full pass after any inserts, changes, removals, clock steps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import zoneinfo

import msgspec
import pytest

from bridge.wire.entities import Message, Presence, Ticket, TicketAction
from bridge.wire.figures import GroupFigures, PeriodFigures
from console.dashboard.incremental_figures import IncrementalFigures
from console.dashboard.queue_load import DashboardFigures, compute_figures
from console.dashboard.sorted_bag import SortedBag
from tests.helpers import entities

LIMA = zoneinfo.ZoneInfo("America/Lima")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
START = dt.datetime(2025, 3, 29, 21, 0, tzinfo=dt.UTC)  # Madrid's clocks go forward that night
QUEUES = ("deliveries", "payments", "vip")
AGENTS = {"ag-ana": "Ana", "ag-luis": "Luis", "ag-rosa": "Rosa", "ag-gone": "Gone"}
STATUSES = ("open", "open", "pending", "resolved", "closed")
STEP = dt.timedelta(minutes=5)  # times on a 5-minute grid: ties and window edges happen


def stamp(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class World:
    """Random tickets and presences around a clock that only moves forward."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = START
        self.tickets: dict[str, Ticket] = {}
        self.agents: list[Presence] = []
        self._next_id = 0
        self._events = 0

    def moment(self, before_h: float = 26, after_h: float = 2) -> dt.datetime:
        steps = self.rng.randint(-round(before_h * 12), round(after_h * 12))
        return self.now + steps * STEP

    def event_id(self) -> str:
        self._events += 1
        return f"ev{self._events}"

    def agent(self) -> str:
        return self.rng.choice(list(AGENTS))

    def message(self) -> Message:
        kind = self.rng.choice(("customer", "agent", "agent"))
        author = "c" if kind == "customer" else self.agent()
        return entities.message(
            self.event_id(), kind, author_id=author,  # type: ignore[arg-type]  # test data
            author_name=AGENTS.get(author, "Cliente"), message_id=self.event_id(),
            internal=kind == "agent" and self.rng.random() < 0.2, at=stamp(self.moment()),
        )  # fmt: skip

    def action(self) -> TicketAction:
        kind = self.rng.choice(
            ("status_changed", "status_changed", "claimed", "assigned", "released")
        )
        agent = None if self.rng.random() < 0.2 else self.agent()
        target = self.agent()
        return entities.ticket_action(
            self.event_id(), f"atp.ticket.{kind}", at=stamp(self.moment()),
            agent_id=agent, agent_name=None if agent is None else AGENTS[agent],
            value=self.rng.choice(("resolved", "resolved", "pending", "open")),
            target_id=target, target_name=AGENTS[target],
        )  # fmt: skip

    def ticket(self, ticket_id: str) -> Ticket:
        rng = self.rng
        assignee = None if rng.random() < 0.4 else self.agent()
        answered = None if rng.random() < 0.4 else stamp(self.moment())
        return entities.ticket(
            ticket_id, status=rng.choice(STATUSES), queue=rng.choice(QUEUES),
            assignee=assignee,
            assignee_name=None if assignee is None or rng.random() < 0.2 else AGENTS[assignee],
            opened_at=stamp(self.moment()), sla_due_at=stamp(self.moment()),
            first_response_at=answered, updated_at=stamp(self.now),
            messages=sorted((self.message() for _ in range(rng.randint(0, 4))), key=lambda m: m.at),
            actions=sorted((self.action() for _ in range(rng.randint(0, 3))), key=lambda a: a.at),
        )  # fmt: skip

    def presences(self) -> list[Presence]:
        return [
            entities.presence(
                agent_id, name=name, status=self.rng.choice(("online", "away", "offline")),
                expires_at=stamp(self.moment(0.2, 0.2)), role="agent",
                queues=self.rng.sample(QUEUES, self.rng.randint(0, 2)),
            )
            for agent_id, name in AGENTS.items()
            if agent_id != "ag-gone" and self.rng.random() < 0.8
        ]  # fmt: skip

    def step(self) -> str:
        """One random change; what it was."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.3 or not self.tickets:
            ticket_id = f"t{self._next_id:03d}"
            self._next_id += 1
            self.tickets[ticket_id] = self.ticket(ticket_id)
            return f"insert {ticket_id}"
        ticket_id = rng.choice(sorted(self.tickets))
        if roll < 0.55:
            self.tickets[ticket_id] = self.ticket(ticket_id)
            return f"change {ticket_id}"
        if roll < 0.62:  # a new object, equal content (a change the figures do not see)
            self.tickets[ticket_id] = msgspec.structs.replace(self.tickets[ticket_id])
            return f"copy {ticket_id}"
        if roll < 0.72:
            del self.tickets[ticket_id]
            return f"remove {ticket_id}"
        if roll < 0.8:
            self.agents = self.presences()
            return "presences"
        self.now += rng.choice((dt.timedelta(seconds=1), STEP, 7 * STEP, dt.timedelta(hours=3)))
        return f"clock {self.now}"


def canonical(figures: DashboardFigures) -> DashboardFigures:
    """``figures`` with today's first-response samples in order (their order is no figure)."""
    today = figures.today
    assert today is not None

    def sort(groups: tuple[GroupFigures, ...]) -> tuple[GroupFigures, ...]:
        return tuple(
            dataclasses.replace(group, first_response_s=sorted(group.first_response_s))
            for group in groups
        )

    return dataclasses.replace(
        figures,
        today=PeriodFigures(today.period, sort(today.queues), sort(today.agents)),
    )


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("tz", [LIMA, MADRID], ids=["lima", "madrid"])
def test_incremental_figures_equal_a_full_pass_after_every_step(seed: int, tz: dt.tzinfo) -> None:
    world = World(random.Random(seed))
    incremental = IncrementalFigures()
    history = []
    for _ in range(150):
        history.append(world.step())
        tickets = list(world.tickets.values())
        world.rng.shuffle(tickets)  # the figures do not depend on the store's order
        got = incremental(tickets, world.agents, world.now, tz)
        expected = compute_figures(tickets, world.agents, world.now, tz)
        assert canonical(got) == canonical(expected), history[-5:]


def test_a_burst_of_changes_then_the_clock_alone_moving() -> None:
    """Many changes in one pass (merged by sorting), then passes where only time passes."""
    world = World(random.Random(99))
    incremental = IncrementalFigures()
    for n in range(400):
        world.tickets[f"t{n:03d}"] = world.ticket(f"t{n:03d}")
    world.agents = world.presences()
    tickets = list(world.tickets.values())
    for minutes in (0, 1, 4, 5, 60, 61, 60 * 3, 60 * 24, 60 * 24 * 2):
        now = START + dt.timedelta(minutes=minutes)
        got = incremental(tickets, world.agents, now, MADRID)
        assert canonical(got) == canonical(compute_figures(tickets, world.agents, now, MADRID))
    for ticket_id in sorted(world.tickets)[::3]:
        world.tickets[ticket_id] = world.ticket(ticket_id)
    tickets = list(world.tickets.values())[50:]
    got = incremental(tickets, world.agents, now, MADRID)
    assert canonical(got) == canonical(compute_figures(tickets, world.agents, now, MADRID))


def test_a_pass_that_fails_leaves_the_next_one_right() -> None:
    world = World(random.Random(7))
    incremental = IncrementalFigures()
    good = [world.ticket(f"t{n}") for n in range(20)]
    incremental(good, [], world.now, LIMA)
    broken = entities.ticket("bad", opened_at="not a time", sla_due_at=stamp(world.now))
    with pytest.raises(ValueError, match="not an RFC 3339 timestamp"):
        incremental([*good[:10], broken], [], world.now, LIMA)
    got = incremental(good[:10], [], world.now, LIMA)
    assert canonical(got) == canonical(compute_figures(good[:10], [], world.now, LIMA))


def test_the_oldest_waiting_of_a_tie_is_the_smallest_ticket_id() -> None:
    opened = stamp(START - dt.timedelta(minutes=30))
    tied = [
        entities.ticket(ticket_id, opened_at=opened, sla_due_at=stamp(START))
        for ticket_id in ("t2", "t1", "t3")
    ]
    for order in (tied, tied[::-1]):
        (row,) = compute_figures(order, [], START).queues
        assert (row.oldest_ticket_id, row.oldest_waiting) == ("t1", dt.timedelta(minutes=30))


def test_a_sorted_bag_counts_by_bisection_and_refuses_to_lose_what_it_never_held() -> None:
    bag: SortedBag[float] = SortedBag()
    for value in (5.0, 1.0, 3.0, 3.0):
        bag.change(value, 1)
    bag.change(1.0, -1)
    bag.change(1.0, 1)  # cancels
    bag.flush()
    assert list(bag) == [1.0, 3.0, 3.0, 5.0]
    assert (bag.count_below(3.0), bag.count_up_to(3.0), bag.first()) == (1, 3, 1.0)
    for value in range(1000):  # many at once: merged by sorting
        bag.change(float(value % 7), 1)
    bag.change(5.0, -1)
    bag.flush()
    assert list(bag) == sorted([1.0, 3.0, 3.0] + [float(v % 7) for v in range(1000)])
    bag.change(42.0, -1)
    with pytest.raises(KeyError):
        bag.flush()
