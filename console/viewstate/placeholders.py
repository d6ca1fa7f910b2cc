"""Canned-reply placeholders: ``{customer_name}``, ``{order_id}`` and ``{eta}``.

Only these three are replaced (a plain regular expression, never
``str.format``); a placeholder whose value is unknown (no linked order, no ETA)
is left as written so that the agent sees what to complete before sending.
A placeholder may carry a fallback after a bar, ``{customer_name|cliente}``:
the fallback is written when the value is unknown, so it never stays unfilled.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from console.viewstate.times import clock

if TYPE_CHECKING:
    import datetime as dt

    from bridge.wire.entities import Order, Ticket

PLACEHOLDERS = ("customer_name", "order_id", "eta")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")(?:\|([^{}|]*))?\}")


def placeholder_values(ticket: Ticket, order: Order | None, tz: dt.tzinfo) -> dict[str, str | None]:
    """Return the value of each placeholder for a ticket and its order (``None``: unknown)."""
    eta = clock(order.eta, tz) if order is not None and order.eta else None
    order_id = order.order_id if order is not None else ticket.order_id
    return {"customer_name": ticket.customer_name, "order_id": order_id, "eta": eta or None}


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
