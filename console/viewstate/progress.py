"""What the status bar says while state is still arriving: the figures, no Qt.

Two kinds of progress: the console receiving a snapshot from its bridge
(``ViewStore.loading``), and the bridge folding a backlog of the log
(``BridgeStatus.catching_up``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.wire.protocol import CatchUp

MINUTE_FROM_S = 90  # from this many seconds on, the time left is said in minutes


def seconds_left(catch_up: CatchUp) -> float | None:
    """The time the catch-up needs at its current rate; None while the rate is unknown."""
    if catch_up.records_per_s <= 0:
        return None
    left = max(0, catch_up.records_total - catch_up.records_done)
    return left / catch_up.records_per_s


def rounded_time_left(seconds: float) -> tuple[int, bool]:
    """``seconds`` as the status bar says it: (whole seconds, False) or (minutes, True)."""
    if seconds < MINUTE_FROM_S:
        return max(1, round(seconds)), False
    return math.ceil(seconds / 60), True
