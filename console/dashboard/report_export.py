"""Export a period's report: a date-range dialog and ``atp-bridge report`` as a child process.

The report is computed from the log by the bridge's command (docs/OPERATIONS.md,
``atp-bridge report``), not from what this console holds: the console only
asks for the days and the file, runs the command with QProcess (the window
never waits on it) and says how it ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QProcess, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

MESSAGE_CHARS = 500  # of the command's last line shown to the user


@dataclass(frozen=True)
class ReportRequest:
    """The days ``first`` to ``last`` (both included) into the CSV file ``output``."""

    first: dt.date
    last: dt.date
    output: Path


def report_arguments(request: ReportRequest) -> list[str]:
    """The arguments ``atp-bridge report`` takes for ``request``."""
    return [
        "--from",
        request.first.isoformat(),
        "--to",
        request.last.isoformat(),
        "--output",
        str(request.output),
    ]


class ReportExport(QObject):
    """Runs one ``atp-bridge report`` at a time; ``finished(ok, message)`` says how it ended."""

    started = Signal(ReportRequest)
    finished = Signal(bool, str)
    """(written, the command's last line or why it could not run)."""

    def __init__(self, command: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not command:
            raise ValueError("the report command must not be empty")
        self._command = list(command)
        self._process: QProcess | None = None

    @property
    def running(self) -> bool:
        """Whether a report is being made."""
        return self._process is not None

    def start(self, request: ReportRequest) -> bool:
        """Start making ``request``'s report; False if one is already running."""
        if self._process is not None:
            return False
        process = QProcess(self)
        process.setProgram(self._command[0])
        process.setArguments([*self._command[1:], *report_arguments(request)])
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        process.finished.connect(lambda code, status: self._done(process, code, status))
        process.errorOccurred.connect(lambda error: self._failed(process, error))
        self._process = process
        process.start()
        self.started.emit(request)
        return True

    def cancel(self) -> None:
        """Stop a running report (nothing is written: the command writes the file at the end)."""
        process = self._process
        if process is not None:
            process.kill()
            process.waitForFinished(5000)

    def _done(self, process: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if process is not self._process:
            return
        self._process = None
        lines = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        last = next((line for line in reversed(lines.splitlines()) if line.strip()), "")
        ok = status == QProcess.ExitStatus.NormalExit and code == 0
        if not last:
            last = self.tr("the report command ended with code %1").replace("%1", str(code))
        process.deleteLater()
        self.finished.emit(ok, last[:MESSAGE_CHARS])

    def _failed(self, process: QProcess, error: QProcess.ProcessError) -> None:
        if process is not self._process or error != QProcess.ProcessError.FailedToStart:
            return  # a crash or a kill also ends in finished
        self._process = None
        message = process.errorString()
        process.deleteLater()
        self.finished.emit(False, message[:MESSAGE_CHARS])


class ReportDialog(QDialog):
    """Choose the days and the CSV file of a report."""

    def __init__(self, today: dt.date, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report-dialog")
        self._folder = folder
        self._default_file = True  # follows the dates until the user picks a file
        self.first_edit = QDateEdit(self)
        self.last_edit = QDateEdit(self)
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(today.year, today.month, today.day))
            edit.setMaximumDate(QDate(today.year, today.month, today.day))
            edit.dateChanged.connect(self._dates_changed)
        self.output_edit = QLineEdit(self)
        self.output_edit.textChanged.connect(self._check)
        self.output_edit.textEdited.connect(self._file_chosen)
        self.browse_button = QPushButton(self)
        self.browse_button.clicked.connect(self._browse)
        self.problem_label = QLabel(self)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        file_row = QHBoxLayout()
        file_row.addWidget(self.output_edit, 1)
        file_row.addWidget(self.browse_button)
        self._labels = (QLabel(self), QLabel(self), QLabel(self))
        for label, buddy in zip(
            self._labels, (self.first_edit, self.last_edit, self.output_edit), strict=True
        ):
            label.setBuddy(buddy)
        form = QFormLayout(self)
        form.addRow(self._labels[0], self.first_edit)
        form.addRow(self._labels[1], self.last_edit)
        form.addRow(self._labels[2], file_row)
        form.addRow(self.problem_label)
        form.addRow(self.buttons)
        self.retranslate()
        self.output_edit.setText(str(self._default_output()))
        self._check()

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.setWindowTitle(self.tr("Export report"))
        texts = (self.tr("&From"), self.tr("&To"), self.tr("CSV &file"))
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        self.browse_button.setText(self.tr("&Browse…"))
        self.output_edit.setAccessibleName(self.tr("CSV file"))
        self._check()

    def request(self) -> ReportRequest:
        """The days and file chosen."""
        return ReportRequest(
            first=self.first_edit.date().toPython(),  # type: ignore[arg-type]  # QDate -> date
            last=self.last_edit.date().toPython(),  # type: ignore[arg-type]
            output=Path(self.output_edit.text().strip()).expanduser(),
        )

    def _default_output(self) -> Path:
        request_first = self.first_edit.date().toString("yyyy-MM-dd")
        request_last = self.last_edit.date().toString("yyyy-MM-dd")
        return self._folder / f"atp-report-{request_first}-{request_last}.csv"

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export report"), self.output_edit.text(), self.tr("CSV files (*.csv)")
        )
        if chosen:
            self._default_file = False
            self.output_edit.setText(chosen)

    def _file_chosen(self, _text: str) -> None:
        self._default_file = False

    def _dates_changed(self) -> None:
        if self._default_file:
            self.output_edit.setText(str(self._default_output()))
        self._check()

    def _check(self) -> None:
        problem = ""
        if self.last_edit.date() < self.first_edit.date():
            problem = self.tr("The last day is before the first.")
        elif not self.output_edit.text().strip():
            problem = self.tr("Choose the CSV file to write.")
        elif not Path(self.output_edit.text().strip()).expanduser().parent.is_dir():
            problem = self.tr("That folder does not exist.")
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(not problem)
