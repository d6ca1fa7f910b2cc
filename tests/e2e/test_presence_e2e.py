"""The agent's own presence over the real broker: away in one console, seen in another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bridge.wire.endpoint import Endpoint
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from tests.helpers.bridge_process import BridgeProcess

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.slow,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]
WAIT_MS = 30_000


@pytest.fixture
def consoles(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[Path], ConsoleWindowSet]]:
    made: list[ConsoleWindowSet] = []

    def make(data_dir: Path) -> ConsoleWindowSet:
        windows = ConsoleWindowSet(
            BridgeClient(),
            drafts_dir=tmp_path / f"drafts-{len(made)}",
            canned_language="es",
            order_feed_limit=500,
            queues=("deliveries",),
        )
        qtbot.addWidget(windows.window)
        endpoint = Endpoint.for_data_dir(data_dir)
        windows.client.connect_to(endpoint.server_name, endpoint.read_token)
        made.append(windows)
        return windows

    yield make
    for windows in made:
        windows.shutdown()


def _status_of(windows: ConsoleWindowSet, agent_id: str) -> str:
    presence = windows.store.agents.get(agent_id)
    return "" if presence is None else presence.status


def test_away_chosen_in_the_status_bar_reaches_the_other_agents_and_online_returns(
    qtbot: QtBot,
    bridges: Callable[..., BridgeProcess],
    consoles: Callable[[Path], ConsoleWindowSet],
) -> None:
    ana = consoles(bridges("ana", "Ana Quispe").data_dir)
    beto = consoles(bridges("beto", "Beto Huamán").data_dir)
    qtbot.waitUntil(lambda: _status_of(beto, "ana") == "online", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ana.me is not None, timeout=WAIT_MS)
    ana.presence_button.away_action.trigger()
    qtbot.waitUntil(lambda: _status_of(beto, "ana") == "away", timeout=WAIT_MS)
    # Her own bridge reads her record back from the log too, at its own pace.
    qtbot.waitUntil(lambda: _status_of(ana, "ana") == "away", timeout=WAIT_MS)
    ana.presence_button.online_action.trigger()
    qtbot.waitUntil(lambda: _status_of(beto, "ana") == "online", timeout=WAIT_MS)
