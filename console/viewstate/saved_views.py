"""Saved views of the queue as pure predicates over queue rows."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from console.viewstate.queue_rows import QueueRow, is_breached

RowPredicate = Callable[[QueueRow, float], bool]
"""Decides whether a row belongs to a view at a given time (epoch seconds)."""


class ViewKind(enum.Enum):
    """The kinds of saved view the selector offers."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    QUEUE = "queue"
    TAG = "tag"
    BREACHED = "breached"
    ALL_OPEN = "open"


@dataclass(frozen=True)
class SavedView:
    """One entry of the view selector: a stable key, its kind and, for a queue or tag, its name."""

    kind: ViewKind
    queue: str | None = None
    agent_id: str | None = None
    tag: str | None = None

    @property
    def key(self) -> str:
        """A stable identifier, e.g. ``mine``, ``queue:payments`` or ``tag:refund``."""
        if self.kind is ViewKind.QUEUE:
            return f"queue:{self.queue}"
        if self.kind is ViewKind.TAG:
            return f"tag:{self.tag}"
        return str(self.kind.value)

    def accepts(self, row: QueueRow, now: float) -> bool:
        """Whether ``row`` belongs to this view at ``now``."""
        if not row.is_open:
            return False
        checks: dict[ViewKind, Callable[[], bool]] = {
            ViewKind.MINE: lambda: self.agent_id is not None and row.assignee_id == self.agent_id,
            ViewKind.UNASSIGNED: lambda: row.assignee_id is None,
            ViewKind.QUEUE: lambda: row.queue == self.queue,
            ViewKind.TAG: lambda: self.tag in row.tags,
            ViewKind.BREACHED: lambda: is_breached(row, now),
            ViewKind.ALL_OPEN: lambda: True,
        }
        return checks[self.kind]()


def saved_views(
    agent_id: str | None, queues: Iterable[str], tags: Iterable[str] = ()
) -> list[SavedView]:
    """The selector's views: mine, unassigned, one per queue, one per tag, breached, all open.

    Queues and tags (those in use) are each sorted.
    """
    views = [SavedView(ViewKind.MINE, agent_id=agent_id), SavedView(ViewKind.UNASSIGNED)]
    views += [SavedView(ViewKind.QUEUE, queue=q) for q in sorted(set(queues))]
    views += [SavedView(ViewKind.TAG, tag=t) for t in sorted(set(tags))]
    views += [SavedView(ViewKind.BREACHED), SavedView(ViewKind.ALL_OPEN)]
    return views


def matches_search(row: QueueRow, needle: str) -> bool:
    """Case-insensitive substring search: id, subject, customer, order, assignee, queue, tags."""
    return not needle or needle.casefold() in row.search_text
