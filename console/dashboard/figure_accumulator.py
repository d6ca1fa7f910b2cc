"""The dashboard's figures kept up to date from the tickets that changed, not all of them.

``FigureAccumulator`` holds what each ticket contributes (``ticket_facts``):
counts per queue and per assignee, and the instants that the clock decides
(deadlines, openings, resolutions, first responses) in ``SortedBag``s. A
changed ticket is subtracted with its old facts and added with its new ones;
``figures`` then evaluates ``now`` by bisection, so that a pass costs what
changed plus a few steps per queue and agent, and figures that move with the
clock alone (breached now, the last hour's buckets, today's SLA decided) stay
right with no ticket changing. "Today" is kept for one local day: when the
day (or its time zone) changes, it is rebuilt from the facts already held.

The figures equal ``queue_load.compute_figures`` over the same tickets at the
same ``now`` (``tests/unit/test_figure_accumulator.py``), but for two things
a full pass leaves to the tickets' order: the order of today's first-response
samples (only their median is shown), and, if one agent's events carry
different names, which of them today's figures use (here the most common).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bridge.wire.entities import Presence
from bridge.wire.figures import GroupFigures, Pace, Period, PeriodFigures, paced
from console.dashboard.queue_load import (
    BUCKET,
    WINDOW,
    Bucket,
    DashboardFigures,
    QueueFigures,
    agent_rows,
    most_common,
    with_today_agents,
    with_today_queues,
)
from console.dashboard.sorted_bag import SortedBag
from console.dashboard.ticket_facts import DayItem, DayKind, GroupKey, TicketFacts, day_items

_Instant = tuple[float, float, str]  # (at, seconds, ticket id) of a DayItem


@dataclass
class _Queue:
    """One queue's counts (tickets of any status, to list the queue)."""

    tickets: int = 0
    open: int = 0
    unassigned: int = 0
    breach_dues: SortedBag[float] = field(default_factory=SortedBag)
    waiting: SortedBag[tuple[dt.datetime, str]] = field(default_factory=SortedBag)

    def flush(self) -> None:
        self.breach_dues.flush()
        self.waiting.flush()


@dataclass
class _DayGroup:
    """One queue's or agent's instants of the day, by kind, and the agent's names."""

    kinds: dict[DayKind, SortedBag[_Instant]] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)

    def bag(self, kind: DayKind) -> SortedBag[_Instant]:
        bag = self.kinds.get(kind)
        if bag is None:
            bag = self.kinds[kind] = SortedBag()
        return bag

    def figures(self, key: GroupKey, now: float) -> GroupFigures | None:
        """The group's figures as of ``now`` (``None``: it has none yet)."""
        ceiling: _Instant = (now, float("inf"), "\U0010ffff")
        floor: _Instant = (now, float("-inf"), "")

        def up_to(kind: DayKind) -> list[_Instant]:
            bag = self.kinds.get(kind)
            return [] if bag is None else bag.up_to(ceiling)

        def size(kind: DayKind) -> int:
            bag = self.kinds.get(kind)
            return 0 if bag is None else len(bag)

        opened = len(up_to("opened"))
        resolved = {tid for _, _, tid in up_to("resolved")}
        samples = [seconds for _, seconds, _ in up_to("sample")]
        met = len(up_to("met"))
        breach = self.kinds.get("breach")
        breached = 0 if breach is None else breach.count_below(floor)
        due = size("met") + size("breach")
        if not (opened or resolved or samples or due):
            return None
        kind, name = key
        label = key[1] if kind == "queue" or not self.names else most_common(self.names)
        return GroupFigures(
            key=name,
            name=label,
            opened=opened,
            resolved_tickets=resolved,
            first_response_s=samples,
            sla_met=met,
            sla_breached=breached,
            sla_pending=due - met - breached,
        )


class FigureAccumulator:
    """The figures of a set of tickets, updated by ``update`` with what changed."""

    def __init__(self) -> None:
        self._facts: dict[str, TicketFacts] = {}
        self._queues: dict[str, _Queue] = {}
        self._load: Counter[str] = Counter()
        self._labels: dict[str, Counter[str]] = {}
        self._opened: SortedBag[dt.datetime] = SortedBag()
        self._resolved: SortedBag[dt.datetime] = SortedBag()
        self._day: tuple[float, float] | None = None
        self._day_groups: dict[GroupKey, _DayGroup] = {}

    def __len__(self) -> int:
        return len(self._facts)

    def update(
        self,
        changed: Iterable[TicketFacts],
        removed: Iterable[str],
        day: Period,
        pace: Pace | None = None,
    ) -> None:
        """Replace the facts of ``changed`` tickets, drop ``removed`` ones; keep ``day``'s."""
        self._set_day(day, pace)
        for facts in paced(changed, pace):
            old = self._facts.get(facts.ticket_id)
            if old == facts:
                continue
            if old is not None:
                self._count(old, -1)
            self._count(facts, +1)
            self._facts[facts.ticket_id] = facts
        for ticket_id in paced(removed, pace):
            gone = self._facts.pop(ticket_id, None)
            if gone is not None:
                self._count(gone, -1)
        self._flush()

    def figures(
        self, agents: Iterable[Presence], now: dt.datetime, day: Period
    ) -> DashboardFigures:
        """Every figure at ``now`` (after ``update`` with this ``day``)."""
        if self._day != (day.start.timestamp(), day.end.timestamp()):
            raise ValueError("figures asked for a day the accumulator does not hold")
        agent_list = list(agents)
        extra = {queue for agent in agent_list for queue in agent.queues}
        today = self._today(day)
        queues = tuple(
            self._queue_row(name, self._queues.get(name) or _Queue(), now)
            for name in sorted(extra | self._queues.keys())
        )
        names = {agent_id: most_common(self._labels[agent_id]) for agent_id in self._load}
        return DashboardFigures(
            now=now,
            queues=with_today_queues(queues, today),
            agents=with_today_agents(agent_rows(agent_list, now, self._load, names), today),
            buckets=self._buckets(now),
            today=today,
        )

    # ------------------------------------------------------------------ counting
    def _count(self, facts: TicketFacts, sign: int) -> None:
        queue = self._queues.get(facts.queue)
        if queue is None:
            queue = self._queues[facts.queue] = _Queue()
        queue.tickets += sign
        if facts.active:
            queue.open += sign
            if facts.assignee is None:
                queue.unassigned += sign
            else:
                self._load[facts.assignee] += sign
                labels = self._labels.get(facts.assignee)
                if labels is None:
                    labels = self._labels[facts.assignee] = Counter()
                labels[facts.assignee_label] += sign
        if facts.breach_due is not None:
            queue.breach_dues.change(facts.breach_due, sign)
        if facts.waiting_since is not None:
            queue.waiting.change((facts.waiting_since, facts.ticket_id), sign)
        self._opened.change(facts.opened, sign)
        for moment, _, _ in facts.resolutions:
            self._resolved.change(moment, sign)
        if self._day is not None:
            self._count_day(facts, sign, *self._day)

    def _count_day(self, facts: TicketFacts, sign: int, start: float, end: float) -> None:
        items, names = day_items(facts, start, end)
        for item in items:
            self._day_group(item.group).bag(item.kind).change(_instant(item), sign)
        for agent_id, name in names:
            self._day_group(("agent", agent_id)).names[name] += sign

    def _day_group(self, key: GroupKey) -> _DayGroup:
        group = self._day_groups.get(key)
        if group is None:
            group = self._day_groups[key] = _DayGroup()
        return group

    def _flush(self) -> None:
        for name, queue in list(self._queues.items()):
            queue.flush()
            if queue.tickets == 0:
                del self._queues[name]
        for agent_id, count in list(self._load.items()):
            if count == 0:
                del self._load[agent_id]
                del self._labels[agent_id]
            else:
                self._labels[agent_id] = +self._labels[agent_id]  # drop the names at 0
        self._opened.flush()
        self._resolved.flush()
        for key, group in list(self._day_groups.items()):
            for bag in group.kinds.values():
                bag.flush()
            group.names = +group.names
            if not group.names and not any(len(bag) for bag in group.kinds.values()):
                del self._day_groups[key]

    def _set_day(self, day: Period, pace: Pace | None) -> None:
        bounds = (day.start.timestamp(), day.end.timestamp())
        if bounds == self._day:
            return
        self._day = bounds
        self._day_groups = {}
        for facts in paced(list(self._facts.values()), pace):
            self._count_day(facts, +1, *bounds)

    # ------------------------------------------------------------------ reading
    def _queue_row(self, name: str, queue: _Queue, now: dt.datetime) -> QueueFigures:
        oldest = queue.waiting.first()
        return QueueFigures(
            queue=name,
            open=queue.open,
            unassigned=queue.unassigned,
            breached=queue.breach_dues.count_below(now.timestamp()),
            oldest_waiting=None if oldest is None else max(now - oldest[0], dt.timedelta(0)),
            oldest_ticket_id=None if oldest is None else oldest[1],
        )

    def _buckets(self, now: dt.datetime) -> tuple[Bucket, ...]:
        count = max(1, -(-WINDOW // BUCKET))  # as queue_load.throughput
        start = now - count * BUCKET
        edges = [start + index * BUCKET for index in range(count + 1)]
        created = [self._opened.count_up_to(edge) for edge in edges]
        resolved = [self._resolved.count_up_to(edge) for edge in edges]
        return tuple(
            Bucket(
                start=edges[index],
                created=created[index + 1] - created[index],
                resolved=resolved[index + 1] - resolved[index],
            )
            for index in range(count)
        )

    def _today(self, day: Period) -> PeriodFigures:
        now = day.as_of.timestamp()
        rows = {
            key: figures
            for key, group in self._day_groups.items()
            if (figures := group.figures(key, now)) is not None
        }
        return PeriodFigures(
            period=day,
            queues=tuple(rows[key] for key in sorted(rows) if key[0] == "queue"),
            agents=tuple(rows[key] for key in sorted(rows) if key[0] == "agent"),
        )


def _instant(item: DayItem) -> _Instant:
    return (item.at, item.seconds, item.ticket_id)
