"""While catching up, the service gives free heap memory back as it folds (bridge/service.py).

No broker: batches go straight into the service's queue, as the reader thread
would hand them on. The allocator is a fake that counts its trims.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import bridge.service
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.heap import HeapTrimmer
from bridge.paths import DataLayout
from tests.helpers import samples
from tests.helpers.service import in_process_service

TOPICS = Topics()
BATCH = 10


def test_the_heap_is_trimmed_every_so_many_records_until_caught_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bridge.service, "CATCH_UP_TRIM_RECORDS", 2 * BATCH)
    trims: list[int] = []

    def trim(pad: int) -> int:
        trims.append(pad)
        return 1

    layout = DataLayout(tmp_path / "data")
    layout.ensure()
    service = in_process_service(layout, topics=TOPICS, heap=HeapTrimmer(trim=trim))
    offset = 0

    def batch() -> list[RawRecord]:
        nonlocal offset
        records: list[RawRecord] = []
        for _ in range(BATCH):
            opened = samples.ticket_opened(f"T-{offset}", event_id=f"open-{offset}")
            records.append(samples.as_record(opened, topic=TOPICS.tickets, offset=offset))
            offset += 1
        return records

    try:
        for _ in range(5):
            service._records.put(batch())
        service._drain_records(budget_s=None)
        assert len(trims) == 2, "50 records folded while catching up: a trim per 20"
        service._records.put(bridge.service.CAUGHT_UP)
        service._drain_records(budget_s=None)
        assert len(trims) == 3, "and one when caught up"
        for _ in range(5):
            service._records.put(batch())
        service._drain_records(budget_s=None)
        assert len(trims) == 3, "none by count once caught up"
        assert len(service.state.tickets) == 100
    finally:
        service.stop()
        gc.unfreeze()  # what the drain froze while catching up: nothing left for later tests
