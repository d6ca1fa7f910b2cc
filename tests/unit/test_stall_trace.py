"""The benchmarks' stall tracer names what the main thread was doing while it was late."""

from __future__ import annotations

import linecache
import time

from tests.perf.stall_trace import StallTracer


def _busy_for(seconds: float) -> None:
    """The workload of the stall: the main thread computes and does not tick."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


def test_a_stall_is_measured_and_named_by_the_frames_it_ran() -> None:
    tracer = StallTracer(threshold_ms=50, period_ms=2, project_dirs=("tests",))
    tracer.start()
    tracer.tick()
    _busy_for(0.3)
    tracer.tick()
    tracer.tick()  # a short turn after it: not a stall
    tracer.stop()
    report = tracer.report()
    assert report["stalls_over_threshold"] == 1
    (stall,) = report["longest"]
    assert stall["ms"] >= 300
    assert stall["samples"] > 0
    assert any("_busy_for" in frame for frame, _count in stall["frames"])


def test_sampling_reads_no_source_file() -> None:
    """A sample is taken off the frames alone: no file is read while the main thread waits."""
    linecache.clearcache()
    tracer = StallTracer(threshold_ms=20, period_ms=2, project_dirs=("tests",))
    tracer.start()
    tracer.tick()
    _busy_for(0.15)
    tracer.tick()
    tracer.stop()
    assert tracer.report()["longest"][0]["samples"] > 0
    assert __file__ not in linecache.cache
