"""Support figures over a period: opened, resolved, first response, SLA attainment, breaches.

One implementation for both processes: the console's dashboard computes them
for the agent's local day ("today", as of now) and ``atp-bridge report`` for a
chosen day or week of the log (as of the end of the period). Pure Python: no
clock, no Qt; times come from the tickets the fold built.

Definitions (docs/CONSOLE.md, "Dashboard figures"), for a period
``[start, end)`` evaluated ``as_of`` (``min(end, now)``):

- **opened**: tickets whose ``opened_at`` is in the period.
- **resolved**: tickets with a ``status_changed`` to ``resolved`` in the period
  (a ticket resolved twice counts once per group); per agent, the agent who
  set the status.
- **first response**: tickets whose ``first_response_at`` is in the period; the
  time from ``opened_at`` to it; the median of those times. Per agent, the
  author of that first public reply.
- **SLA**: tickets whose ``sla_due_at`` is in the period. *Met* when the first
  public reply came at or before the due time (rule 6); *breached* once
  ``as_of`` is past the due time without one; otherwise still *pending* (due
  later, unanswered) and left out of the attainment. **Attainment** = met /
  (met + breached). Per agent, the agent who held the ticket at its due time
  (from its claims, assignments and releases); an unassigned ticket counts for
  its queue only.
- A ticket counts for the queue it is in (as of ``as_of``: the report folds
  only the events up to the end of the period).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from bridge.wire.entities import Ticket
from bridge.wire.rules import breached_at, first_response_in_time
from bridge.wire.timestamps import epoch_of, require_aware

_T = TypeVar("_T")
Pace = Callable[[], None]
"""Called every ``PACE_EVERY`` items of a pass (it may wait: see ``paced``)."""
PACE_EVERY = 16
"""Items between two calls of a pass's ``pace``."""


def paced(items: Iterable[_T], pace: Pace | None) -> Iterator[_T]:
    """``items``, calling ``pace()`` before the first and every ``PACE_EVERY``-th.

    A pass run off the UI thread hands the interpreter back there
    (``console.dashboard.figures_job``); ``None`` is a pass that never waits.
    """
    if pace is None:
        yield from items
        return
    for index, item in enumerate(items):
        if index % PACE_EVERY == 0:
            pace()
        yield item


STATUS_CHANGED = "atp.ticket.status_changed"
CLAIMED = "atp.ticket.claimed"
ASSIGNED = "atp.ticket.assigned"
RELEASED = "atp.ticket.released"


@dataclass(frozen=True)
class Period:
    """The instants ``start <= t < end``, evaluated as of ``as_of``."""

    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime

    @classmethod
    def until(cls, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> Period:
        """The period ``[start, end)`` as of ``now`` or its end, whichever comes first."""
        for moment in (start, end, now):
            require_aware(moment)
        if end <= start:
            raise ValueError("a period must end after it starts")
        return cls(start=start, end=end, as_of=min(end, now))

    def holds(self, epoch: float | None) -> bool:
        """Whether the instant ``epoch`` (seconds) is in the period and not after ``as_of``."""
        if epoch is None:
            return False
        return self.start.timestamp() <= epoch < self.end.timestamp() and (
            epoch <= self.as_of.timestamp()
        )


def local_day(now: dt.datetime, tz: dt.tzinfo | None = None) -> Period:
    """The calendar day of ``now`` in ``tz`` (``None``: this system's), as of ``now`` ("today")."""
    local = require_aware(now).astimezone(tz)
    return Period.until(_midnight(local.date(), tz), _midnight(local.date(), tz, 1), now)


def local_days(first: dt.date, last: dt.date, tz: dt.tzinfo | None, now: dt.datetime) -> Period:
    """The days ``first`` to ``last`` (both included) in ``tz``, as of ``now`` or their end.

    ``tz`` ``None`` is this system's time zone, with its daylight saving rules.
    """
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    return Period.until(_midnight(first, tz), _midnight(last, tz, 1), now)


def _midnight(day: dt.date, tz: dt.tzinfo | None, days_after: int = 0) -> dt.datetime:
    naive = dt.datetime.combine(day + dt.timedelta(days=days_after), dt.time(0))
    return naive.astimezone() if tz is None else naive.replace(tzinfo=tz)


@dataclass
class GroupFigures:
    """The figures of one queue or one agent over a period."""

    key: str
    name: str
    opened: int = 0
    resolved_tickets: set[str] = field(default_factory=set)
    first_response_s: list[float] = field(default_factory=list)
    sla_met: int = 0
    sla_breached: int = 0
    sla_pending: int = 0

    @property
    def resolved(self) -> int:
        """Tickets resolved in the period."""
        return len(self.resolved_tickets)

    @property
    def first_responses(self) -> int:
        """Tickets first answered in the period."""
        return len(self.first_response_s)

    @property
    def first_response_median(self) -> dt.timedelta | None:
        """The median time to first response (``None``: no first response in the period)."""
        if not self.first_response_s:
            return None
        return dt.timedelta(seconds=statistics.median(self.first_response_s))

    @property
    def sla_decided(self) -> int:
        """Tickets due in the period whose SLA is met or breached as of the period's ``as_of``."""
        return self.sla_met + self.sla_breached

    @property
    def sla_attainment(self) -> float | None:
        """Met / decided, from 0 to 1 (``None``: no ticket due in the period is decided yet)."""
        return None if self.sla_decided == 0 else self.sla_met / self.sla_decided


_RowOf = Callable[[Ticket], GroupFigures]
_AgentRowOf = Callable[[str, str | None], GroupFigures]


@dataclass(frozen=True)
class PeriodFigures:
    """Per queue and per agent figures of a period, each sorted by key."""

    period: Period
    queues: tuple[GroupFigures, ...]
    agents: tuple[GroupFigures, ...]

    def queue(self, key: str) -> GroupFigures | None:
        """The figures of one queue, if it had any."""
        return next((row for row in self.queues if row.key == key), None)

    def agent(self, key: str) -> GroupFigures | None:
        """The figures of one agent, if they had any."""
        return next((row for row in self.agents if row.key == key), None)


def period_figures(
    tickets: Iterable[Ticket], period: Period, pace: Pace | None = None
) -> PeriodFigures:
    """Every figure of ``period`` over ``tickets`` (see the module docstring; ``paced``)."""
    queues: dict[str, GroupFigures] = {}
    agents: dict[str, GroupFigures] = {}

    def queue_of(ticket: Ticket) -> GroupFigures:
        return queues.setdefault(ticket.queue, GroupFigures(ticket.queue, ticket.queue))

    def agent_of(agent_id: str, name: str | None) -> GroupFigures:
        row = agents.setdefault(agent_id, GroupFigures(agent_id, name or agent_id))
        if name:
            row.name = name
        return row

    for ticket in paced(tickets, pace):
        opened = epoch_of(ticket.opened_at)
        if period.holds(opened):
            queue_of(ticket).opened += 1
        for action in ticket.actions:
            if (
                action.type == STATUS_CHANGED
                and action.value == "resolved"
                and period.holds(epoch_of(action.at))
            ):
                queue_of(ticket).resolved_tickets.add(ticket.ticket_id)
                if action.agent_id is not None:
                    agent_of(action.agent_id, action.agent_name).resolved_tickets.add(
                        ticket.ticket_id
                    )
        _first_response(ticket, opened, period, queue_of, agent_of)
        _sla(ticket, period, queue_of, agent_of)
    return PeriodFigures(
        period=period,
        queues=tuple(queues[key] for key in sorted(queues)),
        agents=tuple(agents[key] for key in sorted(agents)),
    )


def _first_response(
    ticket: Ticket,
    opened: float | None,
    period: Period,
    queue_of: _RowOf,
    agent_of: _AgentRowOf,
) -> None:
    answered = epoch_of(ticket.first_response_at)
    if opened is None or answered is None or not period.holds(answered):
        return
    seconds = max(answered - opened, 0.0)
    queue_of(ticket).first_response_s.append(seconds)
    author = next(
        (
            message
            for message in ticket.messages
            if message.author_kind == "agent" and not message.internal
        ),
        None,
    )
    if author is not None:
        agent_of(author.author_id, author.author_name).first_response_s.append(seconds)


def _sla(ticket: Ticket, period: Period, queue_of: _RowOf, agent_of: _AgentRowOf) -> None:
    due = epoch_of(ticket.sla_due_at)
    if due is None or not period.start.timestamp() <= due < period.end.timestamp():
        return
    answered = epoch_of(ticket.first_response_at)
    if answered is not None and answered > period.as_of.timestamp():
        answered = None  # not yet, as of the period's end
    rows = [queue_of(ticket)]
    holder = holder_at(ticket, due)
    if holder is not None:
        rows.append(agent_of(*holder))
    for row in rows:
        if first_response_in_time(answered, due):
            row.sla_met += 1
        elif breached_at(due, answered, period.as_of.timestamp()):
            row.sla_breached += 1
        else:
            row.sla_pending += 1


def holder_at(ticket: Ticket, epoch: float) -> tuple[str, str | None] | None:
    """Who held ``ticket`` at the instant ``epoch`` (id, name), from its applied actions."""
    holder: tuple[str, str | None] | None = None
    for action in ticket.actions:
        moment = epoch_of(action.at)
        if moment is None or moment > epoch:
            continue
        if action.type == CLAIMED and action.agent_id is not None:
            holder = (action.agent_id, action.agent_name)
        elif action.type == ASSIGNED and action.target_id is not None:
            holder = (action.target_id, action.target_name)
        elif action.type == RELEASED:
            holder = None
    return holder
