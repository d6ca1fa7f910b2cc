"""A filter proxy with a text search, the base of the queue's and the feed's proxies."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QObject, QSortFilterProxyModel

from console.viewstate.folding import folded


class SearchFilterProxy(QSortFilterProxyModel):
    """Holds the normalized search text and re-filters rows (only) when a filter changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self.setDynamicSortFilter(True)

    @property
    def search_text(self) -> str:
        """The search text currently applied (trimmed, without case and accents)."""
        return self._needle

    def set_search_text(self, text: str) -> None:
        """Show only rows that contain ``text`` (what "contain" means is the subclass's)."""
        needle = folded(text.strip())
        if needle != self._needle:
            with self._refiltering():
                self._needle = needle

    @contextlib.contextmanager
    def _refiltering(self) -> Iterator[None]:
        """Change the filter's inputs inside this block; the rows are re-filtered after it."""
        self.beginFilterChange()
        try:
            yield
        finally:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
