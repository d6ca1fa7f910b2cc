"""The composition root on real widgets: what the bridge client emits reaches every view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from tests.ui.factories import delta, order, snapshot, ticket, ticket_change


@pytest.fixture
def windows(qtbot: QtBot, tmp_path: Path) -> Iterator[ConsoleWindowSet]:
    made = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=100,
        queues=("deliveries", "payments"),
    )
    qtbot.addWidget(made.window)
    yield made
    made.shutdown()


def test_snapshots_and_deltas_from_the_client_reach_the_store_and_the_queue(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    with qtbot.waitSignal(windows.data_seen, timeout=1000):
        windows.client.snapshot.emit(snapshot([ticket("t1")], [order("o1")]))
    assert set(windows.store.tickets) == {"t1"}
    windows.client.delta.emit(delta(2, ticket_change(ticket("t2"))))
    assert set(windows.store.tickets) == {"t1", "t2"}
    queue = windows.window.queue_view
    assert sorted(queue.visible_ticket_ids()) == ["t1", "t2"]
