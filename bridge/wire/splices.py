"""A change carries only the tail of an entity's lists that the console has not seen.

A ticket's messages and actions and an order's timeline only grow, at the end
(fold rules 3-5 and 8 append; nothing is edited or removed). A delta that
carried the whole entity each time would carry the whole conversation again
for every new message: at 1,000 events/s on tickets of 60 messages that was
most of what the bridge encoded and the console decoded. So a ``Change``
says from which index its lists start (``messages_from``, ``actions_from``,
``timeline_from``; 0: the whole list): the console keeps its first N entries
and appends the rest (``spliced_ticket``, ``spliced_order``).

The bridge side (``ListTails``) remembers how long each entity's lists were in
the last batch that carried it. Every console that applies a batch has applied
the one before it, or holds a snapshot taken after it, so it holds at least
that many entries, identical (they never change). A console that finds fewer
is out of step (``OutOfStepError``) and asks for a snapshot. Forgetting an entity's
lengths only makes its next change whole again, so the bound on what
``ListTails`` keeps is free to choose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import msgspec

from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import Change

__all__ = [
    "MAX_REMEMBERED",
    "ListTails",
    "OutOfStepError",
    "merged",
    "spliced_order",
    "spliced_ticket",
]

MAX_REMEMBERED = 65_536
"""Entities whose list lengths the bridge remembers (the least recently sent are forgotten)."""

_T = TypeVar("_T")
_Key = tuple[str, str]


class OutOfStepError(ValueError):
    """A change starts its lists past what the console holds: it needs a snapshot."""


class ListTails:
    """Per entity, the lengths of its lists in the last batch that carried it (bridge side)."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._limit = limit
        self._lengths: dict[_Key, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._lengths)

    def forget(self) -> None:
        """Make the next change of every entity whole.

        The bridge does this at each snapshot: a console that then reconnects
        holds what the snapshot held, which lacks the entities moved to the
        history file meanwhile (their move is not announced, so a console that
        did not reconnect still holds them).
        """
        self._lengths = {}

    def trim(self, change: Change) -> Change:
        """``change`` with only the list entries a console does not hold yet; remembers them."""
        key = (change.kind, change.key)
        lengths = self._lengths
        sent = lengths.pop(key, None)  # re-inserted last: the dict is least recently sent first
        ticket, order = change.ticket, change.order
        if ticket is not None:
            lengths[key] = (len(ticket.messages), len(ticket.actions))
            if sent is not None and sent != (0, 0):
                messages_from, actions_from = sent
                change = Change(
                    kind="ticket",
                    key=change.key,
                    ticket=msgspec.structs.replace(
                        ticket,
                        messages=ticket.messages[messages_from:],
                        actions=ticket.actions[actions_from:],
                    ),
                    messages_from=messages_from,
                    actions_from=actions_from,
                )
        elif order is not None:
            lengths[key] = (len(order.timeline), 0)
            if sent is not None and sent[0]:
                change = Change(
                    kind="order",
                    key=change.key,
                    order=msgspec.structs.replace(order, timeline=order.timeline[sent[0] :]),
                    timeline_from=sent[0],
                )
        if len(lengths) > self._limit:
            del lengths[next(iter(lengths))]
        return change


def _joined(held: Sequence[_T], start: int, tail: list[_T], what: str) -> list[_T]:
    if start == 0:
        return tail
    if len(held) < start:
        raise OutOfStepError(f"{what} start at entry {start}, the console holds {len(held)}")
    return [*held[:start], *tail]


def spliced_ticket(held: Ticket | None, change: Change) -> Ticket | None:
    """The ticket ``change`` describes, given the one the console ``held`` (console side).

    Returns the change's ticket with its lists completed from ``held`` (None:
    removed). Raises ``OutOfStepError`` when the change starts a list past what
    ``held`` has.
    """
    ticket = change.ticket
    if ticket is None or not (change.messages_from or change.actions_from):
        return ticket
    what = f"ticket {change.key}: its lists"
    if held is None:
        raise OutOfStepError(f"{what} continue a ticket the console does not hold")
    ticket.messages = _joined(held.messages, change.messages_from, ticket.messages, what)
    ticket.actions = _joined(held.actions, change.actions_from, ticket.actions, what)
    return ticket


def spliced_order(held: Order | None, change: Change) -> Order | None:
    """The order ``change`` describes, its timeline completed from ``held``.

    As ``spliced_ticket``: None when removed; ``OutOfStepError`` past what ``held`` has.
    """
    order = change.order
    if order is None or not change.timeline_from:
        return order
    what = f"order {change.key}: its timeline"
    if held is None:
        raise OutOfStepError(f"{what} continues an order the console does not hold")
    order.timeline = _joined(held.timeline, change.timeline_from, order.timeline, what)
    return order


def _merged_list(
    first_from: int, first: list[_T], second_from: int, second: list[_T]
) -> tuple[int, list[_T]]:
    """Two tails of one list, the second newer, as one tail."""
    if second_from <= first_from or second_from > first_from + len(first):
        return second_from, second  # the newer one alone (it starts no later, or past a gap)
    return first_from, [*first[: second_from - first_from], *second]


def merged(earlier: Change, later: Change) -> Change:
    """One change with the effect of ``earlier`` then ``later`` on the same entity (console side).

    The console merges the deltas that arrived within one frame: the later
    value wins, with its lists' tails joined to the earlier ones so that it
    still starts where the earlier did.
    """
    if later.ticket is not None and earlier.ticket is not None:
        if not (later.messages_from or later.actions_from):
            return later
        messages_from, messages = _merged_list(
            earlier.messages_from,
            earlier.ticket.messages,
            later.messages_from,
            later.ticket.messages,
        )
        actions_from, actions = _merged_list(
            earlier.actions_from, earlier.ticket.actions, later.actions_from, later.ticket.actions
        )
        ticket = msgspec.structs.replace(later.ticket, messages=messages, actions=actions)
        return Change(
            kind="ticket",
            key=later.key,
            ticket=ticket,
            messages_from=messages_from,
            actions_from=actions_from,
        )
    if later.order is not None and earlier.order is not None and later.timeline_from:
        timeline_from, timeline = _merged_list(
            earlier.timeline_from, earlier.order.timeline, later.timeline_from, later.order.timeline
        )
        order = msgspec.structs.replace(later.order, timeline=timeline)
        return Change(kind="order", key=later.key, order=order, timeline_from=timeline_from)
    return later
