"""Start the bridge sidecar, restart it with backoff when it dies, stop the one we started.

The supervisor only manages the process; the console's BridgeClient connects
(and reconnects) to the local socket on its own, so a restarted bridge is picked
up without the supervisor telling anyone.

A bridge outlives a console that is killed (docs/ARCHITECTURE.md): the next
console attaches to it. Only the demo's bridge, which talks to a demo broker
that ends with the console, is started with ``die_with_console``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from bridge.processes import die_with_parent_environ
from bridge.wire.exit_codes import RunExit

_log = logging.getLogger(__name__)
MAX_BACKOFF_MS = 30_000
STABLE_AFTER_MS = 60_000
STOP_GRACE_MS = 10_000


class BridgeSupervisor(QObject):
    """Keeps one bridge process alive for the console's lifetime."""

    state_changed = Signal(str)
    """One of "starting", "running", "restarting", "attached", "stopped".

    "attached": a bridge started elsewhere (e.g. by IT, or a console that crashed)
    already serves this data dir; the console uses it and checks every 30 s
    whether it has to start its own.
    """
    bridge_exited = Signal(int, str)
    """(exit code, reason) each time the bridge ends unexpectedly."""

    def __init__(
        self,
        argv: Sequence[str],
        parent: QObject | None = None,
        *,
        forward_errors: bool = True,
        die_with_console: bool = False,
    ) -> None:
        """Prepare to run ``argv``; ``forward_errors`` passes its stderr to the console's.

        Without it (``--smoke``, whose output is one line) the bridge's messages
        are only in its log file. ``die_with_console`` makes the bridge stop when
        this process ends, even killed (Linux; ``bridge.processes``).
        """
        super().__init__(parent)
        self._argv = list(argv)
        self._forward_errors = forward_errors
        self._die_with_console = die_with_console
        self._process: QProcess | None = None
        self._stopping = False
        self._backoff_ms = 500
        self.restarts = 0
        self._restart_timer = QTimer(self)
        self._restart_timer.setSingleShot(True)
        self._restart_timer.timeout.connect(self._launch)
        self._stable_timer = QTimer(self)
        self._stable_timer.setSingleShot(True)
        self._stable_timer.timeout.connect(self._reset_backoff)

    @property
    def pid(self) -> int | None:
        """Return the running bridge's process id."""
        if self._process is None or self._process.state() != QProcess.ProcessState.Running:
            return None
        return int(self._process.processId())

    def start(self) -> None:
        """Start the bridge now."""
        self._stopping = False
        self._launch()

    def stop(self) -> None:
        """Stop the bridge: terminate (it says offline and saves its cache), kill after 10 s."""
        self._stopping = True
        self._restart_timer.stop()
        process, self._process = self._process, None
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            process.terminate()
            if not process.waitForFinished(STOP_GRACE_MS):
                _log.warning("bridge did not stop in time; killing it")
                process.kill()
                process.waitForFinished(2000)
        self.state_changed.emit("stopped")

    def _launch(self) -> None:
        if self._stopping:
            return
        process = QProcess(self)
        process.setProgram(self._argv[0])
        process.setArguments(self._argv[1:])
        if self._forward_errors:
            process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        else:
            process.setStandardErrorFile(QProcess.nullDevice())
        process.setStandardOutputFile(QProcess.nullDevice())
        if self._die_with_console:
            environment = QProcessEnvironment()
            for key, value in die_with_parent_environ(os.environ).items():
                environment.insert(key, value)
            process.setProcessEnvironment(environment)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        self.state_changed.emit("starting")
        process.start()
        if process.waitForStarted(5000):
            self.state_changed.emit("running")
            self._stable_timer.start(STABLE_AFTER_MS)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._schedule_restart(f"could not start {self._argv[0]}")

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._stopping or self.sender() is not self._process:
            return
        crashed = status == QProcess.ExitStatus.CrashExit
        if not crashed and code == RunExit.ALREADY_RUNNING:
            self.state_changed.emit("attached")
            self._restart_timer.start(MAX_BACKOFF_MS)
            return
        reason = "killed" if crashed else f"exited with code {code}"
        _log.warning("bridge ended unexpectedly", extra={"reason": reason})
        self.bridge_exited.emit(code, reason)
        self._schedule_restart(reason)

    def _schedule_restart(self, reason: str) -> None:
        self._stable_timer.stop()
        self.restarts += 1
        self.state_changed.emit("restarting")
        _log.info("restarting bridge", extra={"in_ms": self._backoff_ms, "reason": reason})
        self._restart_timer.start(self._backoff_ms)
        self._backoff_ms = min(self._backoff_ms * 2, MAX_BACKOFF_MS)

    def _reset_backoff(self) -> None:
        self._backoff_ms = 500
