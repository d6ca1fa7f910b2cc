"""What one ticket contributes to the dashboard's figures, read once per version of it.

``facts_of`` parses a ticket (the costly part of a pass: timestamps, messages,
actions) into ``TicketFacts``, which do not depend on the clock; ``day_items``
says what they count for in one local day. The accumulator
(``figure_accumulator``) subtracts a ticket's old facts and adds its new ones,
and evaluates what depends on ``now`` when asked (see ``queue_load`` for the
definitions, which these follow to the letter).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, NamedTuple

from bridge.wire.entities import Ticket
from bridge.wire.figures import holder_at
from bridge.wire.rules import first_response_in_time, is_active
from bridge.wire.timestamps import epoch_of
from console.dashboard.queue_load import STATUS_CHANGED, parse_time, waiting_since

GroupKey = tuple[Literal["queue", "agent"], str]
"""A group of the day's figures: ("queue", name) or ("agent", agent_id)."""
DayKind = Literal["opened", "resolved", "sample", "met", "breach"]


class DayItem(NamedTuple):
    """One thing a ticket counts for in a day: ``kind`` in ``group`` from the instant ``at``.

    ``opened``, ``resolved`` and ``sample`` (a first response, ``seconds`` after
    the opening) count once ``at`` is not after now; ``met`` (answered in time,
    at ``at``) likewise; ``breach`` (due at ``at``, not answered in time) once now
    is past ``at``. A ticket due in the day is pending until then.
    """

    group: GroupKey
    kind: DayKind
    at: float
    seconds: float
    ticket_id: str


@dataclass(frozen=True, slots=True)
class FirstResponse:
    """A ticket's first public agent reply."""

    at: float
    seconds: float
    """From the opening to the reply (never negative)."""
    author: tuple[str, str | None] | None
    """Who wrote it (id, name), if a public agent message is there."""


@dataclass(frozen=True, slots=True)
class Sla:
    """A ticket's first-response deadline and, if answered in time, when."""

    due: float
    met_at: float | None
    holder: tuple[str, str | None] | None
    """Who held the ticket at the due time (id, name)."""


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """Everything of a ticket the figures read, parsed (no ``now`` in it)."""

    ticket_id: str
    queue: str
    active: bool
    assignee: str | None
    assignee_label: str
    breach_due: float | None
    """Active and not answered in time: breached once now is past this (epoch seconds)."""
    waiting_since: dt.datetime | None
    opened: dt.datetime
    resolutions: tuple[tuple[dt.datetime, str | None, str | None], ...]
    """Each ``status_changed`` to resolved: when, by whom (id, name)."""
    first_response: FirstResponse | None
    sla: Sla | None


def facts_of(ticket: Ticket) -> TicketFacts:
    """The facts of ``ticket``; ``ValueError`` for a timestamp a full pass could not read."""
    opened = parse_time(ticket.opened_at)
    due = epoch_of(ticket.sla_due_at)  # unreadable: no deadline, as for a full pass
    answered = epoch_of(ticket.first_response_at)
    active = is_active(ticket.status)
    in_time = due is not None and first_response_in_time(answered, due)
    if active and due is None:
        raise ValueError(f"ticket {ticket.ticket_id} has no SLA due time")
    author = next(
        (
            (message.author_id, message.author_name)
            for message in ticket.messages
            if message.author_kind == "agent" and not message.internal
        ),
        None,
    )
    return TicketFacts(
        ticket_id=ticket.ticket_id,
        queue=ticket.queue,
        active=active,
        assignee=ticket.assignee,
        assignee_label=(ticket.assignee_name or ticket.assignee) if ticket.assignee else "",
        breach_due=due if active and not in_time else None,
        waiting_since=waiting_since(ticket),
        opened=opened,
        resolutions=tuple(
            (parse_time(action.at), action.agent_id, action.agent_name)
            for action in ticket.actions
            if action.type == STATUS_CHANGED and action.value == "resolved"
        ),
        first_response=None
        if answered is None
        else FirstResponse(answered, max(answered - opened.timestamp(), 0.0), author),
        sla=None
        if due is None
        else Sla(due, answered if in_time else None, holder_at(ticket, due)),
    )


def day_items(
    facts: TicketFacts, start: float, end: float
) -> tuple[tuple[DayItem, ...], tuple[tuple[str, str], ...]]:
    """What ``facts`` count for in the day ``[start, end)``, and the agents' names they carry."""
    tid = facts.ticket_id
    queue: GroupKey = ("queue", facts.queue)
    items: list[DayItem] = []
    names: list[tuple[str, str]] = []

    def agent(agent_id: str, name: str | None) -> GroupKey:
        if name:
            names.append((agent_id, name))
        return ("agent", agent_id)

    opened = facts.opened.timestamp()
    if start <= opened < end:
        items.append(DayItem(queue, "opened", opened, 0.0, tid))
    earliest: dict[GroupKey, float] = {}
    for moment, agent_id, agent_name in facts.resolutions:
        at = moment.timestamp()
        if not start <= at < end:
            continue
        groups = [queue] if agent_id is None else [queue, agent(agent_id, agent_name)]
        for group in groups:
            earliest[group] = min(earliest.get(group, at), at)
    items.extend(DayItem(group, "resolved", at, 0.0, tid) for group, at in earliest.items())
    reply = facts.first_response
    if reply is not None and start <= reply.at < end:
        items.append(DayItem(queue, "sample", reply.at, reply.seconds, tid))
        if reply.author is not None:
            items.append(DayItem(agent(*reply.author), "sample", reply.at, reply.seconds, tid))
    sla = facts.sla
    if sla is not None and start <= sla.due < end:
        groups = [queue] if sla.holder is None else [queue, agent(*sla.holder)]
        for group in groups:
            if sla.met_at is not None:
                items.append(DayItem(group, "met", sla.met_at, 0.0, tid))
            else:
                items.append(DayItem(group, "breach", sla.due, 0.0, tid))
    return tuple(items), tuple(names)
