"""The figures of a pass from the tickets that changed since the last one.

``IncrementalFigures`` is a ``figures_job.Compute``: it keeps the ticket
objects of its last pass and, since the store replaces a ticket object when
the ticket changes (they are immutable structs), tells the changed ones by
identity; only those are parsed (``ticket_facts``) and counted again
(``figure_accumulator``). The first pass, and the one after a pass that
failed, counts every ticket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bridge.wire.entities import Presence, Ticket
from bridge.wire.figures import Pace, local_day, paced
from console.dashboard.figure_accumulator import FigureAccumulator
from console.dashboard.queue_load import DashboardFigures
from console.dashboard.ticket_facts import facts_of


class IncrementalFigures:
    """``compute_figures``'s result, at the cost of what changed since the last call."""

    def __init__(self) -> None:
        self._tickets: dict[str, Ticket] = {}
        self._accumulator = FigureAccumulator()

    def __call__(
        self,
        tickets: Iterable[Ticket],
        agents: Iterable[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None = dt.UTC,
        pace: Pace | None = None,
    ) -> DashboardFigures:
        """The figures of ``tickets`` and ``agents`` at ``now`` (as ``compute_figures``)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        day = local_day(now, tz)
        try:
            current, changed = self._diff(tickets, pace)
            removed = (
                []
                if len(current) == len(self._tickets) + _new(changed, self._tickets)
                else [
                    ticket_id
                    for ticket_id in paced(self._tickets, pace)
                    if ticket_id not in current
                ]
            )
            facts = [facts_of(ticket) for ticket in paced(changed, pace)]
            self._accumulator.update(facts, removed, day, pace)
            self._tickets = current
            return self._accumulator.figures(agents, now, day)
        except Exception:
            self._tickets = {}  # the state may be half updated: count everything next time
            self._accumulator = FigureAccumulator()
            raise

    def _diff(
        self, tickets: Iterable[Ticket], pace: Pace | None
    ) -> tuple[dict[str, Ticket], list[Ticket]]:
        last = self._tickets
        current: dict[str, Ticket] = {}
        changed: list[Ticket] = []
        for ticket in paced(tickets, pace):
            current[ticket.ticket_id] = ticket
            if last.get(ticket.ticket_id) is not ticket:
                changed.append(ticket)
        return current, changed


def _new(changed: list[Ticket], last: dict[str, Ticket]) -> int:
    """How many of ``changed`` were not there last time."""
    return sum(1 for ticket in changed if ticket.ticket_id not in last)
