"""One record the simulator writes: a topic kind, a key, a value and when it happens."""

from __future__ import annotations

from dataclasses import dataclass

from bridge.contract.events import TopicKind


@dataclass(frozen=True, slots=True)
class SimRecord:
    """A Kafka record to produce.

    ``offset_s`` is the simulated time in seconds after the scenario's start (an
    event's ``time`` is start + offset). ``breakage`` names how a deliberately
    malformed record was broken, and is ``None`` for a record that meets the contract.
    """

    topic: TopicKind
    key: bytes
    value: bytes
    offset_s: float
    breakage: str | None = None
