"""The conversation of a ticket: customer, agent and system messages and internal notes.

Each message is a bubble (a ``QFrame``) whose ``kind`` property says what it is:
``opening`` (the ticket's first body), ``customer``, ``agent``, ``system`` or
``note``. Notes have a yellow background and an "Internal note" label; customer
messages sit on the left, the team's on the right. Messages are append-only in
the state, so a live update only adds bubbles: the scroll position is kept, and
a view that was at the bottom follows the new messages.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from console.viewstate.times import short_stamp

if TYPE_CHECKING:
    from bridge.wire.entities import Message, Ticket
    from console.viewstate.times import Clock

MINIMUM_HEIGHT = 260
"""The conversation never shrinks below this (px): the composer and lists give way first."""


class MessageKind(StrEnum):
    """What a bubble shows."""

    OPENING = "opening"
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"
    NOTE = "note"


@dataclass(frozen=True)
class BubbleStyle:
    """Colours and placement of one kind of bubble."""

    background: str
    text: str
    right: bool


STYLES: dict[MessageKind, BubbleStyle] = {
    MessageKind.OPENING: BubbleStyle("#f1f3f4", "#1b1b1b", right=False),
    MessageKind.CUSTOMER: BubbleStyle("#f1f3f4", "#1b1b1b", right=False),
    MessageKind.AGENT: BubbleStyle("#dcebfb", "#0b2545", right=True),
    MessageKind.SYSTEM: BubbleStyle("#e8e8e8", "#4a4a4a", right=False),
    MessageKind.NOTE: BubbleStyle("#fff3a8", "#3d3300", right=True),
}


def kind_of(message: Message) -> MessageKind:
    """An internal note is a note whoever wrote it; otherwise the author's kind."""
    if message.internal:
        return MessageKind.NOTE
    return MessageKind(message.author_kind)


class MessageBubble(QFrame):
    """One message: a label line (kind, author, time) and the body as plain text."""

    def __init__(
        self,
        kind: MessageKind,
        event_id: str,
        heading: str,
        body: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.event_id = event_id
        self.setObjectName("message-bubble")
        self.setProperty("kind", kind.value)
        self.setProperty("event_id", event_id)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        style = STYLES[kind]
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(style.background))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(style.text))
        self.setPalette(palette)
        self.heading_label = QLabel(heading, self)
        self.heading_label.setTextFormat(Qt.TextFormat.PlainText)
        self.heading_label.setWordWrap(True)  # a long name wraps instead of widening the bubble
        font = QFont(self.heading_label.font())
        font.setBold(True)
        font.setItalic(kind is MessageKind.SYSTEM)
        self.heading_label.setFont(font)
        self.body_label = QLabel(body, self)
        self.body_label.setTextFormat(Qt.TextFormat.PlainText)  # never render customer HTML
        self.body_label.setWordWrap(True)
        self.body_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.body_label.setAccessibleDescription(body)
        self.set_heading(heading)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.body_label)

    def set_heading(self, heading: str) -> None:
        """Show ``heading`` (kind, author, time) above the body."""
        self.heading_label.setText(heading)
        self.body_label.setAccessibleName(heading)
        self.setAccessibleName(heading)

    @property
    def background(self) -> QColor:
        """The bubble's background colour."""
        return self.palette().color(QPalette.ColorRole.Window)


class ConversationView(QScrollArea):
    """The scrolling list of a ticket's bubbles, oldest first."""

    def __init__(
        self, tz: dt.tzinfo, parent: QWidget | None = None, *, now: Clock = time.time
    ) -> None:
        super().__init__(parent)
        self._tz = tz
        self._now = now
        self._ticket_id: str | None = None
        self._ticket: Ticket | None = None
        self._bubbles: list[MessageBubble] = []
        self._follow = True
        self.setObjectName("conversation")
        self.setAccessibleName(self.tr("Conversation"))
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(MINIMUM_HEIGHT)
        self._content = QWidget(self)
        self._column = QVBoxLayout(self._content)
        self._column.setSpacing(8)
        self._column.addStretch(1)
        self.setWidget(self._content)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)

    def bubbles(self) -> list[MessageBubble]:
        """The bubbles shown, oldest first."""
        return list(self._bubbles)

    def show_ticket(self, ticket: Ticket) -> None:
        """Show a ticket from the start (a different ticket, or the first time)."""
        for bubble in self._bubbles:
            row = bubble.parentWidget()
            if row is not None:
                self._column.removeWidget(row)
                row.deleteLater()
        self._bubbles.clear()
        self._ticket_id = ticket.ticket_id
        self._ticket = ticket
        self._follow = True
        self._append(
            MessageKind.OPENING,
            f"opening:{ticket.ticket_id}",
            self._opening_heading(ticket),
            f"{ticket.subject}\n\n{ticket.body}",
        )
        self._add_new(ticket)
        self.scroll_to_bottom()

    def update_ticket(self, ticket: Ticket) -> None:
        """Add the messages that arrived; keep the scroll position (or follow the bottom)."""
        if ticket.ticket_id != self._ticket_id:
            self.show_ticket(ticket)
            return
        self._ticket = ticket
        self._add_new(ticket)

    def scroll_to_bottom(self) -> None:
        """Show the newest message."""
        self._follow = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _add_new(self, ticket: Ticket) -> None:
        known = {bubble.event_id for bubble in self._bubbles}
        for message in ticket.messages:
            if message.event_id not in known:
                self._append(
                    kind_of(message), message.event_id, self._heading(message), message.body
                )

    def retranslate(self) -> None:
        """Re-read the translated texts, the bubbles' headings included."""
        self.setAccessibleName(self.tr("Conversation"))
        ticket = self._ticket
        if ticket is None:
            return
        messages = {message.event_id: message for message in ticket.messages}
        for bubble in self._bubbles:
            message = messages.get(bubble.event_id)
            if bubble.kind is MessageKind.OPENING:
                bubble.set_heading(self._opening_heading(ticket))
            elif message is not None:
                bubble.set_heading(self._heading(message))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _opening_heading(self, ticket: Ticket) -> str:
        opening = self.tr("Opened the ticket")
        when = short_stamp(ticket.opened_at, self._tz, self._now())
        return f"{ticket.customer_name} · {opening} · {when}"

    def _heading(self, message: Message) -> str:
        kind = kind_of(message)
        when = short_stamp(message.at, self._tz, self._now())
        if kind is MessageKind.NOTE:
            note = self.tr("Internal note")
            return f"{note} · {message.author_name} · {when}"
        if kind is MessageKind.SYSTEM:
            system = self.tr("System")
            return f"{system} · {message.author_name} · {when}"
        if kind is MessageKind.AGENT:
            agent = self.tr("agent")
            return f"{message.author_name} ({agent}) · {when}"
        customer = self.tr("customer")
        return f"{message.author_name} ({customer}) · {when}"

    def _append(self, kind: MessageKind, event_id: str, heading: str, body: str) -> None:
        row = QWidget(self._content)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        bubble = MessageBubble(kind, event_id, heading, body, row)
        if STYLES[kind].right:
            line.addStretch(1)
            line.addWidget(bubble, 5)
        else:
            line.addWidget(bubble, 5)
            line.addStretch(1)
        self._column.insertWidget(self._column.count() - 1, row)  # before the final stretch
        self._bubbles.append(bubble)

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)
