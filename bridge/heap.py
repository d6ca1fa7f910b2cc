"""Give the C heap's free pages back to the system after a burst of allocations.

Folding a log, loading the cache or saving all of it allocates and frees a lot
(decoded records, Kafka buffers, encoded rows). glibc keeps the freed memory
inside its heaps, between chunks still in use, so the process's RSS stays at
the burst's peak. ``malloc_trim(0)`` returns those free pages (``madvise``); it
takes some tens of ms for a few hundred MiB, so it is run after such bursts, not
on every turn, or every so many units of a long one (``count``: a catch-up's
records). Elsewhere than glibc it does nothing.

``limit_malloc_arenas`` caps how many heaps glibc keeps for the process's
threads (by default up to eight per core, one per thread that allocates at the
same time): librdkafka's threads allocate the fetched records, the fold's
thread frees them, and each extra heap holds its own fragments.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import time
from collections.abc import Callable, Mapping

_log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt() parameter: the most heaps (arenas) it creates
BRIDGE_MALLOC_ARENAS = 2
"""The bridge's cap: the main thread's heap and one for every other thread.

At 100k open tickets and 100k orders (``bench_bridge_memory``) it lowers the
settled RSS by about 10 MiB against glibc's default; the catch-up rate does not
move. ``MALLOC_ARENA_MAX`` in the environment still wins.
"""


def limit_malloc_arenas(
    arenas: int,
    environ: Mapping[str, str],
    mallopt: Callable[[int, int], int] | None = None,
) -> bool:
    """Cap glibc's heaps at ``arenas`` unless ``MALLOC_ARENA_MAX`` is set; whether it did.

    Call it first, before any thread starts: heaps made before it stay. ``mallopt``:
    the allocator's function (glibc's by default; elsewhere nothing is done).
    """
    if "MALLOC_ARENA_MAX" in environ:
        return False
    set_option = mallopt if mallopt is not None else _glibc("mallopt")
    return set_option is not None and set_option(M_ARENA_MAX, arenas) == 1


def _glibc(name: str) -> Callable[..., int] | None:
    """The process's own C library function ``name``; None off Linux or without glibc (musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
    return function


class HeapTrimmer:
    """Returns the C heap's free pages to the system when asked (``release``)."""

    def __init__(self, trim: Callable[[int], int] | None = None) -> None:
        self._trim = trim if trim is not None else _glibc("malloc_trim")
        self._counted = 0  # units of a long burst since its last release (``count``)

    @property
    def available(self) -> bool:
        """Whether this platform's allocator can do it (glibc)."""
        return self._trim is not None

    def release(self, after: str) -> None:
        """Release what is free now; ``after``: what just finished (for the debug log)."""
        if self._trim is None:
            return
        started = time.perf_counter()
        self._trim(0)
        _log.debug(
            "returned free heap memory after %s",
            after,
            extra={"ms": round((time.perf_counter() - started) * 1000, 1)},
        )

    def count(self, units: int, *, every: int, after: str) -> None:
        """Count ``units`` of a long burst (records folded); release once ``every`` have been."""
        self._counted += units
        if self._counted >= every:
            self._counted = 0
            self.release(after)
