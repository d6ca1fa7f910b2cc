"""What became of each action the agent sent: sending, queued, sent, confirmed or rejected."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from bridge.wire.protocol import (
    Action,
    Assign,
    Claim,
    Command,
    CommandOutcome,
    CommandState,
    Note,
    Release,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from console.labels import priority_label, queue_label, status_label

PendingState = CommandState | Literal["sending"]
FINAL_STATES: frozenset[str] = frozenset({"confirmed", "rejected", "invalid"})
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
REASON_ROLE = Qt.ItemDataRole.UserRole + 2
COMMAND_ID_ROLE = Qt.ItemDataRole.UserRole + 3
MAX_FINISHED_PER_TICKET = 10
STATE_COLOURS = {
    "rejected": "#b3261e",
    "invalid": "#b3261e",
    "confirmed": "#1e6b2e",
    "queued": "#8a5a00",
}


def describe(action: Action) -> str:
    """A short description of an action for the list."""
    text = QCoreApplication.translate("PendingActions", "Action")
    if isinstance(action, Reply):
        text = QCoreApplication.translate("PendingActions", "Reply")
    elif isinstance(action, Note):
        text = QCoreApplication.translate("PendingActions", "Internal note")
    elif isinstance(action, Claim):
        text = QCoreApplication.translate("PendingActions", "Claim")
    elif isinstance(action, Release):
        text = QCoreApplication.translate("PendingActions", "Release")
    elif isinstance(action, Assign):
        text = QCoreApplication.translate("PendingActions", "Assign to %1").replace(
            "%1", action.agent_name
        )
    elif isinstance(action, SetStatus):
        text = QCoreApplication.translate("PendingActions", "Status: %1").replace(
            "%1", status_label(action.status)
        )
    elif isinstance(action, SetPriority):
        text = QCoreApplication.translate("PendingActions", "Priority: %1").replace(
            "%1", priority_label(action.priority)
        )
    elif isinstance(action, SetQueue):
        text = QCoreApplication.translate("PendingActions", "Queue: %1").replace(
            "%1", queue_label(action.queue)
        )
    return text


def state_text(state: PendingState) -> str:
    """The label of a state."""
    labels = {
        "sending": QCoreApplication.translate("PendingActions", "sending…"),
        "queued": QCoreApplication.translate(
            "PendingActions", "queued (offline): will be sent when the connection returns"
        ),
        "sent": QCoreApplication.translate("PendingActions", "sent, waiting for confirmation"),
        "confirmed": QCoreApplication.translate("PendingActions", "confirmed"),
        "rejected": QCoreApplication.translate("PendingActions", "rejected"),
        "invalid": QCoreApplication.translate("PendingActions", "invalid"),
    }
    return labels[state]


@dataclass(frozen=True)
class PendingEntry:
    """One sent command and where it is."""

    command_id: str
    ticket_id: str
    description: str
    state: PendingState
    reason: str | None = None
    is_message: bool = False

    def text(self) -> str:
        """The line shown: description, state and the reason of a rejection."""
        line = f"{self.description}: {state_text(self.state)}"
        return f"{line} ({self.reason})" if self.reason else line


def ticket_of(action: Action) -> str:
    """The ticket an action is about."""
    return action.ticket_id


class PendingActionsModel(QAbstractListModel):
    """The commands of the shown ticket, oldest first (a thin adapter over plain entries)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: dict[str, PendingEntry] = {}
        self._ticket_id: str | None = None
        self._rows: list[str] = []

    # ---------------------------------------------------------------- plain API
    def add(self, command: Command) -> PendingEntry:
        """Track a command that was just emitted (state ``sending``)."""
        action = command.action
        entry = PendingEntry(
            command_id=command.command_id,
            ticket_id=ticket_of(action),
            description=describe(action),
            state="sending",
            is_message=isinstance(action, Reply | Note),
        )
        self._entries[entry.command_id] = entry
        if entry.ticket_id == self._ticket_id:
            row = len(self._rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.append(entry.command_id)
            self.endInsertRows()
        return entry

    def apply(self, outcome: CommandOutcome) -> PendingEntry | None:
        """Record an outcome; return the updated entry (``None``: not one of ours)."""
        entry = self._entries.get(outcome.command_id)
        if entry is None:
            return None
        if entry.state in FINAL_STATES:
            return entry  # a late "sent" after "confirmed" changes nothing
        entry = replace(entry, state=outcome.state, reason=outcome.reason)
        self._entries[entry.command_id] = entry
        if entry.command_id in self._rows:
            index = self.index(self._rows.index(entry.command_id), 0)
            self.dataChanged.emit(index, index)
        self._forget_old(entry.ticket_id)
        return entry

    def get(self, command_id: str) -> PendingEntry | None:
        """Return the entry of a command, if tracked."""
        return self._entries.get(command_id)

    def entries(self) -> list[PendingEntry]:
        """The entries of the shown ticket, oldest first."""
        return [self._entries[command_id] for command_id in self._rows]

    def open_commands(self, ticket_id: str) -> list[PendingEntry]:
        """Commands of a ticket still waiting for a final outcome."""
        return [
            entry
            for entry in self._entries.values()
            if entry.ticket_id == ticket_id and entry.state not in FINAL_STATES
        ]

    def set_ticket(self, ticket_id: str | None) -> None:
        """Show the commands of another ticket."""
        self.beginResetModel()
        self._ticket_id = ticket_id
        self._rows = [
            entry.command_id for entry in self._entries.values() if entry.ticket_id == ticket_id
        ]
        self.endResetModel()

    def retranslate(self) -> None:
        """Show the states in the current language (descriptions keep the language they had)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def _forget_old(self, ticket_id: str) -> None:
        finished = [
            entry.command_id
            for entry in self._entries.values()
            if entry.ticket_id == ticket_id and entry.state in FINAL_STATES
        ]
        for command_id in finished[:-MAX_FINISHED_PER_TICKET]:
            del self._entries[command_id]
            if command_id in self._rows:
                row = self._rows.index(command_id)
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()

    # ---------------------------------------------------------------- Qt model
    def rowCount(  # noqa: N802 - Qt override
        self, parent: QModelIndex | QPersistentModelIndex | None = None
    ) -> int:
        """Rows of the shown ticket (a list: no children)."""
        if parent is not None and parent.isValid():
            return 0
        return len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Text, state, reason, command id and a colour per state."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._entries[self._rows[index.row()]]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return entry.text()
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = STATE_COLOURS.get(entry.state)
            return None if colour is None else QColor(colour)
        values: dict[int, object] = {
            STATE_ROLE: entry.state,
            REASON_ROLE: entry.reason,
            COMMAND_ID_ROLE: entry.command_id,
        }
        return values.get(role)


class PendingActionsView(QListView):
    """A short list under the conversation with the model's lines."""

    def __init__(self, model: PendingActionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setModel(model)
        self.setObjectName("pending-actions")
        self.setAccessibleName(self.tr("Sent actions and their state"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setMaximumHeight(96)
        model.rowsInserted.connect(lambda *_: self.scrollToBottom())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.setAccessibleName(self.tr("Sent actions and their state"))
            self._model.retranslate()
        super().changeEvent(event)
