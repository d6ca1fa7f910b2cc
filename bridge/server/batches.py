"""Coalesce published changes into sequenced DeltaBatches and keep a bounded history.

Pure code (no Qt): the server decides *when* to flush; this decides *what*. Each
batch is encoded once; every client and the history share the same bytes.

An entity is pending either as a ``Change`` (``add``) or as a key only
(``touch``): the fold says which entities it touched, and their current value is
read once, when the batch is flushed, however many records touched them.

A change goes out with only the tails of its lists that the consoles do not
hold yet (``bridge.wire.splices.ListTails``): a new message on a long
conversation costs one message on the wire, not the conversation.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bridge.wire.framing import encode_frame
from bridge.wire.protocol import BridgeStatus, Change, DeltaBatch
from bridge.wire.splices import ListTails

Key = tuple[str, str]
"""(kind, key) of an entity: ("ticket", "T-1")."""
Resolve = Callable[[str, str], Change]
"""The current value of a touched entity, as a Change (kind, key)."""


@dataclass(frozen=True)
class EncodedBatch:
    """A DeltaBatch and its frame, ready to write to any number of sockets."""

    seq: int
    frame: bytes


class BatchLog:
    """Pending changes (last value per entity wins) and the recent encoded batches."""

    def __init__(self, *, history: int, history_bytes: int, start_seq: int = 0) -> None:
        if history < 1 or history_bytes < 1:
            raise ValueError("history must hold at least one batch")
        self._max_batches = history
        self._max_bytes = history_bytes
        self._recent: deque[EncodedBatch] = deque()
        self._recent_bytes = 0
        self._pending: dict[Key, Change | None] = {}  # None: touched, read at flush
        self._pending_status: BridgeStatus | None = None
        self._seq = start_seq
        self._tails = ListTails()

    @property
    def seq(self) -> int:
        """The sequence number of the last batch flushed (0 before the first)."""
        return self._seq

    @property
    def has_pending(self) -> bool:
        """Whether a flush would produce a batch."""
        return bool(self._pending) or self._pending_status is not None

    @property
    def pending_count(self) -> int:
        """How many entities the next batch holds."""
        return len(self._pending)

    @property
    def history_bytes(self) -> int:
        """Bytes held by the recent batches."""
        return self._recent_bytes

    def add(self, changes: Iterable[Change], status: BridgeStatus | None) -> None:
        """Merge changes into the pending batch: the last value of an entity wins."""
        for change in changes:
            key = (change.kind, change.key)
            self._pending.pop(key, None)  # re-insert: batch order follows the last change
            self._pending[key] = change
        if status is not None:
            self._pending_status = status

    def touch(self, keys: Iterable[Key]) -> None:
        """Mark entities changed; their value is read (``resolve``) when the batch is flushed."""
        pending = self._pending
        for key in keys:
            pending.pop(key, None)  # re-insert: batch order follows the last change
            pending[key] = None

    def forget(self) -> None:
        """Drop what is pending and the history, leaving a gap in the sequence.

        For when no console is there to send to and the pending batch grows: a
        console that connects later cannot resume across the gap, it gets a snapshot.
        """
        self._pending = {}
        self._recent.clear()
        self._recent_bytes = 0
        self._seq += 1

    def flush(
        self, resolve: Resolve | None = None, limit: int | None = None
    ) -> EncodedBatch | None:
        """Turn the pending changes into the next batch, remember it, and return it.

        ``resolve`` reads the value of the entities that were only touched. With
        ``limit`` the batch holds at most that many entities, the oldest pending;
        the rest stay pending for the next batch (a burst goes out as a stream of
        bounded frames that a reading console takes one by one).
        """
        if not self.has_pending:
            return None
        pending_items = self._pending
        if limit is not None and len(pending_items) > limit:
            taken = list(itertools.islice(pending_items.items(), limit))
            for item_key, _ in taken:
                del pending_items[item_key]
        else:
            taken = list(pending_items.items())
            self._pending = {}
        changes: list[Change] = []
        for (kind, key), pending in taken:
            if pending is None:
                if resolve is None:
                    raise ValueError("touched entities need a resolve to be flushed")
                pending = resolve(kind, key)  # noqa: PLW2901  (read now: the latest value)
            changes.append(self._tails.trim(pending))
        self._seq += 1
        batch = DeltaBatch(seq=self._seq, changes=changes, status=self._pending_status)
        self._pending_status = None
        encoded = EncodedBatch(self._seq, encode_frame(batch))
        self._recent.append(encoded)
        self._recent_bytes += len(encoded.frame)
        while len(self._recent) > 1 and (
            len(self._recent) > self._max_batches or self._recent_bytes > self._max_bytes
        ):
            self._recent_bytes -= len(self._recent.popleft().frame)
        return encoded

    def whole_from_now(self) -> None:
        """The next change of each entity carries its whole lists (call at each snapshot).

        See ``ListTails.forget``: a console that takes this snapshot may lack
        entities that earlier consoles still hold.
        """
        self._tails.forget()

    def since(self, seq: int) -> list[EncodedBatch] | None:
        """Return the batches after ``seq`` (gap-free), or None if they are no longer all held."""
        if seq == self._seq:
            return []
        if seq > self._seq or seq < 0 or not self._recent or self._recent[0].seq > seq + 1:
            return None
        first = self._recent[0].seq
        return list(self._recent)[seq + 1 - first :]
