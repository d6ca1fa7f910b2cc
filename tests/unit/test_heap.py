"""Free heap memory goes back to the system after a burst (glibc's ``malloc_trim``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bridge.heap import M_ARENA_MAX, HeapTrimmer, limit_malloc_arenas
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


_COUNT_HEAPS = """
import ctypes, os, sys, tempfile, threading
from bridge.heap import limit_malloc_arenas
if sys.argv[1] == "limit":
    assert limit_malloc_arenas(2, {})
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
started, release = threading.Barrier(9), threading.Event()
def allocate():
    held = [bytearray(4096) for _ in range(100)]  # malloc, from this thread's heap
    started.wait()
    release.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
started.wait()  # all eight hold their allocations at once
path = os.path.join(tempfile.mkdtemp(), "info.xml")
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
release.set()
for thread in threads:
    thread.join()
print(open(path).read().count("<heap nr="))
"""


def _heaps(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_HEAPS, mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(done.stdout)


@linux_only
def test_the_bridge_cap_keeps_threads_to_two_heaps() -> None:
    """Eight threads allocating at once share two heaps, not one each."""
    assert _heaps("default") > 2  # the premise: glibc makes a heap per busy thread
    assert _heaps("limit") <= 2


def test_an_administrator_s_malloc_arena_max_wins() -> None:
    calls: list[tuple[int, int]] = []

    def mallopt(option: int, value: int) -> int:
        calls.append((option, value))
        return 1

    assert not limit_malloc_arenas(2, {"MALLOC_ARENA_MAX": "4"}, mallopt)
    assert calls == []
    assert limit_malloc_arenas(2, {}, mallopt)
    assert calls == [(M_ARENA_MAX, 2)]
