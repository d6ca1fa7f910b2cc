"""The state cache round-trips the State and offsets (whole or only what changed); an unusable
file is discarded, never fatal."""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from bridge import cache as cache_module
from bridge.cache import FORMAT_VERSION, StateCache, UnsavedChanges
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.archive import MemoryArchive, evict
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from tests.helpers import samples
from tests.helpers.small_disk import fill, free_up, small_disk

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


def _ticket_that_does_not_decode(path: Path) -> None:
    """A row with a right checksum but a value that is not a Ticket (a bug of a writer)."""
    value = bytes.fromhex("a3616263")
    crc = cache_module._crc("ticket", "t-2", value)
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE entities SET value = ?, crc = ? WHERE key = 't-2'", (value, crc))
        db.commit()


def _flip_first(needle: bytes, replacement: bytes) -> Callable[[Path], None]:
    """Change bytes inside the file itself, as a bad sector or a stray write would."""

    def flip(path: Path) -> None:
        data = path.read_bytes()
        at = data.index(needle)
        path.write_bytes(data[:at] + replacement + data[at + len(needle) :])

    return flip


CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage bytes": (_garbage, "cannot be read"),
    "truncated": (_truncated, "cannot be read"),
    "empty file named like the cache": (_empty, "format version 0"),
    "older format": (_sql("PRAGMA user_version = 0"), "format version 0"),
    "newer format": (
        _sql(f"PRAGMA user_version = {FORMAT_VERSION + 1}"),
        f"format version {FORMAT_VERSION + 1}",
    ),
    "state altered": (_sql("UPDATE meta SET rest = x'c1c2c3'"), "meta row fails its checksum"),
    "a ticket altered": (
        _sql("UPDATE entities SET value = x'a3616263' WHERE kind = 'ticket'"),
        "ticket 't-2' fails its checksum",
    ),
    "one byte of a stored string flipped": (
        _flip_first(b"On its way.", b"On its wax."),
        "fails its checksum",
    ),
    "an event id segment altered": (
        _sql("UPDATE applied_ids SET ids = x'91a3652d31'"),
        "a segment of event ids fails its checksum",
    ),
    "a ticket does not decode": (_ticket_that_does_not_decode, "does not decode"),
    "an offset altered": (
        _sql("UPDATE offsets SET next_offset = next_offset + 1"),
        "fails its checksum",
    ),
    "tables dropped": (_sql("DROP TABLE entities"), "cannot be read"),
}


@pytest.mark.parametrize("case", CORRUPTIONS, ids=list(CORRUPTIONS))
@pytest.mark.allow_log("bridge.cache", "WARNING")  # asserted through caplog
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


@pytest.mark.allow_log("bridge.cache", "WARNING")  # asserted through caplog
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


@pytest.mark.allow_log("bridge.cache", "WARNING", match="set aside as")
def test_a_cache_set_aside_is_kept_owner_only_with_its_newest_copies(tmp_path: Path) -> None:
    path = tmp_path / "state-cache.sqlite"
    state = busy_state()
    times = iter(SAVED_AT + dt.timedelta(minutes=n) for n in range(10))
    cache = StateCache(path, clock=lambda: next(times))
    kept = []
    for _ in range(4):
        assert cache.save(state, OFFSETS, FINGERPRINT)
        kept.append(cache.set_aside("the log was reset", keep=3))
        assert not path.exists()
    assert kept[0] is not None
    assert re.fullmatch(r"state-cache\.reset-20240501T12\d{10}Z\.sqlite", kept[0].name)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        copy.name for copy in kept[1:] if copy is not None
    )  # the oldest went, with nothing of it left behind
    assert kept[3] is not None
    assert kept[3].stat().st_mode & 0o777 == 0o600
    loaded = new_cache(kept[3]).load(FINGERPRINT)  # a whole cache, for support to read
    assert loaded is not None
    assert loaded.state == state
    assert cache.save(state, OFFSETS, FINGERPRINT)  # then a new file, written whole
    assert new_cache(path).load(FINGERPRINT) is not None
    assert cache.set_aside("no file") is not None
    assert cache.set_aside("no file") is None


@pytest.mark.allow_log("bridge.cache", "WARNING")  # asserted through caplog
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


@pytest.mark.allow_log("bridge.cache", "WARNING")  # asserted through caplog
def test_a_save_that_cannot_write_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "missing-dir" / "cache.sqlite"
    with caplog.at_level(logging.WARNING, logger="bridge.cache"):
        assert not new_cache(path).save(busy_state(), OFFSETS, FINGERPRINT)
    assert "not saved" in caplog.records[-1].getMessage()


# ---------------------------------------------------------------------- saves given what changed
class Log:
    """Folds records into a live State, remembering what the fold touched (as the bridge does)."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.unsaved = UnsavedChanges()
        self.records: list[RawRecord] = []
        self._offsets: dict[str, int] = {
            TOPICS.tickets: 100,
            TOPICS.orders: 100,
            TOPICS.agents: 100,
        }

    def fold(self, topic: str, event: dict[str, object] | None, key: str = "") -> None:
        """Fold ``event`` (``None``: a tombstone for ``key``) as the next record of ``topic``."""
        offset = self._offsets[topic]
        self._offsets[topic] = offset + 1
        if event is None:
            record = RawRecord(
                topic=topic, partition=0, offset=offset, key=key.encode(), value=None
            )
        else:
            record = samples.as_record(event, topic=topic, offset=offset)
        self.refold(record)

    def refold(self, record: RawRecord) -> None:
        """Fold ``record`` (again, when it is a redelivery)."""
        self.records.append(record)
        self.unsaved.note(fold_record(self.state, record, TOPICS))

    def save(self, cache: StateCache) -> None:
        """Save with the touched keys, as ``BridgeService._save_cache`` does."""
        assert cache.save(self.state, OFFSETS, FINGERPRINT, changed=self.unsaved.keys)
        self.unsaved.clear()


def assert_loads_as(path: Path, state: State) -> None:
    """A fresh cache loads exactly ``state``, in the same order."""
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert loaded.state == state
    assert list(loaded.state.tickets) == list(state.tickets)
    assert list(loaded.state.orders) == list(state.orders)
    assert list(loaded.state.agents) == list(state.agents)


def test_a_save_given_what_changed_loads_as_the_live_state(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(busy_state())
    assert cache.save(log.state, OFFSETS, FINGERPRINT)
    before = set(log.state.applied_event_ids)
    tickets, orders, agents = TOPICS.tickets, TOPICS.orders, TOPICS.agents
    log.fold(agents, samples.presence("bea", event_id="n-1"))
    log.fold(agents, None, key="ana")  # tombstone: ana's presence is removed
    log.fold(tickets, samples.ticket_opened("t-3", event_id="n-2"))
    log.fold(tickets, samples.message_added("t-1", event_id="n-3", body="Later."))
    log.fold(tickets, samples.ticket_action("claimed", "t-1", event_id="n-4", agent_id="bea"))
    log.fold(orders, samples.order_placed("o-2", event_id="n-5"))
    log.fold(orders, samples.order_event("paid", "o-2", event_id="n-6"))
    log.fold(tickets, samples.message_added("t-404", event_id="n-7"))  # unknown: quarantined
    assert "ana" not in log.state.agents
    assert log.state.tickets["t-1"].assignee == "ana"  # n-4 was rejected, yet its id is applied
    log.save(cache)
    assert_loads_as(path, log.state)
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert "ana" not in loaded.state.agents
    assert loaded.state.applied_event_ids.keys() - before == {f"n-{n}" for n in range(1, 8)}
    assert loaded.state.quarantined[-1].event_id == "n-7"


def test_an_entity_changed_but_not_listed_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(busy_state())
    assert cache.save(log.state, OFFSETS, FINGERPRINT)
    log.state.tickets["t-2"].priority = "urgent"  # behind the fold's back: not listed
    log.fold(TOPICS.tickets, samples.message_added("t-1", event_id="n-1", body="Listed."))
    log.save(cache)
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert loaded.state.tickets["t-1"] == log.state.tickets["t-1"]
    assert loaded.state.tickets["t-1"].messages[-1].body == "Listed."
    assert loaded.state.tickets["t-2"].priority == "normal"  # the fast path wrote only t-1
    # Without ``changed`` the save compares every entity and finds t-2.
    assert cache.save(log.state, OFFSETS, FINGERPRINT)
    assert_loads_as(path, log.state)


def test_applied_ids_are_written_without_being_listed_in_changed(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(busy_state())
    assert cache.save(log.state, OFFSETS, FINGERPRINT)
    log.fold(TOPICS.tickets, samples.message_added("t-1", event_id="n-1"))
    log.fold(TOPICS.tickets, samples.message_added("t-2", event_id="n-2"))
    only_entities = [(kind, key) for kind, key in log.unsaved.keys or () if kind != "event_id"]
    assert cache.save(log.state, OFFSETS, FINGERPRINT, changed=only_entities)
    assert_loads_as(path, log.state)
    assert cache.id_segments.segments == 2  # appended after the first save's, not rewritten


def test_a_file_written_by_another_instance_is_written_whole_despite_changed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite"
    log = Log(busy_state())
    assert new_cache(path).save(log.state, OFFSETS, FINGERPRINT)
    log.fold(TOPICS.tickets, samples.message_added("t-1", event_id="n-1"))
    log.state.tickets["t-2"].priority = "urgent"  # not listed, yet written: the file is not ours
    log.save(new_cache(path))
    assert_loads_as(path, log.state)


def test_unknown_kinds_of_change_are_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown kinds of change"):
        new_cache(tmp_path / "c.sqlite").save(
            busy_state(), OFFSETS, FINGERPRINT, changed=[("customer", "c-1")]
        )


def test_unsaved_changes_past_their_limit_ask_for_a_comparing_save(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(busy_state())
    log.unsaved = UnsavedChanges(limit=1)
    assert cache.save(log.state, OFFSETS, FINGERPRINT)
    log.fold(TOPICS.tickets, samples.message_added("t-1", event_id="n-1"))
    tracked = log.unsaved.keys
    assert tracked == {("ticket", "t-1")}
    log.fold(TOPICS.tickets, samples.message_added("t-2", event_id="n-2"))
    too_many = log.unsaved.keys
    assert too_many is None
    log.save(cache)
    assert_loads_as(path, log.state)
    assert log.unsaved.keys == set()


def test_event_id_segments_are_merged_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "ID_SEGMENT_LIMIT", 3)
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(busy_state())
    assert cache.save(log.state, OFFSETS, FINGERPRINT)
    counts = []
    for n in range(6):
        log.fold(TOPICS.tickets, samples.message_added("t-1", event_id=f"n-{n}"))
        log.save(cache)
        with closing(sqlite3.connect(path)) as db:
            counts.append(db.execute("SELECT count(*) FROM applied_ids").fetchone()[0])
    assert counts == [2, 3, 1, 2, 3, 1]
    assert_loads_as(path, log.state)


def random_record(log: Log, rng: random.Random, n: int, tickets: list[str]) -> None:
    """Fold one random record: any event kind, rejections, tombstones, redeliveries, junk."""
    event_id, ticket, agent = f"e-{n}", rng.choice(tickets), rng.choice("abc")
    order = f"o-{rng.randrange(n // 10 + 1)}"
    step = rng.randrange(11)
    if step == 0:
        tickets.append(f"t-{n}")
        log.fold(TOPICS.tickets, samples.ticket_opened(f"t-{n}", event_id=event_id))
    elif step == 1:
        log.fold(TOPICS.orders, samples.order_placed(f"o-{n // 10}", event_id=event_id))
    elif step == 2:
        log.fold(TOPICS.tickets, samples.message_added(ticket, event_id=event_id))
    elif step == 3:
        kind = rng.choice(["claimed", "released"])  # often rejected
        log.fold(TOPICS.tickets, samples.ticket_action(kind, ticket, event_id=event_id))
    elif step == 4:
        status = rng.choice(["dispatched", "delayed", "delivered", "cancelled"])
        log.fold(TOPICS.orders, samples.order_event(status, order, event_id=event_id))
    elif step == 5:
        log.fold(TOPICS.agents, samples.presence(agent, event_id=event_id))
    elif step == 6:
        log.fold(TOPICS.agents, None, key=agent)
    elif step == 7:
        log.refold(rng.choice(log.records))  # redelivered at its offset
    elif step == 8:  # a producer retry: an earlier event id again at a new offset
        log.fold(TOPICS.tickets, samples.message_added(ticket, event_id=f"e-{n // 2}"))
    elif step == 9:  # an unknown ticket: quarantined, its id applied
        log.fold(TOPICS.tickets, samples.message_added(f"t-x{n}", event_id=event_id))
    else:
        log.refold(RawRecord(TOPICS.tickets, 0, 10_000 + n, b"t-0", b"{not json"))


@pytest.mark.parametrize("seed", range(6))
def test_saving_what_the_fold_touched_keeps_the_cache_equal_to_the_live_state(
    tmp_path: Path, seed: int
) -> None:
    """Random traffic, saved every few records as the bridge does; each save loads as live."""
    rng = random.Random(seed)
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(State())
    tickets = ["t-0"]
    log.fold(TOPICS.tickets, samples.ticket_opened("t-0", event_id="e-t-0"))
    saves = 0
    for n in range(400):
        random_record(log, rng, n, tickets)
        if rng.randrange(8) == 0:
            log.save(cache)
            saves += 1
            assert_loads_as(path, log.state)
    log.save(cache)
    assert_loads_as(path, log.state)
    assert saves > 20
    assert len(log.state.agents) < 3  # some tombstones stuck
    assert len(log.state.orders) > 5


@pytest.mark.allow_log("bridge.cache", "WARNING", match="the disk is full")
def test_a_full_disk_keeps_the_cache_and_saving_resumes_when_space_returns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with small_disk(tmp_path / "disk", size="2m") as disk:
        path = disk / "cache.sqlite"
        cache = new_cache(path)
        state = busy_state()
        assert cache.save(state, OFFSETS, FINGERPRINT)
        fill(disk)
        for i in range(200):  # a bigger state than the disk has room for
            opened = samples.ticket_opened(f"t-big-{i}", event_id=f"big-{i}", body="x" * 2000)
            fold_record(
                state, samples.as_record(opened, topic=TOPICS.tickets, offset=100 + i), TOPICS
            )
        with caplog.at_level(logging.WARNING, logger="bridge.cache"):
            assert not cache.save(state, OFFSETS, FINGERPRINT)
            assert not cache.save(state, OFFSETS, FINGERPRINT)
        full_then = cache.disk_full
        assert full_then
        assert [r.getMessage() for r in caplog.records if "discard" in r.getMessage()] == []
        assert len([r for r in caplog.records if "the disk is full" in r.getMessage()]) == 1
        assert path.exists()

        free_up(disk)
        kept = new_cache(path).load(FINGERPRINT)
        assert kept is not None  # the last good save was kept, not deleted
        assert kept.state == busy_state()
        assert cache.save(state, OFFSETS, FINGERPRINT)
        assert not cache.disk_full
        loaded = new_cache(path).load(FINGERPRINT)
        assert loaded is not None
        assert loaded.state == state


def test_after_an_eviction_the_next_save_drops_the_rows_and_the_event_ids(tmp_path: Path) -> None:
    """Entities moved to the history file leave the cache, their event ids too."""
    path = tmp_path / "cache.sqlite"
    cache = new_cache(path)
    log = Log(busy_state())
    log.save(cache)
    moved = evict(log.state, MemoryArchive(), [("order", "o-1")])
    assert moved == [("order", "o-1")]
    log.unsaved.note_keys(moved)
    cache.ids_removed()
    for n in range(3):  # more new ids than were dropped
        log.fold(TOPICS.tickets, samples.message_added("t-1", event_id=f"n-{n}"))
    log.save(cache)
    assert_loads_as(path, log.state)
    loaded = new_cache(path).load(FINGERPRINT)
    assert loaded is not None
    assert "o-1" not in loaded.state.orders
    assert {"e-6", "e-7"}.isdisjoint(loaded.state.applied_event_ids)
    assert loaded.state.archive == "memory"
