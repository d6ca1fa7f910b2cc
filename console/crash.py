"""Crash handling: uncaught exceptions and hard crashes become a redacted report and a dialog.

``CrashHandler.install()`` hooks ``sys.excepthook`` and ``threading.excepthook``
and points ``faulthandler`` at a file in the log folder. An uncaught exception
is logged, written as a crash report (time, version, platform, traceback; with
secrets masked), the drafts are flushed (``on_before_report``) and a dialog
shows the report with "Copy report". A hard crash (segfault, abort) leaves a
faulthandler dump instead; on the next start :func:`pending_crash_report`
turns it into a report for the same dialog. After the model of qutebrowser's
``misc/crashsignal.py``.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import os
import platform
import re
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import TracebackType

FAULT_LOG_NAME = "faulthandler.log"
REPORT_GLOB = "crash-*.txt"
MAX_REPORTS = 20
"""Crash reports kept in the log folder (the oldest are deleted)."""
MAX_SHOWN_REPORTS = 5
"""Reports appended to an open dialog; later ones are only counted."""
MASK = "***"
_log = logging.getLogger(__name__)

_SENSITIVE_NAME = r"[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|credential)[\w.-]*"
_SECRET_ASSIGNMENT = re.compile(
    rf"""(?P<key>["']?{_SENSITIVE_NAME}["']?\s*[=:]\s*)"""
    r"""(?:(?P<quote>["'])(?P<quoted>(?:\\.|(?!(?P=quote)).)*)(?P=quote)"""
    r"""|(?P<bare>[^\s"',;&)}\]]+))""",
    re.IGNORECASE,
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask ``secrets`` wherever they appear and the values of password/token-like keys."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)

    def mask(match: re.Match[str]) -> str:
        quote = match.group("quote")
        if quote is not None:
            return f"{match.group('key')}{quote}{MASK}{quote}"
        return f"{match.group('key')}{MASK}"

    return _SECRET_ASSIGNMENT.sub(mask, text)


@dataclass(frozen=True)
class CrashReport:
    """A redacted crash report and the file it was saved to (``None`` if it could not be)."""

    text: str
    path: Path | None
    hard_crash: bool = False


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S-%f")


def _environment_lines(now: dt.datetime) -> list[str]:
    return [
        f"Time: {now.isoformat(timespec='seconds').replace('+00:00', 'Z')}",
        f"Version: atp-console {__version__}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Qt: {qVersion()}, PySide6 {pyside_version}",
        f"Platform: {platform.platform()}",
        f"Process: {os.getpid()}",
    ]


def format_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    thread_name: str,
    now: dt.datetime,
    secrets: Iterable[str] = (),
) -> str:
    """Return the redacted text of a report on one uncaught exception."""
    lines = [
        "A tu Puerta console crash report",
        *_environment_lines(now),
        f"Thread: {thread_name}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines) + "\n", secrets)


def _save(log_dir: Path, text: str, now: dt.datetime, suffix: str = "") -> Path | None:
    """Write a report file (owner-only) and keep at most ``MAX_REPORTS``; ``None`` on failure."""
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / f"crash-{_stamp(now)}{suffix}.txt"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        reports = sorted(log_dir.glob(REPORT_GLOB), key=lambda p: p.stat().st_mtime)
        for old in reports[:-MAX_REPORTS]:
            old.unlink(missing_ok=True)
    except OSError:
        _log.exception("could not write the crash report", extra={"log_dir": str(log_dir)})
        return None
    return path


def pending_crash_report(log_dir: Path, *, now: dt.datetime | None = None) -> CrashReport | None:
    """Return a report of a hard crash of an earlier run (a faulthandler dump), or ``None``.

    The dumps are turned into one saved crash report and removed, so a crash is
    offered once. Empty dump files (a clean run, or one still running) are left alone.
    """
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    dumps: list[tuple[Path, str]] = []
    for path in sorted(log_dir.glob("faulthandler*.log")):
        try:
            text = path.read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        if text.strip():
            dumps.append((path, text))
    if not dumps:
        return None
    lines = ["A tu Puerta console crash report (hard crash in an earlier run)", ""]
    lines += _environment_lines(moment)
    for path, text in dumps:
        when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        lines += ["", f"Fault dump {path.name}, written {when.isoformat(timespec='seconds')}:"]
        lines += text.rstrip("\n").splitlines()
    report = redact("\n".join(lines) + "\n")
    saved = _save(log_dir, report, moment, "-hard")
    if saved is not None:
        for path, _ in dumps:
            path.unlink(missing_ok=True)
    return CrashReport(report, saved, hard_crash=True)


class CrashDialog(QDialog):
    """Shows a crash report read-only, with "Copy report" and "Close"."""

    def __init__(self, report: CrashReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash-dialog")
        self._hard = report.hard_crash
        self._path = report.path
        self._extra = 0
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setReadOnly(True)
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report_view.setPlainText(report.text)
        self.more_label = QLabel(self)
        self.more_label.setWordWrap(True)
        self.more_label.hide()
        self.copy_button = QPushButton(self)
        self.copy_button.clicked.connect(self.copy_report)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.more_label)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        self.retranslate()
        self.copy_button.setFocus()

    def report_text(self) -> str:
        """Return the report as shown (and copied)."""
        return self.report_view.toPlainText()

    def copy_report(self) -> None:
        """Put the whole report on the clipboard."""
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy_button.setText(self.tr("Copied"))

    def add_report(self, report: CrashReport) -> None:
        """Append a later report (up to ``MAX_SHOWN_REPORTS``; after that, count it)."""
        self._extra += 1
        if self._extra < MAX_SHOWN_REPORTS:
            self.report_view.appendPlainText("\n" + "-" * 60 + "\n" + report.text)
        else:
            folder = str(report.path.parent) if report.path is not None else ""
            self.more_label.setText(
                self.tr("%1 more errors happened; their reports are in %2.")
                .replace("%2", folder)
                .replace("%1", str(self._extra - MAX_SHOWN_REPORTS + 1))
            )
            self.more_label.show()

    def retranslate(self) -> None:
        """Re-read every translated text."""
        if self._hard:
            self.setWindowTitle(self.tr("The console stopped unexpectedly"))
            text = self.tr(
                "The console stopped unexpectedly the last time it ran. Please copy this "
                "report and send it to IT; it contains no passwords."
            )
        else:
            self.setWindowTitle(self.tr("Unexpected error"))
            text = self.tr(
                "The console hit an unexpected error. Your drafts were saved. Please copy "
                "this report and send it to IT; it contains no passwords. Restarting the "
                "console is recommended."
            )
        if self._path is not None:
            text += "\n" + self.tr("Saved as %1").replace("%1", str(self._path))
        self.message.setText(text)
        self.report_view.setAccessibleName(self.tr("Crash report"))
        self.copy_button.setText(self.tr("&Copy report"))
        self.copy_button.setAccessibleName(self.tr("Copy the crash report to the clipboard"))
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the crash report"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class CrashHandler(QObject):
    """Turns uncaught exceptions into a logged, saved, redacted report and a dialog."""

    crash_reported = Signal(CrashReport)
    """A :class:`CrashReport` was written and shown (main thread)."""
    _report_ready = Signal(CrashReport)  # from any thread to the main thread

    def __init__(
        self,
        log_dir: Path,
        *,
        on_before_report: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._log_dir = Path(log_dir)
        self._on_before_report = on_before_report
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        self._installed = False
        self._previous_hook: Callable[..., object] = sys.excepthook
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], object] = (
            threading.excepthook
        )
        self._fault_file: TextIO | None = None
        self._fault_was_enabled = False
        self._dialog: CrashDialog | None = None
        self._report_ready.connect(self._present)

    @property
    def dialog(self) -> CrashDialog | None:
        """The crash dialog being shown, if any."""
        return self._dialog

    @property
    def fault_log(self) -> Path:
        """The file faulthandler writes to while installed."""
        return self._log_dir / FAULT_LOG_NAME

    def add_secret(self, secret: str) -> None:
        """Mask ``secret`` (e.g. the bridge token) in every later report and log line."""
        if secret:
            with self._lock:
                self._secrets.add(secret)

    # ------------------------------------------------------------------ install
    def install(self) -> None:
        """Hook ``sys.excepthook``, ``threading.excepthook`` and faulthandler (to a file)."""
        if self._installed:
            return
        self._installed = True
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        self._start_fault_log()

    def uninstall(self) -> None:
        """Restore the previous hooks; stop and delete the fault log (a clean end)."""
        if not self._installed:
            return
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        self._stop_fault_log()
        self._installed = False

    def _start_fault_log(self) -> None:
        path = self.fault_log
        try:
            self._log_dir.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > 0:  # an unread dump: keep it
                stamp = _stamp(dt.datetime.now(dt.UTC))
                path.replace(path.with_name(f"faulthandler-{stamp}.log"))
            self._fault_file = path.open("w", encoding="ascii")
        except OSError:
            _log.exception("cannot open the fault log", extra={"path": str(path)})
            return
        self._fault_was_enabled = faulthandler.is_enabled()
        faulthandler.enable(self._fault_file, all_threads=True)

    def _stop_fault_log(self) -> None:
        if self._fault_file is None:
            return
        if self._fault_was_enabled and sys.__stderr__ is not None:
            faulthandler.enable(sys.__stderr__, all_threads=True)
        else:
            faulthandler.disable()
        self._fault_file.close()
        self._fault_file = None
        self.fault_log.unlink(missing_ok=True)

    # ------------------------------------------------------------------ hooks
    def _excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        try:
            self.handle(exc_type, exc, tb)
        except Exception:  # noqa: BLE001 (the hook of last resort must not raise)
            self._previous_hook(exc_type, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit) or args.exc_value is None:
            return
        thread = args.thread.name if args.thread is not None else "unknown thread"
        try:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback, thread_name=thread)
        except Exception:  # noqa: BLE001 (the hook of last resort must not raise)
            self._previous_thread_hook(args)

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        *,
        thread_name: str | None = None,
    ) -> CrashReport:
        """Log and save a report of the exception; show it on the main thread.

        Callable from any thread; the drafts are flushed and the dialog shown
        on the main thread (at once when called there).
        """
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            secrets = tuple(self._secrets)
        text = format_report(
            exc_type,
            exc,
            tb,
            thread_name=thread_name or threading.current_thread().name,
            now=now,
            secrets=secrets,
        )
        _log.error("uncaught exception, crash report follows\n%s", text)
        report = CrashReport(text, _save(self._log_dir, text, now))
        self._report_ready.emit(report)
        return report

    def show_report(self, report: CrashReport) -> CrashDialog:
        """Show ``report`` in the crash dialog (e.g. one from :func:`pending_crash_report`)."""
        if self._dialog is not None and self._dialog.isVisible():
            self._dialog.add_report(report)
            return self._dialog
        dialog = CrashDialog(report)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        dialog.show()
        dialog.activateWindow()
        return dialog

    def _present(self, report: CrashReport) -> None:
        try:
            self._on_before_report()
        except Exception:  # noqa: BLE001 (a failing flush must not hide the report)
            _log.exception("on_before_report failed while reporting a crash")
        if isinstance(QCoreApplication.instance(), QApplication):
            self.show_report(report)  # no widgets without a QApplication: log and file only
        self.crash_reported.emit(report)

    def _on_dialog_finished(self) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.deleteLater()
