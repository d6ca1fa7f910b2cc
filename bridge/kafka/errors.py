"""librdkafka error codes the bridge reacts to, under readable names.

librdkafka's local error codes are exposed by confluent-kafka with a leading
underscore (``KafkaError._TRANSPORT``); they are public API all the same.
"""

from __future__ import annotations

from confluent_kafka import KafkaError

ALL_BROKERS_DOWN: int = KafkaError._ALL_BROKERS_DOWN  # noqa: SLF001
TRANSPORT: int = KafkaError._TRANSPORT  # noqa: SLF001
AUTHENTICATION: int = KafkaError._AUTHENTICATION  # noqa: SLF001
CONNECTION_LOST: frozenset[int] = frozenset({ALL_BROKERS_DOWN, TRANSPORT})


def describe(error: KafkaError) -> str:
    """Return a one-line, secret-free description of a librdkafka error."""
    if error.code() == AUTHENTICATION:
        return f"authentication failed: {error.str()}"
    return error.str()
