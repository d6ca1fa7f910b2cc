"""The banner that asks before replying to a ticket another agent is assigned.

Whether to ask is decided by ``console.viewstate.ticket_session.TicketSession``
(``AssignedToOther``); this widget only shows the question, like the collision
banner does for unseen messages.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.viewstate.bounded import one_line


class OwnerBanner(QFrame):
    """An inline warning above the composer: reply anyway, or cancel."""

    reply_anyway = Signal()
    """The agent confirmed the reply on another agent's ticket."""
    cancelled = Signal()
    """The agent chose not to reply; the composer keeps the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("owner-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fff0d1"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#5c3b00"))
        self.setPalette(palette)
        self._owner: str | None = None
        self._title = QLabel(self)
        self._title.setTextFormat(Qt.TextFormat.PlainText)  # the name is data
        self._title.setWordWrap(True)
        self.reply_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setDefault(True)
        self.reply_button.clicked.connect(self._on_reply)
        self.cancel_button.clicked.connect(self._on_cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.reply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addLayout(buttons)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.setAccessibleName(self.tr("Ticket assigned to another agent"))
        self.reply_button.setText(self.tr("&Reply anyway"))
        self.reply_button.setAccessibleName(self.tr("Reply to the customer anyway"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Do not send the reply"))
        if self._owner is not None:
            self._title.setText(
                self.tr(
                    "This ticket is assigned to %1. Reply to the customer anyway? "
                    "Your reply goes out under your name."
                ).replace("%1", self._owner)
            )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def warn(self, owner_name: str) -> None:
        """Show the question for a ticket assigned to ``owner_name``; the focus goes to Cancel."""
        self._owner = one_line(owner_name)
        self.retranslate()
        self.show()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def title_text(self) -> str:
        """The question shown (for tests and screen readers)."""
        return self._title.text()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Escape cancels."""
        if event.key() == Qt.Key.Key_Escape:
            self._on_cancel()
            return
        super().keyPressEvent(event)

    def _on_reply(self) -> None:
        self.hide()
        self.reply_anyway.emit()

    def _on_cancel(self) -> None:
        self.hide()
        self.cancelled.emit()
