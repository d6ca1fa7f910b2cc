"""The end of a burst: a console that stopped reading while changes came converges once it reads.

Real LocalServer and QLocalSockets. The entities are touched by key and read
when the batch goes (``resolve``), as the bridge's service does after each
drain; they change in place and their lists grow, so the deltas carry tails
(protocol 4). The console applies them as the console does (``spliced_ticket``)
onto its last snapshot. At the end of the burst the last changes are still
pending, every console busy, and nothing is published after it: the console
that reads again must end up holding exactly the state, whether its backlog
stayed within its bound (it takes the coalesced batches) or went over it (it
gets a fresh snapshot).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import BridgeStatus, Change, DeltaBatch, StateSnapshot
from bridge.wire.splices import spliced_ticket
from tests.helpers import entities
from tests.helpers.local_server import (
    STATUS,
    TOKEN,
    RawClient,
    stats_of,
    ticket,
    welcomed,
)

TICKETS = 8
ROUNDS = 24
BODY = "x" * 4096
FILLER = "y" * 2_000_000  # more than the socket's buffers: the stalled console is busy at once


class GrowingState:
    """Tickets whose conversations grow in place, read by key when a batch goes."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {f"T-{n}": ticket(f"T-{n}") for n in range(TICKETS)}
        self.tickets["T-big"] = ticket("T-big", body=FILLER)

    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        return list(self.tickets.values()), [], [], STATUS

    def resolve(self, kind: str, key: str) -> Change:
        assert kind == "ticket"
        return Change(kind="ticket", key=key, ticket=self.tickets.get(key))

    def write(self, server: LocalServer, round_: int) -> None:
        """One drain's worth: a message on every ticket (appended in place), then touched."""
        for key in self.tickets:
            if key != "T-big":
                message = entities.message(f"{key}-{round_}", body=f"{round_} {BODY}")
                self.tickets[key].messages.append(message)
                self.tickets[key].subject = f"round {round_}"
        server.touch(("ticket", key) for key in self.tickets if key != "T-big")


class Mirror:
    """What a console holds: its last snapshot, then every delta after it, in order."""

    def __init__(self, client: RawClient) -> None:
        self._client = client
        self._applied = 0  # messages of the client applied (splicing changes them in place)
        self._seq: int | None = None
        self.tickets: dict[str, Ticket] = {}

    def update(self) -> dict[str, Ticket]:
        """Apply what arrived since the last call; return the tickets held."""
        arrived = self._client.messages[self._applied :]
        self._applied += len(arrived)
        for message in arrived:
            if isinstance(message, StateSnapshot):
                self.tickets = {t.ticket_id: t for t in message.tickets}
                self._seq = message.seq
            elif isinstance(message, DeltaBatch):
                assert self._seq is not None
                assert message.seq == self._seq + 1, "a gap in the deltas"
                self._seq = message.seq
                for change in message.changes:
                    value = spliced_ticket(self.tickets.get(change.key), change)
                    if value is None:
                        self.tickets.pop(change.key, None)
                    else:
                        self.tickets[change.key] = value
        return self.tickets


@pytest.fixture
def state() -> GrowingState:
    return GrowingState()


@pytest.fixture
def make_server(endpoint: Endpoint, state: GrowingState) -> Iterator[Callable[..., LocalServer]]:
    made: list[LocalServer] = []

    def make(**options: Any) -> LocalServer:
        server = LocalServer(
            endpoint, TOKEN, state, lambda _command: None, resolve=state.resolve, **options
        )
        server.start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


WITHIN_BOUND = 64 * 1024 * 1024
OVER_BOUND = 256 * 1024
CASES = {  # the console's backlog bound, and whether another console reads all along
    "alone_within_bound": (WITHIN_BOUND, False),
    "alone_over_bound": (OVER_BOUND, False),
    "beside_a_reader_within_bound": (WITHIN_BOUND, True),
    "beside_a_reader_over_bound": (OVER_BOUND, True),
}


def stall(client: RawClient) -> None:
    """The console stops reading: what comes fills its buffer, then the sockets'."""
    client.reading = False
    client.socket.setReadBufferSize(1024)


def resume(client: RawClient) -> None:
    client.socket.setReadBufferSize(0)
    client.reading = True
    client.read()


@pytest.mark.allow_log("bridge.server.session", "WARNING", match="slow local client")
@pytest.mark.parametrize("case", list(CASES))
def test_a_console_that_reads_again_after_a_burst_holds_the_bridge_state(
    qtbot: QtBot,
    make_server: Callable[..., LocalServer],
    clients: Callable[..., RawClient],
    state: GrowingState,
    case: str,
) -> None:
    bound, with_reader = CASES[case]
    server = make_server(max_client_backlog_bytes=bound, coalesce_ms=0, batch_entities=3)
    reader = welcomed(clients, name="reader") if with_reader else None
    console = welcomed(clients, name="console")
    held = Mirror(console)
    qtbot.waitUntil(lambda: server.client_count == 1 + with_reader, timeout=5000)
    for round_ in range(2):  # the console takes these: the bridge sends tails after them
        state.write(server, round_)
        console.wait_for(lambda: held.update() == state.tickets)

    stall(console)
    state.tickets["T-big"].body = FILLER[::-1]
    server.touch([("ticket", "T-big")])
    qtbot.waitUntil(lambda: stats_of(server, "console").backlog_bytes > 0, timeout=5000)
    for round_ in range(2, ROUNDS):  # a turn of the event loop between drains
        state.write(server, round_)
        QCoreApplication.processEvents()
    last_seq = server.seq
    for _ in range(5):
        QCoreApplication.processEvents()
    assert stats_of(server, "console").backlog_bytes > 0, "the console was busy to the end"
    if not with_reader:
        assert server.seq == last_seq, "the last changes were still pending"

    taken = len(console.messages)
    resume(console)
    console.wait_for(lambda: held.update() == state.tickets, timeout=10_000)
    if reader is not None:
        reader_held = Mirror(reader)
        reader.wait_for(lambda: reader_held.update() == state.tickets, timeout=10_000)
    stats = stats_of(server, "console")
    if bound == WITHIN_BOUND:
        assert (stats.snapshots_sent, stats.batches_dropped) == (1, 0)
        after = [m for m in console.messages[taken:] if isinstance(m, DeltaBatch)]
        assert any(c.messages_from for d in after for c in d.changes), "tails after the burst"
    else:
        assert stats.snapshots_sent > 1  # it went over its bound: a fresh snapshot
