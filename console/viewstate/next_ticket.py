"""Guided mode: which ticket opens after the agent resolved or set pending the open one (no Qt).

The next one is the ticket after it in the current view's order (wrapping to
the top). When the finished ticket already left the view (a confirmed
resolve takes it out), the ticket now at the position it had when it was
opened takes its place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def next_in_view(order: Sequence[str], finished: str, former_position: int | None) -> str | None:
    """The ticket to open after ``finished``; ``None`` when the view holds no other ticket."""
    if finished in order:
        position = order.index(finished)
        after = [*order[position + 1 :], *order[:position]]
        return after[0] if after else None
    if not order:
        return None
    return order[min(former_position or 0, len(order) - 1)]
