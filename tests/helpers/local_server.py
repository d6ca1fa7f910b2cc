"""Doubles and raw clients for tests of the bridge's local server over real local sockets.

``RawClient`` is a real QLocalSocket plus the framing decoder: it sends exactly
the bytes a test wants, malformed ones included, and adds up each streamed
snapshot (begin, pages, end) to one StateSnapshot in ``messages``; ``stream``
keeps the frames as they came. ``MemoryState`` is a StateSource over plain
dicts; ``Recorder`` keeps what a console's BridgeClient emitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import msgspec
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from bridge.server.server import LocalServer
from bridge.server.session import ClientStats
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.framing import bridge_message_decoder, encode_frame, frame_header
from bridge.wire.protocol import (
    PROTOCOL_VERSION,
    AgentIdentity,
    BridgeMessage,
    BridgeStatus,
    Change,
    DeltaBatch,
    ErrorFrame,
    Hello,
    SnapshotBegin,
    SnapshotEnd,
    SnapshotPage,
    StateSnapshot,
)
from bridge.wire.snapshots import SnapshotAssembler
from console.bridge_client import BridgeClient
from tests.helpers import entities
from tests.helpers.protocol import status

M = TypeVar("M")
TOKEN = "right-token"
WAIT_MS = 5000


def ticket(ticket_id: str, subject: str = "Where is my order?", body: str = "") -> Ticket:
    return entities.ticket(
        ticket_id,
        queue="general",
        customer_id="C-1",
        customer_name="Lucía",
        channel="app",
        subject=subject,
        body=body,
        opened_at="2026-01-01T10:00:00Z",
        sla_due_at="2026-01-01T12:00:00Z",
        updated_at="2026-01-01T10:00:00Z",
    )


def ticket_change(ticket_id: str, subject: str = "s", body: str = "") -> Change:
    return Change(kind="ticket", key=ticket_id, ticket=ticket(ticket_id, subject, body))


STATUS = status(
    agent=AgentIdentity(agent_id="a1", name="Ana", role="agent", queues=["general"]),
    as_of=None,
)


class MemoryState:
    """A StateSource over plain dicts; tests change it and publish the same changes."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {"T-1": ticket("T-1")}
        self.status = STATUS

    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        return list(self.tickets.values()), [], [], self.status

    def change(self, server: LocalServer, *changes: Change) -> None:
        for c in changes:
            if c.ticket is not None:
                self.tickets[c.key] = c.ticket
        server.publish(changes)


class RawClient:
    """A real QLocalSocket that sends raw bytes and records decoded bridge messages."""

    def __init__(self, qtbot: QtBot, server_name: str, read_buffer: int = 0) -> None:
        """``read_buffer``: a stalled client, whose Qt buffer holds that much and is not read."""
        self.qtbot = qtbot
        self.socket = QLocalSocket()
        self.socket.setReadBufferSize(read_buffer)
        self.reading = not read_buffer
        self.decoder = bridge_message_decoder(64 * 1024 * 1024)
        self.messages: list[BridgeMessage | StateSnapshot] = []
        self.stream: list[SnapshotBegin | SnapshotPage | SnapshotEnd] = []
        self._assembler = SnapshotAssembler()
        self.closed = False
        self.socket.disconnected.connect(self._on_disconnected)
        self.socket.readyRead.connect(self.read)
        self.socket.connectToServer(server_name)
        qtbot.waitUntil(
            lambda: self.socket.state() == QLocalSocket.LocalSocketState.ConnectedState,
            timeout=WAIT_MS,
        )

    def _on_disconnected(self) -> None:
        if self.socket.bytesAvailable():
            self.read()
        self.closed = True

    def read(self) -> None:
        if not self.reading or not self.socket.isOpen():
            return
        self.decoder.feed(self.socket.readAll().data())
        while (message := self.decoder.pop()) is not None:
            if isinstance(message, SnapshotBegin | SnapshotPage | SnapshotEnd):
                self.stream.append(message)
                whole = self._assembler.add(message)
                if whole is not None:
                    self.messages.append(whole)
            else:
                self.messages.append(message)

    def send(self, data: bytes) -> None:
        self.socket.write(data)

    def hello(
        self,
        token: str = TOKEN,
        *,
        v: int = PROTOCOL_VERSION,
        session: str | None = None,
        seq: int | None = None,
        name: str = "raw",
    ) -> None:
        hello = Hello(v=v, token=token, client=name, resume_session=session, resume_from_seq=seq)
        self.send(encode_frame(hello))

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.messages if isinstance(m, kind)]

    def wait_for(self, condition: Callable[[], bool], timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(condition, timeout=timeout)

    def wait_count(self, kind: type[BridgeMessage | StateSnapshot], count: int) -> None:
        self.wait_for(lambda: len(self.of(kind)) >= count)
        assert len(self.of(kind)) == count, self.messages

    def wait_deltas(self, count: int) -> None:
        self.wait_count(DeltaBatch, count)

    def wait_closed(self) -> None:
        self.wait_for(lambda: self.closed)

    def error(self) -> ErrorFrame:
        self.wait_closed()
        errors = self.of(ErrorFrame)
        assert len(errors) == 1, self.messages
        return errors[0]

    def deltas(self) -> list[DeltaBatch]:
        return self.of(DeltaBatch)

    def close(self) -> None:
        self.reading = False
        self.socket.abort()


def welcomed(
    connect: Callable[..., RawClient], read_buffer: int = 0, name: str = "raw"
) -> RawClient:
    """Connect, say Hello with the right token and wait for the snapshot."""
    client = connect(read_buffer)
    client.hello(name=name)
    if client.reading:
        client.wait_for(lambda: bool(client.of(StateSnapshot)))
    return client


def wait_seq(qtbot: QtBot, server: LocalServer, seq: int) -> None:
    qtbot.waitUntil(lambda: server.seq == seq, timeout=WAIT_MS)


def raw_frame(value: object) -> bytes:
    body = msgspec.msgpack.encode(value)
    return frame_header(len(body)) + body


def raw_frame_bytes(body: bytes) -> bytes:
    return frame_header(len(body)) + body


def stats_of(server: LocalServer, name: str) -> ClientStats:
    (stats,) = [s for s in server.client_stats() if s.client == name]
    return stats


class Recorder:
    """Everything a BridgeClient emitted, in order."""

    def __init__(self, client: BridgeClient) -> None:
        self.events: list[tuple[str, object]] = []
        client.connected.connect(lambda: self.events.append(("connected", None)))
        client.disconnected.connect(lambda r: self.events.append(("disconnected", r)))
        assembler = SnapshotAssembler()

        def streamed(message: SnapshotBegin | SnapshotPage | SnapshotEnd) -> None:
            whole = assembler.add(message)
            if whole is not None:
                self.events.append(("snapshot", whole))

        client.snapshot_begin.connect(streamed)
        client.snapshot_page.connect(streamed)
        client.snapshot_end.connect(streamed)
        client.delta.connect(lambda d: self.events.append(("delta", d)))
        client.outcome.connect(lambda o: self.events.append(("outcome", o)))
        client.protocol_error.connect(lambda e: self.events.append(("error", e)))

    def of(self, name: str) -> list[object]:
        return [value for kind, value in self.events if kind == name]

    def delta_seqs(self) -> list[int]:
        return [d.seq for d in self.of("delta") if isinstance(d, DeltaBatch)]
