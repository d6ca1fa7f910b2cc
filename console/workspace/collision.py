"""The banner that asks before a reply goes out when others wrote since the agent looked.

Which messages count is decided by ``console.viewstate.ticket_session.unseen_messages``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.viewstate.bounded import one_line
from console.viewstate.times import clock

if TYPE_CHECKING:
    from bridge.wire.entities import Message

PREVIEW_CHARS = 80


class CollisionBanner(QFrame):
    """An inline warning above the composer: send anyway, or cancel and read first."""

    send_anyway = Signal()
    """The agent confirmed the reply despite the new messages."""
    cancelled = Signal()
    """The agent chose to read the new messages first; the composer keeps the text."""

    def __init__(self, tz: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self.setObjectName("collision-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fde2e1"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#5f1412"))
        self.setPalette(palette)
        self._count: int | None = None  # messages listed by the last warning
        self._title = QLabel(self)
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._title.setWordWrap(True)
        self._details = QLabel(self)
        self._details.setWordWrap(True)
        self._details.setTextFormat(Qt.TextFormat.PlainText)
        self.send_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setDefault(True)
        self.send_button.clicked.connect(self._on_send)
        self.cancel_button.clicked.connect(self._on_cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._details)
        layout.addLayout(buttons)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.setAccessibleName(self.tr("New messages since you last looked"))
        self.send_button.setText(self.tr("Send any&way"))
        self.send_button.setAccessibleName(self.tr("Send the reply anyway"))
        self.cancel_button.setText(self.tr("Cancel and read"))
        self.cancel_button.setAccessibleName(self.tr("Cancel sending and read the new messages"))
        if self._count is not None:
            self._title.setText(
                self.tr(
                    "%n new message(s) arrived since you last looked. Send your reply anyway?",
                    "",
                    self._count,
                )
            )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def warn(self, messages: list[Message]) -> None:
        """Show the banner listing ``messages`` and put the focus on Cancel."""
        self._count = len(messages)
        self.retranslate()
        lines = [self._line(message) for message in messages]
        self._details.setText("\n".join(lines))
        self.show()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def title_text(self) -> str:
        """The warning's first line (for tests and screen readers)."""
        return self._title.text()

    def details_text(self) -> str:
        """The listed messages."""
        return self._details.text()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Escape cancels."""
        if event.key() == Qt.Key.Key_Escape:
            self._on_cancel()
            return
        super().keyPressEvent(event)

    def _line(self, message: Message) -> str:
        body = one_line(message.body, PREVIEW_CHARS)
        return one_line(f"{clock(message.at, self._tz)} {message.author_name}: {body}")

    def _on_send(self) -> None:
        self.hide()
        self.send_anyway.emit()

    def _on_cancel(self) -> None:
        self.hide()
        self.cancelled.emit()
