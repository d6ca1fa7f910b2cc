"""The bridge's drain of read records into the fold, on the Qt thread (bridge/service.py).

No broker: batches go straight into the service's queue, as the reader thread
would hand them on. A drain that runs over its budget returns to the event loop
(where the consoles' sockets are served) and continues on a later turn.
"""

from __future__ import annotations

import gc
from pathlib import Path

from pytestqt.qtbot import QtBot

from bridge.contract.topics import Topics
from bridge.paths import DataLayout
from bridge.service import CAUGHT_UP, BridgeService
from tests.helpers import samples
from tests.helpers.service import in_process_service

TOPICS = Topics()


def _service(data_dir: Path) -> BridgeService:
    layout = DataLayout(data_dir)
    layout.ensure()
    return in_process_service(layout, topics=TOPICS)


def test_a_drain_over_its_budget_returns_to_the_event_loop_before_it_continues(
    qtbot: QtBot, tmp_path: Path
) -> None:
    service = _service(tmp_path / "data")
    try:
        for n in range(3):
            opened = samples.ticket_opened(f"T-{n}", event_id=f"open-{n}")
            service._records.put([samples.as_record(opened, topic=TOPICS.tickets, offset=n)])
        service._drain_records(budget_s=0.0)  # over budget after its first batch
        assert list(service.state.tickets) == ["T-0"]  # the rest waits for the next turn
        qtbot.waitUntil(lambda: len(service.state.tickets) == 3, timeout=5000)
        assert service.state.next_offsets == {TOPICS.tickets: {0: 3}}
    finally:
        service.stop()
        gc.unfreeze()  # what the drain froze while catching up: nothing left for later tests


def test_the_collector_is_paused_while_catching_up_and_runs_once_caught_up(
    tmp_path: Path,
) -> None:
    """Catching up, the fold makes no cyclic garbage: the collector only traverses new state."""
    service = _service(tmp_path / "data")
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    def drain_opening(first: int, count_: int) -> list[int]:
        records = [
            samples.as_record(
                samples.ticket_opened(f"T-{n}", event_id=f"open-{n}"),
                topic=TOPICS.tickets,
                offset=n,
            )
            for n in range(first, first + count_)
        ]
        service._records.put(records)
        collections.clear()
        gc.callbacks.append(count)
        try:
            service._drain_records(budget_s=None)
        finally:
            gc.callbacks.remove(count)
        return list(collections)

    try:
        assert gc.isenabled()
        assert drain_opening(0, 500) == [], "no collection while catching up"
        assert gc.isenabled(), "enabled again between drains"
        service._records.put(CAUGHT_UP)
        assert drain_opening(500, 500) != [], "collections as usual once caught up"
    finally:
        service.stop()
        gc.unfreeze()  # what the drain froze while catching up: nothing left for later tests
