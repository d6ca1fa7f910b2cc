"""The writer thread: produces the outbox's entries (and presence) with an idempotent producer.

An entry is produced once per process; its delivery report marks it "sent" in
the outbox. Entries not delivered when the bridge stops stay in the outbox and
are produced again on the next start; their stable event ids make the copies
harmless (the fold drops duplicates).

Start-up gate: with ``hold_outbox``, entries are held until ``release_outbox``
is called (the bridge calls it once its fold has caught up with the log as it was at
start-up); an entry a killed bridge had produced is then already confirmed and
is not produced again. Presence (``send_now``) is not held.

The thread never dies of an error: a failure to record an acknowledgement
(e.g. a full disk) keeps the event id and retries with a backoff; anything else
raised is logged and the producer and outbox connection are made anew after a
backoff (0.5 s doubling to 30 s). Meanwhile the part ``writer`` is reported
degraded.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Protocol

from confluent_kafka import KafkaError, Message, Producer

from bridge.contract.envelope import KAFKA_HEADERS
from bridge.kafka import errors
from bridge.kafka.health import HealthTracker
from bridge.kafka.logthrottle import ThrottledLog
from bridge.kafka.tls import TlsDiagnosis

_log = logging.getLogger(__name__)
_client_log = ThrottledLog(logging.getLogger("bridge.kafka.client"))
_failure_log = ThrottledLog(_log)
POLL_INTERVAL_S = 0.1
FETCH_LIMIT = 200
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0
DEGRADED_PART = "writer"


class PendingEntry(Protocol):
    """What the writer needs of an outbox entry."""

    @property
    def event_id(self) -> str:
        """The event id (the console's command id)."""
        ...

    @property
    def key(self) -> str:
        """The record key (the ticket id)."""
        ...

    @property
    def topic(self) -> str:
        """The topic name to produce to."""
        ...

    @property
    def value(self) -> bytes:
        """The encoded CloudEvent."""
        ...


class PendingSource(Protocol):
    """The outbox as the writer sees it (its own connection, used on the writer thread)."""

    def pending(self, limit: int) -> Sequence[PendingEntry]:
        """Entries to produce, oldest first."""
        ...

    def mark_sent(self, event_id: str) -> None:
        """Record the broker's acknowledgement of an entry."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class EventWriter(threading.Thread):
    """Produces pending outbox entries in order, and ad-hoc records such as presence."""

    def __init__(
        self,
        settings: Mapping[str, str | int | float | bool],
        open_source: Callable[[], PendingSource],
        health: HealthTracker,
        on_sent: Callable[[str], None],
        *,
        hold_outbox: bool = False,
    ) -> None:
        super().__init__(name="kafka-writer", daemon=True)
        self._settings = dict(settings)
        self._open_source = open_source
        self._health = health
        self._on_sent = on_sent
        self._wake = threading.Event()
        self._stop_requested = threading.Event()
        self._produced: set[str] = set()
        self._adhoc: collections.deque[tuple[str, str, bytes]] = collections.deque(maxlen=100)
        self._recreate = False
        self._outbox_released = threading.Event()
        if not hold_outbox:
            self._outbox_released.set()
        self._unmarked: dict[str, None] = {}  # acknowledged, but not yet recorded as sent
        self._mark_retry_s = RETRY_FIRST_S
        self._next_mark_at = 0.0
        self._auth_message = errors.auth_failure_message(settings)
        self._tls = TlsDiagnosis(settings)

    def wake(self) -> None:
        """Tell the writer that the outbox has new entries."""
        self._wake.set()

    def release_outbox(self) -> None:
        """Start producing outbox entries (held until then; see the module docstring)."""
        self._outbox_released.set()
        self._wake.set()

    def hold_outbox(self) -> None:
        """Hold outbox entries again (the log was reset: until the new catch-up)."""
        self._outbox_released.clear()

    def send_now(self, topic: str, key: str, value: bytes) -> None:
        """Produce a record that needs no durability (presence): best effort, bounded."""
        self._adhoc.append((topic, key, value))
        self._wake.set()

    def stop(self) -> None:
        """Finish: flush for a short while, then close."""
        self._stop_requested.set()
        self._wake.set()

    def run(self) -> None:
        """Produce until stopped; start anew after a fatal error or a failure."""
        retry_s = RETRY_FIRST_S
        while not self._stop_requested.is_set():
            try:
                self._run_once()
                retry_s = RETRY_FIRST_S
            except Exception:  # noqa: BLE001  (logged, reported and retried: never dies)
                _log.exception("the Kafka writer failed; retrying in %.1f s", retry_s)
                self._health.set_degraded(DEGRADED_PART, failing=True)
                self._stop_requested.wait(retry_s)
                retry_s = min(retry_s * 2, RETRY_MAX_S)

    def _run_once(self) -> None:
        source = self._open_source()
        try:
            while not self._stop_requested.is_set():
                producer = self._create_producer()
                try:
                    self._produce_until_stop_or_fatal(producer, source)
                finally:
                    remaining = producer.flush(3.0)
                    if remaining:
                        _log.info("records left for the next start", extra={"count": remaining})
                    self._retry_marks(source, force=True)
        finally:
            source.close()

    # ------------------------------------------------------------------ internals
    def _create_producer(self) -> Producer:
        self._recreate = False
        self._produced.clear()
        return Producer(
            {
                **self._settings,
                "enable.idempotence": True,
                "acks": "all",
                "message.timeout.ms": 0,  # never give up: the outbox waits for the broker
                "linger.ms": 5,
                "error_cb": self._on_error,
                "client.id": "atp-bridge-writer",
            },
            logger=_client_log,
        )

    def _produce_until_stop_or_fatal(self, producer: Producer, source: PendingSource) -> None:
        while not self._stop_requested.is_set() and not self._recreate:
            self._wake.clear()
            while self._adhoc:
                topic, key, value = self._adhoc.popleft()
                if not self._try_produce(producer, topic, key, value, None):
                    break
            self._retry_marks(source)
            self._health.set_degraded(DEGRADED_PART, failing=bool(self._unmarked))
            pending = source.pending(FETCH_LIMIT) if self._outbox_released.is_set() else []
            for entry in pending:
                if entry.event_id in self._produced or entry.event_id in self._unmarked:
                    continue
                on_delivery = partial(self._delivered, source, entry.event_id)
                if not self._try_produce(
                    producer, entry.topic, entry.key, entry.value, on_delivery
                ):
                    break
                self._produced.add(entry.event_id)
            producer.poll(0)
            self._wake.wait(POLL_INTERVAL_S)
            producer.poll(0)

    def _try_produce(
        self,
        producer: Producer,
        topic: str,
        key: str,
        value: bytes,
        on_delivery: Callable[[KafkaError | None, Message], None] | None,
    ) -> bool:
        try:
            producer.produce(
                topic, key=key.encode(), value=value, headers=KAFKA_HEADERS, on_delivery=on_delivery
            )
        except BufferError:
            producer.poll(POLL_INTERVAL_S)  # the local queue is full: let deliveries drain
            return False
        return True

    def _delivered(
        self, source: PendingSource, event_id: str, error: KafkaError | None, _message: Message
    ) -> None:
        """Delivery report (on this thread, inside poll/flush): must not raise."""
        if error is not None:
            _log.warning(
                "delivery failed; will retry", extra={"event_id": event_id, "error": error.str()}
            )
            self._produced.discard(event_id)
            return
        self._health.mark_up()
        self._on_sent(event_id)
        self._unmarked[event_id] = None
        self._retry_marks(source)

    def _retry_marks(self, source: PendingSource, *, force: bool = False) -> None:
        """Record acknowledged entries as sent; on failure keep them and back off."""
        if not self._unmarked or (not force and time.monotonic() < self._next_mark_at):
            return
        for event_id in list(self._unmarked):
            try:
                source.mark_sent(event_id)
            except Exception as failure:  # noqa: BLE001  (kept and retried: see the docstring)
                _failure_log.log(
                    logging.ERROR,
                    "cannot record %d acknowledged entries as sent (retrying in %.1f s): %s",
                    len(self._unmarked),
                    self._mark_retry_s,
                    failure,
                )
                self._health.set_degraded(DEGRADED_PART, failing=True)
                self._next_mark_at = time.monotonic() + self._mark_retry_s
                self._mark_retry_s = min(self._mark_retry_s * 2, RETRY_MAX_S)
                return
            del self._unmarked[event_id]
        self._mark_retry_s = RETRY_FIRST_S
        self._health.set_degraded(DEGRADED_PART, failing=False)

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            _log.error("fatal producer error; recreating", extra={"error": error.str()})
            self._recreate = True
        elif (tls_problem := self._tls.explain_error(error)) is not None:
            self._health.mark_tls_failed(tls_problem)
            _client_log.log(logging.ERROR, "%s", tls_problem)
        elif error.code() in errors.CONNECTION_LOST:
            self._health.mark_down(error.str())
        elif error.code() in errors.AUTH_FAILED:
            self._health.mark_auth_failed(self._auth_message)
            _client_log.log(logging.ERROR, "%s: %s", self._auth_message, error.str())
        else:
            _log.warning("producer error", extra={"error": error.str()})
