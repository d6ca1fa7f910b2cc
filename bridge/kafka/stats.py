"""Read consumer lag and broker round-trip time from librdkafka's statistics JSON."""

from __future__ import annotations

from typing import Any

import msgspec


class StatsFigures(msgspec.Struct, frozen=True):
    """Total consumer lag over assigned partitions, the mean broker RTT, each partition's end."""

    lag: int | None
    rtt_ms: float | None
    ends: dict[tuple[str, int], int] = msgspec.field(default_factory=dict)
    """(topic, partition) -> the log's end offset: the last stable one (read_committed),
    else the high watermark; partitions librdkafka does not know yet are left out."""


def parse_statistics(payload: str | bytes) -> StatsFigures:
    """Extract lag and RTT; malformed or partial statistics yield ``None`` figures."""
    try:
        stats: Any = msgspec.json.decode(payload)
    except msgspec.DecodeError:
        return StatsFigures(None, None)
    if not isinstance(stats, dict):
        return StatsFigures(None, None)
    lag: int | None = None
    ends: dict[tuple[str, int], int] = {}
    topics = stats.get("topics")
    if isinstance(topics, dict):
        for name, topic in topics.items():
            partitions = topic.get("partitions", {}) if isinstance(topic, dict) else {}
            for number, partition in partitions.items():
                if number == "-1" or not isinstance(partition, dict):
                    continue  # librdkafka's internal "unassigned" partition
                # -1 stands for an unknown lag or offset.
                value = partition.get("consumer_lag")
                if isinstance(value, int) and value >= 0:
                    lag = (lag or 0) + value
                end = _end_offset(partition)
                if end is not None and isinstance(name, str) and number.isdigit():
                    ends[(name, int(number))] = end
    rtts: list[float] = []
    brokers = stats.get("brokers")
    if isinstance(brokers, dict):
        for broker in brokers.values():
            if not isinstance(broker, dict) or broker.get("nodeid", -1) < 0:
                continue
            rtt = broker.get("rtt")
            average = rtt.get("avg") if isinstance(rtt, dict) else None
            if isinstance(average, int | float) and average > 0:
                rtts.append(average / 1000.0)  # microseconds -> milliseconds
    rtt_ms = sum(rtts) / len(rtts) if rtts else None
    return StatsFigures(lag, rtt_ms, ends)


def _end_offset(partition: dict[str, Any]) -> int | None:
    for field in ("ls_offset", "hi_offset"):
        value = partition.get(field)
        if isinstance(value, int) and value >= 0:
            return value
    return None
