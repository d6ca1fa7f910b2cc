"""Who else has a ticket open or is writing in it, from the agents' presence (pure, no Qt).

Reads contract 1.1 ``viewing``/``composing`` through ``bridge.wire.rules`` (an
expired or offline presence counts as neither), leaves out this console's own
agent, and sorts writers first, then by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bridge.wire.rules import activity_at
from bridge.wire.timestamps import epoch_of

if TYPE_CHECKING:
    from bridge.wire.entities import Presence


@dataclass(frozen=True, order=True)
class Colleague:
    """Another agent on a ticket: ``composing`` when writing a reply or note there."""

    sort_key: tuple[bool, str]
    name: str
    agent_id: str
    composing: bool


def colleagues_by_ticket(
    agents: Iterable[Presence], me: str | None, now: float
) -> dict[str, tuple[Colleague, ...]]:
    """For each ticket someone else views or writes in: who, writers first, at ``now``."""
    found: dict[str, list[Colleague]] = {}
    for presence in agents:
        if presence.agent_id == me:
            continue
        expires = epoch_of(presence.expires_at)
        if expires is None:
            continue
        viewing, composing = activity_at(
            presence.status, expires, now, presence.viewing, presence.composing
        )
        for ticket_id in dict.fromkeys(t for t in (viewing, composing) if t is not None):
            writing = ticket_id == composing
            name = presence.name or presence.agent_id
            found.setdefault(ticket_id, []).append(
                Colleague(
                    sort_key=(not writing, name.casefold()),
                    name=name,
                    agent_id=presence.agent_id,
                    composing=writing,
                )
            )
    return {ticket_id: tuple(sorted(people)) for ticket_id, people in found.items()}


def next_expiry(agents: Iterable[Presence], me: str | None, now: float) -> float | None:
    """The earliest future ``expires_at`` of a presence that shows someone on a ticket."""
    instants = []
    for presence in agents:
        if presence.agent_id == me or presence.status == "offline":
            continue
        if presence.viewing is None and presence.composing is None:
            continue
        expires = epoch_of(presence.expires_at)
        if expires is not None and expires >= now:
            instants.append(expires)
    return min(instants, default=None)
