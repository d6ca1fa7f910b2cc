"""A test's Kafka topic recreated under the same name: a log reset, as IT or the demo makes."""

from __future__ import annotations

import time
from collections.abc import Mapping

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic


def recreate_topic(
    admin: AdminClient,
    name: str,
    *,
    partitions: int,
    config: Mapping[str, str] | None = None,
    timeout_s: float = 30.0,
) -> None:
    """Delete the topic and create it again, empty, with ``partitions`` and ``config``."""
    admin.delete_topics([name])[name].result(timeout=timeout_s)
    deadline = time.monotonic() + timeout_s
    while True:  # the deletion finishes in the background: until then the name is taken
        future = admin.create_topics(
            [NewTopic(name, num_partitions=partitions, config=dict(config or {}))]
        )[name]
        try:
            future.result(timeout=timeout_s)
        except KafkaException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # the pace of the retries, not a wait for a condition
        else:
            return
