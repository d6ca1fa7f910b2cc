"""Child processes: stop a child's process group; let a child die with its parent.

``stop_process_group`` is for children started with ``start_new_session=True``
(their pid is their process group's id), so that stopping one stops everything
it started: the console's demo processes, the demo broker's Tansu and the
tests' Kafka broker. POSIX only, like the demo.

``die_with_parent_environ`` (in the parent) and ``honour_die_with_parent`` (first
thing in the child) make a child get SIGTERM when the process that started it
dies, even by SIGKILL: Linux's ``prctl(PR_SET_PDEATHSIG)``. The request travels
in the environment, not as a ``preexec_fn``, so it works for QProcess, for the
frozen executables and in a parent with threads. Other platforms have no such
call: there the child outlives a parent that was killed (a clean stop still
stops it).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, MutableMapping

DIE_WITH_PARENT_ENV = "ATP_DIE_WITH_PARENT"
"""Set by a parent to its pid: the child is to end when that process ends."""
_PR_SET_PDEATHSIG = 1


def die_with_parent_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """Return ``environ`` plus the request that the child die with this process."""
    return {**environ, DIE_WITH_PARENT_ENV: str(os.getpid())}


def honour_die_with_parent(environ: MutableMapping[str, str]) -> bool:
    """If the parent asked, arrange SIGTERM when it dies; return whether that is armed.

    Call it first in a child's ``main``. The request is removed from ``environ``
    so that what this process starts does not inherit it. If the parent is
    already gone (it died before this ran), SIGTERM comes at once. Returns
    False when nothing was asked, and off Linux, where the child outlives a
    killed parent.
    """
    requested = environ.pop(DIE_WITH_PARENT_ENV, None)
    if requested is None or not sys.platform.startswith("linux"):
        return False
    try:
        parent = int(requested)
    except ValueError:
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent died between our start and the prctl
        os.kill(os.getpid(), signal.SIGTERM)
    return True


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
