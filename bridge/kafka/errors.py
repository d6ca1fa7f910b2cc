"""librdkafka error codes the bridge reacts to, under readable names.

librdkafka's local error codes are exposed by confluent-kafka with a leading
underscore (``KafkaError._TRANSPORT``); they are public API all the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from confluent_kafka import KafkaError

ALL_BROKERS_DOWN: int = KafkaError._ALL_BROKERS_DOWN  # noqa: SLF001
TRANSPORT: int = KafkaError._TRANSPORT  # noqa: SLF001
AUTHENTICATION: int = KafkaError._AUTHENTICATION  # noqa: SLF001
TIMED_OUT: int = KafkaError._TIMED_OUT  # noqa: SLF001
# An offset out of the log's range, with ``auto.offset.reset = error`` (bridge/kafka/reader.py).
OFFSET_OUT_OF_RANGE: int = KafkaError._AUTO_OFFSET_RESET  # noqa: SLF001
CONNECTION_LOST: frozenset[int] = frozenset({ALL_BROKERS_DOWN, TRANSPORT})
AUTH_FAILED: frozenset[int] = frozenset({AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED})


def describe(error: KafkaError) -> str:
    """Return a one-line, secret-free description of a librdkafka error."""
    if error.code() == AUTHENTICATION:
        return f"authentication failed: {error.str()}"
    return error.str()


def auth_failure_message(settings: Mapping[str, str | int | float | bool]) -> str:
    """Say, without the secret, that the cluster refused the credentials and with what."""
    mechanism = settings.get("sasl.mechanism") or settings.get("sasl.mechanisms")
    if mechanism:
        return f"Kafka refused the credentials (SASL/{mechanism})"
    return "Kafka refused the credentials"
