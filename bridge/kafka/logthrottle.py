"""Throttle repeated log lines of librdkafka (a refused login is retried forever).

librdkafka logs every failed connection attempt; with a wrong password that is
about two ERROR lines a second for as long as the bridge runs. ``ThrottledLog``
stands in for the ``logging.Logger`` confluent-kafka is given: a line is
written the first time, then at most once per ``interval_s`` with the count of
the repeats it stood for. Lines are told apart with their digits blanked out
(ports, durations and counters differ between attempts).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

INTERVAL_S = 60.0
_DIGITS = re.compile(r"\d+")
_MAX_KEYS = 256


class ThrottledLog:
    """A ``logger.log(level, msg, *args)`` that writes each kind of line once per interval."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        interval_s: float = INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, int]] = {}  # key -> (when written, repeats since)

    def log(self, level: int, msg: str, *args: object) -> None:
        """Write the line unless the same kind was written less than an interval ago."""
        text = msg % args if args else msg
        key = f"{level}:{_DIGITS.sub('#', text)}"
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last[0] < self._interval_s:
                self._last[key] = (last[0], last[1] + 1)
                return
            repeats = 0 if last is None else last[1]
            if len(self._last) >= _MAX_KEYS:
                self._last.clear()
            self._last[key] = (now, 0)
        if repeats:
            text = f"{text} (and {repeats} more like it in the last {self._interval_s:.0f} s)"
        self._logger.log(level, "%s", text)

    # confluent-kafka only calls ``log``; these keep the object a usable logger stand-in.
    def isEnabledFor(self, level: int) -> bool:  # noqa: N802  (the logging.Logger name)
        """Whether the wrapped logger writes ``level``."""
        return self._logger.isEnabledFor(level)
