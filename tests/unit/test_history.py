"""The history file keeps evicted entities across restarts and refuses a damaged row."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from bridge.fold.archive import ArchiveEntry, bring_back, evict
from bridge.fold.state import State
from bridge.history import HistoryError, HistoryStore, KeyFilter
from tests.helpers.entities import message, order, ticket


def _closed(ticket_id: str, customer_id: str) -> ArchiveEntry:
    entity = ticket(ticket_id, status="closed", customer_id=customer_id, messages=[message("e1")])
    return ArchiveEntry("ticket", ticket_id, customer_id, entity, ["e0", "e1"])


def test_entries_come_back_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    store = HistoryStore(path)
    delivered = order("o-1", ("placed", "delivered"), customer_id="c-1")
    store.put(
        [
            _closed("t-1", "c-1"),
            _closed("t-2", "c-2"),
            ArchiveEntry("order", "o-1", "c-1", delivered, ["o-1-0", "o-1-1"]),
        ]
    )
    generation = store.generation
    store.close()
    again = HistoryStore(path)
    assert again.generation == generation
    entry = again.get("ticket", "t-1")
    assert entry is not None
    assert entry.entity == _closed("t-1", "c-1").entity
    assert entry.event_ids == ["e0", "e1"]
    assert again.get("ticket", "t-9") is None
    assert again.keys_of_customer("c-1") == [("order", "o-1"), ("ticket", "t-1")]
    assert again.customer_history("c-1") == [delivered, entry.entity]
    assert again.count() == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_newer_copy_replaces_the_older(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    store.put([_closed("t-1", "c-1")])
    newer = ticket("t-1", status="closed", customer_id="c-1", subject="Reopened, closed again")
    store.put([ArchiveEntry("ticket", "t-1", "c-1", newer, [])])
    entry = store.get("ticket", "t-1")
    assert entry is not None
    assert entry.entity == newer
    assert store.count() == 1


def test_clear_forgets_everything_and_starts_a_new_generation(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    store.put([_closed("t-1", "c-1")])
    before = store.generation
    store.clear()
    assert store.count() == 0
    assert store.generation != before


def test_a_row_edited_behind_the_bridges_back_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    store = HistoryStore(path)
    store.put([_closed("t-1", "c-1")])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE archived SET customer_id = 'c-2'")
    with pytest.raises(HistoryError, match="checksum"):
        store.get("ticket", "t-1")


@pytest.mark.allow_log("bridge.history", "WARNING", match="unusable")
def test_a_file_that_is_not_a_history_is_replaced_with_a_new_generation(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    store = HistoryStore(path)
    assert store.count() == 0
    store.put([_closed("t-1", "c-1")])
    assert store.get("ticket", "t-1") is not None


def test_evicting_into_the_file_and_bringing_back(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    closed = ticket("t-1", status="closed", customer_id="c-1", messages=[message("e1")])
    state = State(tickets={"t-1": closed}, applied_event_ids=dict.fromkeys(["e1", "x"]))
    assert evict(state, store, [("ticket", "t-1")]) == [("ticket", "t-1")]
    assert (state.tickets, state.archive) == ({}, store.generation)
    assert state.applied_event_ids.keys() == {"x"}
    assert bring_back(state, store, "ticket", "t-1")
    assert state.tickets["t-1"] == closed
    assert state.applied_event_ids.keys() == {"e1", "x"}


def test_the_key_filter_holds_every_key_added_and_few_others() -> None:
    keys = KeyFilter()
    added = [f"ticket:t-{n}" for n in range(20_000)]
    for key in added:
        keys.add(key)
    assert all(keys.might_hold(key) for key in added)
    others = sum(keys.might_hold(f"ticket:x-{n}") for n in range(20_000))
    assert others < 20, "a few false positives at most, at this size"


def test_an_empty_filter_holds_nothing_until_a_key_is_added() -> None:
    keys = KeyFilter()
    before = (keys.empty, keys.might_hold("ticket:t-1"))
    keys.add("ticket:t-1")
    assert before == (True, False)
    assert (keys.empty, keys.might_hold("ticket:t-1")) == (False, True)
    stored = KeyFilter(keys.bits)
    assert not stored.empty
    assert stored.might_hold("ticket:t-1")
    assert KeyFilter(KeyFilter().bits).empty


def test_a_reopened_history_finds_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    store = HistoryStore(path)
    assert store.get("ticket", "t-1") is None
    store.put([_closed("t-1", "c-1")])
    store.close()
    again = HistoryStore(path)
    assert again.get("ticket", "t-1") is not None
    assert again.keys_of_customer("c-1") == [("ticket", "t-1")]


def test_a_lost_filter_is_rebuilt_from_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    store = HistoryStore(path)
    store.put([_closed("t-1", "c-1")])
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET filter = NULL")
    again = HistoryStore(path)
    assert again.get("ticket", "t-1") is not None
    assert again.keys_of_customer("c-1") == [("ticket", "t-1")]
    assert again.get("ticket", "t-2") is None
