"""The fold's own state: the entities plus what the fold needs to stay idempotent.

The entity structs live in ``bridge.wire.entities`` (the console sees them too);
this module adds the fold's bookkeeping: applied event ids, quarantine and offsets.
"""

from __future__ import annotations

import msgspec

from bridge.wire.entities import Order, Presence, Ticket


class QuarantinedRecord(msgspec.Struct, kw_only=True):
    """A record that broke the contract: where it was and why it was not applied."""

    topic: str
    partition: int
    offset: int
    reason: str
    event_id: str | None = None  # the record's event id, when it could be read
    at: str | None = None
    """The record's Kafka timestamp (RFC 3339, UTC), when the log gave one: when it was written."""


class State(msgspec.Struct, kw_only=True):
    """Everything the fold knows. Mutated only by ``bridge.fold.reducer``."""

    tickets: dict[str, Ticket] = msgspec.field(default_factory=dict)
    orders: dict[str, Order] = msgspec.field(default_factory=dict)
    agents: dict[str, Presence] = msgspec.field(default_factory=dict)
    applied_event_ids: dict[str, None] = msgspec.field(default_factory=dict)
    """The ids of the events judged, in the order they were applied (a dict: an ordered set).

    The cache relies on the order: a save appends the ids after those its file
    holds, and rewrites them a slice at a time (``bridge.cache``)."""
    quarantined: list[QuarantinedRecord] = msgspec.field(default_factory=list)
    quarantined_count: int = 0
    skipped_unknown_type: int = 0
    # topic -> partition -> the offset after the last record folded: a record below it is a
    # redelivery (used for records without a usable event id: invalid, unknown type, tombstone)
    next_offsets: dict[str, dict[int, int]] = msgspec.field(default_factory=dict)
    opened_ids: dict[str, str] = msgspec.field(default_factory=dict)
    """Ticket id -> the id of the event that opened it (the one id a ticket does not record):
    it leaves memory with the ticket when the ticket is evicted (``bridge.fold.archive``)."""
    archive: str | None = None
    """The generation of the history file holding the entities evicted from this State
    (``bridge.history``); ``None``: none were."""
