"""How many entities the console can apply in one slice without stalling its event loop.

Applying an entity (the store's diff, the models' row updates, the filter
proxy's re-check) costs microseconds, more on a busy machine.
``ApplyBudget`` learns that cost from the updates it is told about (a moving
average of seconds per entity) and says how many entities fit in the time one
slice may spend applying: a backlog of thousands is applied in several
slices, each one short, with a turn of the event loop (input, the socket,
painting) between two of them, instead of in one long stall.
"""

from __future__ import annotations

BUDGET_S = 0.008
"""Time one slice may spend applying (the event loop's other work waits at most this long)."""
FIRST_GUESS_S = 100e-6
"""Seconds per entity assumed before anything was measured (a cautious guess)."""
MIN_ENTITIES = 16
"""Always apply at least this many a slice, so a backlog drains however slow the machine."""
MIN_SAMPLE = 8
"""Updates of fewer entities are not measured (fixed costs would dominate)."""
SMOOTHING = 0.3
"""Weight of the newest measurement in the moving average."""
CHEAPEST_S = 1e-7
"""The lowest cost believed (a clock that did not move says nothing)."""


class ApplyBudget:
    """Entities per slice from the measured cost of applying one."""

    def __init__(
        self,
        budget_s: float = BUDGET_S,
        *,
        first_guess_s: float = FIRST_GUESS_S,
        min_entities: int = MIN_ENTITIES,
    ) -> None:
        self._budget_s = budget_s
        self._cost_s = first_guess_s
        self._min = min_entities

    @property
    def cost_s(self) -> float:
        """The current estimate of seconds per entity."""
        return self._cost_s

    def limit(self) -> int:
        """How many entities the next slice may apply."""
        return max(self._min, int(self._budget_s / self._cost_s))

    def record(self, entities: int, seconds: float) -> None:
        """An update applied ``entities`` in ``seconds``."""
        if entities < MIN_SAMPLE:
            return
        measured = max(CHEAPEST_S, seconds / entities)
        self._cost_s += SMOOTHING * (measured - self._cost_s)
