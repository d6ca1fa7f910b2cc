"""The composer's quick template picker: a filter field over the canned replies.

Opened by typing ``::`` in the reply text or with Ctrl+Space; typing filters by
name (``console.viewstate.template_filter``), Up/Down move, Enter inserts the
selected reply (``chosen``), Esc closes (``closed``). It floats just above the
editor, over the foot of the conversation (``overlay_box``), so it never steals
a window, never hides the text being written and never makes the window taller:
on a 700 px screen an inline list pushed the Send button below the screen.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from console.viewstate.template_filter import matching

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from console.workspace.canned import CannedReply

REPLY_ID_ROLE = Qt.ItemDataRole.UserRole
_MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}


def overlay_box(anchor_top: int, left: int, width: int, wanted: int) -> tuple[int, int, int, int]:
    """The picker's (x, y, width, height): ending at ``anchor_top``, never above 0.

    ``wanted`` is the height it would like; with less room above the anchor it
    gets that room and its list scrolls.
    """
    height = max(0, min(wanted, anchor_top))
    return left, anchor_top - height, width, height


class TemplatePicker(QFrame):
    """A filter line and the matching replies; hidden until ``open_picker``."""

    chosen = Signal(str)
    """The agent chose a reply (its id)."""
    closed = Signal()
    """The agent closed the picker without choosing (Esc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("template-picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)  # it covers the conversation's foot
        self._replies: tuple[CannedReply, ...] = ()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("template-filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("template-list")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the filter
        self.list.setMaximumHeight(140)
        self.empty_label = QLabel(self)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list)
        layout.addWidget(self.empty_label)
        self.filter_edit.textChanged.connect(self._refilter)
        self.filter_edit.installEventFilter(self)
        self.list.itemActivated.connect(self._on_activated)
        self.retranslate()
        self.hide()

    def set_replies(self, replies: Sequence[CannedReply]) -> None:
        """The replies offered."""
        self._replies = tuple(replies)
        self._refilter()

    def open_picker(self) -> None:
        """Show the picker with an empty filter, the first reply selected, the focus in it."""
        self.filter_edit.clear()
        self._refilter()
        self.show()
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def shown_ids(self) -> list[str]:
        """The ids of the replies listed now, in order."""
        return [str(self.list.item(row).data(REPLY_ID_ROLE)) for row in range(self.list.count())]

    def retranslate(self) -> None:
        """Re-read the translated texts."""
        self.filter_edit.setPlaceholderText(self.tr("Type to filter canned replies…"))
        self.filter_edit.setAccessibleName(
            self.tr("Filter canned replies: Enter inserts, Esc closes")
        )
        self.list.setAccessibleName(self.tr("Canned replies"))
        self.empty_label.setText(self.tr("No canned reply matches."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """In the filter: Up/Down move, Enter chooses, Esc closes."""
        if watched is self.filter_edit and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and self._on_key(event):
                return True
            if event.type() == QEvent.Type.ShortcutOverride and event.key() in (
                Qt.Key.Key_Escape,
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                event.accept()  # ours, not a window shortcut's (Esc: back to the queue)
                return True
        return super().eventFilter(watched, event)

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.hide()
            self.closed.emit()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.list.currentItem()
            if item is not None:
                self._on_activated(item)
            return True
        step = _MOVES.get(Qt.Key(key))
        if step is not None and self.list.count():
            row = min(max(self.list.currentRow() + step, 0), self.list.count() - 1)
            self.list.setCurrentRow(row)
            return True
        return False

    def _refilter(self) -> None:
        self.list.clear()
        for reply in matching(self._replies, self.filter_edit.text()):
            item = QListWidgetItem(reply.title, self.list)
            item.setData(REPLY_ID_ROLE, reply.reply_id)
            item.setToolTip(f"<p>{html.escape(reply.body)}</p>")  # rich text: escaped
        if self.list.count():
            self.list.setCurrentRow(0)
        self.empty_label.setVisible(self.list.count() == 0)

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.hide()
        self.chosen.emit(str(item.data(REPLY_ID_ROLE)))
