"""Lag and RTT come out of librdkafka's statistics JSON; bad statistics change nothing."""

from __future__ import annotations

import itertools
import json

from bridge.kafka.health import HealthTracker
from bridge.kafka.stats import parse_statistics

STATS = {
    "name": "rdkafka#consumer-1",
    "brokers": {
        "127.0.0.1:9092/1": {"nodeid": 1, "rtt": {"avg": 2500, "min": 1000}},
        "127.0.0.1:9092/bootstrap": {"nodeid": -1, "rtt": {"avg": 99000}},
        "127.0.0.1:9093/2": {"nodeid": 2, "rtt": {"avg": 1500}},
    },
    "topics": {
        "atp.tickets.v1": {
            "partitions": {
                "0": {"consumer_lag": 7},
                "1": {"consumer_lag": 3},
                "-1": {"consumer_lag": 1000},
            }
        },
        "atp.orders.v1": {"partitions": {"0": {"consumer_lag": -1}, "1": {"consumer_lag": 5}}},
    },
}


def test_lag_sums_assigned_partitions_and_rtt_averages_real_brokers() -> None:
    figures = parse_statistics(json.dumps(STATS))

    assert figures.lag == 15
    assert figures.rtt_ms == 2.0


def test_malformed_statistics_yield_no_figures() -> None:
    assert parse_statistics(b"{not json").lag is None
    assert parse_statistics("[1, 2]").rtt_ms is None


def test_health_keeps_the_first_down_time_until_up_again() -> None:
    ticks = itertools.count()
    health = HealthTracker(now=lambda: f"T{next(ticks)}")
    assert health.snapshot().down_since == "T0"  # not connected yet
    health.mark_up()
    health.mark_down("broker gone")
    health.mark_down("still gone")
    down = health.snapshot()
    assert (down.up, down.down_since, down.last_error) == (False, "T2", "still gone")
    assert down.last_ok_at == "T1"
    health.mark_up()
    health.add_records(3)
    health.set_metrics(lag=4, rtt_ms=None)
    up = health.snapshot()
    assert (up.up, up.down_since, up.records_read, up.lag) == (True, None, 3, 4)
