"""Read consumer lag and broker round-trip time from librdkafka's statistics JSON."""

from __future__ import annotations

from typing import Any

import msgspec


class StatsFigures(msgspec.Struct, frozen=True):
    """Total consumer lag over assigned partitions and the mean broker RTT."""

    lag: int | None
    rtt_ms: float | None


def parse_statistics(payload: str | bytes) -> StatsFigures:
    """Extract lag and RTT; malformed or partial statistics yield ``None`` figures."""
    try:
        stats: Any = msgspec.json.decode(payload)
    except msgspec.DecodeError:
        return StatsFigures(None, None)
    if not isinstance(stats, dict):
        return StatsFigures(None, None)
    lag: int | None = None
    topics = stats.get("topics")
    if isinstance(topics, dict):
        for topic in topics.values():
            partitions = topic.get("partitions", {}) if isinstance(topic, dict) else {}
            for number, partition in partitions.items():
                # librdkafka reports the internal "-1" partition and -1 for unknown lag.
                value = partition.get("consumer_lag") if isinstance(partition, dict) else None
                if number != "-1" and isinstance(value, int) and value >= 0:
                    lag = (lag or 0) + value
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
    return StatsFigures(lag, rtt_ms)
