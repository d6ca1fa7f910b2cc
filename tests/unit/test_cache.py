"""The state cache round-trips the State and offsets; an unusable file is discarded, never fatal."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.cache import FORMAT_VERSION, StateCache
from bridge.contract import samples
from bridge.contract.topics import Topics
from bridge.fold.reducer import fold_record
from bridge.fold.state import State

TOPICS = Topics()
FINGERPRINT = "|".join(TOPICS.all())
OFFSETS = {(TOPICS.tickets, 0): 7, (TOPICS.tickets, 3): 2, (TOPICS.orders, 1): 4}
SAVED_AT = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def busy_state() -> State:
    """A State with tickets, messages, actions, orders, agents, quarantine and offsets."""
    tickets, orders, agents = TOPICS.tickets, TOPICS.orders, TOPICS.agents
    events = [
        (tickets, samples.ticket_opened("t-2", event_id="e-1")),
        (tickets, samples.ticket_opened("t-1", event_id="e-2", order_id=None)),
        (tickets, samples.ticket_action("claimed", "t-1", event_id="e-3", agent_id="ana")),
        (tickets, samples.message_added("t-1", event_id="e-4", time="2024-05-01T10:20:00Z")),
        (tickets, samples.message_added("t-1", event_id="e-5", internal=True)),
        (orders, samples.order_placed("o-1", event_id="e-6", total_cents=1200)),
        (orders, samples.order_event("delivered", "o-1", event_id="e-7")),
        (agents, samples.presence("ana", event_id="e-8", role="supervisor")),
        (tickets, samples.message_added("t-9", event_id="e-9")),  # unknown ticket: quarantined
    ]
    state = State()
    for offset, (topic, event) in enumerate(events):
        fold_record(state, samples.as_record(event, topic=topic, offset=offset), TOPICS)
    return state


def new_cache(path: Path) -> StateCache:
    return StateCache(path, clock=lambda: SAVED_AT)


def test_round_trip_keeps_state_offsets_and_order(tmp_path: Path) -> None:
    state = busy_state()
    assert state.tickets["t-1"].messages
    assert state.quarantined
    assert new_cache(tmp_path / "cache.sqlite").save(state, OFFSETS, FINGERPRINT)
    loaded = new_cache(tmp_path / "cache.sqlite").load(FINGERPRINT)
    assert loaded is not None
    assert loaded.state == state
    assert list(loaded.state.tickets) == list(state.tickets)  # snapshot order survives
    assert loaded.offsets == OFFSETS
    assert loaded.saved_at == "2024-05-01T12:00:00.000Z"


def test_missing_file_is_no_cache_and_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert new_cache(tmp_path / "cache.sqlite").load(FINGERPRINT) is None
    assert not caplog.records


def test_incremental_saves_track_changes_additions_and_new_files(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    state = busy_state()
    assert cache.save(state, OFFSETS, FINGERPRINT)
    state.tickets["t-1"].status = "resolved"
    fold_record(
        state,
        samples.as_record(
            samples.ticket_opened("t-3", event_id="e-10"), topic=TOPICS.tickets, offset=20
        ),
        TOPICS,
    )
    assert cache.save(state, {(TOPICS.tickets, 0): 21}, FINGERPRINT)
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert loaded.state == state
    assert loaded.offsets == {(TOPICS.tickets, 0): 21}
    # The file vanished behind the cache's back: the next save writes everything again.
    path.unlink()
    assert cache.save(state, OFFSETS, FINGERPRINT)
    again = new_cache(path).load(FINGERPRINT)
    assert again is not None
    assert again.state == state


def test_a_loaded_cache_saves_incrementally_onto_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    assert new_cache(path).save(busy_state(), OFFSETS, FINGERPRINT)
    resumed = new_cache(path)
    loaded = resumed.load(FINGERPRINT)
    assert loaded is not None
    loaded.state.tickets["t-2"].priority = "urgent"
    assert resumed.save(loaded.state, OFFSETS, FINGERPRINT)
    final = new_cache(path).load(FINGERPRINT)
    assert final is not None
    assert final.state == loaded.state
    assert final.state.tickets["t-2"].priority == "urgent"


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot sqlite at all" * 500)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _sql(statement: str) -> Callable[[Path], None]:
    def corrupt(path: Path) -> None:
        db = sqlite3.connect(path)
        try:
            db.execute(statement)
            db.commit()
        finally:
            db.close()

    return corrupt


CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage bytes": (_garbage, "cannot be read"),
    "truncated": (_truncated, "cannot be read"),
    "empty file named like the cache": (_empty, "format version 0"),
    "older format": (_sql("PRAGMA user_version = 0"), "format version 0"),
    "newer format": (_sql(f"PRAGMA user_version = {FORMAT_VERSION + 1}"), "format version 2"),
    "state does not decode": (_sql("UPDATE meta SET rest = x'c1c2c3'"), "does not decode"),
    "state of the wrong shape": (
        _sql("UPDATE meta SET rest = x'93010203'"),  # a msgpack array, not a State map
        "does not decode",
    ),
    "a ticket does not decode": (
        _sql("UPDATE entities SET value = x'a3616263' WHERE kind = 'ticket'"),
        "does not decode",
    ),
    "tables dropped": (_sql("DROP TABLE entities"), "cannot be read"),
}


@pytest.mark.parametrize("case", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_unusable_cache_is_discarded_with_a_warning_and_the_next_save_works(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    corrupt, expected = CORRUPTIONS[case]
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    state = busy_state()
    assert cache.save(state, OFFSETS, FINGERPRINT)
    corrupt(path)
    with caplog.at_level(logging.WARNING, logger="bridge.cache"):
        assert new_cache(path).load(FINGERPRINT) is None
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert expected in record.getMessage()
    assert "discarding it, the state is rebuilt from the log" in record.getMessage()
    assert not path.exists()
    # The same instance (which believes the file holds its last save) writes a whole new one.
    assert cache.save(state, OFFSETS, FINGERPRINT)
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert loaded.state == state


def test_other_topics_fingerprint_is_discarded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    assert new_cache(path).save(busy_state(), OFFSETS, FINGERPRINT)
    with caplog.at_level(logging.WARNING, logger="bridge.cache"):
        assert new_cache(path).load("demo.orders|demo.tickets|demo.agents") is None
    [record] = caplog.records
    assert "folded from other topics" in record.getMessage()
    assert "demo.orders|demo.tickets|demo.agents" in record.getMessage()
    assert not path.exists()


def test_saving_over_a_garbage_file_replaces_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    _garbage(path)
    with caplog.at_level(logging.WARNING, logger="bridge.cache"):
        assert new_cache(path).save(busy_state(), OFFSETS, FINGERPRINT)
    assert "discarding it" in caplog.records[0].getMessage()
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert loaded.state == busy_state()


def test_a_save_that_cannot_write_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "missing-dir" / "cache.sqlite"
    with caplog.at_level(logging.WARNING, logger="bridge.cache"):
        assert not new_cache(path).save(busy_state(), OFFSETS, FINGERPRINT)
    assert "not saved" in caplog.records[-1].getMessage()
