"""The conversation of a ticket: customer, agent and system messages and internal notes.

Each message is a bubble (a ``QFrame``) whose ``kind`` property says what it is:
``opening`` (the ticket's first body), ``customer``, ``agent``, ``system`` or
``note``. Notes have a yellow background and an "Internal note" label; customer
messages sit on the left, the team's on the right. Between them, the ticket's
history (claims, releases, assignments, status, priority, queue and tag
changes) shows as quiet one-line entries, all in log order
(``console.viewstate.thread``). Messages and actions are append-only in the
state, so a live update only adds entries: the scroll position is kept, and a
view that was at the bottom follows the new ones.

A bubble lays out at most ``MESSAGE_CHARS`` characters of its text (a 1 MB
message would freeze the window); a longer one ends with "…" and a "Show the
whole message" button that opens it in a ``TextViewer``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.viewstate.bounded import MESSAGE_CHARS, excerpt, one_line
from console.viewstate.thread import MessageEntry, thread_entries
from console.viewstate.times import short_stamp
from console.workspace.history_text import action_text
from console.workspace.text_viewer import TextViewer

if TYPE_CHECKING:
    from bridge.wire.entities import Message, Ticket, TicketAction
    from console.viewstate.times import Clock

MINIMUM_HEIGHT = 260
"""The conversation never shrinks below this (px) by itself: the composer and lists give way."""
SHRUNK_HEIGHT = 100
"""What it keeps (px) while banners and prompts take their height from it (it scrolls)."""
HISTORY_TEXT = "#5f6368"


def conversation_floor(taken: int) -> int:
    """The conversation's minimum height while banners and prompts take ``taken`` px of it.

    They take it from the conversation, which scrolls, rather than from the
    window, which would grow past the screen: ``MINIMUM_HEIGHT`` less what they
    take, never under ``SHRUNK_HEIGHT``.
    """
    return max(SHRUNK_HEIGHT, MINIMUM_HEIGHT - max(0, taken))


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
        *,
        limit: int = MESSAGE_CHARS,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.event_id = event_id
        self._body = body
        shown = excerpt(body, limit)
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
        self.body_label = QLabel(self)
        self.body_label.setTextFormat(Qt.TextFormat.PlainText)  # never render customer HTML
        self.body_label.setText(shown.text)
        self.body_label.setWordWrap(True)
        self.body_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.body_label.setAccessibleDescription(shown.text)
        self.whole_button: QPushButton | None = None
        self.set_heading(heading)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.body_label)
        if shown.truncated:
            self.whole_button = QPushButton(self)
            self.whole_button.setFlat(True)
            self.whole_button.clicked.connect(self.show_whole)
            layout.addWidget(self.whole_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    @property
    def body(self) -> str:
        """The whole message, as in the log (the label may show only its start)."""
        return self._body

    def is_truncated(self) -> bool:
        """True when the label shows only the start of the message."""
        return self.whole_button is not None

    def show_whole(self) -> TextViewer:
        """Open the whole message in a read-only viewer (returned, already shown)."""
        viewer = TextViewer(self.heading_label.text(), self._body, self)
        viewer.show()
        return viewer

    def retranslate(self) -> None:
        """Re-read the translated texts of the bubble itself."""
        if self.whole_button is not None:
            text = QCoreApplication.translate("ConversationView", "Show the whole message")
            self.whole_button.setText(text)
            self.whole_button.setAccessibleName(text)

    def set_heading(self, heading: str) -> None:
        """Show ``heading`` (kind, author, time) above the body."""
        self.heading_label.setText(heading)
        self.body_label.setAccessibleName(heading)
        self.setAccessibleName(heading)

    @property
    def background(self) -> QColor:
        """The bubble's background colour."""
        return self.palette().color(QPalette.ColorRole.Window)


class HistoryLine(QLabel):
    """One action of the ticket's history: a small, grey, centred line with its time."""

    def __init__(self, event_id: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_id = event_id
        self.setObjectName("history-entry")
        self.setProperty("event_id", event_id)
        self.setTextFormat(Qt.TextFormat.PlainText)  # names come from events: never markup
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWordWrap(True)
        font = QFont(self.font())
        font.setItalic(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(HISTORY_TEXT))
        self.setPalette(palette)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """Show ``text``; screen readers read the same."""
        super().setText(text)
        self.setAccessibleName(text)


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
        self._history: list[HistoryLine] = []
        self._follow = True
        self.setObjectName("conversation")
        self.setAccessibleName(self.tr("Conversation"))
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(MINIMUM_HEIGHT)
        self._content = QWidget(self)
        self._column = QVBoxLayout(self._content)
        self._column.setSpacing(8)
        self.empty_label = QLabel(self._content)  # what the pane says with no ticket open
        self.empty_label.setObjectName("empty-state")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); padding: 24px;")
        self._column.addWidget(self.empty_label)
        self._column.addStretch(1)
        self.setWidget(self._content)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)
        self.retranslate()

    def bubbles(self) -> list[MessageBubble]:
        """The bubbles shown, oldest first."""
        return list(self._bubbles)

    def history_lines(self) -> list[HistoryLine]:
        """The history entries shown, oldest first."""
        return list(self._history)

    def entries(self) -> list[MessageBubble | HistoryLine]:
        """Every entry shown, in the order of the thread (the opening first)."""
        shown: list[MessageBubble | HistoryLine] = []
        for position in range(self._column.count()):
            item = self._column.itemAt(position)
            widget = None if item is None else item.widget()
            if isinstance(widget, HistoryLine):
                shown.append(widget)
            elif widget is not None:
                shown += [bubble for bubble in self._bubbles if bubble.parentWidget() is widget]
        return shown

    def clear(self) -> None:
        """Show no ticket: the pane says how to open one."""
        self._remove_bubbles()
        self._ticket_id = None
        self._ticket = None
        self.empty_label.show()

    def show_ticket(self, ticket: Ticket) -> None:
        """Show a ticket from the start (a different ticket, or the first time)."""
        self._remove_bubbles()
        self.empty_label.hide()
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

    def _remove_bubbles(self) -> None:
        rows: list[QWidget | None] = [bubble.parentWidget() for bubble in self._bubbles]
        for row in [*rows, *self._history]:
            if row is not None:
                self._column.removeWidget(row)
                row.deleteLater()
        self._bubbles.clear()
        self._history.clear()

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
        known.update(line.event_id for line in self._history)
        for entry in thread_entries(ticket):
            if entry.event_id in known:
                continue
            if isinstance(entry, MessageEntry):
                message = entry.message
                self._append(
                    kind_of(message), message.event_id, self._heading(message), message.body
                )
            else:
                line = HistoryLine(entry.event_id, self._history_text(entry.action), self._content)
                self._column.insertWidget(self._column.count() - 1, line)
                self._history.append(line)

    def retranslate(self) -> None:
        """Re-read the translated texts, the bubbles' headings included."""
        self.setAccessibleName(self.tr("Conversation"))
        self.empty_label.setText(
            self.tr("No ticket open. Choose one in the queue and press Enter to open it.")
        )
        ticket = self._ticket
        if ticket is None:
            return
        messages = {message.event_id: message for message in ticket.messages}
        for bubble in self._bubbles:
            bubble.retranslate()
            message = messages.get(bubble.event_id)
            if bubble.kind is MessageKind.OPENING:
                bubble.set_heading(self._opening_heading(ticket))
            elif message is not None:
                bubble.set_heading(self._heading(message))
        actions = {action.event_id: action for action in ticket.actions}
        for line in self._history:
            action = actions.get(line.event_id)
            if action is not None:
                line.setText(self._history_text(action))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _opening_heading(self, ticket: Ticket) -> str:
        opening = self.tr("Opened the ticket")
        when = short_stamp(ticket.opened_at, self._tz, self._now())
        return f"{one_line(ticket.customer_name)} · {opening} · {when}"

    def _history_text(self, action: TicketAction) -> str:
        return f"{action_text(action)} · {short_stamp(action.at, self._tz, self._now())}"

    def _heading(self, message: Message) -> str:
        kind = kind_of(message)
        when = short_stamp(message.at, self._tz, self._now())
        author = one_line(message.author_name)
        if kind is MessageKind.NOTE:
            note = self.tr("Internal note")
            return f"{note} · {author} · {when}"
        if kind is MessageKind.SYSTEM:
            system = self.tr("System")
            return f"{system} · {author} · {when}"
        if kind is MessageKind.AGENT:
            agent = self.tr("agent")
            return f"{author} ({agent}) · {when}"
        customer = self.tr("customer")
        return f"{author} ({customer}) · {when}"

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
