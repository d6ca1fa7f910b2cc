"""Saved views of the queue as pure predicates over queue rows."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bridge.wire.rules import is_active
from console.viewstate.folding import folded
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
        return self.predicate(now)(row)

    def predicate(self, now: float) -> Callable[[QueueRow], bool]:
        """This view's test of one row at ``now``, built once to filter many rows."""
        agent, queue, tag = self.agent_id, self.queue, self.tag
        tests: dict[ViewKind, Callable[[QueueRow], bool]] = {
            ViewKind.MINE: lambda row: (
                agent is not None and row.assignee_id == agent and is_active(row.status)
            ),
            ViewKind.UNASSIGNED: lambda row: row.assignee_id is None and is_active(row.status),
            ViewKind.QUEUE: lambda row: row.queue == queue and is_active(row.status),
            ViewKind.TAG: lambda row: tag in row.tags and is_active(row.status),
            ViewKind.BREACHED: lambda row: is_active(row.status) and is_breached(row, now),
            ViewKind.ALL_OPEN: lambda row: is_active(row.status),
        }
        return tests[self.kind]


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
    """Search ignoring case and accents: id, subject, customer, order, assignee, queue, tags.

    ``row.search_text`` is folded (``folding.folded``) as the row is built; the needle here.
    """
    return not needle or folded(needle) in row.search_text
