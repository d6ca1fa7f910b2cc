"""The bridge's local server and the console's BridgeClient over real local sockets.

Raw clients (a QLocalSocket plus the framing decoder) send exactly the bytes a
test wants, malformed ones included; the server is the real LocalServer. A raw
client adds up each streamed snapshot (begin, pages, end) to one StateSnapshot
in ``messages``; ``stream`` keeps the frames as they came.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint
from bridge.wire.framing import (
    client_message_decoder,
    encode_frame,
    frame_header,
)
from bridge.wire.protocol import (
    MAX_CLIENT_FRAME,
    MAX_HELLO_FRAME,
    PROTOCOL_VERSION,
    Claim,
    Command,
    CommandOutcome,
    DeltaBatch,
    Hello,
    Note,
    Ping,
    Pong,
    StateSnapshot,
    Welcome,
)
from console.bridge_client import BridgeClient
from tests.helpers.local_server import (
    STATUS,
    TOKEN,
    WAIT_MS,
    MemoryState,
    RawClient,
    Recorder,
    raw_frame,
    raw_frame_bytes,
    stats_of,
    ticket,
    ticket_change,
    wait_seq,
    welcomed,
)
from tests.helpers.protocol import snapshot_frames


@pytest.fixture
def state() -> MemoryState:
    return MemoryState()


@pytest.fixture
def commands() -> list[Command]:
    return []


ServerFactory = Callable[..., LocalServer]


@pytest.fixture
def make_server(
    qtbot: QtBot, endpoint: Endpoint, state: MemoryState, commands: list[Command]
) -> Iterator[ServerFactory]:
    made: list[LocalServer] = []

    def make(**options: Any) -> LocalServer:
        server = LocalServer(endpoint, TOKEN, state, commands.append, **options)
        server.start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


@pytest.fixture
def server(make_server: ServerFactory) -> LocalServer:
    return make_server()


# ------------------------------------------------------------------ endpoint and auth
def test_socket_and_token_are_owner_only(server: LocalServer, endpoint: Endpoint) -> None:
    assert endpoint.read_token() == TOKEN
    if os.name == "posix":
        directory = endpoint.token_file.parent
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE(endpoint.token_file.stat().st_mode) == 0o600
        assert Path(endpoint.server_name).parent == directory
        assert stat.S_ISSOCK(Path(endpoint.server_name).stat().st_mode)
    server.close()
    assert not endpoint.token_file.exists()


@pytest.mark.parametrize("token", ["", "wrong-token", TOKEN + "x"])
def test_missing_or_wrong_token_is_refused(
    server: LocalServer, clients: Callable[..., RawClient], token: str
) -> None:
    client = clients()
    client.hello(token)
    assert client.error().code == "bad_token"
    assert not client.of(Welcome)
    assert not client.of(StateSnapshot)
    assert server.client_count == 0


def test_right_token_gets_welcome_then_snapshot(
    server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    client = welcomed(clients)
    welcome, snapshot = client.messages[:2]
    assert isinstance(welcome, Welcome)
    assert welcome == Welcome(
        v=PROTOCOL_VERSION, bridge_version=welcome.bridge_version, session=server.session
    )
    assert isinstance(snapshot, StateSnapshot)
    assert snapshot.seq == 0
    assert snapshot.session == server.session
    assert snapshot.tickets == list(state.tickets.values())
    assert snapshot.status == STATUS
    assert server.client_count == 1


def test_wrong_version_is_refused(server: LocalServer, clients: Callable[..., RawClient]) -> None:
    client = clients()
    client.hello(v=PROTOCOL_VERSION + 1)
    assert client.error().code == "bad_version"


def test_first_frame_must_be_hello(server: LocalServer, clients: Callable[..., RawClient]) -> None:
    client = clients()
    client.send(encode_frame(Ping(nonce=1)))
    assert client.error().code == "not_hello"


def test_silent_connection_is_closed_after_the_hello_deadline(
    make_server: ServerFactory, clients: Callable[..., RawClient]
) -> None:
    make_server(hello_timeout_ms=300)
    client = clients()
    assert client.error().code == "timeout"


def test_token_file_is_what_a_client_reads(
    make_server: ServerFactory, endpoint: Endpoint, clients: Callable[..., RawClient]
) -> None:
    make_server()
    client = clients()
    client.hello(endpoint.read_token())
    client.wait_for(lambda: bool(client.of(StateSnapshot)))


# ------------------------------------------------------------------ deltas
def test_several_clients_get_the_same_consecutive_batches(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    many = [welcomed(clients) for _ in range(4)]
    assert server.client_count == 4
    for n in range(1, 6):
        state.change(server, ticket_change(f"T-{n}"))
        wait_seq(qtbot, server, n)
    for client in many:
        client.wait_deltas(5)
        assert [d.seq for d in client.deltas()] == [1, 2, 3, 4, 5]
        assert [d.changes[0].key for d in client.deltas()] == [f"T-{n}" for n in range(1, 6)]


def test_changes_are_coalesced_per_entity_within_a_batch(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    client = welcomed(clients)
    for n in range(10):  # no event loop turn in between: one coalescing window
        state.change(server, ticket_change("T-1", subject=f"v{n}"), ticket_change(f"T-{n + 10}"))
    server.publish([], STATUS)
    client.wait_for(lambda: len(client.deltas()) == 1)
    (batch,) = client.deltas()
    assert batch.seq == 1
    assert batch.status == STATUS
    by_key = {c.key: c for c in batch.changes}
    assert len(batch.changes) == len(by_key) == 11
    assert by_key["T-1"].ticket is not None
    assert by_key["T-1"].ticket.subject == "v9"  # the last value won
    state.change(server, ticket_change("T-1", subject="later"))
    client.wait_for(lambda: len(client.deltas()) == 2)
    assert client.deltas()[1].seq == 2


def test_a_change_reaches_an_idle_console_at_once_not_after_the_coalescing_window(
    make_server: ServerFactory, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    server = make_server(coalesce_ms=60_000)  # a batch that waited for the window: a minute
    client = welcomed(clients)
    state.change(server, ticket_change("T-1"))
    client.wait_for(lambda: len(client.deltas()) == 1)
    state.change(server, ticket_change("T-2"))
    client.wait_for(lambda: len(client.deltas()) == 2)
    assert [[c.key for c in d.changes] for d in client.deltas()] == [["T-1"], ["T-2"]]


def test_changes_coalesce_while_a_console_has_not_taken_the_previous_frame(
    qtbot: QtBot,
    make_server: ServerFactory,
    clients: Callable[..., RawClient],
    state: MemoryState,
) -> None:
    server = make_server(coalesce_ms=1000)
    reader = welcomed(clients)
    stalled = welcomed(clients, read_buffer=1024)
    state.change(server, ticket_change("T-big", body="x" * 2_000_000))  # fills the stalled one
    reader.wait_for(lambda: len(reader.deltas()) == 1)
    assert next(s for s in server.client_stats() if s.client == "raw" and s.backlog_bytes)
    state.change(server, ticket_change("T-2"))
    QCoreApplication.processEvents()  # an event-loop turn between the two changes
    state.change(server, ticket_change("T-3"))
    reader.wait_for(lambda: len(reader.deltas()) == 2)
    assert sorted(c.key for c in reader.deltas()[1].changes) == ["T-2", "T-3"]
    assert stalled.socket.isOpen()


def test_coalesced_changes_go_out_as_soon_as_the_previous_frame_has_left(
    make_server: ServerFactory, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    server = make_server(coalesce_ms=60_000)  # waiting for the window: a minute
    slow = welcomed(clients, read_buffer=1024)  # takes nothing until it reads again
    slow.wait_for(lambda: server.client_count == 1)
    state.change(server, ticket_change("T-big", body="x" * 2_000_000))
    slow.wait_for(lambda: server.seq == 1)
    assert server.client_stats()[0].backlog_bytes > 0  # the frame has not left yet
    state.change(server, ticket_change("T-2"))  # waits behind it
    slow.socket.setReadBufferSize(0)
    slow.reading = True
    slow.read()  # the console reads again: the frame leaves, then the next batch goes
    slow.wait_for(lambda: len(slow.deltas()) == 2)
    assert [c.key for c in slow.deltas()[1].changes] == ["T-2"]


def test_while_every_console_is_busy_changes_coalesce_until_one_takes_them(
    make_server: ServerFactory, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    server = make_server(coalesce_ms=0)  # the window ends on every turn
    slow = welcomed(clients, read_buffer=1024)  # takes nothing until it reads again
    slow.wait_for(lambda: server.client_count == 1)
    state.change(server, ticket_change("T-big", body="x" * 2_000_000))
    slow.wait_for(lambda: server.seq == 1)
    for n in range(20):  # a turn between changes: a batch each, had they gone out
        state.change(server, ticket_change(f"T-{n % 5}", subject=str(n)))
        QCoreApplication.processEvents()
    assert server.seq == 1  # nothing queued behind the frame it has not taken
    slow.socket.setReadBufferSize(0)
    slow.reading = True
    slow.read()
    slow.wait_for(lambda: len(slow.deltas()) == 2)
    (stats,) = server.client_stats()
    assert not stats.needs_snapshot
    assert stats.batches_dropped == 0
    latest = slow.deltas()[1]
    assert {c.key: c.ticket.subject for c in latest.changes if c.ticket} == {
        f"T-{n}": str(15 + n) for n in range(5)
    }


def test_a_burst_larger_than_the_backlog_bound_reaches_a_reading_console_whole(
    make_server: ServerFactory, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    """A catch-up's burst: one pending batch of 1,000 entities, 8x the backlog bound.

    As one frame it would exceed the bound at once and the console, though it
    reads, would be sent a snapshot instead; in bounded batches it takes them all.
    """
    bound = 256 * 1024
    server = make_server(max_client_backlog_bytes=bound, batch_entities=100)
    reader = welcomed(clients, name="reader")
    body = "x" * 2 * 1024
    state.change(server, *(ticket_change(f"T-{n}", subject=str(n), body=body) for n in range(1000)))
    reader.wait_for(lambda: server.seq == 10 and len(reader.deltas()) == 10)
    assert [len(d.changes) for d in reader.deltas()] == [100] * 10
    keys = [c.key for d in reader.deltas() for c in d.changes]
    assert keys == [f"T-{n}" for n in range(1000)]  # every entity once, oldest first
    stats = stats_of(server, "reader")
    assert not stats.needs_snapshot
    assert stats.batches_dropped == 0
    assert len(reader.of(StateSnapshot)) == 1  # the first one only
    assert all(len(encode_frame(d)) < bound for d in reader.deltas())


def test_ping_is_answered(server: LocalServer, clients: Callable[..., RawClient]) -> None:
    client = welcomed(clients)
    client.send(encode_frame(Ping(nonce=41)) + encode_frame(Ping(nonce=42)))
    client.wait_for(lambda: len(client.of(Pong)) == 2)
    assert client.of(Pong) == [Pong(nonce=41), Pong(nonce=42)]


# ------------------------------------------------------------------ resume
def test_resume_gets_exactly_the_missed_batches(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    first = welcomed(clients)
    welcomed(clients, name="another")  # stays: batches go out while the first is away
    for n in range(1, 3):
        state.change(server, ticket_change(f"T-{n}"))
        wait_seq(qtbot, server, n)
    first.wait_for(lambda: len(first.deltas()) == 2)
    first.close()
    qtbot.waitUntil(lambda: server.client_count == 1, timeout=WAIT_MS)
    for n in range(3, 6):  # the console is away
        state.change(server, ticket_change(f"T-{n}"))
        wait_seq(qtbot, server, n)
    again = clients()
    again.hello(session=server.session, seq=2)
    again.wait_for(lambda: len(again.deltas()) == 3)
    assert isinstance(again.messages[0], Welcome)
    assert again.messages[0].resumed
    assert not again.of(StateSnapshot)
    assert [d.seq for d in again.deltas()] == [3, 4, 5]
    state.change(server, ticket_change("T-6"))  # and it goes on live
    again.wait_for(lambda: len(again.deltas()) == 4)
    assert again.deltas()[-1].seq == 6


def test_with_no_console_changes_wait_in_one_batch_for_the_next_to_resume(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    first = welcomed(clients)
    state.change(server, ticket_change("T-1"))
    first.wait_for(lambda: len(first.deltas()) == 1)
    first.close()
    qtbot.waitUntil(lambda: server.client_count == 0, timeout=WAIT_MS)
    for n in (3, 4, 3, 5):  # nobody listens: nothing is encoded, the last value wins
        state.change(server, ticket_change(f"T-{n}"))
    assert server.seq == 1
    again = clients()
    again.hello(session=server.session, seq=1)
    again.wait_for(lambda: len(again.deltas()) == 1)
    assert isinstance(again.messages[0], Welcome)
    assert again.messages[0].resumed
    assert not again.of(StateSnapshot)
    (missed,) = again.deltas()
    assert missed.seq == 2
    assert [c.key for c in missed.changes] == ["T-4", "T-3", "T-5"]


def test_with_no_console_too_many_changes_make_the_next_one_take_a_snapshot(
    qtbot: QtBot,
    make_server: ServerFactory,
    clients: Callable[..., RawClient],
    state: MemoryState,
) -> None:
    server = make_server(idle_pending=3)
    first = welcomed(clients)
    state.change(server, ticket_change("T-1"))
    first.wait_for(lambda: len(first.deltas()) == 1)
    first.close()
    qtbot.waitUntil(lambda: server.client_count == 0, timeout=WAIT_MS)
    for n in range(2, 7):  # more than idle_pending entities wait: they are dropped
        state.change(server, ticket_change(f"T-{n}"))
    again = clients()
    again.hello(session=server.session, seq=1)
    again.wait_for(lambda: bool(again.of(StateSnapshot)))
    welcome, snapshot = again.messages[:2]
    assert isinstance(welcome, Welcome)
    assert not welcome.resumed
    assert isinstance(snapshot, StateSnapshot)
    assert {t.ticket_id for t in snapshot.tickets} == {f"T-{n}" for n in range(1, 7)}
    assert not again.deltas()


def test_resume_at_the_current_seq_sends_nothing_but_welcome(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    welcomed(clients, name="watcher")  # batches go out as they are published
    state.change(server, ticket_change("T-2"))
    wait_seq(qtbot, server, 1)
    client = clients()
    client.hello(session=server.session, seq=1)
    client.send(encode_frame(Ping(nonce=1)))  # the Pong marks the end of what was sent
    client.wait_for(lambda: bool(client.of(Pong)))
    assert [type(m) for m in client.messages] == [Welcome, Pong]


@pytest.mark.parametrize("case", ["too_old", "other_session", "future_seq"])
def test_resume_that_cannot_be_served_gets_a_snapshot(
    qtbot: QtBot,
    make_server: ServerFactory,
    clients: Callable[..., RawClient],
    state: MemoryState,
    case: str,
) -> None:
    server = make_server(history=2)
    welcomed(clients, name="watcher")  # batches go out as they are published
    for n in range(1, 6):
        state.change(server, ticket_change(f"T-{n}"))
        wait_seq(qtbot, server, n)
    client = clients()
    session, seq = {
        "too_old": (server.session, 1),
        "other_session": ("another", 4),
        "future_seq": (server.session, 9),
    }[case]
    client.hello(session=session, seq=seq)
    client.wait_for(lambda: bool(client.of(StateSnapshot)))
    welcome, snapshot = client.messages[:2]
    assert isinstance(welcome, Welcome)
    assert not welcome.resumed
    assert isinstance(snapshot, StateSnapshot)
    assert snapshot.seq == 5
    assert {t.ticket_id for t in snapshot.tickets} == {f"T-{n}" for n in range(1, 6)}


def test_snapshot_includes_pending_changes_and_deltas_continue_after_it(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    watcher = welcomed(clients)
    state.change(server, ticket_change("T-9"))  # pending, not flushed yet
    late = welcomed(clients)
    snapshot = late.of(StateSnapshot)[0]
    assert "T-9" in {t.ticket_id for t in snapshot.tickets}
    watcher.wait_for(lambda: len(watcher.deltas()) == 1)
    assert snapshot.seq == watcher.deltas()[0].seq == 1  # flushed before the snapshot
    state.change(server, ticket_change("T-10"))
    late.wait_for(lambda: len(late.deltas()) == 1)
    assert late.deltas()[0].seq == 2


# ------------------------------------------------------------------ bad input
DEEP = b"\x91" * 3000 + b"\xc0"  # [[[...[nil]...]]]: 3000 levels in 3 kB (msgspec recurses)


BAD_INPUT = {
    "garbage": (b"GET / HTTP/1.1\r\n\r\n", "too_large", False),
    "not_messagepack": (frame_header(4) + b"\xc1\xc1\xc1\xc1", "bad_frame", False),
    "truncated_messagepack": (frame_header(3) + b"\x82\xa1t", "bad_frame", False),
    "oversized_hello_header": (frame_header(MAX_HELLO_FRAME + 1), "too_large", False),
    "oversized_header": (frame_header(MAX_CLIENT_FRAME + 1), "too_large", True),
    "bridge_message_type": (
        encode_frame(Welcome(v=1, bridge_version="x", session="s")),
        "bad_message",
        False,
    ),
    "field_of_wrong_type": (
        raw_frame({"t": "command", "command_id": 7, "action": {"t": "claim", "ticket_id": "T"}}),
        "bad_message",
        True,
    ),
    "command_without_id": (
        raw_frame({"t": "command", "action": {"t": "claim", "ticket_id": "T"}}),
        "bad_message",
        True,
    ),
    "deep_nesting_before_hello": (
        raw_frame_bytes(b"\x83\xa1t\xa5hello\xa1v\x01\xa1x" + DEEP),
        "bad_message",
        False,
    ),
    "deep_nesting_in_an_unknown_field": (
        raw_frame_bytes(b"\x83\xa1t\xa4ping\xa5nonce\x01\xa1x" + DEEP),
        "bad_message",
        True,
    ),
    "deep_nesting_in_an_action": (
        raw_frame_bytes(b"\x83\xa1t\xa7command\xaacommand_id\xa1c\xa6action" + DEEP),
        "bad_message",
        True,
    ),
    "second_hello": (
        encode_frame(Hello(v=PROTOCOL_VERSION, token=TOKEN, client="again")),
        "bad_message",
        True,
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_closes_only_that_connection(
    *,
    qtbot: QtBot,
    server: LocalServer,
    clients: Callable[..., RawClient],
    state: MemoryState,
    commands: list[Command],
    case: str,
) -> None:
    data, code, after_hello = BAD_INPUT[case]
    good = welcomed(clients)
    bad = welcomed(clients) if after_hello else clients()
    bad.send(data)
    error = bad.error()
    assert error.code == code, error
    assert not commands
    qtbot.waitUntil(lambda: server.client_count == 1, timeout=WAIT_MS)
    state.change(server, ticket_change("T-2"))
    good.wait_for(lambda: len(good.deltas()) == 1)
    assert not good.closed
    good.send(encode_frame(Ping(nonce=5)))
    good.wait_for(lambda: bool(good.of(Pong)))


def test_frame_with_field_of_wrong_type_is_a_bad_message(
    server: LocalServer, clients: Callable[..., RawClient]
) -> None:
    bad = welcomed(clients)
    bad.send(raw_frame({"t": "ping", "nonce": "one"}))
    assert bad.error().code == "bad_message"


# ------------------------------------------------------------------ commands
def test_commands_reach_the_handler_and_outcomes_reach_every_console(
    qtbot: QtBot, server: LocalServer, clients: Callable[..., RawClient], commands: list[Command]
) -> None:
    sender, other = welcomed(clients), welcomed(clients)
    command = Command(command_id="cmd-1", action=Claim(ticket_id="T-1"))
    sender.send(encode_frame(command))
    qtbot.waitUntil(lambda: commands == [command], timeout=WAIT_MS)
    outcome = CommandOutcome(command_id="cmd-1", state="queued", ticket_id="T-1")
    server.send_outcome(outcome)
    for client in (sender, other):
        client.wait_count(CommandOutcome, 1)
        assert client.of(CommandOutcome) == [outcome]


@pytest.mark.allow_log("bridge.server.server", "ERROR", match="command handler failed")
def test_a_failing_handler_answers_invalid_and_the_server_goes_on(
    qtbot: QtBot, endpoint: Endpoint, state: MemoryState, clients: Callable[..., RawClient]
) -> None:
    def explode(command: Command) -> None:
        raise RuntimeError("boom")

    server = LocalServer(endpoint, TOKEN, state, explode)
    server.start()
    try:
        client = welcomed(clients)
        client.send(encode_frame(Command(command_id="c-9", action=Claim(ticket_id="T-1"))))
        client.wait_for(lambda: bool(client.of(CommandOutcome)))
        assert client.of(CommandOutcome)[0].state == "invalid"
        client.send(encode_frame(Ping(nonce=1)))
        client.wait_for(lambda: bool(client.of(Pong)))
    finally:
        server.close()


# ------------------------------------------------------------------ slow clients
@pytest.mark.allow_log("bridge.server.session", "WARNING", match="slow local client")
def test_a_client_that_stops_reading_stays_bounded_and_gets_a_snapshot_later(
    qtbot: QtBot, make_server: ServerFactory, clients: Callable[..., RawClient], state: MemoryState
) -> None:
    bound = 256 * 1024
    server = make_server(max_client_backlog_bytes=bound, coalesce_ms=5)
    fast = welcomed(clients, name="fast")
    stalled = welcomed(clients, read_buffer=1024, name="stalled")
    qtbot.waitUntil(lambda: server.client_count == 2, timeout=WAIT_MS)
    snapshot_size = len(encode_frame(fast.of(StateSnapshot)[0]))  # the same state
    body = "x" * 32 * 1024
    batches = 120  # ~4 MiB in all, 16x the bound
    peak = 0
    for n in range(1, batches + 1):
        state.change(server, ticket_change(f"T-{n % 7}", subject=str(n), body=body))
        wait_seq(qtbot, server, n)
        stuck = stats_of(server, "stalled")
        peak = max(peak, stuck.backlog_bytes)
        assert stuck.backlog_bytes <= bound + snapshot_size, stuck
        fast.wait_deltas(n)
    assert [d.seq for d in fast.deltas()] == list(range(1, batches + 1))
    stuck = stats_of(server, "stalled")
    assert stuck.needs_snapshot
    assert stuck.batches_dropped > 0
    assert peak > bound // 2  # it really was backed up
    # It reads again: what it missed is replaced by a fresh snapshot, then deltas go on.
    stalled.socket.setReadBufferSize(0)
    stalled.reading = True
    stalled.read()
    stalled.wait_for(lambda: len(stalled.of(StateSnapshot)) == 2)
    latest = stalled.of(StateSnapshot)[1]
    assert latest.seq == server.seq
    assert {t.ticket_id: t.subject for t in latest.tickets} == {
        t.ticket_id: t.subject for t in state.tickets.values()
    }
    state.change(server, ticket_change("T-1", subject="after"))
    stalled.wait_for(lambda: bool(stalled.deltas()) and stalled.deltas()[-1].seq == latest.seq + 1)
    seqs = [d.seq for d in stalled.deltas()]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert not stalled.closed


# ------------------------------------------------------------------ the console's client


def test_bridge_client_resumes_after_the_server_comes_back(
    *,
    qtbot: QtBot,
    endpoint: Endpoint,
    server: LocalServer,
    state: MemoryState,
    console: BridgeClient,
    commands: list[Command],
) -> None:
    seen = Recorder(console)
    console.connect_to(endpoint.server_name, endpoint.read_token)
    qtbot.waitUntil(lambda: len(seen.of("snapshot")) == 1, timeout=WAIT_MS)
    state.change(server, ticket_change("T-2"))
    qtbot.waitUntil(lambda: seen.delta_seqs() == [1], timeout=WAIT_MS)

    server.close()  # the bridge goes away ...
    qtbot.waitUntil(lambda: bool(seen.of("disconnected")), timeout=WAIT_MS)
    assert not console.is_connected
    state.change(server, ticket_change("T-3"))  # wait in one batch: nobody listens
    state.change(server, ticket_change("T-4"))
    command = Command(command_id="offline-1", action=Claim(ticket_id="T-3"))
    assert console.send_command(command)  # kept while disconnected
    assert console.pending_commands == 1

    server.start()  # ... and comes back with the same session
    qtbot.waitUntil(lambda: seen.delta_seqs() == [1, 2], timeout=WAIT_MS)
    assert len(seen.of("snapshot")) == 1  # resumed: no second snapshot
    assert console.last_seq == 2
    qtbot.waitUntil(lambda: commands == [command], timeout=WAIT_MS)
    server.send_outcome(CommandOutcome(command_id="offline-1", state="queued"))
    qtbot.waitUntil(lambda: len(seen.of("outcome")) == 1, timeout=WAIT_MS)
    assert console.pending_commands == 1  # kept until a final outcome
    server.send_outcome(CommandOutcome(command_id="offline-1", state="confirmed"))
    qtbot.waitUntil(lambda: console.pending_commands == 0, timeout=WAIT_MS)
    assert not seen.of("error")


@pytest.mark.allow_log("console.bridge_client", "WARNING", match="out of step")
def test_bridge_client_out_of_step_gets_a_fresh_snapshot_instead_of_resuming(
    *,
    qtbot: QtBot,
    endpoint: Endpoint,
    server: LocalServer,
    state: MemoryState,
    console: BridgeClient,
) -> None:
    # a delta whose list tails do not fit what the view state holds: resuming would keep
    # the console wrong, only a whole state mends it
    seen = Recorder(console)
    console.connect_to(endpoint.server_name, endpoint.read_token)
    qtbot.waitUntil(lambda: len(seen.of("snapshot")) == 1, timeout=WAIT_MS)
    state.change(server, ticket_change("T-2"))
    qtbot.waitUntil(lambda: seen.delta_seqs() == [1], timeout=WAIT_MS)
    console.resync("ticket T-2: its lists start at entry 3, the console holds 1")
    qtbot.waitUntil(lambda: len(seen.of("snapshot")) == 2, timeout=WAIT_MS)
    latest = seen.of("snapshot")[1]
    assert isinstance(latest, StateSnapshot)
    assert latest.seq == 1
    assert "T-2" in {t.ticket_id for t in latest.tickets}
    assert console.last_seq == 1


def test_bridge_client_gets_a_snapshot_from_a_new_bridge(
    qtbot: QtBot,
    endpoint: Endpoint,
    state: MemoryState,
    console: BridgeClient,
    commands: list[Command],
) -> None:
    seen = Recorder(console)
    first = LocalServer(endpoint, TOKEN, state, commands.append)
    first.start()
    console.connect_to(endpoint.server_name, endpoint.read_token)
    qtbot.waitUntil(lambda: len(seen.of("snapshot")) == 1, timeout=WAIT_MS)
    first.close()
    state.tickets["T-7"] = ticket("T-7")
    second = LocalServer(endpoint, "a-new-token", state, commands.append)  # a restarted bridge
    second.start()
    try:
        qtbot.waitUntil(lambda: len(seen.of("snapshot")) == 2, timeout=WAIT_MS)
        latest = seen.of("snapshot")[1]
        assert isinstance(latest, StateSnapshot)
        assert latest.session == second.session != first.session
        assert "T-7" in {t.ticket_id for t in latest.tickets}
        assert console.session == second.session
    finally:
        second.close()


def test_bridge_client_reports_a_wrong_token_and_keeps_trying(
    qtbot: QtBot, endpoint: Endpoint, server: LocalServer, console: BridgeClient
) -> None:
    seen = Recorder(console)
    console.connect_to(endpoint.server_name, "not-the-token")
    qtbot.waitUntil(lambda: len(seen.of("error")) >= 2, timeout=WAIT_MS)
    assert all(str(e).startswith("bad_token") for e in seen.of("error"))
    assert not seen.of("connected")


@pytest.mark.allow_log("console.bridge_client", "WARNING", match="protocol error")
def test_bridge_client_resyncs_on_a_gap(qtbot: QtBot, endpoint: Endpoint) -> None:
    """A hand-written bridge skips seq 2: the client reconnects and resumes from 1."""
    endpoint.prepare()
    fake = QLocalServer()
    QLocalServer.removeServer(endpoint.server_name)
    assert fake.listen(endpoint.server_name)
    hellos: list[Hello] = []
    sockets: list[QLocalSocket] = []

    def serve() -> None:
        socket = fake.nextPendingConnection()
        sockets.append(socket)
        decoder = client_message_decoder(4096)

        def on_read() -> None:
            decoder.feed(socket.readAll().data())
            while (message := decoder.pop()) is not None:
                assert isinstance(message, Hello)
                hellos.append(message)
                frames = [
                    encode_frame(Welcome(v=PROTOCOL_VERSION, bridge_version="fake", session="S"))
                ]
                if len(hellos) == 1:
                    snapshot = StateSnapshot(
                        session="S", seq=0, tickets=[], orders=[], agents=[], status=STATUS
                    )
                    frames += [
                        snapshot_frames(snapshot),
                        encode_frame(DeltaBatch(seq=1, changes=[])),
                        encode_frame(DeltaBatch(seq=3, changes=[])),
                    ]
                socket.write(b"".join(frames))

        socket.readyRead.connect(on_read)

    fake.newConnection.connect(serve)
    client = BridgeClient(min_backoff_ms=50)
    seen = Recorder(client)
    try:
        client.connect_to(endpoint.server_name, TOKEN)
        qtbot.waitUntil(lambda: len(hellos) == 2, timeout=WAIT_MS)
        assert seen.delta_seqs() == [1]
        assert any("gap" in str(e) for e in seen.of("error"))
        assert (hellos[1].resume_session, hellos[1].resume_from_seq) == ("S", 1)
        qtbot.waitUntil(lambda: client.is_connected, timeout=WAIT_MS)
    finally:
        client.close()
        fake.close()


def test_bridge_client_keeps_a_bounded_number_of_unanswered_commands(qtbot: QtBot) -> None:
    client = BridgeClient(max_pending_commands=2)
    claim = Claim(ticket_id="T-1")
    assert client.send_command(Command(command_id="a", action=claim))
    assert client.send_command(Command(command_id="b", action=claim))
    assert not client.send_command(Command(command_id="c", action=claim))
    assert client.send_command(Command(command_id="a", action=claim))  # a resend, not a new one
    assert client.pending_commands == 2
    huge = Command(command_id="d", action=Note(ticket_id="T-1", body="x" * MAX_CLIENT_FRAME))
    with pytest.raises(ValueError, match="exceeds"):
        client.send_command(huge)


def test_bridge_client_notices_a_bridge_that_hangs_with_its_socket_open(
    qtbot: QtBot, endpoint: Endpoint
) -> None:
    """A hand-written bridge welcomes the console, then never says anything again."""
    endpoint.prepare()
    hung = QLocalServer()
    QLocalServer.removeServer(endpoint.server_name)
    assert hung.listen(endpoint.server_name)
    sockets: list[QLocalSocket] = []

    def serve() -> None:
        socket = hung.nextPendingConnection()
        sockets.append(socket)
        snapshot = StateSnapshot(
            session="S", seq=0, tickets=[], orders=[], agents=[], status=STATUS
        )
        socket.write(
            encode_frame(Welcome(v=PROTOCOL_VERSION, bridge_version="hung", session="S"))
            + snapshot_frames(snapshot)
        )

    hung.newConnection.connect(serve)
    client = BridgeClient(ping_interval_ms=50, silence_timeout_ms=300)
    try:
        client.connect_to(endpoint.server_name, TOKEN)
        qtbot.waitUntil(lambda: client.is_connected, timeout=WAIT_MS)
        with qtbot.waitSignal(client.disconnected, timeout=WAIT_MS) as lost:
            pass
        assert lost.args == ["the bridge stopped answering"]
    finally:
        client.close()
        hung.close()


def test_bridge_client_stays_connected_to_a_live_bridge_past_the_silence_timeout(
    qtbot: QtBot, server: LocalServer, endpoint: Endpoint
) -> None:
    client = BridgeClient(ping_interval_ms=50, silence_timeout_ms=300)
    drops: list[str] = []
    client.disconnected.connect(drops.append)
    try:
        client.connect_to(endpoint.server_name, TOKEN)
        qtbot.waitUntil(lambda: client.is_connected, timeout=WAIT_MS)
        qtbot.wait(1000)  # three silence timeouts with nothing published: pongs keep it alive
        assert drops == []
        assert client.is_connected
    finally:
        client.close()
