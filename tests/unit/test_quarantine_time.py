"""A quarantined record keeps when the log wrote it (its Kafka timestamp), deterministically."""

from __future__ import annotations

import msgspec

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from tests.helpers import samples

TOPICS = Topics()
STAMP_MS = 1_764_583_200_123  # 2025-12-01T10:00:00.123Z


def test_quarantine_records_the_kafka_time_of_the_record() -> None:
    broken = RawRecord(TOPICS.tickets, 0, 7, b"T1", b"not json", timestamp_ms=STAMP_MS)
    orphan = msgspec.structs.replace(
        samples.as_record(samples.message_added("T9", event_id="m9"), topic=TOPICS.tickets,
                          offset=8),
        timestamp_ms=STAMP_MS + 1000,
    )  # fmt: skip
    unstamped = RawRecord(TOPICS.tickets, 0, 9, b"T1", b"[]")
    state = State()
    for record in (broken, orphan, unstamped):
        assert fold_record(state, record, TOPICS).outcome == "quarantined"
    assert [(q.offset, q.at) for q in state.quarantined] == [
        (7, "2025-12-01T10:00:00.123Z"),
        (8, "2025-12-01T10:00:01.123Z"),  # valid but unknown ticket: judged by the fold
        (9, None),
    ]
