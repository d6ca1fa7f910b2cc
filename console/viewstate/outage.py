"""When Kafka went down, as this console saw it: kept across restarts of the bridge.

The bridge reports when it lost Kafka (``BridgeStatus.kafka_down_since``), but
a bridge restarted during the outage only knows when *it* found Kafka down:
the status bar then said the outage began at the restart. ``OutageStart``
keeps the earliest start reported while Kafka stayed down, and forgets it
once a status says Kafka is up.
"""

from __future__ import annotations


class OutageStart:
    """The start of the Kafka outage under way (epoch seconds), across bridge restarts."""

    def __init__(self) -> None:
        self._since: float | None = None

    def seen(self, kafka_up: bool, down_since: float | None) -> float | None:
        """Take one status; return when the outage under way began (``None``: Kafka is up)."""
        if kafka_up:
            self._since = None
        elif down_since is not None:
            self._since = down_since if self._since is None else min(self._since, down_since)
        return self._since
