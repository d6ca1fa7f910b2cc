"""The queue's filter proxy: a saved view plus a text search, sorting by the sort role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex

from console.models.roles import SORT_ROLE
from console.models.search_proxy import SearchFilterProxy
from console.viewstate.saved_views import SavedView, ViewKind, matches_search

if TYPE_CHECKING:
    from console.models.ticket_queue_model import TicketQueueModel


class QueueFilterProxy(SearchFilterProxy):
    """Shows the rows of one saved view that match the search text.

    Unsorted (sort column -1) it keeps the source's default order (what needs
    the agent first, ``queue_rows.order_key``), which costs no comparisons; a
    header click sorts by ``SORT_ROLE``.
    """

    def __init__(self, source: TicketQueueModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._view = SavedView(ViewKind.ALL_OPEN)
        self.setSortRole(SORT_ROLE)
        self.setSourceModel(source)

    @property
    def saved_view(self) -> SavedView:
        """The view currently applied."""
        return self._view

    def set_saved_view(self, view: SavedView) -> None:
        """Show only the rows ``view`` accepts."""
        if view != self._view:
            with self._refiltering():
                self._view = view

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """The saved view's predicate and the text search, on the source's row data."""
        if source_parent.isValid():
            return False
        row = self._source.queue_row(source_row)
        return self._view.accepts(row, self._source.now()) and matches_search(row, self._needle)

    def ticket_id(self, proxy_row: int) -> str:
        """The ticket id at ``proxy_row``."""
        return self._source.ticket_id(self.mapToSource(self.index(proxy_row, 0)).row())

    def proxy_row_of(self, ticket_id: str) -> int | None:
        """The row of ``ticket_id`` in this proxy, or ``None`` if filtered out or unknown."""
        source_row = self._source.row_of(ticket_id)
        if source_row is None:
            return None
        mapped = self.mapFromSource(self._source.index(source_row, 0))
        return mapped.row() if mapped.isValid() else None
