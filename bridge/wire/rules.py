"""The contract's rules that both processes evaluate, each implemented once.

The fold uses them to report state (``atp-bridge snapshot --json``); the console uses
them to colour the queue, count breaches on the dashboard and decide what to notify.
Times held in the state are RFC 3339 strings; each rule also has an epoch form
(``*_at`` floats) for the console, which keeps rows as epoch seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bridge.wire.timestamps import epoch_of, require_aware

if TYPE_CHECKING:
    from bridge.wire.entities import Presence, Ticket
    from bridge.wire.vocabulary import PresenceStatus

MAX_TAG_CHARS = 40
"""Contract 1.1: a ticket tag is a string of 1 to 40 characters (fold rule 8 compares exactly)."""

ACTIVE_STATUSES: frozenset[str] = frozenset({"open", "pending"})
"""Ticket statuses that are still the support team's work (resolved and closed are not)."""


def is_active(status: str) -> bool:
    """True for a ticket status that still needs the team: ``open`` or ``pending``."""
    return status in ACTIVE_STATUSES


def first_response_in_time(first_response_at: float | None, sla_due_at: float) -> bool:
    """Rule 6: a public agent reply at or before the due time means never breached."""
    return first_response_at is not None and first_response_at <= sla_due_at


def breached_at(sla_due_at: float, first_response_at: float | None, now: float) -> bool:
    """Rule 6 on epoch seconds: no first response in time, and ``now`` is past the due time."""
    if first_response_in_time(first_response_at, sla_due_at):
        return False
    return now > sla_due_at


def is_breached(ticket: Ticket, now: dt.datetime) -> bool:
    """Rule 6 for a ticket of the state at the aware datetime ``now``."""
    due = _require_epoch(ticket.sla_due_at)
    return breached_at(due, epoch_of(ticket.first_response_at), require_aware(now).timestamp())


def presence_at(status: PresenceStatus, expires_at: float, now: float) -> PresenceStatus:
    """Presence expiry on epoch seconds: ``online``/``away`` past ``expires_at`` is ``offline``."""
    if status != "offline" and now > expires_at:
        return "offline"
    return status


def effective_presence(presence: Presence, now: dt.datetime) -> PresenceStatus:
    """The presence as reported at the aware datetime ``now`` (expiry applied)."""
    expires = _require_epoch(presence.expires_at)
    return presence_at(presence.status, expires, require_aware(now).timestamp())


def activity_at(
    status: PresenceStatus,
    expires_at: float,
    now: float,
    viewing: str | None,
    composing: str | None,
) -> tuple[str | None, str | None]:
    """Contract 1.1 on epoch seconds: ``(viewing, composing)`` of a presence.

    Both are ``None`` when the presence is ``offline`` or expired: such a presence
    counts as neither viewing nor composing.
    """
    if presence_at(status, expires_at, now) == "offline":
        return None, None
    return viewing, composing


def presence_activity(presence: Presence, now: dt.datetime) -> tuple[str | None, str | None]:
    """The ``(viewing, composing)`` of ``presence`` at the aware datetime ``now``."""
    expires = _require_epoch(presence.expires_at)
    return activity_at(
        presence.status,
        expires,
        require_aware(now).timestamp(),
        presence.viewing,
        presence.composing,
    )


def _require_epoch(text: str) -> float:
    epoch = epoch_of(text)
    if epoch is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    return epoch
