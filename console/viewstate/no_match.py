"""What an agent can do when the queue's search matches nothing in the view (pure, no Qt).

The empty queue's hint suggests only a step that would show tickets: another
view where the search does match, or clearing the search of a view that has
tickets; if neither would, it suggests nothing. Finding out reads the rows:
at 100,000 tickets a whole pass is about 100 ms of Python, so ``RemedyScan``
reads them a chunk per ``step`` (the caller spreads the steps over turns of
the event loop) and stops at the first row that settles the answer.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from console.viewstate.folding import folded
from console.viewstate.saved_views import SavedView, ViewKind
from console.viewstate.shown_rows_job import CHUNK_ROWS

if TYPE_CHECKING:
    from console.viewstate.queue_rows import OrderKey
    from console.viewstate.shown_rows_job import RowSource

_ALL_OPEN = SavedView(ViewKind.ALL_OPEN)


class Remedy(enum.Enum):
    """The step that would show tickets when a search matches none in the view."""

    ALL_OPEN = "all-open"
    """"All open" (another view) has tickets that match the search."""
    CLEAR_SEARCH = "clear-search"
    """The view has tickets; the search hides them all (and no other view has a match)."""
    NONE = "none"
    """Neither: nothing to suggest."""


class RemedyScan:
    """Finds the ``Remedy`` for ``view`` searched for ``needle``, a chunk of rows per ``step``.

    "All open" holds every other view's tickets, so it is the view to
    suggest when it is not the one shown and some of its tickets match.
    Rows are read in the default order from where the last step ended.
    """

    def __init__(
        self,
        source: RowSource,
        view: SavedView,
        needle: str,
        now: float,
        *,
        chunk: int = CHUNK_ROWS,
    ) -> None:
        self.view = view
        self.needle = folded(needle)
        """The search asked about, folded as the rows' search text is (again: a no-op)."""
        self._source = source
        self._chunk = max(1, chunk)
        self._in_view = view.predicate(now)
        self._open = _ALL_OPEN.predicate(now)
        self._elsewhere = view.kind is not ViewKind.ALL_OPEN
        self._view_has_rows = False
        self._cursor: OrderKey | None = None
        self._found: Remedy | None = None

    @property
    def done(self) -> bool:
        """Whether ``remedy`` is the answer."""
        return self._found is not None

    @property
    def remedy(self) -> Remedy:
        """The answer (once ``done``; before, what the rows read so far allow)."""
        if self._found is not None:
            return self._found
        return Remedy.CLEAR_SEARCH if self._view_has_rows else Remedy.NONE

    def step(self) -> None:
        """Read the next chunk of rows (the answer may be settled by it)."""
        if self._found is not None:
            return
        ids, keys = self._source.rows_after(self._cursor, self._chunk)
        if not ids:
            self._found = self.remedy
            return
        self._cursor = keys[-1]
        needle, in_view, open_ticket = self.needle, self._in_view, self._open
        for row in self._source.queue_rows_of(ids):
            if self._elsewhere and needle in row.search_text and open_ticket(row):
                self._found = Remedy.ALL_OPEN
                return
            if not self._view_has_rows and in_view(row):
                self._view_has_rows = True
                if not self._elsewhere:  # in All open: no other view to look for matches in
                    self._found = Remedy.CLEAR_SEARCH
                    return
