"""What this agent is doing, for the "who else is on this ticket" indicator (pure, no Qt).

``ActivityTracker`` turns workspace events into the contract 1.1 activity the
bridge publishes: ``viewing`` is the ticket open in the workspace; ``composing``
is that ticket while the agent types in it, and ends after ``idle_s`` seconds
without a keystroke, on send, and on leaving the ticket. It calls ``report``
only when the activity changes; the caller calls ``tick`` at ``deadline()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

COMPOSING_IDLE_S = 5.0
"""Seconds without a keystroke after which the agent no longer counts as writing."""


@dataclass(frozen=True)
class Activity:
    """The ticket open (``viewing``) and the ticket being written in (``composing``)."""

    viewing: str | None = None
    composing: str | None = None


class ActivityTracker:
    """Follows the open ticket and the keystrokes; reports each change of activity."""

    def __init__(
        self,
        report: Callable[[Activity], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        idle_s: float = COMPOSING_IDLE_S,
    ) -> None:
        self._report = report
        self._clock = clock
        self._idle_s = idle_s
        self._activity = Activity()
        self._last_keystroke = 0.0

    @property
    def activity(self) -> Activity:
        """The activity last reported."""
        return self._activity

    def opened(self, ticket_id: str | None) -> None:
        """The workspace now shows ``ticket_id`` (``None``: no ticket); leaving ends composing."""
        if ticket_id == self._activity.viewing:
            return
        self._set(Activity(viewing=ticket_id))

    def typed(self) -> None:
        """A keystroke in the composer of the open ticket."""
        viewing = self._activity.viewing
        if viewing is None:
            return
        self._last_keystroke = self._clock()
        self._set(Activity(viewing=viewing, composing=viewing))

    def sent(self) -> None:
        """The reply or note was sent: the agent is no longer writing."""
        self._set(Activity(viewing=self._activity.viewing))

    def tick(self) -> None:
        """End composing once ``idle_s`` passed since the last keystroke."""
        deadline = self.deadline()
        if deadline is not None and self._clock() >= deadline:
            self.sent()

    def deadline(self) -> float | None:
        """When composing ends unless the agent types again (``None``: not composing)."""
        if self._activity.composing is None:
            return None
        return self._last_keystroke + self._idle_s

    def _set(self, activity: Activity) -> None:
        if activity != self._activity:
            self._activity = activity
            self._report(activity)
