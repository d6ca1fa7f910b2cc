"""What the UI thread was doing during its longest stalls (opt-in: ATP_BENCH_STALL_TRACE=1).

A watchdog thread looks at the main thread every few milliseconds; while the
event loop has not ticked for longer than ``threshold_ms`` it records the main
thread's Python stack (``sys._current_frames``). ``report`` groups the samples
by stall and names, for the longest stalls, the project frames seen most
often: where the time went, not only how long it was. The watchdog needs the
interpreter lock to sample, so a stall inside one long C call shows few
samples, and the sampling itself costs the UI thread a little: benchmarks
run it only when asked.
"""

from __future__ import annotations

import collections
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

PROJECT_DIRS = ("console", "bridge")


class StallTracer:
    """Samples the main thread's stack while its event loop is late."""

    def __init__(
        self,
        *,
        threshold_ms: float = 50.0,
        period_ms: float = 5.0,
        project_dirs: tuple[str, ...] = PROJECT_DIRS,
    ) -> None:
        """``project_dirs``: the folders whose frames a sample keeps (the rest is noise)."""
        self._dirs = project_dirs
        self._threshold_s = threshold_ms / 1000
        self._period_s = period_ms / 1000
        self._main = threading.main_thread().ident
        self._last_tick = time.perf_counter()
        self._samples: list[tuple[float, tuple[str, ...]]] = []
        self._stalls: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall-tracer", daemon=True)

    def start(self) -> None:
        """Start watching (call ``tick`` on every heartbeat of the event loop)."""
        self._last_tick = time.perf_counter()
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        self._thread.join(timeout=5)

    def tick(self) -> None:
        """The event loop ran a turn: a stall (if it was one) is over."""
        now = time.perf_counter()
        if now - self._last_tick > self._threshold_s:
            self._stalls.append((self._last_tick, now))
        self._last_tick = now

    def _watch(self) -> None:
        while not self._stop.wait(self._period_s):
            since = self._last_tick
            if time.perf_counter() - since <= self._threshold_s:
                continue
            frame = sys._current_frames().get(self._main or 0)
            if frame is None:
                continue
            self._samples.append((time.perf_counter(), self._project_stack(frame)))

    def _project_stack(self, frame: FrameType | None) -> tuple[str, ...]:
        """The project frames of a stack, outermost first, read off the frames alone.

        No source line is looked up: reading files for ``linecache`` while the
        main thread holds the interpreter lock made a first sample take longer
        than the stall it was sampling.
        """
        innermost_first = []
        while frame is not None:
            code = frame.f_code
            if any(f"/{part}/" in code.co_filename for part in self._dirs):
                innermost_first.append(
                    f"{Path(code.co_filename).name}:{frame.f_lineno}:{code.co_name}"
                )
            frame = frame.f_back
        return tuple(reversed(innermost_first))

    def report(self, longest: int = 5) -> dict[str, Any]:
        """The longest stalls, each with its most frequent project frames."""
        ordered = sorted(self._stalls, key=lambda stall: stall[0] - stall[1])[:longest]
        stalls = []
        for started, ended in ordered:
            stacks = [stack for at, stack in self._samples if started <= at <= ended]
            frames = collections.Counter(frame for stack in stacks for frame in set(stack))
            innermost = collections.Counter(stack[-1] for stack in stacks if stack)
            stalls.append(
                {
                    "ms": round((ended - started) * 1000, 1),
                    "samples": len(stacks),
                    "innermost": innermost.most_common(3),
                    "frames": frames.most_common(6),
                }
            )
        return {
            "stalls_over_threshold": len(self._stalls),
            "threshold_ms": self._threshold_s * 1000,
            "longest": stalls,
        }
