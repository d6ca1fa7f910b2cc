"""``atp-console --smoke``: can this workstation reach Kafka and see the queue?

IT runs it after an install, with the configuration the agents will use. It
prints one line and exits 0 once a ticket and an order came from Kafka through
the bridge into the console; otherwise one line says what failed:

- configuration problems (exit 2), with file, key and expected value;
- the preflight (exit 3): ``atp-bridge credentials check`` logs in to the
  configured brokers, so "cannot reach Kafka" and "Kafka refused the
  credentials" are told apart from "no password in the keyring";
- the bridge ending, or no data within the time limit (exit 3).

The console never talks to Kafka itself: the preflight is the bridge's own check.
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler

from console.executables import bridge_command

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from bridge.config import Config
    from console.bridge_supervisor import BridgeSupervisor
    from console.composition import ConsoleWindowSet

EXIT_FAILED = 3
PREFLIGHT_TIMEOUT_S = 30.0
_CHECK_PREFIX = "atp-bridge credentials check: "
# What the offscreen platform (forced by --smoke) says about every window it shows:
# true of any headless run, and not something IT can act on.
HEADLESS_NOISE = ("This plugin does not support propagateSizeHints()",)


def quiet_headless_noise() -> None:
    """Drop Qt's known offscreen-platform notices; every other Qt message still prints."""

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if message in HEADLESS_NOISE:
            return
        names = {
            QtMsgType.QtDebugMsg: "debug",
            QtMsgType.QtInfoMsg: "info",
            QtMsgType.QtWarningMsg: "warning",
            QtMsgType.QtCriticalMsg: "critical",
            QtMsgType.QtFatalMsg: "fatal",
        }
        print(f"qt {names.get(kind, 'message')}: {message}", file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)


def preflight(config_file: Path | None, environ: Mapping[str, str]) -> str | None:
    """Log in to the configured cluster through the bridge; return the problem, or None."""
    argv = [*bridge_command(), "credentials", "check"]
    if config_file is not None:
        argv += ["--config", str(config_file)]
    try:
        result = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PREFLIGHT_TIMEOUT_S,
            env=dict(environ),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"the bridge's login check did not finish within {PREFLIGHT_TIMEOUT_S:.0f} s"
    except OSError as error:
        return f"cannot start the bridge ({argv[0]}): {error.strerror or error}"
    if result.returncode == 0:
        return None
    return describe_check_failure(result.returncode, result.stderr)


def describe_check_failure(code: int, stderr: str) -> str:
    """Return one line from a failed ``credentials check`` (its last non-empty stderr line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return f"the bridge's login check failed with exit code {code} and no message"
    last = lines[-1]
    return last.removeprefix(_CHECK_PREFIX)


def success_line(config: Config, ticket_ids: Sequence[str], order_ids: Sequence[str]) -> str:
    """Return the line printed when tickets and orders came through."""
    return (
        f"atp-console: smoke check passed: {len(ticket_ids)} tickets and {len(order_ids)} "
        f"orders from Kafka at {config.kafka.bootstrap_servers} through the bridge "
        f"(e.g. ticket {min(ticket_ids)}, order {min(order_ids)})"
    )


def no_data_line(config: Config, timeout_s: int) -> str:
    """Return the line printed when the time limit passed without data."""
    topics = config.topics
    return (
        f"smoke check failed: logged in to Kafka at {config.kafka.bootstrap_servers}, but no "
        f"ticket and order arrived within {timeout_s} s: are {topics.tickets} and "
        f"{topics.orders} populated and readable by this user?"
    )


def bridge_ended_line(reason: str, log_dir: Path) -> str:
    """Return the line printed when the bridge ended during the check."""
    return f"smoke check failed: the bridge {reason}; see {log_dir / 'bridge.log'}"


def arm(
    windows: ConsoleWindowSet,
    supervisor: BridgeSupervisor,
    config: Config,
    finish: Callable[[int], None],
    *,
    demo: bool,
    timeout_ms: int,
    log_dir: Path,
) -> None:
    """End the run with ``finish(0)`` once data is seen, or with a failure line."""

    def failed() -> None:
        if demo:
            line = (
                "smoke test failed: no ticket and order arrived through Kafka and the bridge "
                f"within {timeout_ms // 1000} s"
            )
        else:
            line = no_data_line(config, timeout_ms // 1000)
        print(f"atp-console: {line}", file=sys.stderr, flush=True)
        finish(EXIT_FAILED)

    def passed() -> None:
        if not demo:
            store = windows.store
            print(success_line(config, list(store.tickets), list(store.orders)), flush=True)
        finish(0)

    def bridge_ended(_code: int, reason: str) -> None:
        print(f"atp-console: {bridge_ended_line(reason, log_dir)}", file=sys.stderr, flush=True)
        finish(EXIT_FAILED)

    windows.data_seen.connect(passed)
    QTimer.singleShot(timeout_ms, windows, failed)
    if not demo:
        supervisor.bridge_exited.connect(bridge_ended)
