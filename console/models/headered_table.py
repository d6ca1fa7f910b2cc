"""A table model whose column titles are translated texts, re-read on a language change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt


class HeaderedTableModel(QAbstractTableModel):
    """Flat rows under translated headers; subclasses hold the rows and render cells.

    ``headers`` returns the column titles in the current language; ``retranslate``
    calls it again and tells the views that headers and cells changed.
    """

    def __init__(self, headers: Callable[[], Sequence[str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header_texts = headers
        self._headers = tuple(headers())

    def row_total(self) -> int:
        """How many rows the model shows (subclasses say)."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-read the column titles and the translated cells in the current language."""
        self._headers = tuple(self._header_texts())
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)
        rows = self.row_total()
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, len(self._headers) - 1))

    def rowCount(  # noqa: N802 - Qt override
        self, parent: QModelIndex | QPersistentModelIndex | None = None
    ) -> int:
        """One row per item; a flat table has no children."""
        return 0 if parent is not None and parent.isValid() else self.row_total()

    def columnCount(  # noqa: N802 - Qt override
        self, parent: QModelIndex | QPersistentModelIndex | None = None
    ) -> int:
        """One column per header."""
        return 0 if parent is not None and parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None
