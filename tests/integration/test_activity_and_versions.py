"""Protocol v2 over real local sockets: activity reports and a clear version mismatch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.framing import bridge_message_decoder, encode_frame
from bridge.wire.protocol import (
    PROTOCOL_VERSION,
    AgentIdentity,
    BridgeStatus,
    Command,
    ErrorFrame,
    Hello,
    ReportActivity,
)
from console.bridge_client import BridgeClient

TOKEN = "right-token"
WAIT_MS = 5000
STATUS = BridgeStatus(
    agent=AgentIdentity(agent_id="a1", name="Ana", role="agent", queues=["general"]),
    kafka_up=True,
    kafka_down_since=None,
    as_of=None,
    lag=0,
    outbox_pending=0,
    quarantined=0,
    skipped_unknown_type=0,
)


class EmptyState:
    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        return [], [], [], STATUS


@pytest.fixture
def reports() -> list[ReportActivity]:
    return []


@pytest.fixture
def server(
    qtbot: QtBot, endpoint: Endpoint, reports: list[ReportActivity]
) -> Iterator[LocalServer]:
    commands: list[Command] = []
    server = LocalServer(endpoint, TOKEN, EmptyState(), commands.append, on_activity=reports.append)
    server.start()
    yield server
    server.close()


@pytest.fixture
def console(qtbot: QtBot) -> Iterator[BridgeClient]:
    client = BridgeClient("test-console", min_backoff_ms=50, max_backoff_ms=200)
    yield client
    client.close()


def test_activity_reports_reach_the_bridge_in_order(
    qtbot: QtBot,
    endpoint: Endpoint,
    server: LocalServer,
    console: BridgeClient,
    reports: list[ReportActivity],
) -> None:
    console.connect_to(endpoint.server_name, TOKEN)
    qtbot.waitUntil(lambda: console.is_connected, timeout=WAIT_MS)
    console.report_activity("t-1", None)
    console.report_activity("t-1", None)  # no change: not sent again
    console.report_activity("t-1", "t-1")
    console.report_activity(None, None)
    expected = [
        ReportActivity(viewing="t-1"),
        ReportActivity(viewing="t-1", composing="t-1"),
        ReportActivity(),
    ]
    qtbot.waitUntil(lambda: len(reports) >= len(expected), timeout=WAIT_MS)
    assert reports == expected


def test_away_travels_with_the_activity_and_online_comes_back(
    qtbot: QtBot,
    endpoint: Endpoint,
    server: LocalServer,
    console: BridgeClient,
    reports: list[ReportActivity],
) -> None:
    console.connect_to(endpoint.server_name, TOKEN)
    qtbot.waitUntil(lambda: console.is_connected, timeout=WAIT_MS)
    console.report_activity("t-1", None)
    console.report_status("away")
    console.report_activity("t-2", None)  # still away while viewing another ticket
    console.report_status("online")
    expected = [
        ReportActivity(viewing="t-1"),
        ReportActivity(viewing="t-1", status="away"),
        ReportActivity(viewing="t-2", status="away"),
        ReportActivity(viewing="t-2"),
    ]
    qtbot.waitUntil(lambda: len(reports) >= len(expected), timeout=WAIT_MS)
    assert reports == expected


def test_the_latest_activity_is_sent_again_to_a_restarted_bridge(
    qtbot: QtBot, endpoint: Endpoint, console: BridgeClient, reports: list[ReportActivity]
) -> None:
    first = LocalServer(endpoint, TOKEN, EmptyState(), lambda _c: None, on_activity=reports.append)
    first.start()
    console.connect_to(endpoint.server_name, TOKEN)
    qtbot.waitUntil(lambda: console.is_connected, timeout=WAIT_MS)
    console.report_activity("t-1", "t-1")
    qtbot.waitUntil(lambda: len(reports) == 1, timeout=WAIT_MS)
    first.close()
    qtbot.waitUntil(lambda: not console.is_connected, timeout=WAIT_MS)
    again: list[ReportActivity] = []
    second = LocalServer(endpoint, TOKEN, EmptyState(), lambda _c: None, on_activity=again.append)
    second.start()
    try:
        qtbot.waitUntil(lambda: bool(again), timeout=WAIT_MS)
        assert again == [ReportActivity(viewing="t-1", composing="t-1")]
    finally:
        second.close()


def test_a_hello_of_another_version_is_answered_with_the_bridge_version(
    qtbot: QtBot, endpoint: Endpoint, server: LocalServer
) -> None:
    socket = QLocalSocket()
    socket.connectToServer(endpoint.server_name)
    qtbot.waitUntil(
        lambda: socket.state() == QLocalSocket.LocalSocketState.ConnectedState, timeout=WAIT_MS
    )
    socket.write(encode_frame(Hello(v=PROTOCOL_VERSION - 1, token=TOKEN, client="old")))
    decoder = bridge_message_decoder(1 << 20)
    frames: list[object] = []

    def read() -> bool:
        decoder.feed(socket.readAll().data())
        while (message := decoder.pop()) is not None:
            frames.append(message)
        return bool(frames)

    qtbot.waitUntil(read, timeout=WAIT_MS)
    socket.abort()
    (error,) = frames
    assert isinstance(error, ErrorFrame)
    assert (error.code, error.v) == ("bad_version", PROTOCOL_VERSION)


class OldBridge:
    """A bridge of protocol v1: it refuses every Hello of another version, in words only."""

    def __init__(self, server_name: str) -> None:
        self.connections = 0
        self.server = QLocalServer()
        self.server.newConnection.connect(self._accept)
        assert self.server.listen(server_name), self.server.errorString()
        self._sockets: list[QLocalSocket] = []

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self.connections += 1
            self._sockets.append(socket)
            socket.readyRead.connect(lambda s=socket: self._refuse(s))

    @staticmethod
    def _refuse(socket: QLocalSocket) -> None:
        socket.readAll()
        refusal = ErrorFrame(code="bad_version", message="this bridge speaks protocol v1")
        socket.write(encode_frame(refusal))

    def close(self) -> None:
        self.server.close()


def test_a_console_and_an_old_bridge_say_they_cannot_talk_and_stop_trying(
    qtbot: QtBot, endpoint: Endpoint, console: BridgeClient
) -> None:
    endpoint.write_token(TOKEN)  # makes the owner-only folder of the socket
    old = OldBridge(endpoint.server_name)
    mismatches: list[tuple[int, int]] = []
    console.incompatible.connect(lambda mine, theirs: mismatches.append((mine, theirs)))
    try:
        console.connect_to(endpoint.server_name, TOKEN)
        qtbot.waitUntil(lambda: bool(mismatches), timeout=WAIT_MS)
        assert mismatches == [(PROTOCOL_VERSION, 1)]
        assert not console.is_connected
        assert not console.reconnect_scheduled, "a version mismatch must not loop"
        assert old.connections == 1
    finally:
        old.close()
