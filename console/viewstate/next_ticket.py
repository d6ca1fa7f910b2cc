"""Guided mode: which ticket opens after the agent resolved or set pending the open one (no Qt).

The next one is the first ticket after it in the current view's order
(wrapping to the top) that the agent can take: unassigned or theirs, not a
colleague's (``workable``). When the finished ticket already left the view (a
confirmed resolve takes it out), the search starts at the position it had
when it was opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def next_in_view(
    order: Sequence[str],
    finished: str,
    former_position: int | None,
    workable: Callable[[str], bool] = lambda _ticket_id: True,
) -> str | None:
    """The ticket to open after ``finished``; ``None`` when the view holds no other to take."""
    if finished in order:
        position = order.index(finished)
        candidates = [*order[position + 1 :], *order[:position]]
    elif order:
        start = min(former_position or 0, len(order) - 1)
        candidates = [*order[start:], *order[:start]]
    else:
        return None
    return next((ticket_id for ticket_id in candidates if workable(ticket_id)), None)
