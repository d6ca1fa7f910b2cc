"""The one-command demo: data flows through Kafka and the bridge, and nothing is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest

from tests.helpers.processes import alive, descendants

pytestmark = pytest.mark.slow


def _console(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-m", "console.app", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_smoke_run_sees_tickets_and_orders_and_cleans_up() -> None:
    console = _console("--demo", "--smoke")
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:  # remember every child the run ever had
        while not done.wait(0.2):
            seen.update(descendants(console.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    output, _ = console.communicate(timeout=100)
    done.set()
    watcher.join()

    assert console.returncode == 0, output[-3000:]
    assert len(seen) >= 3, f"the demo runs a broker, a simulator and a bridge: {seen}"
    assert [pid for pid in seen if alive(pid)] == []


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_demo_stops_every_process(stop_signal: signal.Signals) -> None:
    console = _console("--demo")
    assert console.stdout is not None
    for line in console.stdout:  # the bridge logs this once it serves the console
        if "bridge running" in line:
            break
    children = descendants(console.pid)
    assert len(children) >= 4, f"broker, Tansu, simulator and bridge: {children}"

    console.send_signal(stop_signal)
    output, _ = console.communicate(timeout=60)

    assert console.returncode == 0, output[-3000:]
    assert [pid for pid in children if alive(pid)] == []
