"""An empty item view says why it is empty: a centred note over its viewport.

``EmptyState`` watches the view's model and shows its text while the model
has no rows (the text is set by the view's owner, which knows why: no data
yet, nothing in this view, a search that matched nothing...).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyState(QObject):
    """A note shown in ``view`` while its model has no rows."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self.label = QLabel(view.viewport())
        self.label.setObjectName("empty-state")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # may quote the agent's search
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("color: palette(placeholder-text); padding: 12px;")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.hide()
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved):
            signal.connect(self.refresh)
        model.modelReset.connect(self.refresh)
        model.layoutChanged.connect(self.refresh)
        self.refresh()

    def set_text(self, text: str) -> None:
        """What the note says while the view is empty."""
        self.label.setText(text)
        view = self._view
        view.viewport().setAccessibleDescription(text if self.is_empty() else "")

    def text(self) -> str:
        """The note's text."""
        return self.label.text()

    def is_empty(self) -> bool:
        """True when the view's model has no rows."""
        return self._view.model().rowCount() == 0

    def is_shown(self) -> bool:
        """True when the note is on screen (or would be, once the view is shown)."""
        return not self.label.isHidden()

    def refresh(self) -> None:
        """Show or hide the note after the model changed."""
        if not (shiboken6.isValid(self._view) and shiboken6.isValid(self.label)):
            return  # the view is being destroyed (its model empties itself on the way)
        empty = self.is_empty()
        self.label.setVisible(empty)
        self.label.setGeometry(self._view.viewport().rect())
        self._view.viewport().setAccessibleDescription(self.label.text() if empty else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Follow the viewport's size."""
        if event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self._view.viewport().rect())
        return super().eventFilter(watched, event)
