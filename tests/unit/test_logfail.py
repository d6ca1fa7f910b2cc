"""The log-failure plugin fails tests on undeclared warnings, and only on those."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

INNER_TESTS = """
import logging
import threading

import pytest

log = logging.getLogger("selftest")


def test_info_passes():
    log.info("routine")


def test_undeclared_warning_fails():
    log.warning("the disk is %s", "full")


def test_warning_from_a_thread_fails():
    worker = threading.Thread(target=log.error, args=("reader thread died",))
    worker.start()
    worker.join()


@pytest.mark.allow_log("selftest", "WARNING")
def test_declared_warning_of_a_child_logger_passes():
    logging.getLogger("selftest.cache").warning("discarding the cache")


@pytest.mark.allow_log("selftest", "WARNING")
def test_error_above_the_declared_level_fails():
    log.error("worse than declared")


@pytest.mark.allow_log("selftest", "ERROR", match="^expected")
def test_declared_pattern_that_does_not_match_fails():
    log.error("something else")


@pytest.mark.allow_log("selftest.other", "ERROR")
def test_allowance_for_another_logger_fails():
    log.error("not that logger")


def test_expect_log_takes_the_records(expect_log):
    with expect_log("selftest", "WARNING", match="slow client") as records:
        log.warning("slow client: dropped its deltas")
    assert [r.getMessage() for r in records] == ["slow client: dropped its deltas"]


def test_expect_log_without_a_record_fails(expect_log):
    with expect_log("selftest", "WARNING"):
        log.info("only info")


def test_warning_after_the_expect_log_block_fails(expect_log):
    with expect_log("selftest", "WARNING"):
        log.warning("inside")
    log.warning("after the block")


@pytest.fixture
def noisy_teardown():
    yield
    log.warning("while tearing down")


def test_warning_in_teardown_is_an_error(noisy_teardown):
    pass
"""


def test_only_undeclared_warnings_fail_their_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makeconftest('pytest_plugins = ("tests.helpers.logfail",)\n')
    pytester.makepyfile(test_inner=INNER_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rfE")

    result.assert_outcomes(passed=4, failed=7, errors=1)
    result.stdout.fnmatch_lines_random(
        [
            "FAILED test_inner.py::test_undeclared_warning_fails - *",
            "FAILED test_inner.py::test_warning_from_a_thread_fails - *",
            "FAILED test_inner.py::test_error_above_the_declared_level_fails - *",
            "FAILED test_inner.py::test_declared_pattern_that_does_not_match_fails - *",
            "FAILED test_inner.py::test_allowance_for_another_logger_fails - *",
            "FAILED test_inner.py::test_expect_log_without_a_record_fails - *",
            "FAILED test_inner.py::test_warning_after_the_expect_log_block_fails - *",
            "ERROR test_inner.py::test_warning_in_teardown_is_an_error - *",
            "1 unexpected log record(s) during call *",
            "1 unexpected log record(s) during teardown *",
            "  WARNING selftest (*test_inner.py:*): the disk is full",
            "  ERROR selftest (*): reader thread died",
            "  ERROR selftest (*test_inner.py:*): worse than declared",
            "  WARNING selftest (*test_inner.py:*): after the block",
            "  WARNING selftest (*test_inner.py:*): while tearing down",
            "expected a log record: WARNING (or lower) from 'selftest'; none was logged",
        ]
    )
    assert not [line for line in result.outlines if line.endswith("): inside")]
