"""What the bridge knows about its Kafka connection, gathered from both I/O threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import msgspec


class KafkaHealth(msgspec.Struct, frozen=True, kw_only=True):
    """A consistent view of the connection for status frames and ``atp-bridge status``."""

    up: bool
    down_since: str | None
    last_error: str | None
    lag: int
    rtt_ms: float | None
    records_read: int
    last_ok_at: str | None


class HealthTracker:
    """Thread-safe accumulator of connection facts; ``now`` is injected for testability."""

    def __init__(self, now: Callable[[], str]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._up = False
        self._down_since: str | None = now()
        self._last_error: str | None = "not connected yet"
        self._lag = 0
        self._rtt_ms: float | None = None
        self._records_read = 0
        self._last_ok_at: str | None = None
        self._watermarks: dict[tuple[str, int], tuple[int, int]] = {}

    def mark_up(self) -> None:
        """Record that a request to the cluster just succeeded."""
        with self._lock:
            self._up = True
            self._down_since = None
            self._last_error = None
            self._last_ok_at = self._now()

    def mark_down(self, reason: str) -> None:
        """Record that the cluster cannot be reached; keeps the first 'since' time."""
        with self._lock:
            if self._up or self._down_since is None:
                self._down_since = self._now()
            self._up = False
            self._last_error = reason

    def add_records(self, count: int) -> None:
        """Count records read from the log since the bridge started."""
        with self._lock:
            self._records_read += count

    def set_metrics(self, *, lag: int | None, rtt_ms: float | None) -> None:
        """Store the latest lag and broker round-trip time from librdkafka statistics."""
        with self._lock:
            if lag is not None:
                self._lag = lag
            if rtt_ms is not None:
                self._rtt_ms = rtt_ms

    def set_watermarks(self, watermarks: Mapping[tuple[str, int], tuple[int, int]]) -> None:
        """Store the (low, high) offsets last seen of these (topic, partition)s."""
        with self._lock:
            self._watermarks.update(watermarks)

    def watermarks(self) -> dict[tuple[str, int], tuple[int, int]]:
        """Return the (low, high) offsets last seen per (topic, partition) (catch-up progress)."""
        with self._lock:
            return dict(self._watermarks)

    def snapshot(self) -> KafkaHealth:
        """Return the current facts as one immutable value."""
        with self._lock:
            return KafkaHealth(
                up=self._up,
                down_since=self._down_since,
                last_error=self._last_error,
                lag=self._lag,
                rtt_ms=self._rtt_ms,
                records_read=self._records_read,
                last_ok_at=self._last_ok_at,
            )
