"""Read a topic back and count each event id: how many copies of every action the log holds."""

from __future__ import annotations

import collections

import msgspec
from confluent_kafka import Consumer, TopicPartition


def count_event_ids(bootstrap_servers: str, topic: str) -> collections.Counter[str]:
    """Every event id in ``topic`` (all partitions, start to end) with its number of records."""
    consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": "count"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        counts: collections.Counter[str] = collections.Counter()
        for number in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, number), timeout=10)
            consumer.assign([TopicPartition(topic, number, low)])
            read = low
            while read < high:
                message = consumer.poll(10)
                assert message is not None, "the log could not be read back"
                assert message.error() is None
                value = message.value()
                read = (message.offset() or 0) + 1
                try:
                    decoded = msgspec.json.decode(value or b"null")
                except (msgspec.DecodeError, RecursionError):
                    continue  # a malformed record: no event id to count
                if isinstance(decoded, dict) and isinstance(decoded.get("id"), str):
                    counts[decoded["id"]] += 1
        return counts
    finally:
        consumer.close()
