"""Table models of the dashboard: thin adapters over the figures of ``queue_load``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from console.dashboard.queue_load import AgentFigures, QueueFigures
from console.labels import plain_tooltip, presence_label, queue_label
from console.models.headered_table import HeaderedTableModel
from console.viewstate.bounded import one_line

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The raw value of a cell (an int, a number of seconds, a string) for sorting and tests."""
ALERT_BACKGROUND = "#fbd5d3"

Row = TypeVar("Row", QueueFigures, AgentFigures)
MINUTE = 60
MINUTES_PER_HOUR = 60


class QueueColumn(IntEnum):
    """Columns of the queue table."""

    QUEUE = 0
    OPEN = 1
    UNASSIGNED = 2
    BREACHED = 3
    OLDEST_WAITING = 4
    SLA_TODAY = 5


class AgentColumn(IntEnum):
    """Columns of the agents table."""

    NAME = 0
    ROLE = 1
    PRESENCE = 2
    LOAD = 3
    QUEUES = 4
    FIRST_RESPONSE_TODAY = 5
    RESOLVED_TODAY = 6


def waited(duration: dt.timedelta | None) -> str:
    """``—``, ``45 s``, ``12 min`` or ``2 h 05 min``."""
    if duration is None:
        return "—"
    seconds = int(duration.total_seconds())
    if seconds < MINUTE:
        return QCoreApplication.translate("Dashboard", "%1 s").replace("%1", str(seconds))
    minutes = seconds // MINUTE
    if minutes < MINUTES_PER_HOUR:
        return QCoreApplication.translate("Dashboard", "%1 min").replace("%1", str(minutes))
    return (
        QCoreApplication.translate("Dashboard", "%1 h %2 min")
        .replace("%1", str(minutes // 60))
        .replace("%2", f"{minutes % 60:02d}")
    )


def attainment(met: int, decided: int) -> str:
    """``—`` (nothing decided yet) or ``92 % (23/25)``."""
    if decided == 0:
        return "—"
    return (
        QCoreApplication.translate("Dashboard", "%1 % (%2/%3)")
        .replace("%1", str(round(100 * met / decided)))
        .replace("%2", str(met))
        .replace("%3", str(decided))
    )


def role_label(role: str | None) -> str:
    """The label of a role (``None``: no presence published)."""
    labels = {
        "agent": QCoreApplication.translate("Dashboard", "Agent"),
        "supervisor": QCoreApplication.translate("Dashboard", "Supervisor"),
    }
    return "—" if role is None else labels.get(role, role)


class FiguresTableModel(HeaderedTableModel, Generic[Row]):
    """Rows of frozen figures; an update with the same keys only signals changed cells."""

    text_columns: frozenset[int] = frozenset()
    """Columns of free text: they stretch, may be elided, and their tooltip has the whole text."""

    def __init__(
        self,
        headers: Callable[[], Sequence[str]],
        key: Callable[[Row], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(headers, parent)
        self._key: Callable[[Row], str] = key
        self._rows: tuple[Row, ...] = ()
        self._shown_titles: dict[int, str] = {}

    def set_shown_titles(self, titles: Mapping[int, str]) -> None:
        """Show these columns' titles as the view fitted them (on two lines, elided)."""
        if dict(titles) != self._shown_titles:
            self._shown_titles = dict(titles)
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def retranslate(self) -> None:
        """Re-read the titles (as they are until the view fits them anew) and the cells."""
        self._shown_titles = {}
        super().retranslate()

    def title(self, column: int) -> str:
        """A column's title on one line."""
        return self._headers[column]

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Titles as the view fitted them; the tooltip has the whole title."""
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers)
        if horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._shown_titles.get(section, self._headers[section])
        if horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._headers[section])
        return super().headerData(section, orientation, role)

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` (resets only when the set or order of keys changes)."""
        new = tuple(rows)
        if [self._key(row) for row in new] != [self._key(row) for row in self._rows]:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        old, self._rows = self._rows, new
        for number, (before, after) in enumerate(zip(old, new, strict=True)):
            if before != after:
                self.dataChanged.emit(
                    self.index(number, 0), self.index(number, len(self._headers) - 1)
                )

    def rows(self) -> tuple[Row, ...]:
        """The rows shown."""
        return self._rows

    def row_total(self) -> int:
        """One row per item shown."""
        return len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Display text, raw value (``SORT_ROLE``), alignment and alert colours."""
        valid = index.isValid() and 0 <= index.column() < len(self._headers)
        if not valid or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        value: object = None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            value = one_line(self.text(row, column))  # names are data: one bounded line
        elif role == SORT_ROLE:
            value = self.raw(row, column)
        elif role == Qt.ItemDataRole.BackgroundRole and self.alert(row, column):
            value = QColor(ALERT_BACKGROUND)
        elif role == Qt.ItemDataRole.TextAlignmentRole and isinstance(
            self.raw(row, column), int | float
        ):
            value = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ToolTipRole and column in self.text_columns:
            value = plain_tooltip(self.text(row, column))
        return value

    def text(self, row: Row, column: int) -> str:
        """A cell's text."""
        return str(self.raw(row, column))

    def raw(self, row: Row, column: int) -> object:
        """A cell's raw value."""
        raise NotImplementedError

    def alert(self, row: Row, column: int) -> bool:
        """True when a cell needs attention."""
        raise NotImplementedError


class QueueLoadModel(FiguresTableModel[QueueFigures]):
    """Queue, open, unassigned, breached, oldest waiting."""

    text_columns = frozenset({QueueColumn.QUEUE})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self._header_titles, lambda row: row.queue, parent)

    @staticmethod
    def _header_titles() -> tuple[str, ...]:
        return (
            QCoreApplication.translate("Dashboard", "Queue"),
            QCoreApplication.translate("Dashboard", "Open"),
            QCoreApplication.translate("Dashboard", "Unassigned"),
            QCoreApplication.translate("Dashboard", "Breached"),
            QCoreApplication.translate("Dashboard", "Oldest waiting"),
            QCoreApplication.translate("Dashboard", "SLA met today"),
        )

    def raw(self, row: QueueFigures, column: int) -> object:
        """Raw values; the oldest waiting time in whole seconds (``None``: nobody waits).

        SLA met today: the share from 0 to 1 (``None``: nothing decided yet).
        """
        waiting = None if row.oldest_waiting is None else int(row.oldest_waiting.total_seconds())
        return (
            row.queue,
            row.open,
            row.unassigned,
            row.breached,
            waiting,
            row.sla_attainment_today,
        )[column]

    def text(self, row: QueueFigures, column: int) -> str:
        """The queue's label; the oldest waiting time reads as minutes, the SLA as a share."""
        if column == QueueColumn.QUEUE:
            return queue_label(row.queue)
        if column == QueueColumn.OLDEST_WAITING:
            return waited(row.oldest_waiting)
        if column == QueueColumn.SLA_TODAY:
            return attainment(row.sla_met_today, row.sla_decided_today)
        return str(self.raw(row, column))

    def alert(self, row: QueueFigures, column: int) -> bool:
        """Breached tickets, and unassigned ones, are highlighted."""
        return (column == QueueColumn.BREACHED and row.breached > 0) or (
            column == QueueColumn.UNASSIGNED and row.unassigned > 0
        )


class AgentLoadModel(FiguresTableModel[AgentFigures]):
    """Agent, role, presence, load, queues."""

    text_columns = frozenset({AgentColumn.NAME, AgentColumn.QUEUES})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self._header_titles, lambda row: row.agent_id, parent)

    @staticmethod
    def _header_titles() -> tuple[str, ...]:
        return (
            QCoreApplication.translate("Dashboard", "Agent"),
            QCoreApplication.translate("Dashboard", "Role"),
            QCoreApplication.translate("Dashboard", "Presence"),
            QCoreApplication.translate("Dashboard", "Open tickets"),
            QCoreApplication.translate("Dashboard", "Queues"),
            QCoreApplication.translate("Dashboard", "First response today (median)"),
            QCoreApplication.translate("Dashboard", "Resolved today"),
        )

    def raw(self, row: AgentFigures, column: int) -> object:
        """Raw values; the median first response in whole seconds (``None``: none today)."""
        first = row.first_response_today
        return (
            row.name,
            row.role,
            row.presence,
            row.load,
            ", ".join(row.queues),
            None if first is None else int(first.total_seconds()),
            row.resolved_today,
        )[column]

    def text(self, row: AgentFigures, column: int) -> str:
        """Role and presence are translated labels; the first response reads as minutes."""
        if column == AgentColumn.ROLE:
            return role_label(row.role)
        if column == AgentColumn.PRESENCE:
            return presence_label(row.presence)
        if column == AgentColumn.FIRST_RESPONSE_TODAY:
            return waited(row.first_response_today)
        if column == AgentColumn.QUEUES:
            return ", ".join(queue_label(queue) for queue in row.queues)
        return str(self.raw(row, column))

    def alert(self, row: AgentFigures, column: int) -> bool:
        """An offline agent who still holds tickets."""
        return column == AgentColumn.LOAD and row.presence == "offline" and row.load > 0
