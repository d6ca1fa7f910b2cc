"""Eviction rounds on the bridge's Qt thread (bridge/service.py): a slice per turn.

No broker: batches go straight into the service's queue, as the reader thread
would hand them on, and the cache save is completed in place. A round chosen
after a save (itself a pass over the State a slice at a time) moves its entities
to the history file a slice at a time, between drains of the record queue; what
the fold touched or woke up meanwhile stays.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from contextlib import closing
from pathlib import Path

from pytestqt.qtbot import QtBot

from bridge.contract.topics import Topics
from bridge.paths import DataLayout
from bridge.service import BridgeService
from tests.helpers import samples
from tests.helpers.service import in_process_service

TOPICS = Topics()
LONG_AGO = "2024-05-01T10:0{}:00Z"
TICKETS = 30
SLICE = 10


def _service(layout: DataLayout) -> BridgeService:
    return in_process_service(layout, topics=TOPICS, evict_after=dt.timedelta(0), evict_slice=SLICE)


def _closed_tickets(count: int) -> list[dict[str, object]]:
    events = []
    for n in range(count):
        ticket_id, customer = f"T-{n:02d}", {"id": f"c-{n:02d}", "name": f"Customer {n}"}
        events.append(
            samples.ticket_opened(
                ticket_id, event_id=f"{ticket_id}-open", time=LONG_AGO.format(0), customer=customer
            )
        )
        events.append(
            samples.ticket_action(
                "status_changed",
                ticket_id,
                event_id=f"{ticket_id}-closed",
                time=LONG_AGO.format(1),
                status="closed",
            )
        )
    return events


def _archived(layout: DataLayout) -> set[str]:
    with closing(sqlite3.connect(layout.history_db)) as db:
        return {key for (key,) in db.execute("SELECT key FROM archived WHERE kind = 'ticket'")}


def test_a_round_moves_a_slice_per_turn_and_keeps_a_customer_who_wrote_meanwhile(
    qtbot: QtBot, tmp_path: Path
) -> None:
    layout = DataLayout(tmp_path / "data")
    layout.ensure()
    service = _service(layout)
    try:
        events = _closed_tickets(TICKETS)
        records = [
            samples.as_record(e, topic=TOPICS.tickets, offset=n) for n, e in enumerate(events)
        ]
        service._records.put(records)
        service._drain_records(budget_s=None)
        service._begin_save()
        result = service._saver.finish()  # the save, completed in place
        assert result is not None
        assert result.saved
        service._saved(result)  # as when the writer reports it: the round's pass begins
        assert service._eviction is not None
        while not service._eviction.scanned:  # the turns of the pass over the State
            assert len(service.state.tickets) == TICKETS, "the pass moves nothing"
            service._evict_step()
        service._evict_step()  # the round's first slice
        assert len(service.state.tickets) == TICKETS - SLICE, "one slice, then back to the loop"

        # T-29's customer opens a new ticket before the round reaches T-29.
        opened = samples.ticket_opened(
            "T-new", event_id="T-new-open", customer={"id": "c-29", "name": "Customer 29"}
        )
        service._records.put([samples.as_record(opened, topic=TOPICS.tickets, offset=len(events))])
        service._drain_records(budget_s=None)
        qtbot.waitUntil(lambda: service._eviction is None, timeout=5000)
        assert sorted(service.state.tickets) == ["T-29", "T-new"]
    finally:
        service.stop()
        gc.unfreeze()  # what the drain froze while catching up: nothing left for later tests
    assert _archived(layout) == {f"T-{n:02d}" for n in range(TICKETS - 1)}
