"""Fail a test when the code under test logs a WARNING or worse that the test did not expect.

A pytest plugin (loaded by ``tests/conftest.py``), active for every test. While
a test runs, a handler on the root logger collects each record of level
WARNING or above that was not declared; at the end of the phase it was logged
in (setup, call or teardown) that phase fails and lists them. Records from any
thread count: the bridge's reader, writer and server threads log through the
same ``logging`` tree. Bridge subprocesses log to their own files and are not
covered.

A test that expects such a record declares it, and asserts on it:

- ``expect_log`` (a fixture) is a context manager: inside the block, records of
  the logger (and its children) up to the level, whose message matches
  ``match`` (a regular expression, searched), are expected; the block fails if
  none was logged, and yields the list of the records it took::

      def test_corrupt_cache_is_discarded(expect_log: ExpectLog) -> None:
          with expect_log("bridge.cache", "WARNING", match="discarding") as records:
              load(...)
          assert "rebuilt from the log" in records[0].getMessage()

- ``@pytest.mark.allow_log(logger, level="WARNING", match=None)`` (on a test,
  a class or a module's ``pytestmark``) allows such records for the whole test,
  setup and teardown included, without requiring one; for tests that assert on
  the records themselves (``caplog``) or where the record is incidental and
  timing-dependent (a broker that is down for a moment).

A record above the declared level (an ERROR where a WARNING was declared) is
still unexpected.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import pytest

MIN_LEVEL = logging.WARNING
"""Records at this level or above fail a test unless it declared them."""

MARKER = "allow_log"


def _level_number(level: int | str) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelNamesMapping().get(level.upper())
    if number is None:
        raise ValueError(f"unknown logging level {level!r}")
    return number


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit the format: show it raw
        return f"{record.msg!r} % {record.args!r}"


@dataclass(frozen=True)
class Allowance:
    """Records of ``logger`` (or a child) up to ``level`` whose message matches ``match``."""

    logger: str
    level: int
    match: re.Pattern[str] | None = None

    @classmethod
    def of(cls, logger: str, level: int | str = "WARNING", match: str | None = None) -> Allowance:
        """Build an allowance from a logger name, a level name or number and a pattern."""
        return cls(logger, _level_number(level), None if match is None else re.compile(match))

    def covers(self, record: logging.LogRecord) -> bool:
        """Return whether ``record`` is one this allowance declares."""
        if record.name != self.logger and not record.name.startswith(f"{self.logger}."):
            return False
        if record.levelno > self.level:
            return False
        return self.match is None or self.match.search(_message(record)) is not None

    def __str__(self) -> str:
        level = logging.getLevelName(self.level)
        pattern = "" if self.match is None else f" matching {self.match.pattern!r}"
        return f"{level} (or lower) from {self.logger!r}{pattern}"


@dataclass
class _Block:
    """One open ``expect_log`` block and the records it took."""

    allowance: Allowance
    records: list[logging.LogRecord] = field(default_factory=list)


class LogFailHandler(logging.Handler):
    """Collects the records of level ``MIN_LEVEL`` or above that no declaration covers."""

    def __init__(self, allowances: tuple[Allowance, ...] = ()) -> None:
        super().__init__(MIN_LEVEL)
        self._allowances = allowances
        self._blocks: list[_Block] = []
        self._unexpected: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:  # Handler.handle holds self.lock
        for block in self._blocks:
            if block.allowance.covers(record):
                block.records.append(record)
                return
        if not any(allowance.covers(record) for allowance in self._allowances):
            self._unexpected.append(record)

    @contextlib.contextmanager
    def expecting(self, allowance: Allowance) -> Iterator[list[logging.LogRecord]]:
        """Take the records ``allowance`` covers while the block runs."""
        block = _Block(allowance)
        with self._locked():
            self._blocks.append(block)
        try:
            yield block.records
        finally:
            with self._locked():
                self._blocks.remove(block)

    def take_unexpected(self) -> list[logging.LogRecord]:
        """Return the undeclared records collected so far and forget them."""
        with self._locked():
            taken, self._unexpected = self._unexpected, []
        return taken

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()


class ExpectLog:
    """The ``expect_log`` fixture: ``with expect_log(logger, level, match=...) as records:``."""

    def __init__(self, handler: LogFailHandler) -> None:
        self._handler = handler

    @contextlib.contextmanager
    def __call__(
        self, logger: str, level: int | str = "WARNING", *, match: str | None = None
    ) -> Iterator[list[logging.LogRecord]]:
        """Expect at least one record of ``logger`` up to ``level`` matching ``match``."""
        allowance = Allowance.of(logger, level, match)
        with self._handler.expecting(allowance) as records:
            yield records
        if not records:
            pytest.fail(f"expected a log record: {allowance}; none was logged", pytrace=False)


_HANDLER = pytest.StashKey[LogFailHandler]()


def _report(records: list[logging.LogRecord], phase: str) -> str:
    heading = (
        f"{len(records)} unexpected log record(s) during {phase} (declare an expected one "
        "with the expect_log fixture or @pytest.mark.allow_log, see docs/TESTING.md):"
    )
    lines = [heading]
    lines += [f"  {r.levelname} {r.name} ({r.pathname}:{r.lineno}): {_message(r)}" for r in records]
    return "\n".join(lines)


def _watch(item: pytest.Item, phase: str) -> Generator[None, object, object]:
    handler = item.stash.get(_HANDLER, None)
    if handler is None:  # no setup ran (nothing was attached)
        return (yield)
    try:
        outcome = yield
    except BaseException as error:
        records = handler.take_unexpected()
        if records:
            error.add_note(_report(records, phase))
        raise
    records = handler.take_unexpected()
    if records:
        pytest.fail(_report(records, phase), pytrace=False)
    return outcome


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``allow_log`` marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(logger, level='WARNING', match=None): the test may log records of "
        "`logger` (or a child) up to `level` whose message matches `match` (tests/helpers/"
        "logfail.py)",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    """Attach a handler for this test (its markers' allowances) and watch the setup."""
    allowances = tuple(Allowance.of(*m.args, **m.kwargs) for m in item.iter_markers(MARKER))
    handler = LogFailHandler(allowances)
    item.stash[_HANDLER] = handler
    logging.getLogger().addHandler(handler)
    return (yield from _watch(item, "setup"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail the test if it logged an undeclared record."""
    return (yield from _watch(item, "call"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    """Watch the teardown, then detach the test's handler."""
    try:
        return (yield from _watch(item, "teardown"))
    finally:
        handler = item.stash.get(_HANDLER, None)
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()


@pytest.fixture
def expect_log(request: pytest.FixtureRequest) -> ExpectLog:
    """Declare, and require, log records of WARNING or above that a test expects."""
    return ExpectLog(request.node.stash[_HANDLER])
