"""A console connects to a bridge holding many open tickets and orders, and shows them all.

The real LocalServer streams its snapshot in pages (smaller than in production,
so that there are many) to the real BridgeClient, feeding the whole console
(``ConsoleWindowSet``: store, queue model and views on real widgets). The
window stays responsive while it loads: a heartbeat timer keeps firing. Changes
made while the pages are still being sent, including to entities already sent
and not yet sent, reach the console in the deltas after the snapshot's end: it
ends up holding exactly the bridge's state.

The full 100k + 100k is measured in ``tests/perf/bench_snapshot.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint
from bridge.wire.protocol import Change, SnapshotPage
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from tests.helpers.entities import ticket
from tests.helpers.large_state import LargeState

TOKEN = "large-snapshot-token"
SIZE = int(os.environ.get("ATP_TEST_SNAPSHOT_SIZE", "20000"))  # tickets, and as many orders
PAGE_BYTES = 64 * 1024  # production: 1 MiB; smaller pages, so many of them
LOAD_MS = 120_000


@pytest.fixture
def windows(qtbot: QtBot, tmp_path: Path) -> Iterator[ConsoleWindowSet]:
    made = ConsoleWindowSet(
        BridgeClient("large-snapshot-test"),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=500,
        queues=("deliveries", "payments"),
    )
    qtbot.addWidget(made.window)
    made.window.resize(1200, 800)
    made.window.show()  # a shown window repaints only the rows on screen, as for the agent
    qtbot.waitExposed(made.window)
    yield made
    made.shutdown()


def test_a_console_shows_every_open_ticket_of_a_large_bridge_and_stays_responsive(
    qtbot: QtBot, endpoint: Endpoint, windows: ConsoleWindowSet
) -> None:
    state = LargeState(SIZE)
    server = LocalServer(endpoint, TOKEN, state, lambda _c: None, snapshot_page_bytes=PAGE_BYTES)
    server.start()
    heartbeats = 0

    def beat() -> None:
        nonlocal heartbeats
        heartbeats += 1

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    pages: list[int] = []
    changed_during_the_stream = False

    def on_page(page: SnapshotPage) -> None:
        nonlocal changed_during_the_stream
        pages.append(len(page.tickets) + len(page.orders) + len(page.agents))
        if changed_during_the_stream or not page.tickets:
            return
        changed_during_the_stream = True
        # The bridge's fold changes entities in place: one already sent, one not yet sent.
        first, last = state.tickets["t000000"], state.tickets[f"t{SIZE - 1:06d}"]
        first.status = last.status = "pending"
        added = ticket("t-new", queue="deliveries")
        state.tickets["t-new"] = added
        del state.tickets["t000001"]
        server.publish(
            [
                Change(kind="ticket", key=first.ticket_id, ticket=first),
                Change(kind="ticket", key=last.ticket_id, ticket=last),
                Change(kind="ticket", key="t-new", ticket=added),
                Change(kind="ticket", key="t000001"),
            ]
        )

    client = windows.client
    client.snapshot_page.connect(on_page)
    model = windows.window.queue_model
    try:
        heartbeat.start()
        client.connect_to(endpoint.server_name, TOKEN)
        qtbot.waitUntil(
            lambda: windows.store.seq == server.seq and changed_during_the_stream,
            timeout=LOAD_MS,
        )
        heartbeat.stop()
        assert len(pages) > 50  # it really came in many pages
        assert heartbeats > 0  # the event loop kept turning during the load
        assert model.rowCount() == SIZE  # SIZE + "t-new" - "t000001"
        assert windows.store.loading is None
        held = {tid: msgspec.to_builtins(t) for tid, t in windows.store.tickets.items()}
        assert held == {tid: msgspec.to_builtins(t) for tid, t in state.tickets.items()}
        assert windows.store.tickets["t000000"].status == "pending"
        assert len(windows.store.orders) == SIZE
        assert model.row_of("t-new") is not None
        assert model.row_of("t000001") is None
    finally:
        heartbeat.stop()
        client.close()
        server.close()
