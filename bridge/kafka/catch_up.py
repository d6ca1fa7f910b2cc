"""Is the bridge catching up on the log, how far is it, and how fast is it going?

Pure code (no Kafka, no Qt). The reader reports each partition's low and high
watermarks (the end offsets it saw); the fold's ``next_offsets`` say how far it
has folded. A catch-up begins when at least ``start_at`` records wait to be
folded (first start, after an outage, after a restart without cache) and ends
when fewer than ``end_below`` do; while live, the few records in flight never
make it flicker on. Its total grows when records keep arriving meanwhile.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from bridge.wire.protocol import CatchUp

Position = tuple[str, int]
Watermarks = Mapping[Position, tuple[int, int]]
"""(topic, partition) -> (low, high): the first offset held and the offset after the last."""

START_AT = 5000  # records behind the end offsets seen before progress is shown
END_BELOW = 500  # and fewer than this to call it done
RATE_WINDOW_S = 5.0  # the rate is measured over about this long


class CatchUpMeter:
    """Turns watermarks and folded offsets, sampled now and then, into ``CatchUp`` or None."""

    def __init__(
        self,
        *,
        start_at: int = START_AT,
        end_below: int = END_BELOW,
        rate_window_s: float = RATE_WINDOW_S,
    ) -> None:
        if not 0 <= end_below <= start_at:
            raise ValueError("end_below must be between 0 and start_at")
        self._start_at = start_at
        self._end_below = end_below
        self._window_s = rate_window_s
        self._folded_at_start: int | None = None  # None: not catching up
        self._samples: deque[tuple[float, int]] = deque()

    def update(
        self, watermarks: Watermarks, folded: Mapping[Position, int], now: float
    ) -> CatchUp | None:
        """Sample the current position; return the progress, or None when current."""
        remaining = 0
        folded_sum = 0
        for position, (low, high) in watermarks.items():
            done_to = max(folded.get(position, low), low)  # below low: gone from the log
            folded_sum += done_to
            remaining += max(0, high - done_to)
        if self._folded_at_start is None:
            if remaining < self._start_at:
                return None
            self._folded_at_start = folded_sum
            self._samples.clear()
        elif remaining < self._end_below:
            self._folded_at_start = None
            return None
        done = max(0, folded_sum - self._folded_at_start)
        return CatchUp(
            records_done=done, records_total=done + remaining, records_per_s=self._rate(now, done)
        )

    def _rate(self, now: float, done: int) -> float:
        samples = self._samples
        samples.append((now, done))
        while len(samples) > 1 and now - samples[1][0] >= self._window_s:
            samples.popleft()
        first_at, first_done = samples[0]
        elapsed = now - first_at
        return 0.0 if elapsed <= 0 else (done - first_done) / elapsed
