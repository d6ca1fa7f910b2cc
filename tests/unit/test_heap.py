"""Free heap memory goes back to the system after a burst (glibc's ``malloc_trim``)."""

from __future__ import annotations

import sys

import pytest

from bridge.heap import HeapTrimmer
from tests.perf.stack import rss_mib

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc's allocator (Linux)"
)


@linux_only
def test_freed_memory_between_live_chunks_leaves_the_process() -> None:
    """A burst freed around survivors (a catch-up's records around its State) is returned."""
    trimmer = HeapTrimmer()
    assert trimmer.available
    trimmer.release(after="the test's start")
    burst = [bytearray(1000) for _ in range(100_000)]  # ~100 MB from malloc, not pymalloc
    survivors = burst[::20]  # one chunk in 20 stays: no page is wholly free to malloc itself
    del burst
    before = rss_mib()
    trimmer.release(after="the burst")
    assert rss_mib() < before - 40
    assert len(survivors) == 5000


def test_it_asks_the_allocator_to_keep_no_padding() -> None:
    calls: list[int] = []

    def trim(pad: int) -> int:
        calls.append(pad)
        return 1

    HeapTrimmer(trim=trim).release(after="a burst")
    assert calls == [0]  # malloc_trim(0): every free page, none kept at the heap's top


def test_a_long_burst_is_released_every_so_many_units() -> None:
    calls: list[int] = []

    def trim(pad: int) -> int:
        calls.append(pad)
        return 1

    trimmer = HeapTrimmer(trim=trim)
    trimmer.count(30, every=50, after="records")
    assert calls == []
    trimmer.count(30, every=50, after="records")
    assert calls == [0]
    trimmer.count(45, every=50, after="records")
    assert calls == [0], "counted afresh after a release"
    trimmer.count(5, every=50, after="records")
    assert calls == [0, 0]
