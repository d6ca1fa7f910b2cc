"""The supervisor's figures, computed from tickets, presences and a passed-in ``now``.

Pure Python: no Qt, no clock. Definitions (also shown as tooltips by the dashboard):

- **open**: tickets whose status is ``open`` or ``pending`` (not resolved or closed).
- **unassigned**: open tickets with no assignee.
- **breached**: open tickets past ``sla_due_at`` with no first public agent
  response by then (CONTRACT.md, fold rule 6, evaluated at ``now``).
- **oldest waiting**: among tickets with status ``open``, the longest time a
  customer has been waiting for the team: since the opening when no agent has
  answered, or since the first customer message after the last public agent
  reply. A ticket whose last word is the team's is not waiting. Of two
  waiting as long, the smaller ticket id is named.
- **agent load**: open tickets assigned to the agent. Presence past
  ``expires_at`` reads ``offline``. An assignee without a presence is listed
  as offline so that no load disappears, under the name most of their open
  tickets carry.
- **created / resolved**: tickets opened, and ``status_changed`` to
  ``resolved`` events, in the window ``(now - window, now]``, per bucket.
- **today** (``bridge.wire.figures``, for the agent's local day: from midnight
  to midnight in the console's time zone, as of ``now``): per queue the SLA
  attainment (first responses in time among the tickets due today whose
  deadline has passed or that were answered); per agent the median first
  response time and the tickets resolved today.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from bridge.wire.entities import Presence, Ticket
from bridge.wire.figures import Pace, PeriodFigures, local_day, paced, period_figures
from bridge.wire.rules import effective_presence, is_active, is_breached
from bridge.wire.timestamps import moment_of
from bridge.wire.vocabulary import PresenceStatus, Role

STATUS_CHANGED = "atp.ticket.status_changed"
WINDOW = dt.timedelta(hours=1)
BUCKET = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class QueueFigures:
    """One queue's load."""

    queue: str
    open: int
    unassigned: int
    breached: int
    oldest_waiting: dt.timedelta | None
    oldest_ticket_id: str | None
    sla_met_today: int = 0
    """Tickets due today answered in time."""
    sla_decided_today: int = 0
    """Tickets due today answered in time or breached (the attainment's denominator)."""

    @property
    def sla_attainment_today(self) -> float | None:
        """Share of today's decided SLAs that were met (``None``: none decided yet)."""
        if self.sla_decided_today == 0:
            return None
        return self.sla_met_today / self.sla_decided_today


@dataclass(frozen=True)
class AgentFigures:
    """One agent's presence and load."""

    agent_id: str
    name: str
    role: Role | None
    presence: PresenceStatus
    load: int
    queues: tuple[str, ...]
    first_response_today: dt.timedelta | None = None
    """Median time to the first reply of the tickets this agent first answered today."""
    first_responses_today: int = 0
    resolved_today: int = 0


@dataclass(frozen=True)
class Bucket:
    """Tickets created and resolved in ``(start, start + BUCKET]``."""

    start: dt.datetime
    created: int
    resolved: int


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, as of ``now``."""

    now: dt.datetime
    queues: tuple[QueueFigures, ...]
    agents: tuple[AgentFigures, ...]
    buckets: tuple[Bucket, ...]
    today: PeriodFigures | None = None
    """The figures of the agent's local day (``bridge.wire.figures``)."""

    @property
    def created_last_hour(self) -> int:
        """Tickets opened in the window."""
        return sum(bucket.created for bucket in self.buckets)

    @property
    def resolved_last_hour(self) -> int:
        """Resolutions in the window."""
        return sum(bucket.resolved for bucket in self.buckets)


def parse_time(text: str) -> dt.datetime:
    """The aware datetime of a state timestamp; ``ValueError`` if it is unreadable."""
    moment = moment_of(text)
    if moment is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    return moment


def waiting_since(ticket: Ticket) -> dt.datetime | None:
    """When the customer started waiting for the team (``None``: not waiting)."""
    if ticket.status != "open":
        return None
    since: dt.datetime | None = parse_time(ticket.opened_at)
    for message in ticket.messages:
        if message.internal:
            continue
        if message.author_kind == "agent":
            since = None
        elif message.author_kind == "customer" and since is None:
            since = parse_time(message.at)
    return since


def queue_figures(
    tickets: Iterable[Ticket],
    now: dt.datetime,
    extra_queues: Iterable[str] = (),
    pace: Pace | None = None,
) -> tuple[QueueFigures, ...]:
    """Per-queue figures, by queue name; ``extra_queues`` are listed even when empty."""
    by_queue: dict[str, list[Ticket]] = {queue: [] for queue in extra_queues}
    for ticket in paced(tickets, pace):
        by_queue.setdefault(ticket.queue, [])
        if is_active(ticket.status):
            by_queue[ticket.queue].append(ticket)
    figures: list[QueueFigures] = []
    for queue in sorted(by_queue):
        active = by_queue[queue]
        oldest: tuple[dt.datetime, str] | None = None
        for ticket in paced(active, pace):
            since = waiting_since(ticket)
            if since is not None and (oldest is None or (since, ticket.ticket_id) < oldest):
                oldest = (since, ticket.ticket_id)  # a tie: the smallest ticket id
        figures.append(
            QueueFigures(
                queue=queue,
                open=len(active),
                unassigned=sum(1 for ticket in active if ticket.assignee is None),
                breached=sum(1 for ticket in paced(active, pace) if is_breached(ticket, now)),
                oldest_waiting=None if oldest is None else max(now - oldest[0], dt.timedelta(0)),
                oldest_ticket_id=None if oldest is None else oldest[1],
            )
        )
    return tuple(figures)


def agent_figures(
    tickets: Iterable[Ticket],
    agents: Iterable[Presence],
    now: dt.datetime,
    pace: Pace | None = None,
) -> tuple[AgentFigures, ...]:
    """Each agent's presence and load; online first, then by name."""
    load: dict[str, int] = {}
    labels: dict[str, Counter[str]] = {}
    for ticket in paced(tickets, pace):
        if ticket.assignee is not None and is_active(ticket.status):
            load[ticket.assignee] = load.get(ticket.assignee, 0) + 1
            labels.setdefault(ticket.assignee, Counter())[
                ticket.assignee_name or ticket.assignee
            ] += 1
    names = {agent_id: most_common(counts) for agent_id, counts in labels.items()}
    return agent_rows(agents, now, load, names)


def most_common(names: Counter[str]) -> str:
    """The name most tickets carry (a tie: the first alphabetically), whatever their order."""
    return min(names, key=lambda name: (-names[name], name))


def agent_rows(
    agents: Iterable[Presence], now: dt.datetime, load: Mapping[str, int], names: Mapping[str, str]
) -> tuple[AgentFigures, ...]:
    """The agents' rows from their presences and ``load`` (the assignees' ``names``).

    An assignee without a presence is listed, offline, so that no load disappears.
    """
    unlisted = dict(load)
    rows = [
        AgentFigures(
            agent_id=agent.agent_id,
            name=agent.name,
            role=agent.role,
            presence=effective_presence(agent, now),
            load=unlisted.pop(agent.agent_id, 0),
            queues=tuple(agent.queues),
        )
        for agent in agents
    ]
    rows.extend(
        AgentFigures(agent_id, names[agent_id], None, "offline", count, ())
        for agent_id, count in unlisted.items()
    )
    order = {"online": 0, "away": 1, "offline": 2}
    return tuple(sorted(rows, key=lambda row: (order[row.presence], row.name.casefold())))


def throughput(
    tickets: Iterable[Ticket],
    now: dt.datetime,
    window: dt.timedelta = WINDOW,
    bucket: dt.timedelta = BUCKET,
    pace: Pace | None = None,
) -> tuple[Bucket, ...]:
    """Created and resolved per bucket over ``(now - window, now]``, oldest bucket first."""
    count = max(1, -(-window // bucket))  # ceiling division
    start = now - count * bucket
    created = [0] * count
    resolved = [0] * count

    def slot(at: dt.datetime) -> int | None:
        if not start < at <= now:
            return None
        return -((start - at) // bucket) - 1  # bucket i covers (start + i*b, start + (i+1)*b]

    for ticket in paced(tickets, pace):
        opened = slot(parse_time(ticket.opened_at))
        if opened is not None:
            created[opened] += 1
        for action in ticket.actions:
            if action.type == STATUS_CHANGED and action.value == "resolved":
                done = slot(parse_time(action.at))
                if done is not None:
                    resolved[done] += 1
    return tuple(
        Bucket(start=start + index * bucket, created=created[index], resolved=resolved[index])
        for index in range(count)
    )


def compute_figures(
    tickets: Iterable[Ticket],
    agents: Iterable[Presence],
    now: dt.datetime,
    tz: dt.tzinfo | None = dt.UTC,
    pace: Pace | None = None,
) -> DashboardFigures:
    """All the dashboard's figures at ``now`` (an aware datetime).

    "Today" is the day of ``now`` in ``tz`` (``None``: this system's time zone).
    ``pace`` is called every few tickets of each pass (``figures.paced``).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    ticket_list = list(tickets)
    agent_list = list(agents)
    agent_queues = {queue for agent in agent_list for queue in agent.queues}
    today = period_figures(ticket_list, local_day(now, tz), pace)
    queues = queue_figures(ticket_list, now, agent_queues, pace)
    return DashboardFigures(
        now=now,
        queues=with_today_queues(queues, today),
        agents=with_today_agents(agent_figures(ticket_list, agent_list, now, pace), today),
        buckets=throughput(ticket_list, now, pace=pace),
        today=today,
    )


def with_today_queues(
    rows: tuple[QueueFigures, ...], today: PeriodFigures
) -> tuple[QueueFigures, ...]:
    """The queue rows with today's SLA attainment (every ticket's queue already has a row)."""
    merged = []
    for row in rows:
        group = today.queue(row.queue)
        merged.append(
            row
            if group is None
            else replace(row, sla_met_today=group.sla_met, sla_decided_today=group.sla_decided)
        )
    return tuple(merged)


def with_today_agents(
    rows: tuple[AgentFigures, ...], today: PeriodFigures
) -> tuple[AgentFigures, ...]:
    """The agent rows with today's first response and resolutions.

    An agent with figures today but neither a presence nor open tickets is listed
    (offline, last) so that no figure disappears.
    """
    known = {row.agent_id for row in rows}
    extra = [
        AgentFigures(group.key, group.name, None, "offline", 0, ())
        for group in today.agents
        if group.key not in known
    ]
    merged = []
    for row in [*rows, *sorted(extra, key=lambda row: row.name.casefold())]:
        group = today.agent(row.agent_id)
        if group is None:
            merged.append(row)
        else:
            merged.append(
                replace(
                    row,
                    first_response_today=group.first_response_median,
                    first_responses_today=group.first_responses,
                    resolved_today=group.resolved,
                )
            )
    return tuple(merged)
