"""The supervisor dashboard: per-queue load, agents' presence and load, created vs resolved.

The widget only displays the figures ``queue_load`` defines, computed in a
worker thread (``figures_job``) by ``incremental_figures``: a pass counts again
only the tickets that changed since the last one (tens of milliseconds at
100k tickets, where a full ``compute_figures`` takes seconds). Calls
to ``update_data`` are coalesced: the figures are recomputed at most once per
``coalesce_ms`` (200 ms by default), and no sooner than three times the last
pass's duration after it, so a burst of deltas costs one pass and new data
shows within a second at a few thousand tickets. Without new data they are recomputed every
``refresh_ms`` (30 s) at the clock's time, so a deadline passing shows as well.
"Export report…" runs ``atp-bridge report`` (``report_export``) for the days a
supervisor chooses; it is there when the composition passes the command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.dashboard.figures_job import Compute, FiguresJob
from console.dashboard.incremental_figures import IncrementalFigures
from console.dashboard.models import AgentLoadModel, QueueLoadModel, attainment
from console.dashboard.queue_load import DashboardFigures, parse_time
from console.dashboard.report_export import ReportDialog, ReportExport, ReportRequest
from console.views.empty_state import EmptyState
from console.viewstate.column_room import (
    ColumnNeed,
    share_width,
    shown_title,
    two_lines,
    wanted_width,
)

if TYPE_CHECKING:
    from bridge.wire.entities import Presence, Ticket

REFRESH_MS = 30_000
CREATED_COLOUR = "#1f77b4"
RESOLVED_COLOUR = "#2ca02c"
TEXT_CAP_CHARS = 28
"""A name or list column is whole up to this many average characters, elided beyond."""
TEXT_FLOOR_CHARS = 10
"""A name or list column keeps this many average characters when the table is narrow."""
TITLE_FLOOR_CHARS = 8
"""A figure's title keeps this many average characters before a name is elided."""
SIDE_BY_SIDE_SLACK = 60
"""Margins and scroll bars around the two tables when side by side."""
MINOR_LINES_UP_TO = 5
"""With steps up to this size, a minor grid line marks every whole number."""


def _local_tz() -> dt.tzinfo:
    zone = dt.datetime.now(dt.UTC).astimezone().tzinfo
    return zone if zone is not None else dt.UTC


def axis_scale(top: int, max_intervals: int = 5) -> tuple[int, int]:
    """Return (maximum, step) of a count axis from 0 that shows ``top``.

    The step is a whole 1, 2 or 5 times a power of ten and the maximum a
    multiple of it, with at most ``max_intervals`` steps: 22 gives (25, 5), 3
    gives (3, 1), 140 gives (150, 50).
    """
    top = max(top, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            intervals = -(-top // step)  # ceiling division
            if intervals <= max_intervals:
                return step * intervals, step
        magnitude *= 10


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
        small = QFont(self.axis_x.labelsFont())
        small.setPointSizeF(small.pointSizeF() * 0.8)  # twelve HH:MM labels fit without "21…"
        self.axis_x.setLabelsFont(small)
        self.axis_y = QValueAxis()
        self.axis_y.setLabelFormat("%d")
        self.axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        self.axis_y.setTickAnchor(0)
        self.axis_y.setRange(0, 1)
        self.axis_y.setTickInterval(1)
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
        maximum, step = axis_scale(int(max([*created, *resolved, 1.0])))
        self.axis_y.setRange(0, maximum)
        self.axis_y.setTickInterval(step)
        # a (minor) grid line at every whole number while they fit, so each bar meets one
        self.axis_y.setMinorTickCount(step - 1 if step <= MINOR_LINES_UP_TO else 0)

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


class FittedTable(QTableView):
    """A dashboard table whose columns share its viewport as ``column_room.share_width`` says.

    Names and lists are whole up to a cap (elided beyond, whole in the
    tooltip), figures fit their cells and titles (two-line titles when the
    table is narrow), and the columns end at the viewport's edge, so none is
    under the vertical scroll bar. They are fitted again whenever the rows, the
    titles or the viewport's width change.
    """

    def __init__(
        self, model: QueueLoadModel | AgentLoadModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._figures_model = model
        self._fitting = False
        self.setModel(model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        for signal in (
            model.modelReset,
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
            model.headerDataChanged,
        ):
            signal.connect(self.fit_columns)

    def _limits(self) -> tuple[int, int, int]:
        """The text columns' cap and floor and the figure titles' floor, in px."""
        average = self.fontMetrics().averageCharWidth()
        return TEXT_CAP_CHARS * average, TEXT_FLOOR_CHARS * average, TITLE_FLOOR_CHARS * average

    def _measure(self) -> tuple[list[ColumnNeed], list[int]]:
        """What each column needs, and the room its title's margins take (px)."""
        model = self._figures_model
        header = self.horizontalHeader()
        metrics = header.fontMetrics()
        needs, margins = [], []
        for column in range(model.columnCount()):
            shown = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            margin = header.sectionSizeHint(column) - max(
                metrics.horizontalAdvance(line) for line in shown.split("\n")
            )
            title = model.title(column)
            wrapped = two_lines(title, metrics.horizontalAdvance).split("\n")
            margins.append(margin)
            needs.append(
                ColumnNeed(
                    content=max(self.sizeHintForColumn(column), 0),
                    title=margin + metrics.horizontalAdvance(title),
                    title_wrapped=margin + max(metrics.horizontalAdvance(line) for line in wrapped),
                    text=column in model.text_columns,
                )
            )
        return needs, margins

    def wanted_width(self) -> int:
        """The width at which every title is on one line and every name whole (up to the cap)."""
        cap, _, _ = self._limits()
        return wanted_width(self._measure()[0], cap) + 2 * self.frameWidth()

    def fit_columns(self) -> None:
        """Share the viewport's width between the columns now."""
        if self._fitting:
            return
        self._fitting = True
        try:
            model = self._figures_model
            cap, floor, title_floor = self._limits()
            needs, margins = self._measure()
            room = share_width(
                self.viewport().width(), needs, cap=cap, floor=floor, title_floor=title_floor
            )
            metrics = self.horizontalHeader().fontMetrics()

            def elide(text: str, width: int) -> str:
                return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)

            titles = {}
            for column, width in enumerate(room.widths):
                title = model.title(column)
                shown = shown_title(
                    title,
                    width - margins[column],
                    wrapped=column in room.wrapped,
                    measure=metrics.horizontalAdvance,
                    elide=elide,
                )
                if shown != title:
                    titles[column] = shown
            model.set_shown_titles(titles)
            header = self.horizontalHeader()
            for column, width in enumerate(room.widths):
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """The viewport's width changed (a resize, the vertical scroll bar): fit again."""
        super().resizeEvent(event)
        self.fit_columns()


class SupervisorDashboard(QWidget):
    """What a supervisor watches: queue load, agents, throughput and how fresh the data is.

    ``compute`` computes a pass (``figures_job.Compute``); by default an
    ``IncrementalFigures`` of this dashboard's own.
    """

    def __init__(
        self,
        tz: dt.tzinfo | None = None,
        coalesce_ms: int = 200,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        refresh_ms: int = REFRESH_MS,
        report_command: Sequence[str] | None = None,
        report_folder: Path | None = None,
        compute: Compute | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._tz = tz if tz is not None else _local_tz()
        self._day_tz = tz  # None: the system's time zone, with its daylight saving rules
        self._clock = clock if clock is not None else (lambda: dt.datetime.now(dt.UTC))
        self._figures: DashboardFigures | None = None
        self._inputs: (
            tuple[Iterable[Ticket], Iterable[Presence], dt.datetime, str | None] | None
        ) = None
        self._last_inputs: tuple[list[Ticket], list[Presence], str | None] | None = None
        self._as_of: str | None = None
        self._pass_as_of: str | None = None  # the as-of of the pass running
        self._coalesce_ms = coalesce_ms
        self._job = FiguresJob(compute or IncrementalFigures(), parent=self)
        self._job.computed.connect(self._show_figures)
        self._job.failed.connect(self._show_failure)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(coalesce_ms)
        self._timer.timeout.connect(self._recompute)
        self._refresh = QTimer(self, interval=refresh_ms)
        self._refresh.timeout.connect(self._refresh_now)
        self._refresh.start()
        self.setObjectName("supervisor-dashboard")
        self.as_of_label = QLabel(self)
        self.today_label = QLabel(self)
        self.today_label.setTextFormat(Qt.TextFormat.PlainText)
        self.report_folder = report_folder if report_folder is not None else Path.home()
        self.report_export = None if not report_command else ReportExport(report_command, self)
        self.export_button = QPushButton(self)
        self.export_status = QLabel(self)
        self._build_export()
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
        self.queue_empty = EmptyState(self.queue_view)
        self.agent_empty = EmptyState(self.agent_view)
        self.chart = ThroughputChart(self._tz, self)
        queues_title = QLabel(self)
        queues_title.setBuddy(self.queue_view)
        agents_title = QLabel(self)
        agents_title.setBuddy(self.agent_view)
        self._titles = (queues_title, agents_title)
        self._lay_out()
        self.retranslate()

    def _lay_out(self) -> None:
        queues_title, agents_title = self._titles
        header = QHBoxLayout()
        header.addWidget(self.totals_label, 1)
        header.addWidget(self.as_of_label)
        today = QHBoxLayout()
        today.addWidget(self.today_label, 1)
        today.addWidget(self.export_status, 1)
        today.addWidget(self.export_button)
        tables = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._tables = tables
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
        layout.addLayout(today)
        layout.addLayout(tables, 1)
        layout.addWidget(self.chart, 1)

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
                "has waited for the team. SLA met today: of the tickets due today (your "
                "local day, from midnight) whose deadline has passed or that were answered, "
                "the share answered in time."
            )
        )
        self.agent_view.setAccessibleName(self.tr("Agents"))
        self.queue_empty.set_text(self.tr("No tickets in any queue yet."))
        self.agent_empty.set_text(self.tr("No agent has published a presence yet."))
        self.agent_view.setToolTip(
            self.tr(
                "First response today: the median time from opening to the first public "
                "reply, of the tickets this agent first answered today. Resolved today: "
                "tickets this agent set to resolved today (your local day, from midnight)."
            )
        )
        self.export_button.setText(self.tr("Export report…"))
        self.export_button.setToolTip(
            self.tr(
                "Figures of a day or a week per queue and per agent, computed from the "
                "event log (not from this view), saved as a CSV file."
            )
        )
        queues_title, agents_title = self._titles
        queues_title.setText(self.tr("&Queues"))
        agents_title.setText(self.tr("A&gents"))
        self.queue_model.retranslate()
        self.agent_model.retranslate()
        if self._figures is not None:
            self.totals_label.setText(self._totals_text(self._figures))
            self.today_label.setText(self._today_text(self._figures))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Tables side by side when both fit their figures, one above the other otherwise."""
        super().resizeEvent(event)
        self._arrange_tables()

    def _arrange_tables(self) -> None:
        needed = sum(view.wanted_width() for view in (self.queue_view, self.agent_view))
        side_by_side = self.width() >= needed + SIDE_BY_SIDE_SLACK
        direction = (
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        )
        if self._tables.direction() != direction:
            self._tables.setDirection(direction)

    def _table(self, model: QueueLoadModel | AgentLoadModel) -> FittedTable:
        """A table of figures and names fitted to its viewport (``FittedTable``)."""
        return FittedTable(model, self)

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
        """Take new data; it is shown within ``coalesce_ms`` (bursts are merged).

        ``tickets`` and ``agents`` may be live views of the store: they are
        copied when a pass starts, not on every update.
        """
        self._inputs = (tickets, agents, now, as_of)
        if not self._timer.isActive() and not self._job.running:
            self._timer.start(self._job.next_delay_ms(self._coalesce_ms))

    def _refresh_now(self) -> None:
        """Recompute the last data at the clock's time (deadlines pass without new data)."""
        if self._inputs is None and self._last_inputs is not None:
            tickets, agents, as_of = self._last_inputs
            self._inputs = (tickets, agents, self._clock(), as_of)
            self._recompute()

    def _recompute(self) -> None:
        """Start a pass over the latest inputs (after the running one, if any)."""
        if self._inputs is None or self._job.running:
            return
        live_tickets, live_agents, now, as_of = self._inputs
        self._inputs = None
        tickets, agents = list(live_tickets), list(live_agents)  # the worker's own copies
        self._last_inputs = (tickets, agents, as_of)
        self._pass_as_of = as_of
        self._job.start(tickets, agents, now, self._day_tz)

    def _after_pass(self) -> None:
        if self._inputs is not None:  # new data came during the pass
            self._timer.start(self._job.next_delay_ms(self._coalesce_ms))

    def _show_failure(self, reason: str) -> None:
        self.as_of_label.setText(
            self.tr("The figures could not be computed (%1); see the log.").replace("%1", reason)
        )
        self._after_pass()

    def _show_figures(self, figures: DashboardFigures) -> None:
        as_of = self._pass_as_of
        self.queue_model.set_rows(figures.queues)
        self.agent_model.set_rows(figures.agents)
        self.chart.show_figures(figures)
        self._arrange_tables()
        self.totals_label.setText(self._totals_text(figures))
        self.today_label.setText(self._today_text(figures))
        self._as_of = as_of
        self.as_of_label.setText(self._as_of_text(as_of))
        self._figures = figures
        self._after_pass()

    def _totals_text(self, figures: DashboardFigures) -> str:
        return (
            self.tr("Last hour: %1 created, %2 resolved")
            .replace("%1", str(figures.created_last_hour))
            .replace("%2", str(figures.resolved_last_hour))
        )

    def _today_text(self, figures: DashboardFigures) -> str:
        today = figures.today
        if today is None:
            return ""
        opened = sum(group.opened for group in today.queues)
        resolved = sum(group.resolved for group in today.queues)
        met = sum(group.sla_met for group in today.queues)
        decided = sum(group.sla_decided for group in today.queues)
        return (
            self.tr("Today: %1 opened, %2 resolved, SLA met %3")
            .replace("%1", str(opened))
            .replace("%2", str(resolved))
            .replace("%3", attainment(met, decided))
        )

    # ------------------------------------------------------------------ report export
    def _build_export(self) -> None:
        self.export_button.setObjectName("export-report")
        self.export_button.setVisible(self.report_export is not None)
        self.export_button.clicked.connect(self.open_report_dialog)
        self.export_status.setTextFormat(Qt.TextFormat.PlainText)
        self.export_status.setWordWrap(True)
        if self.report_export is not None:
            self.report_export.started.connect(self._export_started)
            self.report_export.finished.connect(self._export_finished)

    def open_report_dialog(self) -> ReportDialog | None:
        """Ask for the days and the file of a report, then export it (returns the dialog)."""
        if self.report_export is None or self.report_export.running:
            return None
        today = self._clock().astimezone(self._day_tz).date()
        dialog = ReportDialog(today, self.report_folder, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export_report(dialog.request()))
        dialog.open()
        return dialog

    def export_report(self, request: ReportRequest) -> bool:
        """Run ``atp-bridge report`` for ``request``; False if one already runs."""
        return self.report_export is not None and self.report_export.start(request)

    def _export_started(self, request: ReportRequest) -> None:
        self.export_button.setEnabled(False)
        self.export_status.setText(
            self.tr("Making the report of %1 to %2 from the event log…")
            .replace("%1", request.first.isoformat())
            .replace("%2", request.last.isoformat())
        )

    def _export_finished(self, ok: bool, message: str) -> None:
        self.export_button.setEnabled(True)
        if ok:
            self.export_status.setText(self.tr("Report saved. %1").replace("%1", message))
        else:
            self.export_status.setText(self.tr("The report failed: %1").replace("%1", message))

    def _as_of_text(self, as_of: str | None) -> str:
        if as_of is None:
            return self.tr("Data as of: —")
        try:
            when = parse_time(as_of).astimezone(self._tz).strftime("%H:%M:%S")
        except ValueError:
            when = as_of
        return self.tr("Data as of %1").replace("%1", when)
