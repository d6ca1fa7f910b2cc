"""Row data of the ticket queue and the first-response SLA countdown (pure, no Qt)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec

from bridge.wire.rules import breached_at, first_response_in_time, is_active
from bridge.wire.timestamps import epoch_of
from console.viewstate.folding import folded

if TYPE_CHECKING:
    from collections.abc import Iterable

    from bridge.wire.entities import Ticket
    from bridge.wire.vocabulary import Channel, Priority, TicketStatus

SLA_WARNING_SECONDS = 15 * 60
"""Under this much time left, a running SLA is shown as a warning (amber)."""

MINUTES_PER_HOUR = 60
HOURS_PER_DAY = 24
PRIORITY_RANK: dict[str, int] = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
_UNRANKED = len(PRIORITY_RANK)


class SlaState(enum.Enum):
    """Where a ticket's first-response SLA stands."""

    MET = "met"  # an agent replied publicly before the due time: never breached
    RUNNING = "running"  # no reply yet, more than the warning time left (green)
    WARNING = "warning"  # no reply yet, less than the warning time left (amber)
    BREACHED = "breached"  # the due time passed without a reply, or the reply came late (red)


@dataclass(frozen=True, slots=True)
class Sla:
    """An SLA state and the seconds left until the due time (negative once past it)."""

    state: SlaState
    seconds_left: float


class QueueRow(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What the queue shows of one ticket; times are epoch seconds.

    A struct, not a frozen dataclass: the queue builds one per ticket as a
    snapshot loads, and a frozen dataclass's ``__init__`` (a Python
    ``object.__setattr__`` per field) cost 4.5 us of the 8 a row took. Not
    tracked by the garbage collector (it holds strings, numbers and a tuple
    of strings: no cycles).
    """

    ticket_id: str
    priority: Priority
    subject: str
    customer: str
    queue: str
    status: TicketStatus
    assignee_id: str | None
    assignee_name: str | None
    channel: Channel
    order_id: str | None
    opened_at: float
    sla_due: float
    first_response: float | None
    unread: int
    search_text: str
    tags: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        """Open or pending: still waiting for the support team."""
        return is_active(self.status)

    @property
    def priority_rank(self) -> int:
        """0 for urgent up to 3 for low (sorts the most pressing first)."""
        return PRIORITY_RANK.get(self.priority, len(PRIORITY_RANK))


OrderKey = tuple[int, float, int, float, str]
"""(answered, due minute, priority rank, due time, ticket id): see ``order_key``."""


def queue_row(ticket: Ticket, unread: int) -> QueueRow:
    """Build the queue's row for ``ticket`` (``unread`` comes from the seen tracker)."""
    return _row(ticket, unread, epoch_of(ticket.sla_due_at))


def keyed_queue_row(ticket: Ticket, unread: int) -> tuple[OrderKey, QueueRow]:
    """``order_key(ticket)`` and ``queue_row(ticket, unread)``, its due time read once."""
    due = epoch_of(ticket.sla_due_at)
    return _order_key(ticket, due), _row(ticket, unread, due)


def _row(ticket: Ticket, unread: int, sla_due: float | None) -> QueueRow:
    ticket_id, subject, customer = ticket.ticket_id, ticket.subject, ticket.customer_name
    queue, order_id, assignee_name = ticket.queue, ticket.order_id, ticket.assignee_name
    tags = ticket.tags
    answered_at = ticket.first_response_at
    searchable = (
        ticket_id,
        subject,
        customer,
        ticket.customer_id,
        order_id or "",
        assignee_name or "",
        queue,
        *tags,
    )
    return QueueRow(
        ticket_id=ticket_id,
        priority=ticket.priority,
        subject=subject,
        customer=customer,
        queue=queue,
        status=ticket.status,
        assignee_id=ticket.assignee,
        assignee_name=assignee_name,
        channel=ticket.channel,
        order_id=order_id,
        opened_at=epoch_of(ticket.opened_at) or 0.0,
        sla_due=math.inf if sla_due is None else sla_due,
        first_response=None if answered_at is None else epoch_of(answered_at),
        unread=unread,
        search_text=folded("\n".join(searchable)),
        tags=tuple(tags),
    )


def order_key(ticket: Ticket) -> OrderKey:
    """The queue's default order: what needs the agent first.

    Unanswered tickets come before answered ones ("Met" or "Late"); among them
    the earliest first-response due time first, so breached tickets lead
    (longest overdue on top), then those due soonest; tickets due in the same
    minute are ordered by priority (urgent first). Time passing never changes
    the order; a first reply, a priority or a due-time change moves the row.
    """
    return _order_key(ticket, epoch_of(ticket.sla_due_at))


def _order_key(ticket: Ticket, due: float | None) -> OrderKey:
    due_at = math.inf if due is None else due
    minute = math.inf if due is None else float(math.floor(due / 60))
    answered = 0 if ticket.first_response_at is None else 1
    rank = PRIORITY_RANK.get(ticket.priority, _UNRANKED)
    return (answered, minute, rank, due_at, ticket.ticket_id)


def due_minute(key: OrderKey) -> float:
    """The due minute of an order key (epoch minutes; ``inf`` without a due time)."""
    return key[1]


def sla(row: QueueRow, now: float, warning_seconds: float = SLA_WARNING_SECONDS) -> Sla:
    """The SLA of ``row`` at ``now`` (contract fold rule 6: first response before the due time)."""
    return sla_at(row.sla_due, row.first_response, now, warning_seconds)


def sla_at(
    sla_due: float,
    first_response: float | None,
    now: float,
    warning_seconds: float = SLA_WARNING_SECONDS,
) -> Sla:
    """The SLA of a ticket due at ``sla_due`` and answered at ``first_response``, at ``now``.

    The one rule behind the queue's SLA column and the ticket header's SLA line.
    """
    if first_response is not None and first_response_in_time(first_response, sla_due):
        return Sla(SlaState.MET, sla_due - first_response)
    if breached_at(sla_due, first_response, now):
        late = first_response if first_response is not None else now
        return Sla(SlaState.BREACHED, sla_due - late)
    left = sla_due - now
    return Sla(SlaState.WARNING if left < warning_seconds else SlaState.RUNNING, left)


def is_breached(row: QueueRow, now: float) -> bool:
    """True when the ticket missed its first-response SLA."""
    return sla(row, now).state is SlaState.BREACHED


def crossed_due(rows: Iterable[QueueRow], since: float, now: float) -> list[str]:
    """Ids of unanswered tickets that breached between the check at ``since`` and ``now``.

    Breached means past the due time (``rules.breached_at``): not yet at ``since``
    and breached at ``now`` is a due time in ``[since, now)``.
    """
    return [r.ticket_id for r in rows if r.first_response is None and since <= r.sla_due < now]


def format_countdown(seconds: float) -> str:
    """The SLA countdown with its unit: ``45 min``, ``1 h 05 min``, ``2 d 3 h``.

    Whole minutes, rounded up (59 s left reads ``1 min``, never ``0 min`` before
    the due time); a leading minus once overdue (``-45 min``). ``min``, ``h``
    and ``d`` are the same in English and Spanish.
    """
    sign = "-" if seconds < 0 else ""
    minutes = math.ceil(abs(seconds) / 60)
    if minutes < MINUTES_PER_HOUR:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, MINUTES_PER_HOUR)
    if hours < HOURS_PER_DAY:
        return f"{sign}{hours} h {minutes:02d} min"
    days, hours = divmod(hours, HOURS_PER_DAY)
    return f"{sign}{days} d {hours} h"
