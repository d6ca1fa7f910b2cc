"""A demo console killed with SIGKILL takes its demo broker, simulator and bridge with it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.processes import alive, descendants, die_with_parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux"),
]
STARTUP_TIMEOUT_S = 90.0
GONE_TIMEOUT_S = 30.0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Poll ``condition`` until it holds or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # polling /proc, with a deadline
    return True


def _demo_processes(console: int) -> dict[str, int]:
    """The console's demo broker, Tansu, simulator and bridge, by role."""
    found: dict[str, int] = {}
    for pid in descendants(console):
        line = _cmdline(pid)
        for role, marker in (
            ("demo-broker", "demo-broker"),
            ("tansu", "tansu"),
            ("simulator", "bridge.demo.sim"),
            ("bridge", " run --data-dir"),
        ):
            if marker in line and alive(pid):
                found.setdefault(role, pid)
    return found


def test_killed_demo_console_leaves_no_process_behind(tmp_path: Path) -> None:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    console = subprocess.Popen(
        [sys.executable, "-m", "console.app", "--demo", "--data-dir", str(tmp_path / "data")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environ,
        preexec_fn=die_with_parent(),  # noqa: PLW1509  (only prctl, async-signal-safe)
    )
    children: dict[str, int] = {}

    def started() -> bool:
        children.update(_demo_processes(console.pid))
        return {"demo-broker", "tansu", "simulator", "bridge"} <= children.keys()

    try:
        assert _wait_for(started, STARTUP_TIMEOUT_S), f"the demo did not start: {children}"

        console.send_signal(signal.SIGKILL)
        console.wait(timeout=10)

        assert _wait_for(
            lambda: not any(alive(pid) for pid in children.values()), GONE_TIMEOUT_S
        ), {role: pid for role, pid in children.items() if alive(pid)}
    finally:
        if console.poll() is None:
            console.kill()
            console.wait(timeout=10)
        for pid in children.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
