"""Catch-up progress: records folded against the end offsets seen, and the rate."""

from __future__ import annotations

import pytest

from bridge.kafka.catch_up import CatchUpMeter
from bridge.wire.protocol import CatchUp

TICKETS = ("tickets", 0)
ORDERS = ("orders", 0)


def test_a_few_records_in_flight_are_not_a_catch_up() -> None:
    meter = CatchUpMeter(start_at=1000, end_below=100)
    assert meter.update({TICKETS: (0, 5000)}, {TICKETS: 4100}, now=0.0) is None  # 900 behind
    assert meter.update({}, {}, now=1.0) is None  # nothing seen yet


def test_progress_counts_what_was_folded_since_it_began_against_the_end_offsets() -> None:
    meter = CatchUpMeter(start_at=1000, end_below=100)
    first = meter.update({TICKETS: (0, 200_000), ORDERS: (0, 100_000)}, {}, now=0.0)
    assert first == CatchUp(records_done=0, records_total=300_000, records_per_s=0.0)
    later = meter.update(
        {TICKETS: (0, 200_000), ORDERS: (0, 100_000)}, {TICKETS: 90_000, ORDERS: 30_000}, now=2.0
    )
    assert later == CatchUp(records_done=120_000, records_total=300_000, records_per_s=60_000.0)


def test_records_that_keep_arriving_grow_the_total() -> None:
    meter = CatchUpMeter(start_at=1000, end_below=100)
    meter.update({TICKETS: (0, 10_000)}, {}, now=0.0)
    grown = meter.update({TICKETS: (0, 12_000)}, {TICKETS: 5_000}, now=1.0)
    assert grown is not None
    assert (grown.records_done, grown.records_total) == (5_000, 12_000)


def test_it_ends_below_the_lower_mark_and_can_begin_again_after_an_outage() -> None:
    meter = CatchUpMeter(start_at=1000, end_below=100)
    assert meter.update({TICKETS: (0, 10_000)}, {TICKETS: 0}, now=0.0) is not None
    assert (
        meter.update({TICKETS: (0, 10_000)}, {TICKETS: 9_500}, now=1.0) is not None
    )  # 500: still on
    assert (
        meter.update({TICKETS: (0, 10_000)}, {TICKETS: 9_950}, now=2.0) is None
    )  # 50 behind: done
    assert meter.update({TICKETS: (0, 10_600)}, {TICKETS: 9_950}, now=3.0) is None  # live traffic
    again = meter.update({TICKETS: (0, 30_000)}, {TICKETS: 10_000}, now=60.0)  # Kafka came back
    assert again == CatchUp(records_done=0, records_total=20_000, records_per_s=0.0)


def test_records_gone_from_the_log_are_not_waited_for() -> None:
    meter = CatchUpMeter(start_at=1000, end_below=100)
    progress = meter.update(
        {TICKETS: (40_000, 50_000)}, {TICKETS: 100}, now=0.0
    )  # retention took 40k
    assert progress is not None
    assert progress.records_total == 10_000


def test_the_rate_is_measured_over_the_recent_window() -> None:
    meter = CatchUpMeter(start_at=10, end_below=1, rate_window_s=5.0)
    ends = {TICKETS: (0, 1_000_000)}
    for second in range(11):  # 1,000 records/s for 10 s ...
        meter.update(ends, {TICKETS: 1_000 * second}, now=float(second))
    for second in range(11, 16):  # ... then 10,000/s
        progress = meter.update(ends, {TICKETS: 10_000 + 10_000 * (second - 10)}, now=float(second))
    assert progress is not None
    assert progress.records_per_s == pytest.approx(10_000, rel=0.01)


def test_marks_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="end_below"):
        CatchUpMeter(start_at=10, end_below=20)
