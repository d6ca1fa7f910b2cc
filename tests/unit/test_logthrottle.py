"""librdkafka's repeated lines (a refused login, every reconnect) are written once per interval."""

from __future__ import annotations

import logging

import pytest

from bridge.kafka.logthrottle import ThrottledLog


@pytest.mark.allow_log("tests.throttle", "ERROR")
def test_repeats_are_counted_not_written_until_the_interval_passed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    log = ThrottledLog(logging.getLogger("tests.throttle"), interval_s=60, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="tests.throttle"):
        for attempt in range(120):  # two lines a second for a minute, as with a wrong password
            now[0] = attempt / 2
            log.log(
                logging.ERROR,
                "%s [%s] %s",
                "FAIL",
                "rdkafka#consumer-1",
                f"SASL auth failed after {attempt} ms",
            )
        log.log(logging.WARNING, "%s", "another kind of line")
        now[0] = 61.0
        log.log(
            logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#consumer-1", "SASL auth failed after 7 ms"
        )
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "FAIL [rdkafka#consumer-1] SASL auth failed after 0 ms",
        "another kind of line",
        (
            "FAIL [rdkafka#consumer-1] SASL auth failed after 7 ms"
            " (and 119 more like it in the last 60 s)"
        ),
    ]
    assert [record.levelno for record in caplog.records] == [
        logging.ERROR,
        logging.WARNING,
        logging.ERROR,
    ]
