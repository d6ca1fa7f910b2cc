"""A real bridge process killed with commands in flight."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from bridge.contract.topics import Topics
from bridge.wire.endpoint import Endpoint
from bridge.wire.protocol import FINAL_COMMAND_STATES, Claim, Command, CommandOutcome
from console.bridge_client import BridgeClient
from tests.e2e.bridge_process import BridgeProcess
from tests.e2e.conftest import EventProducer
from tests.helpers import samples

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


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
