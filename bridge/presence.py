"""The agent's own presence: what it publishes, and no more than one record a second.

Pure: no I/O, no Qt; the clock is injected. ``PresenceThrottle`` holds the
activity the console last reported (contract 1.1 ``viewing``/``composing``, and
``online`` or ``away`` as the agent set it) and
says when the next presence record may go out; ``presence_event`` builds it.
The service publishes through them (``bridge/service.py``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from bridge.contract.envelope import make_event, rfc3339
from bridge.wire.protocol import AgentIdentity, AgentStatus

MIN_INTERVAL_S = 1.0
"""Contract 1.1: at most one presence record a second for each agent."""


class PresenceThrottle:
    """The latest reported activity, and when the next record may be published."""

    def __init__(
        self, *, min_interval_s: float = MIN_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._min_interval = min_interval_s
        self._clock = clock
        self._last_published: float | None = None
        self.viewing: str | None = None
        self.composing: str | None = None
        self.status: AgentStatus = "online"

    def report(
        self, viewing: str | None, composing: str | None, status: AgentStatus = "online"
    ) -> bool:
        """Take the console's activity and status; True when it differs from what was held."""
        if (viewing, composing, status) == (self.viewing, self.composing, self.status):
            return False
        self.viewing, self.composing, self.status = viewing, composing, status
        return True

    def wait_s(self) -> float:
        """Seconds until a record may be published (0: now)."""
        if self._last_published is None:
            return 0.0
        return max(0.0, self._last_published + self._min_interval - self._clock())

    def published(self) -> None:
        """A record went out now."""
        self._last_published = self._clock()


def presence_event(
    identity: AgentIdentity,
    status: str,
    now: dt.datetime,
    ttl: dt.timedelta,
    *,
    viewing: str | None = None,
    composing: str | None = None,
) -> dict[str, object]:
    """The ``atp.agent.presence`` event of ``identity``; ``offline`` carries no activity."""
    online = status != "offline"
    return make_event(
        type="atp.agent.presence",
        subject=identity.agent_id,
        source=f"/atp/console/{identity.agent_id}",
        time=rfc3339(now),
        data={
            "agent": {"id": identity.agent_id, "name": identity.name, "role": identity.role},
            "status": status,
            "queues": list(identity.queues),
            "expires_at": rfc3339(now + ttl),
            "viewing": viewing if online else None,
            "composing": composing if online else None,
        },
    )
