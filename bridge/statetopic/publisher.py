"""Write to the snapshot topic in Kafka transactions: one publish, one transaction.

The producer's ``transactional.id`` is fixed per snapshot topic, so a second
materializer fences the first (Kafka's own one-writer guarantee): the older
one's next publish fails with a fatal error and it stops.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient

# confluent_kafka.admin re-exports these, but its type stubs do not say so.
from confluent_kafka.admin._config import ConfigResource
from confluent_kafka.admin._resource import ResourceType

from bridge.statetopic.codec import Record

_log = logging.getLogger(__name__)

TRANSACTION_TIMEOUT_S = 60.0
DEFAULT_MAX_MESSAGE_BYTES = 1_048_588  # the broker's default max.message.bytes
COMMIT_ATTEMPTS = 3
FAILURES_KEPT = 10  # failed deliveries remembered to name in the error


class PublishError(Exception):
    """A publish did not commit; ``fatal`` when retrying cannot help (fenced, too large)."""

    def __init__(self, message: str, *, fatal: bool) -> None:
        super().__init__(message)
        self.fatal = fatal


class TopicSettingsError(Exception):
    """The snapshot topic is missing or not set up as docs/OPERATIONS.md says."""


def transactional_id(snapshot_topic: str) -> str:
    """The producer's transactional id: one per snapshot topic, so one writer per topic."""
    return f"atp-materializer-{snapshot_topic}"


def check_topic(settings: Mapping[str, str | int | float | bool], topic: str) -> int:
    """Check the topic is compacted only and has one partition; return its max.message.bytes."""
    admin = AdminClient(dict(settings))
    try:
        described = admin.list_topics(topic, timeout=10).topics.get(topic)
        if described is None or described.error is not None:
            raise TopicSettingsError(
                f"snapshot topic {topic} does not exist: create it as docs/OPERATIONS.md says"
            )
        if len(described.partitions) != 1:
            raise TopicSettingsError(
                f"snapshot topic {topic} has {len(described.partitions)} partitions; it must have 1"
            )
        resource = ConfigResource(ResourceType.TOPIC, topic)
        configs = admin.describe_configs([resource])[resource].result(timeout=10)
    except KafkaException as error:
        raise TopicSettingsError(f"cannot describe {topic}: {error.args[0].str()}") from None
    policy = str(configs["cleanup.policy"].value)
    if policy != "compact":
        raise TopicSettingsError(
            f"snapshot topic {topic} has cleanup.policy={policy}; it must be exactly compact "
            "(with delete, retention would remove entities that never change again)"
        )
    entry = configs.get("max.message.bytes")
    return int(entry.value) if entry is not None else DEFAULT_MAX_MESSAGE_BYTES


class StatePublisher:
    """A transactional producer to the snapshot topic's only partition."""

    def __init__(
        self,
        settings: Mapping[str, str | int | float | bool],
        topic: str,
        *,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._topic = topic
        self._max_message_bytes = max_message_bytes
        self._failed: list[tuple[bytes, KafkaError]] = []
        conf: dict[str, Any] = {
            **settings,
            "transactional.id": transactional_id(topic),
            "enable.idempotence": True,
            "compression.type": "lz4",
            "linger.ms": 20,
            "message.max.bytes": max(max_message_bytes, 1_000_000),
            "transaction.timeout.ms": int(TRANSACTION_TIMEOUT_S * 1000),
            "client.id": f"atp-materializer-{topic}",
        }
        self._producer = Producer(conf, logger=_log)

    def start(self) -> None:
        """Register the transactional id: fences (and aborts) any earlier materializer's work."""
        try:
            self._producer.init_transactions(TRANSACTION_TIMEOUT_S)
        except KafkaException as error:
            raise PublishError(
                f"cannot start transactions: {error.args[0].str()}", fatal=True
            ) from None

    def publish(self, records: Sequence[Record]) -> None:
        """Write ``records`` in one transaction; raises ``PublishError`` when it did not commit."""
        self._failed = []
        for key, value in records:
            if value is not None and len(value) > self._max_message_bytes:
                raise PublishError(
                    f"record {key.decode(errors='replace')} is {len(value)} bytes, over the "
                    f"topic's max.message.bytes ({self._max_message_bytes}): raise it",
                    fatal=True,
                )
        try:
            self._producer.begin_transaction()
            for key, value in records:
                self._produce(key, value)
        except KafkaException as failure:
            self._fail(failure.args[0])
        self._commit()

    def _commit(self) -> None:
        error: KafkaError | None = None
        for _ in range(COMMIT_ATTEMPTS):
            try:
                self._producer.commit_transaction(TRANSACTION_TIMEOUT_S)
            except KafkaException as failure:
                error = failure.args[0]
                if error.retriable() and not error.txn_requires_abort():
                    continue  # librdkafka allows calling commit again
                break
            else:
                return
        assert error is not None  # noqa: S101 (the loop either returned or failed)
        self._fail(error)

    def close(self) -> None:
        """Send what is queued (nothing after a commit) and release the producer."""
        self._producer.flush(10)

    def _produce(self, key: bytes, value: bytes | None) -> None:
        while True:
            try:
                self._producer.produce(
                    self._topic, key=key, value=value, partition=0, on_delivery=self._delivered
                )
            except BufferError:  # the local queue is full: let it drain
                self._producer.poll(0.1)
            else:
                return

    def _delivered(self, error: KafkaError | None, message: object) -> None:
        if error is not None and len(self._failed) < FAILURES_KEPT:
            key = getattr(message, "key", lambda: b"?")()
            self._failed.append((key if isinstance(key, bytes) else b"?", error))

    def _fail(self, error: KafkaError) -> None:
        """Abort the open transaction (unless fatal) and raise what happened."""
        detail = error.str()
        if self._failed:
            key, first = self._failed[0]
            detail += f" (first failed record {key.decode(errors='replace')}: {first.str()})"
        if error.fatal():  # e.g. fenced by a newer materializer: this producer is done
            raise PublishError(f"publish failed: {detail}", fatal=True)
        try:
            self._producer.abort_transaction(TRANSACTION_TIMEOUT_S)
        except KafkaException as abort:
            raise PublishError(
                f"publish failed ({detail}); abort failed: {abort.args[0].str()}", fatal=True
            ) from None
        too_large = any(e.code() == KafkaError.MSG_SIZE_TOO_LARGE for _, e in self._failed)
        raise PublishError(f"publish aborted: {detail}", fatal=too_large)
