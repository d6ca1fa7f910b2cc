"""Canned-reply placeholders: ``{first_name}``, ``{customer_name}``, ``{order_id}``, ``{eta}``.

Only these are replaced (a plain regular expression, never ``str.format``),
and only with facts that are true now: ``{eta}`` is filled only while the
order is on its way and its ETA is still ahead (a delivered or cancelled
order, or an ETA already past, leaves it unfilled). A placeholder whose value
is unknown is left as written, so the agent sees what to complete, and the
reply is held back until it is (``TicketSession.request_send``).
A placeholder may carry a fallback after a bar, ``{first_name|cliente}``: the
fallback is written when the value is unknown, so it never stays unfilled.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bridge.wire.timestamps import epoch_of
from console.viewstate.times import clock

if TYPE_CHECKING:
    import datetime as dt

    from bridge.wire.entities import Order, Ticket

PLACEHOLDERS = ("first_name", "customer_name", "order_id", "eta")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")(?:\|([^{}|]*))?\}")
FINISHED_ORDER_STATUSES = frozenset({"delivered", "cancelled"})
"""Orders that will not arrive any more: no ETA is true for them."""


def first_name(full_name: str) -> str | None:
    """The first word of a customer's name (``María`` of ``María Rojas``), if any."""
    words = full_name[:200].split()
    return words[0] if words else None


def placeholder_values(
    ticket: Ticket, order: Order | None, tz: dt.tzinfo, now: float | None = None
) -> dict[str, str | None]:
    """Return the value of each placeholder for a ticket and its order (``None``: unknown).

    With ``now`` (epoch seconds), an ETA at or before ``now`` is unknown.
    """
    eta: str | None = None
    if order is not None and order.eta and order.status not in FINISHED_ORDER_STATUSES:
        due = epoch_of(order.eta)
        if due is not None and (now is None or due > now):
            eta = clock(order.eta, tz) or None
    order_id = order.order_id if order is not None else ticket.order_id
    return {
        "first_name": first_name(ticket.customer_name),
        "customer_name": ticket.customer_name or None,
        "order_id": order_id,
        "eta": eta,
    }


def fill(template: str, values: dict[str, str | None]) -> str:
    """Replace the known placeholders that have a value (or a fallback); leave the others."""

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            value = match.group(2)  # the fallback after "|", if written
        return match.group(0) if value is None else value

    return _PLACEHOLDER.sub(replace, template)


def unfilled(text: str) -> list[str]:
    """Return the placeholders still present in ``text`` (to warn before sending)."""
    return [match.group(1) for match in _PLACEHOLDER.finditer(text)]
