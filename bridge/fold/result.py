"""What folding one record did."""

from __future__ import annotations

from typing import Literal

import msgspec

Outcome = Literal["applied", "rejected", "duplicate", "quarantined", "skipped"]
EntityKind = Literal["ticket", "order", "agent"]


class FoldResult(msgspec.Struct, kw_only=True, gc=False):
    """The outcome of one record, the event id if known, why (if not applied), what changed."""

    outcome: Outcome
    event_id: str | None
    reason: str | None
    touched: list[tuple[EntityKind, str]] = msgspec.field(default_factory=list)
