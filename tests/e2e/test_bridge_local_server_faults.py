"""A real bridge process: deafened by fd exhaustion, and killed with commands in flight."""

from __future__ import annotations

import contextlib
import resource
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bridge.contract.topics import Topics
from bridge.wire.endpoint import Endpoint
from bridge.wire.protocol import FINAL_COMMAND_STATES, Claim, Command, CommandOutcome
from console.bridge_client import BridgeClient
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

FD_HEADROOM = 6  # file descriptors the bridge may open beyond what it holds when limited


def open_fds(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())


@contextlib.contextmanager
def fd_limit(pid: int, soft: int) -> Iterator[None]:
    """Lower a running process's RLIMIT_NOFILE soft limit; restore it afterwards."""
    old = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, old[1]))
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            resource.prlimit(pid, resource.RLIMIT_NOFILE, old)


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s} s")
        time.sleep(0.05)  # polling a condition another process makes true


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts fds through /proc")
def test_the_bridge_listens_again_after_running_out_of_file_descriptors(
    bridges: Callable[..., BridgeProcess],
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    assert bridge.process is not None
    pid = bridge.process.pid
    path = Path(Endpoint.for_data_dir(bridge.data_dir).server_name)
    held: list[socket.socket] = []
    try:
        with fd_limit(pid, open_fds(pid) + FD_HEADROOM):
            # Each accepted connection takes one of the bridge's few fds; then accept fails.
            deadline = time.monotonic() + 20
            while path.exists():
                assert time.monotonic() < deadline, "the bridge never ran out of fds"
                connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    connection.connect(str(path))
                except (FileNotFoundError, ConnectionRefusedError):
                    connection.close()
                    break
                held.append(connection)
            wait_for(
                lambda: any("stopped listening" in line for line in bridge.log_tail),
                10,
                "the bridge did not log that it stopped listening",
            )
            for connection in held:  # the fds come free when the bridge sees the hang-ups
                connection.close()
            held.clear()
            wait_for(path.exists, 10, "the bridge did not listen again")
            snapshot = bridge.snapshot()  # a console gets in, while the limit still holds
            assert snapshot.status.agent.agent_id == "ana"
        assert any("listens again" in line for line in bridge.log_tail)
        assert bridge.process.poll() is None
    finally:
        for connection in held:
            connection.close()


def test_every_command_gets_its_final_outcome_across_a_bridge_kill(
    qtbot: QtBot,
    topics: Topics,
    bridges: Callable[..., BridgeProcess],
    produce: EventProducer,
) -> None:
    """Commands queued, the bridge SIGKILLed, its verdicts given while the console was away."""
    tickets = [f"t-kill-{n}" for n in range(24)]
    for ticket_id in tickets:
        opened = samples.ticket_opened(ticket_id, event_id=f"open-{ticket_id}")
        produce.event(topics.tickets, opened)
    produce.flush()
    bridge = bridges("ana", "Ana Quispe")
    bridge.wait_until(lambda mirror: len(mirror.tickets) == len(tickets))
    endpoint = Endpoint.for_data_dir(bridge.data_dir)
    console = BridgeClient("e2e-console", min_backoff_ms=50, max_backoff_ms=200)
    finals: dict[str, CommandOutcome] = {}
    console.outcome.connect(
        lambda o: finals.setdefault(o.command_id, o) if o.state in FINAL_COMMAND_STATES else None
    )
    queued: set[str] = set()
    console.outcome.connect(lambda o: queued.add(o.command_id) if o.state == "queued" else None)
    commands = [Command(command_id=f"claim-{t}", action=Claim(ticket_id=t)) for t in tickets]
    try:
        console.connect_to(endpoint.server_name, endpoint.read_token)
        qtbot.waitUntil(lambda: console.is_connected, timeout=10_000)
        for command in commands:
            assert console.send_command(command)
        qtbot.waitUntil(lambda: len(queued) == len(commands), timeout=10_000)
        bridge.kill()
        console.close()  # away while the bridge restarts and the log gives its verdicts
        bridge.start()
        bridge.wait_until(lambda mirror: mirror.status.outbox_pending == 0)
        assert console.pending_commands == len(commands) - len(finals)
        console.connect_to(endpoint.server_name, endpoint.read_token)
        qtbot.waitUntil(lambda: console.pending_commands == 0, timeout=20_000)
    finally:
        console.close()
    assert set(finals) == {c.command_id for c in commands}
    assert {o.state for o in finals.values()} == {"confirmed"}
