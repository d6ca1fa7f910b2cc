"""The demo's processes, started and stopped by the console in ``--demo`` mode.

The console never talks to Kafka itself: it runs ``atp-bridge demo-broker`` (the
embedded Tansu broker, with the contract's topics) and ``atp-sim`` (live traffic
with virtual agents) as child processes, each in its own process group so that
stopping the demo stops everything they started. They die with the console even
when it is killed (SIGKILL, a crash): on Linux each gets SIGTERM when the console
ends (``bridge.processes.honour_die_with_parent``) and stops what it started;
elsewhere they outlive a killed console.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from collections.abc import Sequence
from typing import IO

from bridge.ports import free_loopback_port
from bridge.processes import die_with_parent_environ, stop_process_group
from console.executables import bridge_command, simulator_command

READY_TIMEOUT_S = 45.0
STOP_GRACE_S = 10.0
DEMO_RATE = 3.0
DEMO_AGENTS = 3
DEMO_WARM_UP_S = 900  # the console opens on 15 minutes of history, then live traffic


class DemoStackError(RuntimeError):
    """Raised when a demo process does not start."""


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _spawn(argv: Sequence[str], *, capture: bool) -> subprocess.Popen[str]:
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE if capture else None,
        text=True,
        start_new_session=True,
        env=die_with_parent_environ(os.environ),
    )


class DemoStack:
    """The embedded demo broker and the traffic simulator, as child process groups."""

    def __init__(self, *, rate: float = DEMO_RATE, agents: int = DEMO_AGENTS) -> None:
        self.port = free_loopback_port()
        self._rate = rate
        self._agents = agents
        self._processes: list[subprocess.Popen[str]] = []

    @property
    def bootstrap_servers(self) -> str:
        """Return the demo broker's address."""
        return f"127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        """Return the process ids of the demo's children (for tests and diagnostics)."""
        return [process.pid for process in self._processes]

    def start(self) -> None:
        """Start the broker, wait until it is ready, then start the simulator."""
        broker = _spawn([*bridge_command(), "demo-broker", "--port", str(self.port)], capture=True)
        self._processes.append(broker)
        assert broker.stdout is not None  # noqa: S101  (PIPE was asked for)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_read_lines, args=(broker.stdout, lines), daemon=True).start()
        try:
            line = lines.get(timeout=READY_TIMEOUT_S)
        except queue.Empty:
            line = None
        if line is None or "listening on" not in line:
            self.stop()
            raise DemoStackError(
                "The demo broker did not start within "
                f"{READY_TIMEOUT_S:.0f} s. Run `atp-bridge demo-broker` to see why."
            )
        simulator = _spawn(
            [
                *simulator_command(),
                "--bootstrap-servers",
                self.bootstrap_servers,
                "--rate",
                str(self._rate),
                "--agents",
                str(self._agents),
                "--warm-up",
                str(DEMO_WARM_UP_S),
            ],
            capture=False,
        )
        self._processes.append(simulator)

    def stop(self) -> None:
        """Stop every demo process, newest first."""
        while self._processes:
            stop_process_group(self._processes.pop(), grace_s=STOP_GRACE_S)
