"""The fold's time-dependent readings: SLA breach and presence expiry (``now`` is passed in)."""

from __future__ import annotations

import datetime as dt

from bridge.contract.timestamps import require_aware, require_rfc3339
from bridge.fold.state import Presence, PresenceStatus, Ticket


def is_breached(ticket: Ticket, now: dt.datetime) -> bool:
    """Rule 6: no first agent response by ``sla_due_at`` and ``now`` is past it.

    A first response at or before ``sla_due_at`` means the ticket is never breached.
    """
    due = require_rfc3339(ticket.sla_due_at)
    if ticket.first_response_at is not None and require_rfc3339(ticket.first_response_at) <= due:
        return False
    return require_aware(now) > due


def effective_presence(presence: Presence, now: dt.datetime) -> PresenceStatus:
    """The presence as reported: ``online``/``away`` past ``expires_at`` reads ``offline``."""
    if presence.status != "offline" and require_aware(now) > require_rfc3339(presence.expires_at):
        return "offline"
    return presence.status
