"""A snapshot as a stream of bounded frames: SnapshotBegin, SnapshotPages, SnapshotEnd.

Pure code (no Qt). The server takes the references of every entity at the
snapshot's seq (a list copy: about a millisecond at 100k entities) and a
session pulls frames one at a time, as its socket takes them, so a page is
encoded only when there is room for it: the bridge never holds a whole
encoded snapshot, and no event-loop turn encodes more than about one page.

The fold changes entities in place, so a page encoded later may carry an
entity newer than ``seq``. That is harmless: every change after ``seq`` is in a
later DeltaBatch, queued behind the stream, which carries the entity whole
again; once the console has applied those, it holds exactly the bridge's state.
Entities added after ``seq`` are not in the stream (they come in deltas);
entities removed after it are sent as they were, then removed by a delta.

Tickets go out earliest SLA due first, the queue's own order: the most urgent
arrive first, and a console inserts each page after the rows it already holds
(one range per page instead of one per ticket: with 100k tickets in no order,
tests/integration/test_large_snapshot.py took 26 s instead of 8 s). Sorting 100k references by
their due time takes about 30 ms, once per snapshot.
"""

from __future__ import annotations

import operator
import struct
from collections.abc import Iterator, Sequence

import msgspec

from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.framing import encode_frame
from bridge.wire.protocol import (
    SNAPSHOT_PAGE_BYTES,
    BridgeStatus,
    SnapshotBegin,
    SnapshotEnd,
)

_EMPTY_ARRAY = msgspec.Raw(b"\x90")
_ARRAY32 = struct.Struct(">BI")  # MessagePack array 32: 0xdd, then the element count
_ARRAY32_TAG = 0xDD
_DUE = operator.attrgetter("sla_due_at")  # RFC 3339 UTC strings: their order is the time's


class _EncodedPage(msgspec.Struct, tag="snapshot_page", tag_field="t", kw_only=True):
    """A SnapshotPage whose entity lists are already encoded (same bytes on the wire)."""

    seq: int
    tickets: msgspec.Raw = _EMPTY_ARRAY
    orders: msgspec.Raw = _EMPTY_ARRAY
    agents: msgspec.Raw = _EMPTY_ARRAY


Entity = Ticket | Order | Presence


class SnapshotStream:
    """The frames of one snapshot, encoded on demand: ``next_frame`` until it returns None."""

    def __init__(
        self,
        *,
        session: str,
        seq: int,
        tickets: Sequence[Ticket],
        orders: Sequence[Order],
        agents: Sequence[Presence],
        status: BridgeStatus,
        page_bytes: int = SNAPSHOT_PAGE_BYTES,
    ) -> None:
        if page_bytes < 1:
            raise ValueError("a page must hold at least one byte")
        self.seq = seq
        self._page_bytes = page_bytes
        self._encoder = msgspec.msgpack.Encoder()
        self._buffer = bytearray()
        begin = SnapshotBegin(
            session=session,
            seq=seq,
            tickets=len(tickets),
            orders=len(orders),
            agents=len(agents),
            status=status,
        )
        by_due = sorted(tickets, key=_DUE)
        self._frames = self._generate(
            begin, [("agents", agents), ("tickets", by_due), ("orders", orders)]
        )
        self.pages_sent = 0

    def next_frame(self) -> bytes | None:
        """Encode and return the next frame; None once SnapshotEnd has been returned."""
        return next(self._frames, None)

    def _generate(
        self, begin: SnapshotBegin, kinds: list[tuple[str, Sequence[Entity]]]
    ) -> Iterator[bytes]:
        yield encode_frame(begin)
        for kind, entities in kinds:
            start = 0
            while start < len(entities):
                raw, start = self._page_of(entities, start)
                self.pages_sent += 1
                yield encode_frame(_EncodedPage(seq=self.seq, **{kind: raw}))
        yield encode_frame(SnapshotEnd(seq=self.seq))

    def _page_of(self, entities: Sequence[Entity], start: int) -> tuple[msgspec.Raw, int]:
        """Encode entities from ``start`` while they fit in a page (at least one)."""
        buffer = self._buffer
        buffer.clear()
        buffer += _ARRAY32.pack(_ARRAY32_TAG, 0)
        index = start
        while index < len(entities):
            mark = len(buffer)
            self._encoder.encode_into(entities[index], buffer, -1)
            if len(buffer) > self._page_bytes and index > start:
                del buffer[mark:]  # it goes first on the next page
                break
            index += 1
        _ARRAY32.pack_into(buffer, 0, _ARRAY32_TAG, index - start)
        return msgspec.Raw(bytes(buffer)), index
