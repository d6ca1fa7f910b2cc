"""What the bridge knows about its Kafka connection, gathered from both I/O threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import msgspec

AUTH_FAILED = "auth"
"""``KafkaHealth.error_kind`` when the cluster refused the credentials."""
TLS_FAILED = "tls"
"""``KafkaHealth.error_kind`` when a TLS handshake failed (certificate, CA, host name)."""


class KafkaHealth(msgspec.Struct, frozen=True, kw_only=True):
    """A consistent view of the connection for status frames and ``atp-bridge status``."""

    up: bool
    down_since: str | None
    last_error: str | None
    lag: int
    rtt_ms: float | None
    records_read: int
    last_ok_at: str | None
    error_kind: str | None = None  # AUTH_FAILED, TLS_FAILED, or None (unknown reason, or up)
    degraded: tuple[str, ...] = ()  # I/O threads that are failing and retrying, sorted


class HealthTracker:
    """Thread-safe accumulator of connection facts; ``now`` is injected for testability."""

    def __init__(self, now: Callable[[], str]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._up = False
        self._down_since: str | None = now()
        self._last_error: str | None = "not connected yet"
        self._error_kind: str | None = None
        self._lag = 0
        self._rtt_ms: float | None = None
        self._records_read = 0
        self._last_ok_at: str | None = None
        self._degraded: set[str] = set()
        self._watermarks: dict[tuple[str, int], tuple[int, int]] = {}

    def mark_up(self) -> None:
        """Record that a request to the cluster just succeeded."""
        with self._lock:
            self._up = True
            self._down_since = None
            self._last_error = None
            self._error_kind = None
            self._last_ok_at = self._now()

    def mark_down(self, reason: str) -> None:
        """Record that the cluster cannot be reached; keeps the first 'since' time.

        A known cause (``mark_auth_failed``) is kept until the next success: the
        "all brokers down" that follows a refused login must not hide why.
        """
        with self._lock:
            if self._up or self._down_since is None:
                self._down_since = self._now()
            self._up = False
            if self._error_kind is None:
                self._last_error = reason

    def mark_auth_failed(self, message: str) -> None:
        """Record that the cluster refused the credentials (down until a request succeeds)."""
        self._mark_cause(AUTH_FAILED, message)

    def mark_tls_failed(self, message: str) -> None:
        """Record a TLS problem, ``message`` naming it (down until a request succeeds)."""
        self._mark_cause(TLS_FAILED, message)

    def _mark_cause(self, kind: str, message: str) -> None:
        with self._lock:
            if self._up or self._down_since is None:
                self._down_since = self._now()
            self._up = False
            self._last_error = message
            self._error_kind = kind

    def set_degraded(self, part: str, failing: bool) -> None:
        """Record whether an I/O thread (``part``) is failing and retrying."""
        with self._lock:
            if failing:
                self._degraded.add(part)
            else:
                self._degraded.discard(part)

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
                error_kind=self._error_kind,
                degraded=tuple(sorted(self._degraded)),
            )
