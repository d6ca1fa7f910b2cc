"""The ticket workspace: one ticket's conversation, composer, actions and order panel.

Fed with plain data (``show_ticket`` / ``update_ticket``); every agent action
leaves as ``command_requested(Command)`` with a fresh command id, and its
progress comes back through ``apply_outcome``. What happens to a text between
typing and the log (drafts, placeholders, collisions, locks, outcomes) is
decided by the plain ``TicketSession`` (``console.viewstate.ticket_session``);
this widget lays it out, forwards the agent's input and renders the result.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QHideEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bridge.wire.protocol import AddTag, Command, CommandOutcome, RemoveTag, Reply, SetStatus
from bridge.wire.timestamps import epoch_of
from console import colleague_text
from console.labels import (
    channel_label,
    language_name,
    priority_label,
    queue_label,
    status_label,
)
from console.models.ticket_queue_model import SLA_COLOURS
from console.room import asked_height, relayout_up
from console.views.shrinking_label import ShrinkingLabel
from console.viewstate.bounded import one_line
from console.viewstate.colleagues import colleagues_by_ticket, next_expiry
from console.viewstate.customer_context import customer_context
from console.viewstate.customer_language import customer_language
from console.viewstate.macros import MacroLibrary, MacroRun, MacroRuns, plan
from console.viewstate.pending_commands import PendingCommands
from console.viewstate.queue_rows import Sla, SlaState, format_countdown, sla_at
from console.viewstate.ticket_session import (
    AssignedToOther,
    Collision,
    ComposerLock,
    MissingPlaceholders,
    Notice,
    TicketSession,
)
from console.viewstate.times import clock, local_tz
from console.workspace.actions import TicketActions
from console.workspace.canned import CannedCatalog
from console.workspace.collision import CollisionBanner
from console.workspace.composer import Composer
from console.workspace.conversation import ConversationView, conversation_floor
from console.workspace.customer_panel import CustomerPanel
from console.workspace.drafts import DraftAutosaver
from console.workspace.elided_label import ElidedLabel
from console.workspace.macro_bar import MacroButton, MacroStatus
from console.workspace.order_timeline import OrderPanel
from console.workspace.ownership import OwnerBanner
from console.workspace.pending_actions import PendingActionsModel, PendingActionsView, state_text
from console.workspace.side_column import SideColumn
from console.workspace.tag_editor import TagEditor

if TYPE_CHECKING:
    from bridge.wire.entities import Order, Presence, Ticket
    from bridge.wire.protocol import Action, AgentIdentity
    from console.viewstate.drafts import DraftStore
    from console.viewstate.macros import MacroPlan
    from console.workspace.canned import CannedLibrary

DEFAULT_QUEUES = ("deliveries", "payments", "general")


class TicketWorkspace(QWidget):
    """Work one ticket: read, reply or note, claim, change status/priority/queue, assign."""

    command_requested = Signal(Command)
    """A ``bridge.wire.protocol.Command`` to send to the bridge (fresh uuid4 ``command_id``)."""
    ticket_activated = Signal(str)
    """The agent opened another ticket of the same customer (its id)."""
    order_activated = Signal(str)
    """The agent opened another order of the same customer (its id)."""
    shown_ticket_changed = Signal(str)
    """The workspace now shows this ticket (empty string: none): what the agent is viewing."""
    advance_requested = Signal(str)
    """Guided mode: the agent resolved or set pending this ticket; open the view's next one."""

    def __init__(
        self,
        drafts: DraftStore,
        canned: CannedCatalog | CannedLibrary,
        *,
        tz: dt.tzinfo | None = None,
        queues: Sequence[str] = DEFAULT_QUEUES,
        sla_tick_ms: int = 1000,
        wall_clock: Callable[[], float] = time.time,
        macros: MacroLibrary | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tz = tz if tz is not None else local_tz()
        self._macros = macros if macros is not None else MacroLibrary()
        self._runs = MacroRuns()
        self._wall_clock = wall_clock
        self._canned = canned if isinstance(canned, CannedCatalog) else CannedCatalog.single(canned)
        self._canned_key: tuple[str, str | None] | None = None  # (language, order status) offered
        self._queues = tuple(queues)
        self._autosaver = DraftAutosaver(drafts)
        pending = PendingCommands()
        self._session = TicketSession(drafts, self._autosaver, pending)
        self.pending_model = PendingActionsModel(pending, self)
        self.setObjectName("ticket-workspace")
        self.setAccessibleName(self.tr("Ticket workspace"))
        self._sla_tick_ms = sla_tick_ms
        self._build()
        self._connect()
        self._show_nothing()

    def _build_header(self) -> QVBoxLayout:
        """The header lines: subject; id and SLA; state and colleagues."""
        # The header's lines are one line high each, whatever they say (elided, the
        # whole line in the tooltip): a change of status, priority or assignee, or a
        # colleague arriving, never moves the conversation below.
        self.subject_label = ElidedLabel(self)
        self.subject_label.setObjectName("ticket-subject")
        font = QFont(self.subject_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.subject_label.setFont(font)
        self.identity_label = ElidedLabel(self)  # id · channel · customer
        self.identity_label.setObjectName("ticket-identity")
        self.meta_label = ElidedLabel(self)  # queue · priority · status · assignee
        self.meta_label.setObjectName("ticket-meta")
        # the live first-response SLA, coloured as in the queue; it gives way on a
        # narrow window ("…", whole in the tooltip) rather than widening it
        self.sla_label = ShrinkingLabel(self)
        self.sla_label.setObjectName("ticket-sla")
        self.sla_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._sla_timer = QTimer(self)  # ticks while the first response is still awaited
        self._sla_timer.setInterval(self._sla_tick_ms)
        self._sla_timer.timeout.connect(self._render_sla)
        # "Ana Quispe is writing a reply", live: at the right of the state line, so
        # that it takes no line of its own (no empty line while nobody else is here).
        self.colleagues_label = ElidedLabel(self, fit_text=True)
        self.colleagues_label.setObjectName("ticket-colleagues")
        self.colleagues_label.hide()
        header = QVBoxLayout()
        header.addWidget(self.subject_label)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity_label, 1)
        identity_row.addWidget(self.sla_label)
        header.addLayout(identity_row)
        meta_row = QHBoxLayout()
        meta_row.addWidget(self.meta_label, 1)
        meta_row.addWidget(self.colleagues_label)
        header.addLayout(meta_row)
        return header

    def _build(self) -> None:
        header = self._build_header()
        self._colleagues_timer = QTimer(self)  # repaint when a shown presence expires
        self._colleagues_timer.setSingleShot(True)
        self._colleagues_timer.timeout.connect(self._show_colleagues)
        self.tag_editor = TagEditor(self)
        self.action_bar = TicketActions(self)
        self.conversation = ConversationView(self._tz, self)
        self.pending_view = PendingActionsView(self.pending_model, self)
        self.macro_status = MacroStatus(self)
        self.collision_banner = CollisionBanner(self._tz, self)
        self.owner_banner = OwnerBanner(self)
        self.composer = Composer(self)
        self.order_panel = OrderPanel(self._tz, self, wall_clock=self._wall_clock)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.conversation, 1)
        column.addWidget(self.macro_status)
        column.addWidget(self.pending_view)
        column.addWidget(self.owner_banner)
        column.addWidget(self.collision_banner)
        column.addWidget(self.composer)
        # The lines and prompts between the conversation and the composer take
        # their height from the conversation (it scrolls), not from the window.
        self._prompts = (self.macro_status, self.owner_banner, self.collision_banner)
        self._reading = left
        self._reading_spacing = max(0, column.spacing())
        self._lent = 0  # the window's banners' height, given up by the conversation too
        left.installEventFilter(self)  # a prompt shown or changed asks the column first
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self._side_column())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tag_editor)
        layout.addLayout(self._actions_row())
        layout.addWidget(splitter, 1)

    def _actions_row(self) -> QHBoxLayout:
        """The action bar and the Macros button; guided mode is a check in the status menu."""
        self.macro_button = MacroButton(self._macros, self)
        status_menu = self.action_bar.status_button.menu()
        self.next_ticket_box = QAction(self)
        self.next_ticket_box.setObjectName("open-next-ticket")
        self.next_ticket_box.setCheckable(True)
        if status_menu is not None:
            status_menu.addSeparator()
            status_menu.addAction(self.next_ticket_box)
        row = QHBoxLayout()
        row.addWidget(self.action_bar, 1)
        row.addWidget(self.macro_button)
        return row

    def _side_column(self) -> QWidget:
        """Beside the conversation: the customer panel above the order panel.

        A splitter: the customer panel as high as its facts (``SideColumn.fit``),
        the order panel the rest; the agent may drag the share, and a squeezed
        customer panel scrolls rather than cutting its lines.
        """
        self.customer_panel = CustomerPanel(self)
        self.side_column = SideColumn(self.customer_panel, self.order_panel, self)
        return self.side_column

    def _connect(self) -> None:
        self.macro_button.macro_chosen.connect(self.run_macro)
        self._retranslate_tools()
        self.action_bar.action_requested.connect(self._on_action)
        self.composer.send_requested.connect(self._on_send_requested)
        self.composer.edited.connect(self._on_edited)
        self.composer.unlock_requested.connect(self._on_unlock)
        self.collision_banner.send_anyway.connect(self._on_send_anyway)
        self.collision_banner.cancelled.connect(self._on_collision_cancelled)
        self.owner_banner.reply_anyway.connect(self._on_reply_despite_owner)
        self.owner_banner.cancelled.connect(self.composer.focus_editor)
        self.tag_editor.add_requested.connect(self._on_add_tag)
        self.tag_editor.remove_requested.connect(self._on_remove_tag)
        self.order_panel.ticket_activated.connect(self.ticket_activated)
        self.order_panel.order_activated.connect(self.order_activated)

    # ---------------------------------------------------------------- public API
    @property
    def session(self) -> TicketSession:
        """The plain state behind the widget: the shown ticket, its composer and commands."""
        return self._session

    @property
    def ticket_id(self) -> str | None:
        """The ticket shown, if any."""
        return self._session.ticket_id

    def show_ticket(
        self,
        ticket: Ticket,
        order: Order | None,
        customer_tickets: list[Ticket],
        customer_orders: list[Order],
        me: AgentIdentity,
    ) -> None:
        """Open a ticket: everything in it counts as seen; its draft is restored."""
        self.collision_banner.hide()
        self.owner_banner.hide()
        self._session.show(ticket, order, customer_tickets, customer_orders, me)
        self.conversation.show_ticket(ticket)
        self.pending_model.set_ticket(ticket.ticket_id)
        self.macro_status.show_run(self._runs.of_ticket(ticket.ticket_id))
        self.composer.setEnabled(True)
        self._canned_key = None
        self._offer_canned()
        self._render_composer()
        self._refresh()
        self.shown_ticket_changed.emit(ticket.ticket_id)

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
        if not self._session.update(ticket, order, customer_tickets, customer_orders, me):
            return
        self.conversation.update_ticket(ticket)
        self._offer_canned()
        self._render_composer()
        self._refresh()

    def set_agents(self, agents: Sequence[Presence]) -> None:
        """The agents' presence: whom a supervisor may assign to, and who else is here."""
        self._session.set_agents(agents)
        self._refresh()

    def lend_height(self, height: int) -> None:
        """The window's banners take ``height`` px above the panes: the conversation gives it up.

        Connect to ``MainWindow.banner_height_changed``.
        """
        self._lent = max(0, height)
        self._fit_conversation()

    def set_known_tags(self, tags: Sequence[str]) -> None:
        """The tags in use on any ticket (the tag field completes from them)."""
        self.tag_editor.set_known_tags(tags)

    def apply_outcome(self, outcome: CommandOutcome) -> None:
        """Show a command's progress; a confirmed reply clears its draft; a macro moves on."""
        self._session.apply_outcome(outcome)
        self._render_composer()
        shown = self._session.ticket_id
        was_running = shown is not None and self._runs.busy(shown)
        run = self._runs.apply(outcome, self._send_action)
        if run is not None and run.ticket_id == shown:
            self.macro_status.show_run(run)
            if was_running and run.state == "done" and any(_finishes(s.action) for s in run.steps):
                self._advance(run.ticket_id)  # guided mode: once its last step is queued

    def run_macro(self, macro_id: str) -> bool:
        """Apply a macro to the shown ticket, its steps sent in order; False if it did not start.

        It does not start while another runs on the ticket, while the customer or
        another agent wrote something not seen yet (it is shown: run it again),
        or when a reply would leave a placeholder unfilled; the status line says why.
        """
        ticket, me = self._session.ticket, self._session.me
        macro = self._macros.get(macro_id)
        if ticket is None or me is None or macro is None:
            return False
        if self._runs.busy(ticket.ticket_id):
            self.macro_status.show_notice(self.tr("A macro is still running on this ticket."))
            return False
        if self._session.unseen():
            self._session.cancel_collision()
            self.conversation.scroll_to_bottom()
            self.macro_status.show_notice(
                self.tr("New messages arrived: read them, then run the macro again.")
            )
            return False
        library = self._canned.for_language(customer_language(ticket))
        status = None if self._session.order is None else self._session.order.status
        replies = {r.reply_id: r.for_order_status(status).body for r in library.replies}
        steps = plan(
            macro,
            ticket,
            me,
            language=library.language,
            replies=replies,
            fill=self._fill_placeholders,
        )
        if not steps.runnable:
            self.macro_status.show_notice(self._not_runnable_text(steps))
            return False
        if ticket.assignee not in (None, me.agent_id) and any(
            isinstance(action, Reply) for action in steps.actions
        ):
            owner = one_line(ticket.assignee_name or ticket.assignee or "")
            self.macro_status.show_notice(
                self.tr("%1 holds this ticket: a macro does not reply for them.").replace(
                    "%1", owner
                )
            )
            return False
        run = MacroRun(macro, ticket.ticket_id, steps.actions)
        self._runs.start(run, self._send_action)
        self.macro_status.show_run(run)
        return True

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

    def open_templates(self) -> None:
        """Open the composer's quick template picker (as typing ``::`` does)."""
        self.composer.open_templates()

    def open_macros_menu(self) -> None:
        """Open the Macros menu (when a ticket is shown)."""
        self.macro_button.open_menu()

    def start_tag(self) -> None:
        """Add a tag: the focus in the tag field (when a ticket is shown)."""
        if self._session.ticket is not None and self.tag_editor.isEnabled():
            self.tag_editor.focus_field()

    def composer_editor(self) -> QWidget:
        """The reply editor (the keyboard model's send binding applies there)."""
        return self.composer.editor

    def _start_writing(self, *, internal: bool) -> None:
        if self._session.ticket is None or not self.composer.isEnabled():
            return
        if not self.composer.is_locked():
            self.composer.note_toggle.setChecked(internal)
        self.composer.focus_editor()

    def flush_drafts(self) -> None:
        """Write pending drafts now (call on quit; closing the widget does it too)."""
        self._session.flush_drafts()

    def clear(self) -> None:
        """Show no ticket."""
        self._session.clear()
        self._show_nothing()
        self.shown_ticket_changed.emit("")

    # ---------------------------------------------------------------- Qt events
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Before the reading column lays out (a prompt shown, hidden, reworded): fit the floor."""
        if watched is self._reading and event.type() in (
            QEvent.Type.LayoutRequest,
            QEvent.Type.Resize,
        ):
            self._fit_conversation()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change (child widgets retranslate themselves)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read the workspace's own texts and render the shown ticket again."""
        self.setAccessibleName(self.tr("Ticket workspace"))
        self._retranslate_tools()
        if self._session.ticket is None:
            self.subject_label.set_full_text(self.tr("No ticket selected"))
        else:
            self._render_composer()  # a lock or notice in the new language
            self._refresh()

    def _retranslate_tools(self) -> None:
        self.next_ticket_box.setText(self.tr("Open the &next ticket after resolving"))
        tip = self.tr("After Resolved or Pending, open the next ticket of the queue's view")
        self.next_ticket_box.setToolTip(tip)
        self.next_ticket_box.setStatusTip(tip)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the draft before closing."""
        self._session.flush_drafts()
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """Save the draft when hidden."""
        self._session.flush_drafts()
        super().hideEvent(event)

    # ---------------------------------------------------------------- rendering
    def _fit_conversation(self) -> None:
        """The conversation's floor less the prompts shown and the window's banners."""
        spacing = self._reading_spacing
        width = self._reading.width()
        prompts = [asked_height(prompt, width) for prompt in self._prompts]
        taken = self._lent + sum(height + spacing for height in prompts if height)
        floor = conversation_floor(taken)
        if floor != self.conversation.minimumHeight():
            self.conversation.setMinimumHeight(floor)
            relayout_up(self.conversation)

    def _show_nothing(self) -> None:
        self.subject_label.set_full_text(self.tr("No ticket selected"))
        self.identity_label.set_full_text("")
        self.meta_label.set_full_text("")
        self._render_sla()
        self.action_bar.show_for(None, self._session.me, (), (), self._wall_clock())
        self.pending_model.set_ticket(None)
        self.macro_status.show_run(None)
        self.macro_button.setEnabled(False)
        self._render_composer()
        self.composer.setEnabled(False)
        self.tag_editor.set_tags(())
        self.tag_editor.setEnabled(False)
        self._show_colleagues()
        self.order_panel.show_nothing()
        self.customer_panel.show_context(None)
        self.conversation.clear()

    def _refresh(self) -> None:
        session = self._session
        ticket = session.ticket
        if ticket is None:
            return
        self.subject_label.set_full_text(ticket.subject)
        assignee = ticket.assignee_name or ticket.assignee or self.tr("unassigned")
        identity = [
            one_line(ticket.ticket_id),
            channel_label(ticket.channel),
            self.tr("Customer: %1").replace("%1", one_line(ticket.customer_name)),
        ]
        self.identity_label.set_full_text(" · ".join(identity))
        parts = [
            self.tr("Queue: %1").replace("%1", one_line(queue_label(ticket.queue))),
            self.tr("Priority: %1").replace("%1", priority_label(ticket.priority)),
            self.tr("Status: %1").replace("%1", status_label(ticket.status)),
            self.tr("Assigned to: %1").replace("%1", one_line(assignee)),
        ]
        self.meta_label.set_full_text(" · ".join(parts))
        self._render_sla()
        self.tag_editor.setEnabled(True)
        self.tag_editor.set_tags(ticket.tags)
        self._show_colleagues()
        me = session.me
        queues = [*self._queues, *(me.queues if me is not None else [])]
        self.action_bar.show_for(ticket, me, queues, session.agents, self._wall_clock())
        self.macro_button.setEnabled(True)
        self.order_panel.show_order(
            session.order, ticket.ticket_id, session.customer_tickets, session.customer_orders
        )
        self.customer_panel.show_context(
            customer_context(ticket, session.order, session.customer_orders)
        )
        self.side_column.fit()

    def _render_sla(self) -> None:
        """The header's SLA line: countdown and state, in the queue's colours, live."""
        ticket = self._session.ticket
        due = None if ticket is None else epoch_of(ticket.sla_due_at)
        if ticket is None or due is None:
            self._sla_timer.stop()
            self.sla_label.set_text("")
            self.sla_label.setProperty("sla_state", None)
            return
        answered = epoch_of(ticket.first_response_at)
        state = sla_at(due, answered, self._wall_clock())
        self.sla_label.set_text(self._sla_text(state, ticket))
        self.sla_label.setProperty("sla_state", state.state.value)
        palette = self.sla_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, SLA_COLOURS[state.state])
        self.sla_label.setPalette(palette)
        if answered is None and not self._sla_timer.isActive():
            self._sla_timer.start()
        elif answered is not None:
            self._sla_timer.stop()  # answered: the line no longer changes

    def _sla_text(self, state: Sla, ticket: Ticket) -> str:
        due = clock(ticket.sla_due_at, self._tz)
        left = format_countdown(abs(state.seconds_left))
        if state.state is SlaState.MET:
            answered = clock(ticket.first_response_at or "", self._tz)
            return self.tr("First response met at %1").replace("%1", answered)
        if state.state is SlaState.BREACHED and ticket.first_response_at is not None:
            answered = clock(ticket.first_response_at, self._tz)
            return (
                self.tr("First response late: sent at %1, due %2")
                .replace("%1", answered)
                .replace("%2", due)
            )
        if state.state is SlaState.BREACHED:
            return (
                self.tr("First response breached: due %1, overdue by %2")
                .replace("%1", due)
                .replace("%2", left)
            )
        if state.state is SlaState.WARNING:
            return (
                self.tr("First response due soon: %1 left (due %2)")
                .replace("%1", left)
                .replace("%2", due)
            )
        return (
            self.tr("First response on time: %1 left (due %2)")
            .replace("%1", left)
            .replace("%2", due)
        )

    def _show_colleagues(self) -> None:
        """The header line saying who else has this ticket open or is writing in it."""
        self._colleagues_timer.stop()
        ticket, me = self._session.ticket, self._session.me
        mine = None if me is None else me.agent_id
        agents = self._session.agents
        now = self._wall_clock()
        people = (
            ()
            if ticket is None
            else colleagues_by_ticket(agents, mine, now).get(ticket.ticket_id, ())
        )
        self.colleagues_label.set_full_text(colleague_text.sentences(people))
        self.colleagues_label.setVisible(bool(people))
        expiry = next_expiry(agents, mine, now) if people else None
        if expiry is not None:
            self._colleagues_timer.start(max(0, round((expiry - now) * 1000)) + 50)

    def _on_add_tag(self, tag: str) -> None:
        ticket_id = self._session.ticket_id
        if ticket_id is not None:
            self._on_action(AddTag(ticket_id=ticket_id, tag=tag))

    def _on_remove_tag(self, tag: str) -> None:
        ticket_id = self._session.ticket_id
        if ticket_id is not None:
            self._on_action(RemoveTag(ticket_id=ticket_id, tag=tag))

    def _render_composer(self) -> None:
        state = self._session.composer
        if (state.body, state.internal) != (self.composer.text(), self.composer.is_internal()):
            self.composer.set_draft(state.body, state.internal)
        if state.lock is not None:
            self.composer.set_locked(self._lock_text(state.lock), can_unlock=state.lock.can_unlock)
        else:
            self.composer.set_locked(None)
            self.composer.show_notice(
                None if state.notice is None else self._notice_text(state.notice)
            )

    def _lock_text(self, lock: ComposerLock) -> str:
        if lock.state is None:
            return self.tr(
                "Sent before the console restarted; waiting for it to appear here. "
                "Editing it again may send it twice."
            )
        return state_text(lock.state).capitalize()

    def _notice_text(self, notice: Notice) -> str:
        if isinstance(notice, MissingPlaceholders):
            names = ", ".join("{" + name + "}" for name in notice.names)
            return self.tr("Fill in %1 before sending.").replace("%1", names)
        reason = notice.reason or state_text(notice.state)
        return self.tr("Not sent: %1").replace("%1", reason)

    def _fill_placeholders(self, text: str) -> str:
        return self._session.fill_placeholders(text, self._tz, self._wall_clock())

    @property
    def canned_language(self) -> str | None:
        """The language of the canned replies offered (the customer's), if a ticket is shown."""
        return None if self._canned_key is None else self._canned_key[0]

    def _offer_canned(self) -> None:
        """Offer the canned replies in the customer's language, for the order's status now."""
        ticket, order = self._session.ticket, self._session.order
        if ticket is None:
            return
        key = (customer_language(ticket), None if order is None else order.status)
        if key == self._canned_key:
            return
        self._canned_key = key
        language, status = key
        library = self._canned.for_language(language)
        replies = [reply.for_order_status(status) for reply in library.replies]
        self.composer.set_canned(replies, self._fill_placeholders)
        self.composer.canned_picker.setToolTip(
            self.tr("Replies in the customer's language: %1").replace(
                "%1", language_name(library.language)
            )
        )

    # ---------------------------------------------------------------- the agent's input
    def _on_edited(self) -> None:
        self._session.edit(self.composer.text(), self.composer.is_internal())
        self._render_composer()

    def _on_send_requested(self, body: str, internal: bool) -> None:
        decision = self._session.request_send(body, internal)
        if isinstance(decision, AssignedToOther):
            self.collision_banner.hide()
            self.owner_banner.warn(decision.assignee_name)
            return
        self._send_or_warn(decision)

    def _on_reply_despite_owner(self) -> None:
        self._send_or_warn(self._session.reply_despite_owner())

    def _send_or_warn(self, decision: Command | Collision | None) -> None:
        if isinstance(decision, Collision):
            self.collision_banner.warn(list(decision.messages))
            return
        self._render_composer()
        if decision is not None:
            self.command_requested.emit(decision)

    def _on_send_anyway(self) -> None:
        command = self._session.send_anyway()
        self._render_composer()
        if command is not None:
            self.command_requested.emit(command)

    def _on_collision_cancelled(self) -> None:
        self._session.cancel_collision()
        self.conversation.scroll_to_bottom()
        self.composer.focus_editor()

    def _on_unlock(self) -> None:
        self._session.unlock()
        self._render_composer()

    def _on_action(self, action: Action) -> None:
        self.command_requested.emit(self._session.request_action(action))
        if _finishes(action):
            self._advance(action.ticket_id)

    def _advance(self, ticket_id: str) -> None:
        """Guided mode: ask for the next ticket (only when the agent ticked the box)."""
        if self.next_ticket_box.isChecked() and ticket_id == self._session.ticket_id:
            self.advance_requested.emit(ticket_id)

    def _send_action(self, action: Action) -> str:
        command = self._session.request_action(action)
        self.command_requested.emit(command)
        return command.command_id

    def _not_runnable_text(self, steps: MacroPlan) -> str:
        if steps.unknown_replies:
            return self.tr("This macro names a canned reply that does not exist: %1.").replace(
                "%1", ", ".join(steps.unknown_replies)
            )
        if steps.unfilled:
            names = ", ".join("{" + name + "}" for name in steps.unfilled)
            return self.tr("The macro's reply would leave %1 unfilled: not run.").replace(
                "%1", names
            )
        return self.tr("Nothing to change: the ticket already is as the macro would leave it.")


def _finishes(action: Action) -> bool:
    """Whether an action ends the agent's turn on a ticket (guided mode moves on)."""
    return isinstance(action, SetStatus) and action.status in ("resolved", "pending")


def _popup(button: QPushButton) -> None:
    """Open a menu button's menu below it without blocking (only when the button is usable).

    The ticket's current value (the checked entry) is the one lit, so the arrow keys move
    from it, as in a list that shows its selection.
    """
    menu = button.menu()
    if menu is not None and button.isEnabled() and button.isVisible():
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        menu.setFocus(Qt.FocusReason.ShortcutFocusReason)
        current = next((action for action in menu.actions() if action.isChecked()), None)
        if current is not None:
            menu.setActiveAction(current)
