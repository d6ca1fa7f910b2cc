"""The list of what became of each action the agent sent (``console.viewstate.pending_commands``).

Only the translated texts and colours are here; the entries and their states
are kept by the plain ``PendingCommands``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    AddTag,
    Assign,
    Claim,
    Note,
    Release,
    RemoveTag,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from console.labels import priority_label, queue_label, status_label
from console.views.empty_state import EmptyState

if TYPE_CHECKING:
    from console.viewstate.pending_commands import (
        PendingChange,
        PendingCommands,
        PendingEntry,
        PendingState,
    )

STATE_ROLE = Qt.ItemDataRole.UserRole + 1
REASON_ROLE = Qt.ItemDataRole.UserRole + 2
COMMAND_ID_ROLE = Qt.ItemDataRole.UserRole + 3
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
    elif isinstance(action, AddTag):
        text = QCoreApplication.translate("PendingActions", "Add tag: %1").replace("%1", action.tag)
    elif isinstance(action, RemoveTag):
        text = QCoreApplication.translate("PendingActions", "Remove tag: %1").replace(
            "%1", action.tag
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


def entry_text(entry: PendingEntry) -> str:
    """The line shown: description, state and the reason of a rejection."""
    line = f"{describe(entry.action)}: {state_text(entry.state)}"
    return f"{line} ({entry.reason})" if entry.reason else line


class PendingActionsModel(QAbstractListModel):
    """The commands of the shown ticket, oldest first (a thin adapter over ``PendingCommands``)."""

    def __init__(self, pending: PendingCommands, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending = pending
        self._ticket_id: str | None = None
        self._rows: list[str] = []
        self._unsubscribe = pending.subscribe(self._on_change)

    # ---------------------------------------------------------------- plain API
    def entries(self) -> list[PendingEntry]:
        """The entries of the shown ticket, oldest first."""
        return [entry for entry in map(self._pending.get, self._rows) if entry is not None]

    def set_ticket(self, ticket_id: str | None) -> None:
        """Show the commands of another ticket."""
        self.beginResetModel()
        self._ticket_id = ticket_id
        self._rows = [entry.command_id for entry in self._pending.of_ticket(ticket_id)]
        self.endResetModel()

    def retranslate(self) -> None:
        """Show the descriptions and states in the current language."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def _on_change(self, change: PendingChange) -> None:
        command_id = change.entry.command_id
        if change.kind == "added":
            if change.entry.ticket_id == self._ticket_id:
                row = len(self._rows)
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.append(command_id)
                self.endInsertRows()
        elif command_id in self._rows:
            row = self._rows.index(command_id)
            if change.kind == "changed":
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
            else:
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
        entry = self._pending.get(self._rows[index.row()])
        if entry is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return entry_text(entry)
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
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setMaximumHeight(96)
        model.rowsInserted.connect(lambda *_: self.scrollToBottom())
        self.empty_state = EmptyState(self)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setAccessibleName(self.tr("Sent actions and their state"))
        self.empty_state.set_text(
            self.tr("Actions you send on this ticket show here, with their state.")
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._model.retranslate()
        super().changeEvent(event)
