"""Stop a child process group: SIGTERM to the group, a grace period, then SIGKILL.

For children started with ``start_new_session=True`` (their pid is their
process group's id), so that stopping one stops everything it started: the
console's demo processes, the demo broker's Tansu and the tests' Kafka broker.
POSIX only, like the demo.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def _signal_group(process: subprocess.Popen[str] | subprocess.Popen[bytes], number: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(process.pid, number)


def stop_process_group(
    process: subprocess.Popen[str] | subprocess.Popen[bytes],
    *,
    grace_s: float,
    kill_wait_s: float = 5.0,
) -> None:
    """SIGTERM ``process``'s group, wait ``grace_s`` for it to exit, then SIGKILL the group.

    Waits with ``communicate`` so that a child blocked writing to a pipe of
    ours cannot hold up its own exit; a process that has exited already is
    reaped the same way. Raises ``subprocess.TimeoutExpired`` if the process
    outlives SIGKILL by ``kill_wait_s``.
    """
    if process.poll() is not None:
        process.communicate(timeout=kill_wait_s)
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.communicate(timeout=grace_s)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.communicate(timeout=kill_wait_s)
