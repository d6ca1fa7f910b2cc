"""The Diagnostics tab: quarantined records, lag per partition, and an entity's event trace.

For supervisors and IT ("why does this ticket show that?"). The view asks the
bridge through ``DiagnosticsClient`` (the console's ``BridgeClient``) and shows
the answers it is handed (``show_diagnostics``, ``show_trace``). Everything in
the tables comes from the log and is shown as plain text; tooltips are escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bridge.wire.protocol import Diagnostics, DiagnosticsKind, Trace, TraceKind
from console.log_inspection.rows import lag_rows, local_time, quarantine_rows, total_lag, trace_rows
from console.models.headered_table import HeaderedTableModel

ANSWER_TIMEOUT_MS = 40_000  # a trace may read the log for 30 s
DUPLICATE_COLOUR = "#808080"
NOT_APPLIED_BACKGROUND = "#fff4d6"
TRACE_OUTCOME_COLUMN = 2


class DiagnosticsClient(Protocol):
    """What the view needs of the bridge client."""

    def query_diagnostics(self, kind: DiagnosticsKind) -> bool:
        """Ask; False when not connected."""
        ...

    def query_trace(self, kind: TraceKind, key: str) -> bool:
        """Ask; False when not connected."""
        ...


def outcome_label(outcome: str) -> str:
    """The label of the fold's verdict on a record (unknown words as they are)."""
    labels = {
        "applied": QCoreApplication.translate("LogInspection", "applied"),
        "rejected": QCoreApplication.translate("LogInspection", "rejected"),
        "duplicate": QCoreApplication.translate("LogInspection", "duplicate (changed nothing)"),
        "quarantined": QCoreApplication.translate("LogInspection", "quarantined"),
        "skipped": QCoreApplication.translate("LogInspection", "skipped (unknown type)"),
    }
    return labels.get(outcome, outcome)


class TextTableModel(HeaderedTableModel):
    """Rows of plain strings under translated headers; a row may be dimmed or highlighted."""

    def __init__(self, headers: Callable[[], Sequence[str]], parent: QObject | None = None) -> None:
        super().__init__(headers, parent)
        self._rows: list[tuple[str, ...]] = []
        self._styles: list[str] = []
        self.display: Callable[[int, str], str] = lambda _column, text: text

    def set_rows(self, rows: list[tuple[str, ...]], styles: list[str] | None = None) -> None:
        """Show ``rows``; ``styles`` per row: ``""``, ``dim`` or ``alert``."""
        self.beginResetModel()
        self._rows = rows
        self._styles = styles if styles is not None else [""] * len(rows)
        self.endResetModel()

    def rows(self) -> list[tuple[str, ...]]:
        """The rows shown (raw texts)."""
        return list(self._rows)

    def row_total(self) -> int:
        """One row per item shown."""
        return len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Plain text, an escaped tooltip with the whole text, and the row's style."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if not 0 <= index.column() < len(row):
            return None
        text = self.display(index.column(), row[index.column()])
        style = self._styles[index.row()]
        value: object = None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            value = text
        elif role == Qt.ItemDataRole.ToolTipRole and text:
            value = f"<qt>{html.escape(text)}</qt>"  # never rendered as the log's markup
        elif role == Qt.ItemDataRole.ForegroundRole and style == "dim":
            value = QColor(DUPLICATE_COLOUR)
        elif role == Qt.ItemDataRole.BackgroundRole and style == "alert":
            value = QColor(NOT_APPLIED_BACKGROUND)
        return value


class DiagnosticsView(QWidget):
    """Three tabs: Quarantined records, Lag per partition, Event trace."""

    def __init__(
        self,
        client: DiagnosticsClient,
        tz: dt.tzinfo | None = None,
        *,
        answer_timeout_ms: int = ANSWER_TIMEOUT_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("diagnostics")
        self._client = client
        self._tz = tz
        self._waiting: dict[str, str] = {}  # what was asked and not answered: "quarantine", ...
        self._asked_trace: tuple[TraceKind, str] | None = None
        self._last: dict[str, Diagnostics | Trace] = {}
        self._timeouts = {name: self._timer(name, answer_timeout_ms) for name in _PARTS}
        self.tabs = QTabWidget(self)
        self.quarantine_model = TextTableModel(self._quarantine_headers, self)
        self.lag_model = TextTableModel(self._lag_headers, self)
        self.trace_model = TextTableModel(self._trace_headers, self)
        self.trace_model.display = lambda column, text: (
            outcome_label(text) if column == TRACE_OUTCOME_COLUMN else text
        )
        self.quarantine_status, self.lag_status, self.trace_status = (
            self._status_label() for _ in range(3)
        )
        self.quarantine_refresh = QPushButton(self)
        self.quarantine_refresh.clicked.connect(lambda: self.refresh("quarantine"))
        self.lag_refresh = QPushButton(self)
        self.lag_refresh.clicked.connect(lambda: self.refresh("lag"))
        self.trace_kind = QComboBox(self)
        self.trace_kind.addItem("", "ticket")
        self.trace_kind.addItem("", "order")
        self.trace_key = QLineEdit(self)
        self.trace_key.setMaxLength(200)
        self.trace_key.returnPressed.connect(self.trace)
        self.trace_button = QPushButton(self)
        self.trace_button.clicked.connect(self.trace)
        self._pages = (
            self._page(self.quarantine_model, self.quarantine_status, self.quarantine_refresh),
            self._page(self.lag_model, self.lag_status, self.lag_refresh),
            self._page(
                self.trace_model, self.trace_status, self.trace_kind, self.trace_key,
                self.trace_button,
            ),
        )  # fmt: skip
        for page in self._pages:
            self.tabs.addTab(page, "")
        self.tabs.currentChanged.connect(self._on_tab_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.retranslate()

    # ------------------------------------------------------------------ asking
    def refresh(self, kind: DiagnosticsKind) -> bool:
        """Ask the bridge for the quarantined records or the lag (False: not connected).

        An ask whose answer is awaited is not sent again.
        """
        if kind in self._waiting:
            return True
        status = self.quarantine_status if kind == "quarantine" else self.lag_status
        if not self._client.query_diagnostics(kind):
            status.setText(self.tr("Not connected to the bridge: try again when it is."))
            return False
        self._waiting[kind] = kind
        self._timeouts[kind].start()
        status.setText(self.tr("Asking the bridge…"))
        return True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Shown (a supervisor's tab is there from the start): ask for the page in sight."""
        super().showEvent(event)
        self._on_tab_shown(self.tabs.currentIndex())

    def _on_tab_shown(self, index: int) -> None:
        """The quarantine or the lag page, in sight for the first time: ask for it."""
        pages: dict[int, DiagnosticsKind] = {0: "quarantine", 1: "lag"}
        kind = pages.get(index)
        if kind is not None and kind not in self._last and kind not in self._waiting:
            self.refresh(kind)

    def trace(self) -> bool:
        """Ask for the trace of the ticket or order in the form (False: nothing sent)."""
        key = self.trace_key.text().strip()
        kind: TraceKind = self.trace_kind.currentData()
        if not key:
            self.trace_status.setText(self.tr("Type a ticket or order id."))
            return False
        if not self._client.query_trace(kind, key):
            self.trace_status.setText(self.tr("Not connected to the bridge: try again when it is."))
            return False
        self._asked_trace = (kind, key)
        self._waiting["trace"] = key
        self._timeouts["trace"].start()
        self.trace_button.setEnabled(False)
        self.trace_status.setText(
            self.tr("Reading %1 from the beginning of the log…").replace("%1", key)
        )
        return True

    def trace_entity(self, kind: TraceKind, key: str) -> bool:
        """Show the trace tab for ``key`` and ask for its trace."""
        self.trace_kind.setCurrentIndex(max(self.trace_kind.findData(kind), 0))
        self.trace_key.setText(key)
        self.tabs.setCurrentIndex(2)
        return self.trace()

    # ------------------------------------------------------------------ answers
    def show_diagnostics(self, answer: Diagnostics) -> None:
        """Show a Diagnostics answer (connect to ``BridgeClient.diagnostics``)."""
        self._waiting.pop(answer.kind, None)
        self._timeouts[answer.kind].stop()
        self._last[answer.kind] = answer
        if answer.kind == "quarantine":
            self.quarantine_model.set_rows(quarantine_rows(answer, self._tz))
        else:
            self.lag_model.set_rows(lag_rows(answer))
        self._describe(answer)

    def show_trace(self, answer: Trace) -> None:
        """Show a Trace answer to the last trace asked (connect to ``BridgeClient.trace``)."""
        if self._asked_trace != (answer.kind, answer.key):
            return  # the answer to an earlier question
        self._waiting.pop("trace", None)
        self._timeouts["trace"].stop()
        self.trace_button.setEnabled(True)
        self._last["trace"] = answer
        styles = [
            "dim" if event.duplicate else ("" if event.outcome == "applied" else "alert")
            for event in answer.events
        ]
        self.trace_model.set_rows(trace_rows(answer, self._tz), styles)
        self._describe(answer)

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        """Re-read every translated text (the answers shown are described again)."""
        self.setAccessibleName(self.tr("Diagnostics"))
        for position, title in enumerate(
            (self.tr("Quarantined records"), self.tr("Lag per partition"), self.tr("Event trace"))
        ):
            self.tabs.setTabText(position, title)
        self.quarantine_refresh.setText(self.tr("&Refresh"))
        self.lag_refresh.setText(self.tr("R&efresh"))
        self.trace_kind.setItemText(0, self.tr("Ticket"))
        self.trace_kind.setItemText(1, self.tr("Order"))
        self.trace_kind.setAccessibleName(self.tr("Trace a ticket or an order"))
        self.trace_key.setPlaceholderText(self.tr("Ticket or order id"))
        self.trace_key.setAccessibleName(self.tr("Ticket or order id"))
        self.trace_button.setText(self.tr("&Trace"))
        self.trace_button.setToolTip(
            self.tr(
                "Every record of this ticket or order in the log, in log order, with what the "
                "fold made of it. The bridge reads the whole topic from its beginning."
            )
        )
        for model in (self.quarantine_model, self.lag_model, self.trace_model):
            model.retranslate()
        for answer in self._last.values():
            self._describe(answer)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _describe(self, answer: Diagnostics | Trace) -> None:
        if isinstance(answer, Trace):
            self.trace_status.setText(self._trace_text(answer))
            return
        when = local_time(answer.as_of, self._tz)
        if answer.kind == "quarantine":
            self.quarantine_status.setText(self._quarantine_text(answer, when))
            return
        lag = total_lag(answer)
        self.lag_status.setText(
            self.tr("As of %1: %2 records in the log not folded yet (log ends as of %3).")
            .replace("%1", when)
            .replace("%2", "—" if lag is None else str(lag))
            .replace("%3", local_time(answer.ends_as_of, self._tz))
        )

    def _quarantine_text(self, answer: Diagnostics, when: str) -> str:
        total, listed = answer.quarantined_total, len(answer.quarantined)
        if total == 0:
            return self.tr("As of %1: no record is quarantined.").replace("%1", when)
        if listed >= total:
            return self.tr("As of %1: %n record(s) quarantined, all listed.", "", total).replace(
                "%1", when
            )
        return (
            self.tr("As of %1: %2 records quarantined in all; the latest %3 are listed.")
            .replace("%1", when)
            .replace("%2", str(total))
            .replace("%3", str(listed))
        )

    def _trace_text(self, answer: Trace) -> str:
        count = len(answer.events)
        if answer.error is not None and not answer.complete:
            return (
                self.tr("%1: no complete trace (%2). Records found so far: %3.")
                .replace("%1", answer.key)
                .replace("%2", answer.error)
                .replace("%3", str(count))
            )
        text = (
            self.tr("%1: %2 records of it among %3 read from the beginning of the log.")
            .replace("%1", answer.key)
            .replace("%2", str(count))
            .replace("%3", str(answer.records_scanned))
        )
        if answer.truncated:
            text += " " + self.tr("Only the first ones are listed.")
        if count == 0:
            text += " " + self.tr("The log holds no record with this id.")
        return text

    def _timed_out(self, part: str) -> None:
        if self._waiting.pop(part, None) is None:
            return
        text = self.tr("The bridge did not answer in time; try again.")
        if part == "trace":
            self.trace_button.setEnabled(True)
            self.trace_status.setText(text)
        elif part == "quarantine":
            self.quarantine_status.setText(text)
        else:
            self.lag_status.setText(text)

    # ------------------------------------------------------------------ layout
    def _timer(self, part: str, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(lambda: self._timed_out(part))
        return timer

    def _status_label(self) -> QLabel:
        label = QLabel(self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        return label

    def _page(self, model: TextTableModel, status: QLabel, *controls: QWidget) -> QWidget:
        page = QWidget(self)
        view = QTableView(page)
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        model.modelReset.connect(view.resizeColumnsToContents)
        top = QHBoxLayout()
        top.addWidget(status, 1)
        for control in controls:
            top.addWidget(control)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(view, 1)
        return page

    @staticmethod
    def _quarantine_headers() -> tuple[str, ...]:
        return (
            QCoreApplication.translate("LogInspection", "Written"),
            QCoreApplication.translate("LogInspection", "Topic"),
            QCoreApplication.translate("LogInspection", "Partition"),
            QCoreApplication.translate("LogInspection", "Offset"),
            QCoreApplication.translate("LogInspection", "Event id"),
            QCoreApplication.translate("LogInspection", "Reason"),
        )

    @staticmethod
    def _lag_headers() -> tuple[str, ...]:
        return (
            QCoreApplication.translate("LogInspection", "Topic"),
            QCoreApplication.translate("LogInspection", "Partition"),
            QCoreApplication.translate("LogInspection", "Folded up to"),
            QCoreApplication.translate("LogInspection", "Log end"),
            QCoreApplication.translate("LogInspection", "Lag"),
        )

    @staticmethod
    def _trace_headers() -> tuple[str, ...]:
        return (
            QCoreApplication.translate("LogInspection", "Event time"),
            QCoreApplication.translate("LogInspection", "Type"),
            QCoreApplication.translate("LogInspection", "Outcome"),
            QCoreApplication.translate("LogInspection", "Reason"),
            QCoreApplication.translate("LogInspection", "Source"),
            QCoreApplication.translate("LogInspection", "Event id"),
            QCoreApplication.translate("LogInspection", "Topic / partition / offset"),
            QCoreApplication.translate("LogInspection", "Written"),
        )


_PARTS = ("quarantine", "lag", "trace")
