"""The local server under the faults of issue 12: hostile commands, bursts, churn, restarts.

Real QLocalServer and QLocalSockets in this process; the raw clients and the
console's BridgeClient come from tests/helpers/local_server.py and the conftest.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from bridge.server.server import UNKNOWN_COMMAND, LocalServer
from bridge.server.session import FRAMES_PER_TURN
from bridge.wire.endpoint import Endpoint
from bridge.wire.framing import encode_frame
from bridge.wire.protocol import (
    MAX_STATUS_QUERY_IDS,
    PROTOCOL_VERSION,
    Claim,
    Command,
    CommandOutcome,
    CommandStatusQuery,
    Hello,
    Ping,
    Pong,
    SetPriority,
    SetStatus,
)
from console.bridge_client import BridgeClient
from tests.helpers.local_server import (
    TOKEN,
    WAIT_MS,
    MemoryState,
    RawClient,
    Recorder,
    raw_frame,
    welcomed,
)


# ------------------------------------------------------------------ fixtures
@pytest.fixture
def state() -> MemoryState:
    return MemoryState()


@pytest.fixture
def commands() -> list[Command]:
    return []


@pytest.fixture
def known() -> dict[str, CommandOutcome]:
    """What the server's status lookup answers (the outbox, in the bridge)."""
    return {}


@pytest.fixture
def server(
    endpoint: Endpoint,
    state: MemoryState,
    commands: list[Command],
    known: dict[str, CommandOutcome],
) -> Iterator[LocalServer]:
    server = LocalServer(endpoint, TOKEN, state, commands.append, command_status=known.get)
    server.start()
    yield server
    server.close()


def command_frame(action: object, command_id: str = "c-1") -> bytes:
    return raw_frame({"t": "command", "command_id": command_id, "action": action})


# ------------------------------------------------------------------ item 15: unacceptable actions
UNACCEPTABLE = {
    "unknown_status": (
        {"t": "set_status", "ticket_id": "T-1", "status": "on_hold"},
        "on_hold",
    ),
    "unknown_priority": (
        {"t": "set_priority", "ticket_id": "T-1", "priority": "critical"},
        "critical",
    ),
    "unknown_action_type": ({"t": "delete_everything"}, "delete_everything"),
    "missing_field": ({"t": "claim"}, "ticket_id"),
    "not_a_map": (7, "object"),
}


@pytest.mark.parametrize("case", list(UNACCEPTABLE))
def test_an_action_the_bridge_cannot_accept_is_invalid_and_the_connection_stays(
    server: LocalServer,
    clients: Callable[..., RawClient],
    commands: list[Command],
    case: str,
) -> None:
    action, named = UNACCEPTABLE[case]
    client = welcomed(clients)
    client.send(command_frame(action) + encode_frame(Ping(nonce=3)))
    client.wait_for(lambda: bool(client.of(Pong)))
    (outcome,) = client.of(CommandOutcome)
    assert (outcome.command_id, outcome.state) == ("c-1", "invalid")
    assert outcome.reason is not None
    assert named in outcome.reason
    assert not commands  # never reached the bridge core, so never the outbox
    assert not client.closed
    good = Command(command_id="c-2", action=Claim(ticket_id="T-1"))
    client.send(encode_frame(good))
    client.wait_for(lambda: commands == [good])


def test_the_console_stops_resending_a_command_the_bridge_cannot_accept(
    qtbot: QtBot, server: LocalServer, endpoint: Endpoint, console: BridgeClient
) -> None:
    """A newer console's enum value: one ``invalid`` outcome, no reconnect loop."""
    seen = Recorder(console)
    console.connect_to(endpoint.server_name, endpoint.read_token)
    qtbot.waitUntil(lambda: console.is_connected, timeout=WAIT_MS)
    newer = Command(
        command_id="newer-1",
        action=SetStatus(ticket_id="T-1", status="on_hold"),  # type: ignore[arg-type]
    )
    assert console.send_command(newer)
    qtbot.waitUntil(lambda: console.pending_commands == 0, timeout=WAIT_MS)
    (outcome,) = seen.of("outcome")
    assert isinstance(outcome, CommandOutcome)
    assert outcome.state == "invalid"
    also = Command(command_id="newer-2", action=SetPriority(ticket_id="T-1", priority="normal"))
    assert console.send_command(also)  # the same connection still carries commands
    qtbot.waitUntil(lambda: server.client_count == 1 and console.pending_commands == 1)
    assert len(seen.of("connected")) == 1
    assert not seen.of("disconnected")
    assert not seen.of("error")


# ------------------------------------------------------------------ item 4: where commands are
def test_a_status_query_is_answered_from_the_lookup_one_outcome_per_id(
    server: LocalServer, clients: Callable[..., RawClient], known: dict[str, CommandOutcome]
) -> None:
    known["done"] = CommandOutcome(command_id="done", state="rejected", reason="taken by Bea")
    known["waiting"] = CommandOutcome(command_id="waiting", state="sent", ticket_id="T-1")
    client = welcomed(clients)
    query = CommandStatusQuery(command_ids=["done", "waiting", "gone", "done"])
    client.send(encode_frame(query))
    client.wait_count(CommandOutcome, 3)
    done, waiting, gone = client.of(CommandOutcome)
    assert done == known["done"]
    assert waiting == known["waiting"]
    assert (gone.command_id, gone.state, gone.reason) == ("gone", "invalid", UNKNOWN_COMMAND)
    assert not client.closed


def test_a_status_query_with_too_many_ids_is_a_bad_message(
    server: LocalServer, clients: Callable[..., RawClient]
) -> None:
    client = welcomed(clients)
    ids = [f"c-{n}" for n in range(MAX_STATUS_QUERY_IDS + 1)]
    client.send(encode_frame(CommandStatusQuery(command_ids=ids)))
    assert client.error().code == "bad_message"


def test_the_console_keeps_commands_until_final_and_catches_up_with_a_restarted_bridge(
    qtbot: QtBot,
    endpoint: Endpoint,
    state: MemoryState,
    console: BridgeClient,
) -> None:
    """Outcomes sent while the console was away are not lost: it asks after each Welcome."""
    seen = Recorder(console)
    first_commands: list[Command] = []
    first = LocalServer(endpoint, TOKEN, state, first_commands.append)
    first.start()
    console.connect_to(endpoint.server_name, endpoint.read_token)
    qtbot.waitUntil(lambda: console.is_connected, timeout=WAIT_MS)
    stored = Command(command_id="stored", action=Claim(ticket_id="T-1"))
    unheard = Command(command_id="unheard", action=Claim(ticket_id="T-2"))
    console.send_command(stored)
    console.send_command(unheard)
    qtbot.waitUntil(lambda: len(first_commands) == 2, timeout=WAIT_MS)
    first.send_outcome(CommandOutcome(command_id="stored", state="queued", ticket_id="T-1"))
    qtbot.waitUntil(lambda: len(seen.of("outcome")) == 1, timeout=WAIT_MS)
    assert console.pending_commands == 2  # "queued" is not final
    first.close()  # the bridge dies; meanwhile the log rejects "stored"
    qtbot.waitUntil(lambda: not console.is_connected, timeout=WAIT_MS)

    rejected = CommandOutcome(
        command_id="stored", state="rejected", reason="taken by Bea", ticket_id="T-1"
    )
    second_commands: list[Command] = []
    second = LocalServer(
        endpoint,
        TOKEN,
        state,
        second_commands.append,
        command_status={"stored": rejected}.get,
    )
    second.start()
    try:
        qtbot.waitUntil(lambda: console.pending_commands == 1, timeout=WAIT_MS)
        assert seen.of("outcome")[-1] == rejected
        assert second_commands == [unheard]  # never acknowledged: sent again, not asked about
        second.send_outcome(CommandOutcome(command_id="unheard", state="confirmed"))
        qtbot.waitUntil(lambda: console.pending_commands == 0, timeout=WAIT_MS)
    finally:
        second.close()


# ------------------------------------------------------------------ item 16: bursts
def test_a_burst_on_one_connection_does_not_stall_another(
    qtbot: QtBot,
    server: LocalServer,
    clients: Callable[..., RawClient],
    commands: list[Command],
) -> None:
    """10,000 commands in one write: another console's pings are answered all along."""
    burst = 10_000
    flooder = welcomed(clients)
    pinger = welcomed(clients)
    handled_at_pong: list[int] = []

    def on_pong() -> None:
        pongs = len(pinger.of(Pong))
        if pongs > len(handled_at_pong):
            handled_at_pong.append(len(commands))
            if len(commands) < burst:
                pinger.send(encode_frame(Ping(nonce=pongs + 1)))

    pinger.socket.readyRead.connect(on_pong)
    frames = b"".join(
        encode_frame(Command(command_id=f"b-{n}", action=Claim(ticket_id="T-1")))
        for n in range(burst)
    )
    flooder.send(frames)
    pinger.send(encode_frame(Ping(nonce=1)))
    qtbot.waitUntil(lambda: len(commands) == burst, timeout=30_000)
    gaps = [b - a for a, b in itertools.pairwise(handled_at_pong)]
    assert len(handled_at_pong) >= 10, handled_at_pong
    # Between two pongs the flooder had at most a few turns, each of FRAMES_PER_TURN.
    assert max(gaps) <= 4 * FRAMES_PER_TURN, handled_at_pong
    assert [c.command_id for c in commands] == [f"b-{n}" for n in range(burst)]


# ------------------------------------------------------------------ item 14: connection churn
def socket_wrappers() -> int:
    """QLocalSocket wrappers Python still holds (alive or already deleted on the C++ side)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, QLocalSocket))


def test_a_thousand_connections_leave_no_socket_behind(
    qtbot: QtBot, server: LocalServer, endpoint: Endpoint
) -> None:
    hello = encode_frame(Hello(v=PROTOCOL_VERSION, token=TOKEN, client="churn"))

    def connections(count: int) -> None:
        """Open ``count`` connections, wait until all are welcomed, drop them all."""
        sockets = [QLocalSocket() for _ in range(count)]
        for socket in sockets:
            socket.connectToServer(endpoint.server_name)
            socket.write(hello)
        qtbot.waitUntil(lambda: server.client_count == count, timeout=WAIT_MS)
        for socket in sockets:
            socket.abort()
        qtbot.waitUntil(lambda: not server.client_stats(), timeout=WAIT_MS)

    connections(20)  # warm up: Qt's and PySide's one-time allocations
    before = socket_wrappers()
    for _ in range(20):
        connections(50)
    leaked: list[int] = []

    def none_left() -> bool:
        leaked.append(socket_wrappers() - before)
        return leaked[-1] <= 2

    try:
        qtbot.waitUntil(none_left)
    finally:
        assert leaked[-1] <= 2, f"{leaked[-1]} socket wrappers outlived 1000 connections"
