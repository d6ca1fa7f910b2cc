"""Ticket controls: claim, release, status, priority, queue and (for supervisors) assign."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, get_args

import msgspec
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QWidget

from bridge.wire.protocol import Action, Assign, Claim, Release, SetPriority, SetQueue, SetStatus
from bridge.wire.rules import presence_at
from bridge.wire.timestamps import epoch_of
from bridge.wire.vocabulary import Priority, TicketStatus
from console.labels import presence_label, priority_label, queue_label
from console.viewstate.bounded import one_line

if TYPE_CHECKING:
    from bridge.wire.entities import Presence, Ticket
    from bridge.wire.protocol import AgentIdentity

STATUSES: tuple[TicketStatus, ...] = get_args(TicketStatus)
PRIORITIES: tuple[Priority, ...] = get_args(Priority)


class TicketActions(QWidget):
    """A row of buttons; each menu entry or click emits one action for the shown ticket."""

    # ``Action`` is a union, which PySide6 cannot declare (``Signal(A | B)`` silently
    # makes a signal without arguments): the signal names the union's common base.
    action_requested = Signal(msgspec.Struct)
    """An ``Action`` (``bridge.wire.protocol``) the agent chose."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ticket: Ticket | None = None
        self.claim_button = QPushButton(self)
        self.release_button = QPushButton(self)
        self.status_button = self._menu_button()
        self.priority_button = self._menu_button()
        self.queue_button = self._menu_button()
        self.assign_button = self._menu_button()
        self.status_actions: dict[str, QAction] = {}
        self.priority_actions: dict[str, QAction] = {}
        self.queue_actions: dict[str, QAction] = {}
        self.assign_actions: dict[str, QAction] = {}
        self._fill_fixed_menus()
        self.retranslate()
        self.claim_button.clicked.connect(self.claim)
        self.release_button.clicked.connect(self.release)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.claim_button,
            self.release_button,
            self.status_button,
            self.priority_button,
            self.queue_button,
            self.assign_button,
        ):
            layout.addWidget(button)
        layout.addStretch(1)
        self.show_for(None, None, (), (), 0.0)  # nothing shown: no presence read

    def _menu_button(self) -> QPushButton:
        button = QPushButton(self)
        button.setMenu(QMenu(button))
        return button

    def retranslate(self) -> None:
        """Re-read every translated text (buttons and the status and priority menus)."""
        self.claim_button.setText(self.tr("&Claim"))
        self.claim_button.setAccessibleName(self.tr("Claim this ticket (C)"))
        self.claim_button.setToolTip(self.tr("Claim this ticket (C)"))
        self.release_button.setText(self.tr("Re&lease"))
        self.release_button.setAccessibleName(self.tr("Release this ticket"))
        for button, text, accessible in (
            (self.status_button, self.tr("S&tatus"), self.tr("Change the status")),
            (self.priority_button, self.tr("&Priority"), self.tr("Change the priority")),
            (self.queue_button, self.tr("&Queue"), self.tr("Move to another queue")),
            (self.assign_button, self.tr("&Assign"), self.tr("Assign to an agent (supervisors)")),
        ):
            button.setText(text)
            button.setAccessibleName(accessible)
        texts = self._status_texts()
        for status, action in self.status_actions.items():
            action.setText(texts[status])
        for priority, action in self.priority_actions.items():
            action.setText(priority_label(priority))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _status_texts(self) -> dict[str, str]:
        return {
            "open": self.tr("&Open"),
            "pending": self.tr("&Pending"),
            "resolved": self.tr("&Resolved"),
            "closed": self.tr("&Closed"),
        }

    def _menu(self, button: QPushButton) -> QMenu:
        menu = button.menu()
        assert menu is not None  # noqa: S101 - every menu button is built with one
        return menu

    def _fill_fixed_menus(self) -> None:
        texts = self._status_texts()
        status_menu = self._menu(self.status_button)
        group = QActionGroup(self)
        for status in STATUSES:
            action = QAction(texts[status], status_menu, checkable=True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, value=status: self._emit_status(value))
            status_menu.addAction(action)
            self.status_actions[status] = action
        priority_menu = self._menu(self.priority_button)
        group = QActionGroup(self)
        for priority in PRIORITIES:
            action = QAction(priority_label(priority), priority_menu, checkable=True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, value=priority: self._emit_priority(value))
            priority_menu.addAction(action)
            self.priority_actions[priority] = action

    def show_for(
        self,
        ticket: Ticket | None,
        me: AgentIdentity | None,
        queues: Sequence[str],
        agents: Sequence[Presence],
        now: float,
    ) -> None:
        """Enable what ``me`` may do on ``ticket`` (``None``: nothing shown).

        ``now`` (epoch seconds): when the agents' presence is read (past its
        ``expires_at`` a presence is offline, as the dashboard shows it).
        """
        self._ticket = ticket
        has = ticket is not None
        mine = has and me is not None and ticket is not None and ticket.assignee == me.agent_id
        self.claim_button.setEnabled(has and ticket is not None and ticket.assignee is None)
        self.release_button.setEnabled(bool(mine))
        for button in (self.status_button, self.priority_button, self.queue_button):
            button.setEnabled(has)
        supervisor = me is not None and me.role == "supervisor"
        self.assign_button.setVisible(supervisor)
        self.assign_button.setEnabled(has and supervisor)
        if ticket is None:
            return
        self._sync_checks()
        self._fill_queues([*queues, ticket.queue], ticket.queue)
        if supervisor:
            self._fill_agents(agents, ticket.assignee, now)

    def _sync_checks(self) -> None:
        """Check the ticket's current values (a chosen value shows once it is confirmed)."""
        ticket = self._ticket
        if ticket is None:
            return
        for status, action in self.status_actions.items():
            action.setChecked(status == ticket.status)
        for priority, action in self.priority_actions.items():
            action.setChecked(priority == ticket.priority)
        for queue, action in self.queue_actions.items():
            action.setChecked(queue == ticket.queue)
        for agent_id, action in self.assign_actions.items():
            action.setChecked(agent_id == ticket.assignee)

    def _fill_queues(self, queues: Sequence[str], current: str) -> None:
        menu = self._menu(self.queue_button)
        menu.clear()
        self.queue_actions.clear()
        for queue in sorted(set(queues)):
            action = QAction(queue_label(queue), menu, checkable=True)
            action.setChecked(queue == current)
            action.triggered.connect(lambda _=False, value=queue: self._emit_queue(value))
            menu.addAction(action)
            self.queue_actions[queue] = action

    def _fill_agents(self, agents: Sequence[Presence], assignee: str | None, now: float) -> None:
        menu = self._menu(self.assign_button)
        menu.clear()
        self.assign_actions.clear()
        for agent in sorted(agents, key=lambda item: item.name.casefold()):
            name = one_line(agent.name).replace("&", "&&")  # data: no mnemonic
            expires = epoch_of(agent.expires_at)
            status = agent.status if expires is None else presence_at(agent.status, expires, now)
            label = presence_label(status)
            action = QAction(f"{name} ({label})", menu, checkable=True)
            action.setChecked(agent.agent_id == assignee)
            action.triggered.connect(
                lambda _=False, who=agent: self._emit(
                    Assign(ticket_id=self._ticket_id(), agent_id=who.agent_id, agent_name=who.name)
                )
            )
            menu.addAction(action)
            self.assign_actions[agent.agent_id] = action

    # ---------------------------------------------------------------- actions
    def claim(self) -> None:
        """Claim the ticket (only when it is unassigned)."""
        if self.claim_button.isEnabled():
            self._emit(Claim(ticket_id=self._ticket_id()))

    def release(self) -> None:
        """Release the ticket (only when it is mine)."""
        if self.release_button.isEnabled():
            self._emit(Release(ticket_id=self._ticket_id()))

    def _emit_status(self, status: TicketStatus) -> None:
        if self._ticket is not None and status != self._ticket.status:
            self._emit(SetStatus(ticket_id=self._ticket_id(), status=status))

    def _emit_priority(self, priority: Priority) -> None:
        if self._ticket is not None and priority != self._ticket.priority:
            self._emit(SetPriority(ticket_id=self._ticket_id(), priority=priority))

    def _emit_queue(self, queue: str) -> None:
        if self._ticket is not None and queue != self._ticket.queue:
            self._emit(SetQueue(ticket_id=self._ticket_id(), queue=queue))

    def _ticket_id(self) -> str:
        return "" if self._ticket is None else self._ticket.ticket_id

    def _emit(self, action: Action) -> None:
        if self._ticket is not None:
            self.action_requested.emit(action)
        self._sync_checks()
