"""Real processes of the packaging tests: their descendants, their output, what is left."""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def alive(pid: int) -> bool:
    """Return whether ``pid`` runs (a zombie does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> list[str]:
    """Return the argv of ``pid`` (empty if it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


@dataclass
class Finished:
    """A process that ended: its exit code, output and every descendant it ever had."""

    returncode: int
    stdout: str
    stderr: str
    descendants: set[int] = field(default_factory=set)
    seconds: float = 0.0
    commands: dict[int, list[str]] = field(default_factory=dict)

    @property
    def survivors(self) -> list[int]:
        """Descendants still running after the process ended."""
        return sorted(pid for pid in self.descendants if alive(pid))

    def output_lines(self) -> list[str]:
        """Every non-empty line of stdout and stderr."""
        return [line for line in (self.stdout + "\n" + self.stderr).splitlines() if line.strip()]


def run_watched(
    argv: Sequence[str], *, env: Mapping[str, str], timeout_s: float, cwd: Path | None = None
) -> Finished:
    """Run ``argv`` to its end, remembering every descendant it had along the way."""
    started = time.monotonic()
    process = subprocess.Popen(
        list(argv),
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    done = threading.Event()

    commands: dict[int, list[str]] = {}

    def watch() -> None:
        while not done.wait(0.1):
            for pid in descendants(process.pid) - seen:
                seen.add(pid)
                commands[pid] = command_line(pid)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        done.set()
        raise AssertionError(
            f"{argv[0]} did not finish within {timeout_s} s\nstdout: {stdout}\nstderr: {stderr}"
        ) from None
    finally:
        done.set()
        watcher.join()
    return Finished(process.returncode, stdout, stderr, seen, time.monotonic() - started, commands)


def wait_until_gone(pids: set[int], timeout_s: float) -> list[int]:
    """Poll until none of ``pids`` runs; return those still running at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        left = sorted(pid for pid in pids if alive(pid))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)
