"""Crash handling: report, redaction, drafts flushed first, dialog, clipboard, hard crashes.

pytest-qt catches exceptions raised in slots itself, so the exception is taken
from ``qtbot.capture_exceptions`` (a real exception from a real slot) and
handed to the handler's hook, rather than left to escape the test.
"""

from __future__ import annotations

import faulthandler
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from console.crash import (
    FAULT_LOG_NAME,
    MASK,
    CrashDialog,
    CrashHandler,
    pending_crash_report,
    redact,
)

pytestmark = [
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
    # Logging the report (and a failing flush) at ERROR is what the handler is for.
    pytest.mark.allow_log("console.crash", "ERROR"),
]

BRIDGE_TOKEN = "tok-8f3a9c2e77d14b0b"


class Emitter(QObject):
    fired = Signal()


class Flushes:
    def __init__(self) -> None:
        self.threads: list[str] = []

    def __call__(self) -> None:
        self.threads.append(threading.current_thread().name)


@pytest.fixture
def flushes() -> Flushes:
    return Flushes()


@pytest.fixture
def handler(qtbot: QtBot, tmp_path: Path, flushes: Flushes) -> Iterator[CrashHandler]:
    made = CrashHandler(tmp_path / "logs", on_before_report=flushes)
    made.add_secret(BRIDGE_TOKEN)
    yield made
    made.uninstall()
    if made.dialog is not None:
        made.dialog.close()


def broken_slot() -> None:
    secret_settings = {"sasl.password": "hunter2 with spaces"}
    raise RuntimeError(
        f"login failed: password=Sup3rS3cret! token={BRIDGE_TOKEN} settings={secret_settings}"
    )


def exception_from_a_slot(qtbot: QtBot) -> tuple[type[BaseException], BaseException, object]:
    emitter = Emitter()
    emitter.fired.connect(broken_slot)
    with qtbot.capture_exceptions() as caught:
        emitter.fired.emit()
    (exc_info,) = caught
    return exc_info


def shown(handler: CrashHandler) -> CrashDialog:
    dialog = handler.dialog
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def test_exception_in_a_slot_gives_a_redacted_report_in_a_dialog(
    qtbot: QtBot, handler: CrashHandler, flushes: Flushes, tmp_path: Path
) -> None:
    exc_type, exc, tb = exception_from_a_slot(qtbot)
    with qtbot.waitSignal(handler.crash_reported) as reported:
        report = handler.handle(exc_type, exc, tb)  # type: ignore[arg-type]
    assert reported.args == [report]
    text = shown(handler).report_text()
    assert text == report.text
    assert "Traceback (most recent call last)" in text
    assert "in broken_slot" in text
    assert "RuntimeError: login failed" in text
    assert "Version: atp-console" in text
    assert "Platform: " in text
    assert "Time: " in text
    for secret in (BRIDGE_TOKEN, "Sup3rS3cret!", "hunter2"):
        assert secret not in text
    assert f"password={MASK}" in text
    assert f"'sasl.password': '{MASK}'" in text
    assert flushes.threads == ["MainThread"]
    assert report.path is not None
    assert report.path.parent == tmp_path / "logs"
    assert report.path.read_text(encoding="utf-8") == text
    assert report.path.stat().st_mode & 0o777 == 0o600


def test_drafts_are_flushed_before_the_dialog_appears(qtbot: QtBot, tmp_path: Path) -> None:
    seen: list[bool] = []
    made: list[CrashHandler] = []

    def flush() -> None:
        seen.append(made[0].dialog is None)

    handler = CrashHandler(tmp_path, on_before_report=flush)
    made.append(handler)
    handler.handle(*exception_from_a_slot(qtbot))  # type: ignore[arg-type]
    assert seen == [True]
    shown(handler).close()


def test_a_failing_flush_still_shows_the_report(qtbot: QtBot, tmp_path: Path) -> None:
    def flush() -> None:
        raise OSError("disk full")

    handler = CrashHandler(tmp_path, on_before_report=flush)
    handler.handle(*exception_from_a_slot(qtbot))  # type: ignore[arg-type]
    shown(handler).close()


def test_copy_report_puts_it_on_the_clipboard(qtbot: QtBot, handler: CrashHandler) -> None:
    report = handler.handle(*exception_from_a_slot(qtbot))  # type: ignore[arg-type]
    dialog = shown(handler)
    assert dialog.report_view.isReadOnly()
    assert dialog.copy_button.accessibleName()
    assert dialog.close_button.accessibleName()
    QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report.text
    with qtbot.waitSignal(dialog.finished):
        QTest.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert handler.dialog is None


def test_installed_hooks_handle_and_uninstall_restores(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    before_sys, before_thread = sys.excepthook, threading.excepthook
    handler.install()
    assert sys.excepthook is not before_sys
    assert threading.excepthook is not before_thread
    assert (tmp_path / "logs" / FAULT_LOG_NAME).exists()
    sys.excepthook(*exception_from_a_slot(qtbot))  # type: ignore[arg-type]
    assert "in broken_slot" in shown(handler).report_text()
    handler.uninstall()
    assert sys.excepthook is before_sys
    assert threading.excepthook is before_thread
    assert not (tmp_path / "logs" / FAULT_LOG_NAME).exists()  # a clean end leaves no dump
    assert faulthandler.is_enabled()  # pytest's own faulthandler is back


def test_an_exception_in_a_thread_is_reported_on_the_main_thread(
    qtbot: QtBot, handler: CrashHandler, flushes: Flushes
) -> None:
    def work() -> None:
        raise ValueError(f"worker failed with token={BRIDGE_TOKEN}")

    handler.install()
    worker = threading.Thread(target=work, name="outbox-worker")
    with qtbot.waitSignal(handler.crash_reported, timeout=5000):
        worker.start()
    worker.join(timeout=5)
    text = shown(handler).report_text()
    assert "Thread: outbox-worker" in text
    assert "ValueError: worker failed" in text
    assert BRIDGE_TOKEN not in text
    assert flushes.threads == ["MainThread"]


def test_a_second_error_is_added_to_the_open_dialog(qtbot: QtBot, handler: CrashHandler) -> None:
    handler.handle(*exception_from_a_slot(qtbot))  # type: ignore[arg-type]
    dialog = shown(handler)
    handler.handle(*exception_from_a_slot(qtbot))  # type: ignore[arg-type]
    assert handler.dialog is dialog
    assert dialog.report_text().count("in broken_slot") == 2


def test_pending_crash_report_finds_a_hard_crash_dump(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    log_dir = tmp_path / "logs"
    child = textwrap.dedent(
        f"""
        import os, resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        from pathlib import Path
        from console.crash import CrashHandler
        handler = CrashHandler(Path({str(log_dir)!r}), on_before_report=lambda: None)
        handler.install()
        os.abort()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", child],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode != 0
    assert (log_dir / FAULT_LOG_NAME).stat().st_size > 0

    report = pending_crash_report(log_dir)
    assert report is not None
    assert report.hard_crash
    assert "Fatal Python error: Aborted" in report.text
    assert "Version: atp-console" in report.text
    assert report.path is not None
    assert report.path.read_text(encoding="utf-8") == report.text
    assert not (log_dir / FAULT_LOG_NAME).exists()
    assert pending_crash_report(log_dir) is None  # offered once

    dialog = handler.show_report(report)
    assert dialog.isVisible()
    assert dialog.windowTitle() == "The console stopped unexpectedly"
    assert "Fatal Python error" in dialog.report_text()


def test_install_keeps_an_unread_dump_and_ignores_an_empty_log(
    handler: CrashHandler, tmp_path: Path
) -> None:
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    (log_dir / FAULT_LOG_NAME).write_text("Fatal Python error: Segmentation fault\n")
    handler.install()  # before pending_crash_report was asked: the dump must survive
    report = pending_crash_report(log_dir)
    assert report is not None
    assert "Segmentation fault" in report.text
    assert (log_dir / FAULT_LOG_NAME).exists()  # this run's (empty) log is untouched
    assert pending_crash_report(log_dir) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sasl.password=abc123 next", f"sasl.password={MASK} next"),
        ('{"password": "a b c", "user": "ana"}', f'{{"password": "{MASK}", "user": "ana"}}'),
        ("{'api_key': 'k-1'}", f"{{'api_key': '{MASK}'}}"),
        ("ATP_TOKEN: xyz, done", f"ATP_TOKEN: {MASK}, done"),
        ("client_secret = s3 and more", f"client_secret = {MASK} and more"),
        ("user=ana queue=deliveries", "user=ana queue=deliveries"),
    ],
)
def test_redact_patterns(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_registered_secrets_anywhere() -> None:
    assert redact("x hunter2hunter2 y (hunter2)", ["hunter2", "hunter2hunter2"]) == (
        f"x {MASK} y ({MASK})"
    )
