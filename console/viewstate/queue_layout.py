"""The queue's columns, order and view as the agent chose them, kept from one run to the next.

The header's context menu shows a column whatever the room or hides it
whatever the room; a title click sorts; the selector picks a saved view.
``QueueLayout`` holds that choice by column *name* (``Column`` names such as
``"TAGS"``), never by index or Qt's header bytes, so that a column added in a
later version does not shift the others: a column the saved choice does not
name (a newer one) keeps its default, a name no column has any more (an older
one) is ignored. The view is kept by its key; one that is not offered (yet:
"My tickets" before the bridge says who the agent is, a tag before a ticket
has it) is waited for. It is kept under ``"queue"`` in ``window.json``
(``console.window_state``). Qt-free.
"""

from __future__ import annotations

from collections.abc import Collection, Set
from dataclasses import dataclass

ASCENDING = "ascending"
DESCENDING = "descending"


class QueueLayoutError(ValueError):
    """A saved layout that does not read (hand-edited, of another format)."""


@dataclass(frozen=True)
class SortChoice:
    """The column the queue is sorted by, by name, and whether from the last to the first."""

    column: str
    descending: bool = False


@dataclass(frozen=True)
class QueueLayout:
    """The columns shown and hidden from the header's menu, and the sort (``None``: default).

    ``shown`` and ``hidden`` do not overlap (``QueueLayoutError``).
    """

    shown: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    sort: SortChoice | None = None
    view: str | None = None
    """The saved view chosen, by its key (``SavedView.key``: ``unassigned``, ``tag:vip``...)."""

    def __post_init__(self) -> None:
        both = self.shown & self.hidden
        if both:
            raise QueueLayoutError(f"columns both shown and hidden: {sorted(both)}")

    @classmethod
    def of_choice(
        cls,
        shown: Set[str],
        hidden: Set[str],
        *,
        hidden_by_default: Set[str],
        sort: SortChoice | None = None,
        view: str | None = None,
    ) -> QueueLayout:
        """What to keep of the columns shown and hidden whatever the room: what the agent chose.

        A column hidden by default and never shown is left out: if a later
        version shows it by default, the agent who never hid it sees it.
        """
        return cls(frozenset(shown), frozenset(hidden) - frozenset(hidden_by_default), sort, view)

    def chosen_columns(
        self, known: Collection[str], hidden_by_default: Set[str]
    ) -> tuple[frozenset[str], frozenset[str]]:
        """The columns of ``known`` to show and to hide whatever the room, as saved.

        A column the layout does not name keeps its default (hidden if in
        ``hidden_by_default``, else given room when there is some); names not in
        ``known`` are ignored.
        """
        names = frozenset(known)
        shown = self.shown & names
        defaults = (frozenset(hidden_by_default) & names) - shown
        hidden = (self.hidden & names) | defaults
        return shown, hidden

    def sort_among(self, known: Collection[str]) -> SortChoice | None:
        """The saved sort if its column is one of ``known``, else ``None`` (the default order)."""
        return self.sort if self.sort is not None and self.sort.column in known else None

    def to_json(self) -> dict[str, object]:
        """The layout as ``window.json`` keeps it (names sorted, so the file is stable)."""
        sort = self.sort
        return {
            "shown": sorted(self.shown),
            "hidden": sorted(self.hidden),
            "sort": None
            if sort is None
            else {"column": sort.column, "order": DESCENDING if sort.descending else ASCENDING},
            "view": self.view,
        }

    @classmethod
    def from_json(cls, value: object) -> QueueLayout:
        """The layout ``to_json`` wrote; ``QueueLayoutError`` for anything else (hand-broken)."""
        if not isinstance(value, dict):
            raise QueueLayoutError(f"not an object: {value!r}")
        return cls(
            shown=_names(value.get("shown", []), "shown"),
            hidden=_names(value.get("hidden", []), "hidden"),
            sort=_sort(value.get("sort")),
            view=_view(value.get("view")),
        )


def _names(value: object, key: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise QueueLayoutError(f"{key} is not a list of column names: {value!r}")
    return frozenset(value)


def _sort(value: object) -> SortChoice | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise QueueLayoutError(f"sort is not an object: {value!r}")
    column, order = value.get("column"), value.get("order")
    if not isinstance(column, str) or order not in (ASCENDING, DESCENDING):
        raise QueueLayoutError(f"sort is not a column and an order: {value!r}")
    return SortChoice(column, descending=order == DESCENDING)


def _view(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise QueueLayoutError(f"view is not a saved view's key: {value!r}")
    return value
