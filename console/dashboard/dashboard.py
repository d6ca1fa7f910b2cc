"""The supervisor dashboard: per-queue load, agents' presence and load, created vs resolved.

The widget only displays what ``queue_load.compute_figures`` computes. Calls to
``update_data`` are coalesced: the figures are recomputed at most once per
``coalesce_ms`` (200 ms by default), so a burst of deltas costs one pass and
new data shows well within a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.dashboard.models import AgentLoadModel, QueueLoadModel
from console.dashboard.queue_load import DashboardFigures, compute_figures, parse_time

if TYPE_CHECKING:
    from bridge.wire.entities import Presence, Ticket

CREATED_COLOUR = "#1f77b4"
RESOLVED_COLOUR = "#2ca02c"


def _local_tz() -> dt.tzinfo:
    zone = dt.datetime.now(dt.UTC).astimezone().tzinfo
    return zone if zone is not None else dt.UTC


class ThroughputChart(QChartView):
    """Bars of tickets created and resolved per five minutes over the last hour."""

    def __init__(self, tz: dt.tzinfo, parent: QWidget | None = None) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self._tz = tz
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.created_set = QBarSet("")
        self.created_set.setColor(QColor(CREATED_COLOUR))
        self.resolved_set = QBarSet("")
        self.resolved_set.setColor(QColor(RESOLVED_COLOUR))
        self._series = QBarSeries()
        self._series.append(self.created_set)
        self._series.append(self.resolved_set)
        self._chart.addSeries(self._series)
        self.axis_x = QBarCategoryAxis()
        self.axis_y = QValueAxis()
        self.axis_y.setLabelFormat("%d")
        self.axis_y.setMin(0)
        self._chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        self._chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        self._series.attachAxis(self.axis_x)
        self._series.attachAxis(self.axis_y)
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.setAccessibleName(self.tr("Tickets created and resolved in the last hour"))
        self.created_set.setLabel(self.tr("Created"))
        self.resolved_set.setLabel(self.tr("Resolved"))
        self._chart.setTitle(self.tr("Created vs resolved, last hour"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_figures(self, figures: DashboardFigures) -> None:
        """Replace the bars with the figures' buckets."""
        labels = [bucket.start.astimezone(self._tz).strftime("%H:%M") for bucket in figures.buckets]
        created = [float(bucket.created) for bucket in figures.buckets]
        resolved = [float(bucket.resolved) for bucket in figures.buckets]
        if self.axis_x.categories() != labels:
            self.axis_x.setCategories(labels)
        _replace(self.created_set, created)
        _replace(self.resolved_set, resolved)
        top = max([*created, *resolved, 1.0])
        self.axis_y.setRange(0, top + 1)
        self.axis_y.setTickCount(min(int(top) + 2, 6))

    def values(self) -> tuple[list[int], list[int]]:
        """The bars shown: (created, resolved)."""
        return (
            [int(self.created_set.at(i)) for i in range(self.created_set.count())],
            [int(self.resolved_set.at(i)) for i in range(self.resolved_set.count())],
        )


def _replace(bars: QBarSet, values: list[float]) -> None:
    if bars.count() != len(values):
        bars.remove(0, bars.count())
        bars.append(values)
        return
    for position, value in enumerate(values):
        if bars.at(position) != value:
            bars.replace(position, value)


class SupervisorDashboard(QWidget):
    """What a supervisor watches: queue load, agents, throughput and how fresh the data is."""

    def __init__(
        self,
        tz: dt.tzinfo | None = None,
        coalesce_ms: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tz = tz if tz is not None else _local_tz()
        self._figures: DashboardFigures | None = None
        self._inputs: tuple[list[Ticket], list[Presence], dt.datetime, str | None] | None = None
        self._as_of: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(coalesce_ms)
        self._timer.timeout.connect(self._recompute)
        self.setObjectName("supervisor-dashboard")
        self.as_of_label = QLabel(self)
        self.totals_label = QLabel(self)
        for label in (self.as_of_label, self.totals_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.totals_label.font())
        bold.setBold(True)
        self.totals_label.setFont(bold)
        self.queue_model = QueueLoadModel(self)
        self.queue_view = self._table(self.queue_model)
        self.agent_model = AgentLoadModel(self)
        self.agent_view = self._table(self.agent_model)
        self.chart = ThroughputChart(self._tz, self)
        queues_title = QLabel(self)
        queues_title.setBuddy(self.queue_view)
        agents_title = QLabel(self)
        agents_title.setBuddy(self.agent_view)
        self._titles = (queues_title, agents_title)
        header = QHBoxLayout()
        header.addWidget(self.totals_label, 1)
        header.addWidget(self.as_of_label)
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(queues_title)
        left.addWidget(self.queue_view)
        right = QVBoxLayout()
        right.addWidget(agents_title)
        right.addWidget(self.agent_view)
        tables.addLayout(left, 1)
        tables.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(tables, 1)
        layout.addWidget(self.chart, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every translated text; the figures shown are rendered again."""
        self.setAccessibleName(self.tr("Supervisor dashboard"))
        self.as_of_label.setAccessibleName(self.tr("Data as of"))
        self.as_of_label.setText(self._as_of_text(self._as_of))
        self.queue_view.setAccessibleName(self.tr("Queues"))
        self.queue_view.setToolTip(
            self.tr(
                "Open: open or pending. Unassigned: open without an agent. Breached: past the "
                "first-response deadline without a reply. Oldest waiting: the longest a customer "
                "has waited for the team."
            )
        )
        self.agent_view.setAccessibleName(self.tr("Agents"))
        queues_title, agents_title = self._titles
        queues_title.setText(self.tr("&Queues"))
        agents_title.setText(self.tr("A&gents"))
        self.queue_model.retranslate()
        self.agent_model.retranslate()
        if self._figures is not None:
            self.totals_label.setText(self._totals_text(self._figures))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _table(self, model: QueueLoadModel | AgentLoadModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    @property
    def figures(self) -> DashboardFigures | None:
        """The figures shown (``None`` before the first data)."""
        return self._figures

    def update_data(
        self,
        tickets: Iterable[Ticket],
        agents: Iterable[Presence],
        now: dt.datetime,
        as_of: str | None,
    ) -> None:
        """Take new data; it is shown within ``coalesce_ms`` (bursts are merged)."""
        self._inputs = (list(tickets), list(agents), now, as_of)
        if not self._timer.isActive():
            self._timer.start()

    def _recompute(self) -> None:
        if self._inputs is None:
            return
        tickets, agents, now, as_of = self._inputs
        self._inputs = None
        figures = compute_figures(tickets, agents, now)
        self.queue_model.set_rows(figures.queues)
        self.agent_model.set_rows(figures.agents)
        self.chart.show_figures(figures)
        self.totals_label.setText(self._totals_text(figures))
        self._as_of = as_of
        self.as_of_label.setText(self._as_of_text(as_of))
        self._figures = figures

    def _totals_text(self, figures: DashboardFigures) -> str:
        return (
            self.tr("Last hour: %1 created, %2 resolved")
            .replace("%1", str(figures.created_last_hour))
            .replace("%2", str(figures.resolved_last_hour))
        )

    def _as_of_text(self, as_of: str | None) -> str:
        if as_of is None:
            return self.tr("Data as of: —")
        try:
            when = parse_time(as_of).astimezone(self._tz).strftime("%H:%M:%S")
        except ValueError:
            when = as_of
        return self.tr("Data as of %1").replace("%1", when)
