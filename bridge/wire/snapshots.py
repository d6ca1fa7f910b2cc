"""Add up a streamed snapshot (SnapshotBegin, SnapshotPages, SnapshotEnd) to one StateSnapshot.

For clients that want the whole state at once: the command line's
``atp-bridge snapshot`` and tests. The console applies pages as they come
instead (``console.viewstate``).
"""

from __future__ import annotations

from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import (
    BridgeMessage,
    SnapshotBegin,
    SnapshotEnd,
    SnapshotPage,
    StateSnapshot,
)


def split_snapshot(snapshot: StateSnapshot) -> tuple[SnapshotBegin, SnapshotPage, SnapshotEnd]:
    """A whole ``snapshot`` as the stream that carries it: its begin, one page, its end."""
    begin = SnapshotBegin(
        session=snapshot.session,
        seq=snapshot.seq,
        tickets=len(snapshot.tickets),
        orders=len(snapshot.orders),
        agents=len(snapshot.agents),
        status=snapshot.status,
    )
    page = SnapshotPage(
        seq=snapshot.seq,
        tickets=snapshot.tickets,
        orders=snapshot.orders,
        agents=snapshot.agents,
    )
    return begin, page, SnapshotEnd(seq=snapshot.seq)


class SnapshotStreamError(ValueError):
    """The messages do not form a snapshot (a page or an end without its begin)."""


class SnapshotAssembler:
    """Feed it bridge messages; it returns a StateSnapshot when one is complete."""

    def __init__(self) -> None:
        self._begin: SnapshotBegin | None = None
        self._tickets: list[Ticket] = []
        self._orders: list[Order] = []
        self._agents: list[Presence] = []

    @property
    def in_progress(self) -> bool:
        """Whether a snapshot has begun and not ended yet."""
        return self._begin is not None

    def add(self, message: BridgeMessage) -> StateSnapshot | None:
        """Take one message; return the whole snapshot when ``message`` completes it.

        Messages that are not part of a snapshot are ignored (None). A new
        SnapshotBegin abandons an unfinished snapshot.

        Raises:
            SnapshotStreamError: a page or an end that does not belong to the current begin.
        """
        if isinstance(message, SnapshotBegin):
            self._begin = message
            self._tickets, self._orders, self._agents = [], [], []
            return None
        if not isinstance(message, SnapshotPage | SnapshotEnd):
            return None
        begin = self._begin
        if begin is None or message.seq != begin.seq:
            expected = "none" if begin is None else str(begin.seq)
            raise SnapshotStreamError(
                f"{type(message).__name__} of seq {message.seq}, snapshot begun: {expected}"
            )
        if isinstance(message, SnapshotPage):
            self._tickets += message.tickets
            self._orders += message.orders
            self._agents += message.agents
            return None
        self._begin = None
        return StateSnapshot(
            session=begin.session,
            seq=begin.seq,
            tickets=self._tickets,
            orders=self._orders,
            agents=self._agents,
            status=begin.status,
        )
