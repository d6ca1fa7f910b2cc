"""The agent's own presence: online or away, chosen or after an idle time (pure, no Qt).

``AwayTracker`` holds what the agent chose in the status bar (``online`` or
``away``) and, while they chose online, turns them ``away`` once ``idle_s``
seconds passed without keyboard or mouse input (``console.idle_away_minutes``),
and back online at the next input. Away by choice stays until the agent
chooses online. It calls ``report`` only when the status changes; the caller
calls ``tick`` at ``deadline()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.wire.protocol import AgentStatus


class AwayTracker:
    """Follows the agent's choice and their input; reports each change of status."""

    def __init__(
        self,
        report: Callable[[AgentStatus], None],
        *,
        idle_s: float | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._report = report
        self._idle_s = idle_s or None  # 0 or None: never away by itself
        self._clock = clock
        self._chosen: AgentStatus = "online"
        self._idle = False
        self._last_input = clock()

    @property
    def status(self) -> AgentStatus:
        """What the bridge publishes: away when chosen or idle, else online."""
        return "away" if self._chosen == "away" or self._idle else "online"

    @property
    def last_input(self) -> float:
        """When (on the tracker's clock) the agent last typed, clicked or chose a status."""
        return self._last_input

    @property
    def idle(self) -> bool:
        """Whether the agent is away because of the idle time (not by choice)."""
        return self._idle and self._chosen == "online"

    def choose(self, status: AgentStatus) -> None:
        """The agent chose a status in the status bar (or with the shortcut)."""
        before = self.status
        self._chosen = status
        self._idle = False
        self._last_input = self._clock()
        self._tell(before)

    def toggle(self) -> None:
        """Online becomes away and away (chosen or idle) becomes online."""
        self.choose("online" if self.status == "away" else "away")

    def input(self) -> None:
        """A key or mouse input anywhere in the console: an idle agent is back."""
        self._last_input = self._clock()
        if self._idle:
            before = self.status
            self._idle = False
            self._tell(before)

    def tick(self) -> None:
        """Turn an online agent away once the idle time passed without input."""
        deadline = self.deadline()
        if deadline is not None and self._clock() >= deadline:
            before = self.status
            self._idle = True
            self._tell(before)

    def deadline(self) -> float | None:
        """When the agent turns away unless there is input (``None``: not counting)."""
        if self._idle_s is None or self._chosen == "away" or self._idle:
            return None
        return self._last_input + self._idle_s

    def _tell(self, before: AgentStatus) -> None:
        if self.status != before:
            self._report(self.status)
