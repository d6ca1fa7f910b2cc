"""The keyboard shortcut help (F1 or "?"): every shortcut of the console in one table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.labels import plain_tooltip

if TYPE_CHECKING:
    from console.keyboard import KeyboardModel


SCREEN_SHARE = 0.9
"""The most of the screen's free area the help takes at first (room for the title bar)."""


def bounded_size(wanted: QSize, available: QSize, share: float = SCREEN_SHARE) -> QSize:
    """``wanted``, but no larger than ``share`` of ``available`` in either direction."""
    return QSize(
        min(wanted.width(), int(available.width() * share)),
        min(wanted.height(), int(available.height() * share)),
    )


def help_rows(keyboard: KeyboardModel) -> list[tuple[str, str]]:
    """Return (keys, what they do) for every bound shortcut of ``keyboard``, translated.

    Generated from the keyboard model (console/keymap.py), so the help lists
    exactly the bindings that are installed.
    """
    return [(row.keys, row.description) for row in keyboard.rows()]


class ShortcutHelpDialog(QDialog):
    """A read-only two-column table: keys and what they do; Esc or Close closes it."""

    def __init__(self, shortcuts: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcut-help")
        self.table = QTableWidget(len(shortcuts), 2, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line a row; narrowed, a text is elided
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (keys, action) in enumerate(shortcuts):
            for column, text in enumerate((keys, action)):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(text))  # whole when the dialog is narrowed
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self._layout = layout
        self.retranslate()
        self.resize(self.whole_size())
        self.table.setFocus()

    def whole_size(self) -> QSize:
        """The size that shows every row and every text on one line, within the screen.

        It was a fixed 520x420, which showed about half of the rows.
        """
        table = self.table
        table.resizeColumnToContents(0)
        table.setColumnWidth(1, table.sizeHintForColumn(1))  # one line each: the rows' heights
        frame = 2 * table.frameWidth()
        width = frame + table.columnWidth(0) + table.columnWidth(1)
        table.resizeRowsToContents()  # a line of text high, not the default 30 px
        rows = table.verticalHeader().length()
        height = frame + table.horizontalHeader().sizeHint().height() + rows
        layout = self._layout
        margins = layout.contentsMargins()
        wanted = QSize(
            max(width, self.buttons.sizeHint().width()) + margins.left() + margins.right(),
            height
            + layout.spacing()
            + self.buttons.sizeHint().height()
            + margins.top()
            + margins.bottom(),
        )
        parent = self.parentWidget()
        available = (parent or self).screen().availableGeometry().size()
        bounded = bounded_size(wanted, available)
        if bounded.height() < wanted.height():  # rows scroll: keep the texts clear of the bar
            scroll_bar = table.verticalScrollBar().sizeHint().width()
            bounded = bounded_size(wanted + QSize(scroll_bar, 0), available)
        return bounded

    def shortcuts(self) -> list[tuple[str, str]]:
        """Return the (keys, action) rows as shown."""
        rows: list[tuple[str, str]] = []
        for row in range(self.table.rowCount()):
            keys, action = (self.table.item(row, column) for column in (0, 1))
            rows.append((keys.text() if keys else "", action.text() if action else ""))
        return rows

    def retranslate(self) -> None:
        """Re-read the dialog's own texts (the rows come translated from the caller)."""
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the shortcut help"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
