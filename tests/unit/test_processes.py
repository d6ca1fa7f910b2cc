"""Stopping a child's process group stops everything it started, politely first."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from bridge.processes import stop_process_group
from tests.helpers.processes import alive, die_with_parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")


def _group(script: str) -> tuple[subprocess.Popen[str], int]:
    """Start ``sh -c script`` in its own session; ``script`` prints a grandchild's pid first."""
    process = subprocess.Popen(
        ["sh", "-c", script],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=die_with_parent(),  # noqa: PLW1509  (only prctl, async-signal-safe)
    )
    assert process.stdout is not None
    grandchild = int(process.stdout.readline())
    return process, grandchild


def _gone(pid: int, timeout_s: float = 10.0) -> bool:
    """Wait until ``pid`` has ended (a signal is delivered asynchronously)."""
    deadline = time.monotonic() + timeout_s
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)  # polling a condition, with a deadline
    return True


def test_sigterm_stops_the_child_and_what_it_started() -> None:
    process, grandchild = _group("sleep 60 & echo $!; wait")
    assert alive(grandchild)

    stop_process_group(process, grace_s=20)

    assert process.returncode == -signal.SIGTERM
    assert _gone(grandchild)


def test_a_group_that_ignores_sigterm_is_killed_after_the_grace_period() -> None:
    # The trap is set before the grandchild starts, so both ignore SIGTERM.
    process, grandchild = _group("trap '' TERM; sleep 60 & echo $!; wait")

    stop_process_group(process, grace_s=0.5)

    assert process.returncode == -signal.SIGKILL
    assert _gone(grandchild)


def test_a_child_that_exited_already_is_reaped() -> None:
    process = subprocess.Popen(["sh", "-c", "exit 3"], start_new_session=True)
    process.wait(timeout=10)

    stop_process_group(process, grace_s=1)

    assert process.returncode == 3
