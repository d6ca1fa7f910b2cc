"""The demo's processes, started and stopped by the console in ``--demo`` mode.

The console never talks to Kafka itself: it runs ``atp-bridge demo-broker`` as a
child process and only waits for the line that says the broker is ready.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

READY_TIMEOUT_S = 45.0


class DemoStackError(RuntimeError):
    """Raised when a demo process does not start."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DemoStack:
    """The embedded demo broker as a child process group."""

    def __init__(self) -> None:
        self.port = _free_port()
        self._broker: subprocess.Popen[str] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """Return the demo broker's address."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the demo broker and wait for its ready line."""
        self._broker = subprocess.Popen(
            [sys.executable, "-m", "bridge", "demo-broker", "--port", str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self._broker.stdout is not None  # noqa: S101  (PIPE was asked for)
        deadline = time.monotonic() + READY_TIMEOUT_S
        line = self._broker.stdout.readline()
        if "listening on" not in line or time.monotonic() > deadline:
            _, stderr = self._broker.communicate(timeout=10)
            self._broker = None
            raise DemoStackError(stderr.strip() or "the demo broker did not start")

    def stop(self) -> None:
        """Stop every demo process: SIGTERM to the group, SIGKILL after 10 s."""
        process, self._broker = self._broker, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.communicate(timeout=5)
