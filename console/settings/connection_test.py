"""Run ``atp-bridge credentials set|check`` as a child process, without blocking the UI.

The password goes to ``set`` as one line on standard input (never on the
command line). The outcome of ``check`` is read from its exit code (see
``bridge/credentials/command.py``) and its one-line message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from bridge.wire.exit_codes import CredentialsExit

if TYPE_CHECKING:
    from pathlib import Path

CredentialsAction = Literal["set", "check"]
DEFAULT_TIMEOUT_MS = 30_000  # check gives up after 10 s itself; this bounds a stuck process
_PREFIX = "atp-bridge credentials "


class CheckOutcome(Enum):
    """What a credentials command reported, as the dialog shows it."""

    OK = "ok"
    AUTH_FAILED = "auth_failed"
    UNREACHABLE = "unreachable"
    CONFIG = "config"
    KEYRING = "keyring"
    ERROR = "error"


@dataclass(frozen=True)
class CommandResult:
    """The end of one credentials command: outcome, exit code and its message line."""

    action: CredentialsAction
    outcome: CheckOutcome
    exit_code: int | None
    message: str

    @property
    def ok(self) -> bool:
        """Return whether the command succeeded."""
        return self.outcome is CheckOutcome.OK


def _message_line(stdout: str, stderr: str) -> str:
    """Return the last non-empty line of stderr (else stdout), without the program prefix."""
    for text in (stderr, stdout):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            line = lines[-1]
            if line.startswith(_PREFIX):
                line = line.split(": ", 1)[-1]
            return line
    return ""


def classify(
    action: CredentialsAction, exit_code: int | None, stdout: str, stderr: str
) -> CommandResult:
    """Turn an exit code and the output of ``atp-bridge credentials`` into a result."""
    message = _message_line(stdout, stderr)
    if exit_code == CredentialsExit.OK:
        outcome = CheckOutcome.OK
    elif exit_code == CredentialsExit.CHECK_FAILED:
        failed = "authentication failed" in message.lower()
        outcome = CheckOutcome.AUTH_FAILED if failed else CheckOutcome.UNREACHABLE
    elif exit_code == CredentialsExit.CONFIG:
        outcome = CheckOutcome.CONFIG
    elif exit_code == CredentialsExit.KEYRING:
        outcome = CheckOutcome.KEYRING
    else:
        outcome = CheckOutcome.ERROR
    return CommandResult(action, outcome, exit_code, message)


class CredentialsCommand(QObject):
    """One ``credentials`` child process at a time; ``finished`` carries its result."""

    finished = Signal(CommandResult)
    """A :class:`CommandResult`, always emitted once per :meth:`run`."""

    def __init__(
        self,
        bridge_command: Sequence[str],
        *,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if not bridge_command:
            raise ValueError("bridge_command must name a program")
        self._command = list(bridge_command)
        self._process: QProcess | None = None
        self._action: CredentialsAction = "check"
        self._stdin: bytes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._on_timeout)
        self._timed_out = False

    def is_running(self) -> bool:
        """Return whether a command is running."""
        return self._process is not None

    def run(
        self,
        action: CredentialsAction,
        config_file: Path,
        *,
        password: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """Start ``<bridge_command> credentials <action> --config <config_file>``.

        ``password`` (for ``set``) is written to the child's standard input as
        one line; ``environ`` replaces the child's environment (default: ours).
        """
        if self._process is not None:
            raise RuntimeError("a credentials command is already running")
        process = QProcess(self)
        process.setProgram(self._command[0])
        process.setArguments(
            [*self._command[1:], "credentials", action, "--config", str(config_file)]
        )
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        if environ is not None:
            environment = QProcessEnvironment()
            for name, value in environ.items():
                environment.insert(name, value)
            process.setProcessEnvironment(environment)
        process.started.connect(self._on_started)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        self._action = action
        self._stdin = None if password is None else (password + "\n").encode("utf-8")
        self._timed_out = False
        self._timer.start()
        process.start()

    def cancel(self) -> None:
        """Stop a running command (no result is emitted for it)."""
        process = self._process
        if process is None:
            return
        self._release()
        process.kill()
        process.waitForFinished(2000)  # a killed child ends at once; avoids an orphan warning
        process.deleteLater()

    # ------------------------------------------------------------------ internals
    def _on_started(self) -> None:
        process = self._process
        if process is None:
            return
        if self._stdin is not None:
            process.write(self._stdin)
            self._stdin = None
        process.closeWriteChannel()

    def _on_timeout(self) -> None:
        if self._process is not None:
            self._timed_out = True
            self._process.kill()

    def _on_error(self, error: QProcess.ProcessError) -> None:
        process = self._process
        if process is None or error != QProcess.ProcessError.FailedToStart:
            return  # other errors are followed by finished()
        self._release()
        process.deleteLater()
        self.finished.emit(
            CommandResult(
                self._action,
                CheckOutcome.ERROR,
                None,
                f"{self._command[0]}: {process.errorString()}",
            )
        )

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        process = self._process
        if process is None:
            return
        self._release()
        stdout = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        stderr = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        process.deleteLater()
        if self._timed_out:
            seconds = self._timer.interval() // 1000
            result = CommandResult(
                self._action, CheckOutcome.ERROR, None, f"no answer after {seconds} s"
            )
        elif status == QProcess.ExitStatus.CrashExit:
            result = CommandResult(
                self._action, CheckOutcome.ERROR, None, _message_line(stdout, stderr) or "crashed"
            )
        else:
            result = classify(self._action, exit_code, stdout, stderr)
        self.finished.emit(result)

    def _release(self) -> None:
        self._timer.stop()
        self._stdin = None
        self._process = None
