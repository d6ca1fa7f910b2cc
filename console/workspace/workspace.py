"""The ticket workspace: one ticket's conversation, composer, actions and order panel.

Fed with plain data (``show_ticket`` / ``update_ticket``); every agent action
leaves as ``command_requested(Command)`` with a fresh command id, and its
progress comes back through ``apply_outcome``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QHideEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from bridge.wire.protocol import Action, Command, CommandOutcome, Note, Reply
from console.labels import channel_label, priority_label, queue_label, status_label
from console.viewstate.times import clock, local_tz
from console.workspace.actions import TicketActions
from console.workspace.canned import fill, placeholder_values, unfilled
from console.workspace.collision import CollisionBanner, unseen_messages
from console.workspace.composer import Composer
from console.workspace.conversation import ConversationView
from console.workspace.drafts import Draft, DraftAutosaver, DraftStore
from console.workspace.order_timeline import OrderPanel
from console.workspace.pending_actions import PendingActionsModel, PendingActionsView, state_text

if TYPE_CHECKING:
    from bridge.wire.entities import Order, Presence, Ticket
    from bridge.wire.protocol import AgentIdentity
    from console.workspace.canned import CannedLibrary

DEFAULT_QUEUES = ("deliveries", "payments", "general")


class TicketWorkspace(QWidget):
    """Work one ticket: read, reply or note, claim, change status/priority/queue, assign."""

    command_requested = Signal(object)
    """A ``bridge.wire.protocol.Command`` to send to the bridge (fresh uuid4 ``command_id``)."""
    ticket_activated = Signal(str)
    """The agent opened another ticket of the same customer (its id)."""
    order_activated = Signal(str)
    """The agent opened another order of the same customer (its id)."""

    def __init__(
        self,
        drafts: DraftStore,
        canned: CannedLibrary,
        *,
        tz: dt.tzinfo | None = None,
        queues: Sequence[str] = DEFAULT_QUEUES,
        draft_delay_ms: int = 300,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tz = tz if tz is not None else local_tz()
        self._canned = canned
        self._queues = tuple(queues)
        self._store = drafts
        self._autosaver = DraftAutosaver(drafts, delay_ms=draft_delay_ms, parent=self)
        self._ticket: Ticket | None = None
        self._order: Order | None = None
        self._customer_tickets: list[Ticket] = []
        self._customer_orders: list[Order] = []
        self._me: AgentIdentity | None = None
        self._agents: tuple[Presence, ...] = ()
        self._seen: set[str] = set()
        self.setObjectName("ticket-workspace")
        self.setAccessibleName(self.tr("Ticket workspace"))
        self._build()
        self._connect()
        self._show_nothing()

    def _build(self) -> None:

        self.subject_label = QLabel(self)
        self.subject_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subject_label.setWordWrap(True)
        font = QFont(self.subject_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.subject_label.setFont(font)
        self.meta_label = QLabel(self)
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.action_bar = TicketActions(self)
        self.conversation = ConversationView(self._tz, self)
        self.pending_model = PendingActionsModel(self)
        self.pending_view = PendingActionsView(self.pending_model, self)
        self.collision_banner = CollisionBanner(self._tz, self)
        self.composer = Composer(self)
        self.order_panel = OrderPanel(self._tz, self)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.conversation, 1)
        column.addWidget(self.pending_view)
        column.addWidget(self.collision_banner)
        column.addWidget(self.composer)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.order_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.action_bar)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.action_bar.action_requested.connect(self._on_action)
        self.composer.send_requested.connect(self._on_send_requested)
        self.composer.edited.connect(self._on_edited)
        self.composer.unlock_requested.connect(self._on_unlock)
        self.collision_banner.send_anyway.connect(self._on_send_anyway)
        self.collision_banner.cancelled.connect(self._on_collision_cancelled)
        self.order_panel.ticket_activated.connect(self.ticket_activated)
        self.order_panel.order_activated.connect(self.order_activated)

    # ---------------------------------------------------------------- public API
    @property
    def ticket_id(self) -> str | None:
        """The ticket shown, if any."""
        return None if self._ticket is None else self._ticket.ticket_id

    def show_ticket(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: list[Ticket],
        customer_orders: list[Order],
        me: AgentIdentity,
    ) -> None:
        """Open a ticket: everything in it counts as seen; its draft is restored."""
        self._autosaver.flush()
        self.collision_banner.hide()
        self._set_data(ticket, order, customer_tickets, customer_orders, me)
        self._seen = {message.event_id for message in ticket.messages}
        self.conversation.show_ticket(ticket)
        self.pending_model.set_ticket(ticket.ticket_id)
        self.composer.setEnabled(True)
        self.composer.set_canned(self._canned.replies, self._fill_placeholders)
        self._restore_draft(ticket)
        self._refresh()

    def update_ticket(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: list[Ticket],
        customer_orders: list[Order],
        me: AgentIdentity | None = None,
    ) -> None:
        """Apply a live change of the shown ticket; the composer and scroll position are kept.

        A ticket other than the one shown is ignored (use ``show_ticket``).
        """
        if self._ticket is None or ticket.ticket_id != self._ticket.ticket_id:
            return
        self._set_data(ticket, order, customer_tickets, customer_orders, me or self._me)
        mine = self._me.agent_id if self._me is not None else None
        self._seen.update(m.event_id for m in ticket.messages if m.author_id == mine)
        self.conversation.update_ticket(ticket)
        self._confirm_from_log(ticket)
        self._refresh()

    def set_agents(self, agents: Sequence[Presence]) -> None:
        """The agents a supervisor may assign to."""
        self._agents = tuple(agents)
        self._refresh()

    def apply_outcome(self, outcome: CommandOutcome) -> None:
        """Show a command's progress; a confirmed reply clears its draft."""
        entry = self.pending_model.apply(outcome)
        ticket_id = entry.ticket_id if entry is not None else outcome.ticket_id
        if ticket_id is None:
            ticket_id = self._draft_ticket_of(outcome.command_id)
        if ticket_id is None:
            return
        draft = self._store.get(ticket_id)
        if draft is None or draft.command_id != outcome.command_id:
            return
        if outcome.state == "confirmed":
            self._store.clear(ticket_id)
            if ticket_id == self.ticket_id:
                self.composer.set_locked(None)
                self.composer.set_draft("", internal=False)
        elif outcome.state in ("rejected", "invalid"):
            self._store.put(ticket_id, Draft(body=draft.body, internal=draft.internal))
            if ticket_id == self.ticket_id:
                self.composer.set_locked(None)
                reason = outcome.reason or state_text(outcome.state)
                self.composer.show_notice(self.tr("Not sent: %1").replace("%1", reason))
        elif ticket_id == self.ticket_id:
            self.composer.set_locked(state_text(outcome.state).capitalize())

    # ---------------------------------------------------------------- keyboard slots
    # Thin entry points for the window's keyboard model (console/keymap.py).
    def claim(self) -> None:
        """Claim the shown ticket (when it is unassigned)."""
        self.action_bar.claim()

    def release(self) -> None:
        """Release the shown ticket (when it is mine)."""
        self.action_bar.release()

    def start_reply(self) -> None:
        """Write a reply: the composer in reply mode, focused."""
        self._start_writing(internal=False)

    def start_note(self) -> None:
        """Write an internal note: the composer in note mode, focused."""
        self._start_writing(internal=True)

    def open_status_menu(self) -> None:
        """Open the status menu of the shown ticket."""
        _popup(self.action_bar.status_button)

    def open_priority_menu(self) -> None:
        """Open the priority menu of the shown ticket."""
        _popup(self.action_bar.priority_button)

    def open_queue_menu(self) -> None:
        """Open the queue menu of the shown ticket."""
        _popup(self.action_bar.queue_button)

    def open_assign_menu(self) -> None:
        """Open the assign menu (supervisors)."""
        _popup(self.action_bar.assign_button)

    def send(self) -> None:
        """Send the composer's text (as Ctrl+Enter in the editor does)."""
        self.composer.request_send()

    def composer_editor(self) -> QWidget:
        """The reply editor (the keyboard model's send binding applies there)."""
        return self.composer.editor

    def _start_writing(self, *, internal: bool) -> None:
        if self._ticket is None or not self.composer.isEnabled():
            return
        if not self.composer.is_locked():
            self.composer.note_toggle.setChecked(internal)
        self.composer.focus_editor()

    def flush_drafts(self) -> None:
        """Write pending drafts now (call on quit; closing the widget does it too)."""
        self._autosaver.flush()

    def clear(self) -> None:
        """Show no ticket."""
        self._autosaver.flush()
        self._ticket = None
        self._show_nothing()

    # ---------------------------------------------------------------- Qt events
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change (child widgets retranslate themselves)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read the workspace's own texts and render the shown ticket again."""
        self.setAccessibleName(self.tr("Ticket workspace"))
        if self._ticket is None:
            self.subject_label.setText(self.tr("No ticket selected"))
        else:
            self._refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the draft before closing."""
        self._autosaver.flush()
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """Save the draft when hidden."""
        self._autosaver.flush()
        super().hideEvent(event)

    # ---------------------------------------------------------------- internals
    def _set_data(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: list[Ticket],
        customer_orders: list[Order],
        me: AgentIdentity | None,
    ) -> None:
        self._ticket = ticket
        self._order = order
        self._customer_tickets = list(customer_tickets)
        self._customer_orders = list(customer_orders)
        self._me = me

    def _show_nothing(self) -> None:
        self.subject_label.setText(self.tr("No ticket selected"))
        self.meta_label.clear()
        self.action_bar.show_for(None, self._me, (), ())
        self.pending_model.set_ticket(None)
        self.composer.set_draft("", internal=False)
        self.composer.setEnabled(False)
        self.order_panel.show_order(None, None, [], [])

    def _refresh(self) -> None:
        ticket = self._ticket
        if ticket is None:
            return
        self.subject_label.setText(ticket.subject)
        assignee = ticket.assignee_name or ticket.assignee or self.tr("unassigned")
        parts = [
            ticket.ticket_id,
            channel_label(ticket.channel),
            self.tr("Customer: %1").replace("%1", ticket.customer_name),
            self.tr("Queue: %1").replace("%1", queue_label(ticket.queue)),
            self.tr("Priority: %1").replace("%1", priority_label(ticket.priority)),
            self.tr("Status: %1").replace("%1", status_label(ticket.status)),
            self.tr("Assigned to: %1").replace("%1", assignee),
        ]
        if ticket.first_response_at is None:
            due = clock(ticket.sla_due_at, self._tz)
            parts.append(self.tr("First response due %1").replace("%1", due))
        self.meta_label.setText(" · ".join(parts))
        queues = [*self._queues, *(self._me.queues if self._me is not None else [])]
        self.action_bar.show_for(ticket, self._me, queues, self._agents)
        self.order_panel.show_order(
            self._order, ticket.ticket_id, self._customer_tickets, self._customer_orders
        )

    def _fill_placeholders(self, text: str) -> str:
        if self._ticket is None:
            return text
        return fill(text, placeholder_values(self._ticket, self._order, self._tz))

    def _restore_draft(self, ticket: Ticket) -> None:
        draft = self._autosaver.pending(ticket.ticket_id) or self._store.get(ticket.ticket_id)
        self.composer.set_locked(None)
        if draft is None:
            self.composer.set_draft("", internal=False)
            return
        if draft.command_id is not None and _in_log(ticket, draft.command_id):
            self._store.clear(ticket.ticket_id)
            self.composer.set_draft("", internal=False)
            return
        self.composer.set_draft(draft.body, draft.internal)
        if draft.command_id is not None:
            entry = self.pending_model.get(draft.command_id)
            if entry is not None:
                self.composer.set_locked(state_text(entry.state).capitalize())
            else:
                self.composer.set_locked(
                    self.tr(
                        "Sent before the console restarted; waiting for it to appear here. "
                        "Editing it again may send it twice."
                    ),
                    can_unlock=True,
                )

    def _confirm_from_log(self, ticket: Ticket) -> None:
        """A command whose event id is in the ticket was applied: treat it as confirmed."""
        for entry in self.pending_model.open_commands(ticket.ticket_id):
            if _in_log(ticket, entry.command_id):
                self.apply_outcome(
                    CommandOutcome(
                        command_id=entry.command_id, state="confirmed", ticket_id=ticket.ticket_id
                    )
                )
        draft = self._store.get(ticket.ticket_id)
        if draft is not None and draft.command_id is not None and _in_log(ticket, draft.command_id):
            self.apply_outcome(
                CommandOutcome(
                    command_id=draft.command_id, state="confirmed", ticket_id=ticket.ticket_id
                )
            )

    def _draft_ticket_of(self, command_id: str) -> str | None:
        for ticket_id in self._store.ticket_ids():
            draft = self._store.get(ticket_id)
            if draft is not None and draft.command_id == command_id:
                return ticket_id
        return None

    def _on_edited(self) -> None:
        if self._ticket is not None and not self.composer.is_locked():
            self.composer.show_notice(None)
            self._autosaver.schedule(
                self._ticket.ticket_id,
                Draft(body=self.composer.text(), internal=self.composer.is_internal()),
            )

    def _on_send_requested(self, body: str, internal: bool) -> None:
        ticket, me = self._ticket, self._me
        if ticket is None or me is None:
            return
        if not internal:
            missing = unfilled(body)
            if missing:
                names = ", ".join("{" + name + "}" for name in missing)
                notice = self.tr("Fill in %1 before sending.").replace("%1", names)
                self.composer.show_notice(notice)
                return
            unseen = unseen_messages(ticket, self._seen, me.agent_id)
            if unseen:
                self.collision_banner.warn(unseen)
                return
        self._send_message(body, internal)

    def _on_send_anyway(self) -> None:
        if self._ticket is None:
            return
        self._seen.update(message.event_id for message in self._ticket.messages)
        if self.composer.text().strip():
            self._send_message(self.composer.text(), self.composer.is_internal())

    def _on_collision_cancelled(self) -> None:
        if self._ticket is not None:
            self._seen.update(message.event_id for message in self._ticket.messages)
        self.conversation.scroll_to_bottom()
        self.composer.focus_editor()

    def _send_message(self, body: str, internal: bool) -> None:
        ticket = self._ticket
        if ticket is None:
            return
        command_id = str(uuid.uuid4())
        action: Action = (
            Note(ticket_id=ticket.ticket_id, body=body)
            if internal
            else Reply(ticket_id=ticket.ticket_id, body=body)
        )
        self._autosaver.discard(ticket.ticket_id)
        sending = Draft(body=body, internal=internal, command_id=command_id)
        self._store.put(ticket.ticket_id, sending)
        self.composer.set_locked(state_text("sending").capitalize())
        self._emit(Command(command_id=command_id, action=action))

    def _on_unlock(self) -> None:
        if self._ticket is None:
            return
        draft = self._store.get(self._ticket.ticket_id)
        if draft is not None:
            self._store.put(self._ticket.ticket_id, Draft(body=draft.body, internal=draft.internal))
        self.composer.set_locked(None)

    def _on_action(self, action: Action) -> None:
        self._emit(Command(command_id=str(uuid.uuid4()), action=action))

    def _emit(self, command: Command) -> None:
        self.pending_model.add(command)
        self.command_requested.emit(command)


def _popup(button: QPushButton) -> None:
    """Open a menu button's menu below it without blocking (only when the button is usable)."""
    menu = button.menu()
    if menu is not None and button.isEnabled() and button.isVisible():
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        menu.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _in_log(ticket: Ticket, event_id: str) -> bool:
    """True when an event with this id was applied to the ticket (message or action)."""
    return any(m.event_id == event_id for m in ticket.messages) or any(
        a.event_id == event_id for a in ticket.actions
    )
