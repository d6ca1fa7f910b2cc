"""Cache saves spread over many turns, written on a thread: each commit is the State of one
moment with that moment's offsets, while the fold goes on between the slices."""

from __future__ import annotations

import random
import threading
import time
import tracemalloc
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import msgspec
import pytest

import bridge.cache as cache_module
from bridge.cache import (
    ID_SEGMENT_SIZE,
    IdSegment,
    Key,
    SaveBuilder,
    SavePart,
    SaveTransaction,
    StateCache,
    UnsavedChanges,
)
from bridge.cache_writer import MAX_PARTS_IN_FLIGHT, BackgroundSaver, SaveResult
from bridge.fold.result import FoldResult
from bridge.fold.state import State
from tests.helpers import samples
from tests.helpers.logfail import ExpectLog
from tests.helpers.small_disk import fill, free_up, small_disk
from tests.unit.test_cache import (
    FINGERPRINT,
    TOPICS,
    Log,
    assert_loads_as,
    busy_state,
    random_record,
)

RESULT_TIMEOUT_S = 30.0


def copy_of(state: State) -> State:
    return msgspec.msgpack.decode(msgspec.msgpack.encode(state), type=State)


def offsets_of(state: State) -> dict[tuple[str, int], int]:
    return {
        (topic, partition): offset
        for topic, partitions in state.next_offsets.items()
        for partition, offset in partitions.items()
    }


class Bridge:
    """The serving thread's side of the saves, as ``BridgeService`` drives them."""

    def __init__(
        self,
        path: Path,
        state: State,
        *,
        slice_s: float = 0.005,
        final_keys: int = 2000,
        max_rounds: int = 8,
    ) -> None:
        self.cache = StateCache(path)
        self.log = Log(state)
        self.woken = threading.Event()
        self.saver = BackgroundSaver(
            self.cache,
            wake=self.woken.set,
            slice_s=slice_s,
            final_keys=final_keys,
            max_rounds=max_rounds,
        )
        self.committed: list[tuple[State, dict[tuple[str, int], int]]] = []

    def offsets(self) -> Mapping[tuple[str, int], int]:
        """The offsets at the commit, remembering the State of that moment."""
        offsets = offsets_of(self.log.state)
        self.committed.append((copy_of(self.log.state), offsets))
        return offsets

    def touched(self) -> Collection[Key] | None:
        return self.log.unsaved.take()

    def begin(self) -> None:
        self.saver.begin(
            self.log.state,
            self.log.unsaved.take(),
            touched=self.touched,
            offsets=self.offsets,
            fingerprint=FINGERPRINT,
        )

    def result(self) -> SaveResult:
        deadline = time.monotonic() + RESULT_TIMEOUT_S
        while True:
            assert self.woken.wait(max(0.0, deadline - time.monotonic())), "no result"
            self.woken.clear()
            result = self.saver.poll()
            if result is not None:
                return result


def assert_file_is(path: Path, state: State, offsets: dict[tuple[str, int], int]) -> None:
    assert_loads_as(path, state)
    loaded = StateCache(path).load(FINGERPRINT)
    assert loaded is not None
    assert loaded.offsets == offsets


class Traffic:
    """Random records folded into a log's State, as the topics would bring them."""

    def __init__(self, log: Log, rng: random.Random) -> None:
        self.log, self.rng = log, rng
        self.tickets = ["t-0"]
        self.count = 0
        log.fold(TOPICS.tickets, samples.ticket_opened("t-0", event_id="e-t-0"))

    def fold(self, count: int) -> None:
        for _ in range(count):
            random_record(self.log, self.rng, self.count, self.tickets)
            self.count += 1


def save_while_folding(bridge: Bridge, between: Callable[[], None]) -> None:
    """Step a save to its commit, calling ``between`` before each step that is not waiting.

    A step that waits (the writer is behind) is retried with no records meanwhile:
    the service retries it 5 ms later, while records come at the log's pace.
    """
    bridge.begin()
    outcome = "more"
    while outcome != "committing":
        if outcome != "waiting":
            between()
        outcome = bridge.saver.step()


@pytest.mark.parametrize("seed", range(4))
def test_the_fold_goes_on_between_slices_and_each_commit_is_one_moment(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    path = tmp_path / "cache.sqlite"
    # One part per step, a commit only once a round found nothing new: many turns.
    bridge = Bridge(path, State(), slice_s=0.0, final_keys=0, max_rounds=4)
    traffic = Traffic(bridge.log, rng)
    moved = 0  # saves during which the fold changed the State
    for _ in range(25):
        traffic.fold(rng.randrange(1, 60))  # between saves
        at_begin = copy_of(bridge.log.state)
        save_while_folding(bridge, lambda: traffic.fold(rng.randrange(0, 4)))
        result = bridge.result()
        assert result.saved, result
        state, offsets = bridge.committed[-1]
        assert_file_is(path, state, offsets)
        moved += state != at_begin
    assert moved > 5
    bridge.saver.close()


def test_a_save_of_many_rows_is_encoded_in_slices(tmp_path: Path) -> None:
    log = Log(State())
    for n in range(3000):
        log.fold(TOPICS.tickets, samples.ticket_opened(f"t-{n}", event_id=f"e-{n}"))
    bridge = Bridge(tmp_path / "cache.sqlite", log.state, slice_s=0.0)
    bridge.log = log
    bridge.begin()
    steps = 1
    while bridge.saver.step() != "committing":
        steps += 1
    assert steps > 10  # a slice that has used its time ends at the next 64 rows
    assert bridge.result().saved
    assert_file_is(tmp_path / "cache.sqlite", *bridge.committed[-1])
    bridge.saver.close()


def drop_ids(state: State, rng: random.Random, count: int) -> None:
    """Drop ids as an eviction does (they leave with the entities they were judged on)."""
    for event_id in rng.sample(
        list(state.applied_event_ids), min(count, len(state.applied_event_ids))
    ):
        del state.applied_event_ids[event_id]


@pytest.mark.parametrize("seed", range(6))
def test_ids_added_and_dropped_while_a_save_runs_load_as_the_states_ids_at_its_commit(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ids are written a segment per step while the fold appends and an eviction drops."""
    monkeypatch.setattr(cache_module, "ID_SEGMENT_SIZE", 7)  # many segments per save
    rng = random.Random(seed)
    path = tmp_path / "cache.sqlite"
    bridge = Bridge(path, State(), slice_s=0.0, final_keys=0, max_rounds=4)
    traffic = Traffic(bridge.log, rng)
    dropped_mid_save = 0

    def fold_and_drop() -> None:
        nonlocal dropped_mid_save
        traffic.fold(rng.randrange(0, 4))
        if rng.random() < 0.2:  # ids dropped while the save is under way
            before = len(bridge.log.state.applied_event_ids)
            drop_ids(bridge.log.state, rng, rng.randrange(1, 4))
            dropped_mid_save += before - len(bridge.log.state.applied_event_ids)

    for save in range(14):
        traffic.fold(rng.randrange(1, 80))
        if save % 3 == 2:  # an eviction round between saves, reported as the service does
            drop_ids(bridge.log.state, rng, rng.randrange(1, 10))
            bridge.cache.ids_removed()
        save_while_folding(bridge, fold_and_drop)
        assert bridge.result().saved
        state, offsets = bridge.committed[-1]
        assert_file_is(path, state, offsets)
        loaded = StateCache(path).load(FINGERPRINT)
        assert loaded is not None
        assert list(loaded.state.applied_event_ids) == list(state.applied_event_ids)
    assert dropped_mid_save > 5
    bridge.saver.close()


def test_a_save_is_done_though_the_fold_appends_ids_faster_than_it_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round writes the ids there were when it began; later ones wait for the commit."""
    monkeypatch.setattr(cache_module, "ID_SEGMENT_SIZE", 7)
    log = Log(State())
    log.state.applied_event_ids.update(dict.fromkeys(f"x-{n}" for n in range(70)))
    cache = StateCache(tmp_path / "cache.sqlite")
    builder = SaveBuilder(log.state, None, cache.id_segments)
    appended = 70
    for _ in range(100):  # each turn the fold appends two segments' worth of ids
        if builder.done:
            break
        builder.parts(0.0)
        log.state.applied_event_ids.update(dict.fromkeys(f"x-{appended + n}" for n in range(14)))
        appended += 14
    assert builder.done
    parts, _ = builder.finish({}, FINGERPRINT)
    written = [
        event_id
        for part in parts
        if isinstance(part, IdSegment)
        for event_id in msgspec.msgpack.decode(part.blob, type=list[str])
    ]
    assert written[-1] == f"x-{appended - 1}"  # the commit writes the rest
    assert builder.ids_after.covered == appended


def test_a_save_of_everything_never_copies_the_event_ids_in_one_piece(tmp_path: Path) -> None:
    """A copy of the ids is a pointer (8 bytes) per id; no turn of the save holds half of one."""
    count = 600_000
    log = Log(busy_state())
    log.state.applied_event_ids.update(dict.fromkeys(f"x-{n}" for n in range(count)))
    bridge = Bridge(tmp_path / "cache.sqlite", log.state, slice_s=0.0)
    bridge.log = log
    peaks: list[int] = []
    tracemalloc.start()
    try:
        builder = SaveBuilder(log.state, None, bridge.cache.id_segments)
        peaks.append(tracemalloc.get_traced_memory()[1])
        while not builder.done:
            tracemalloc.reset_peak()
            parts = builder.parts(0.0)
            peaks.append(tracemalloc.get_traced_memory()[1])
            del parts
    finally:
        tracemalloc.stop()
    assert len(peaks) > count // ID_SEGMENT_SIZE  # a segment at a time
    assert max(peaks) < 8 * count // 2, peaks
    bridge.begin()  # and the same save through the writer loads as the State
    while bridge.saver.step() != "committing":
        pass
    assert bridge.result().saved
    assert_file_is(tmp_path / "cache.sqlite", *bridge.committed[-1])
    bridge.saver.close()


def test_a_save_waits_for_the_writer_once_its_waiting_parts_hold_the_byte_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer is held up: the encoding stops at the byte bound, not at the part count."""
    log = Log(State())
    for n in range(3000):
        log.fold(TOPICS.tickets, samples.ticket_opened(f"t-{n}", event_id=f"e-{n}"))
    bound = 16 << 10
    cache = StateCache(tmp_path / "cache.sqlite")
    woken = threading.Event()
    saver = BackgroundSaver(cache, wake=woken.set, slice_s=0.0, max_bytes_in_flight=bound)
    entered, release = threading.Event(), threading.Event()
    real_apply = SaveTransaction.apply

    def held_up(self: SaveTransaction, part: SavePart) -> None:
        entered.set()
        assert release.wait(RESULT_TIMEOUT_S)
        real_apply(self, part)

    monkeypatch.setattr(SaveTransaction, "apply", held_up)
    saver.begin(
        log.state,
        log.unsaved.take(),
        touched=log.unsaved.take,
        offsets=lambda: offsets_of(log.state),
        fingerprint=FINGERPRINT,
    )
    assert saver.step() == "more"
    assert entered.wait(RESULT_TIMEOUT_S)  # the writer took the first part and is held up
    writer = saver._writer
    assert writer.bytes_waiting == 0
    sent = 0
    while (outcome := saver.step()) == "more":
        sent += 1
    assert outcome == "waiting"
    assert sent < MAX_PARTS_IN_FLIGHT  # parts of 64 rows (~10 KiB): the byte bound came first
    assert bound <= writer.bytes_waiting < 3 * bound
    release.set()
    result = saver.finish()
    assert result is not None
    assert result.saved
    assert writer.bytes_waiting == 0
    assert_loads_as(tmp_path / "cache.sqlite", log.state)
    saver.close()


def test_a_failed_save_hands_its_keys_back_and_the_next_writes_them(
    tmp_path: Path, expect_log: ExpectLog
) -> None:
    with small_disk(tmp_path / "disk", size="2m") as disk:
        path = disk / "cache.sqlite"
        bridge = Bridge(path, State())
        log = bridge.log
        log.fold(TOPICS.tickets, samples.ticket_opened("t-0", event_id="e-0"))
        bridge.begin()
        bridge.saver.finish()
        fill(disk)
        for n in range(1, 300):  # more than the disk has room for
            event = samples.ticket_opened(f"t-{n}", event_id=f"e-{n}", body="x" * 4000)
            log.fold(TOPICS.tickets, event)
        bridge.begin()
        with expect_log("bridge.cache", "WARNING", match="the disk is full"):
            result = bridge.saver.finish()
        assert result is not None
        assert (result.saved, result.failure) == (False, "disk_full")
        assert result.keys is not None
        assert ("ticket", "t-299") in result.keys
        log.unsaved.restore(result.keys)
        free_up(disk)
        bridge.begin()
        result = bridge.saver.finish()
        assert result is not None
        assert result.saved
        assert_file_is(path, *bridge.committed[-1])
        bridge.saver.close()


@pytest.mark.allow_log("bridge.cache_writer", "ERROR", match="cache writer failed")
def test_the_writer_thread_survives_an_unexpected_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.sqlite"
    bridge = Bridge(path, State())
    bridge.log.fold(TOPICS.tickets, samples.ticket_opened("t-0", event_id="e-0"))
    real_apply = SaveTransaction.apply

    def broken(self: SaveTransaction, part: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(SaveTransaction, "apply", broken)
    bridge.begin()
    result = bridge.saver.finish()
    assert result is not None
    assert (result.saved, result.failure) == (False, "failed")
    monkeypatch.setattr(SaveTransaction, "apply", real_apply)
    bridge.log.unsaved.restore(result.keys)
    bridge.begin()
    result = bridge.saver.finish()
    assert result is not None
    assert result.saved
    assert_file_is(path, *bridge.committed[-1])
    bridge.saver.close()


def test_a_file_another_instance_wrote_gets_everything(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    bridge = Bridge(path, State())
    log = bridge.log
    log.fold(TOPICS.tickets, samples.ticket_opened("t-0", event_id="e-0"))
    bridge.begin()
    assert bridge.saver.finish() is not None
    # Another bridge's cache instance writes the file (e.g. a restore from a backup).
    other = copy_of(log.state)
    assert StateCache(path).save(other, offsets_of(other), FINGERPRINT)
    log.fold(TOPICS.tickets, samples.ticket_opened("t-1", event_id="e-1"))
    log.state.tickets["t-0"].priority = "urgent"  # not listed: only a save of all writes it
    bridge.begin()
    result = bridge.saver.finish()
    assert result is not None
    assert (result.saved, result.failure) == (False, "not_ours")
    log.unsaved.restore(None)
    bridge.begin()
    result = bridge.saver.finish()
    assert result is not None
    assert result.saved
    assert_file_is(path, *bridge.committed[-1])
    bridge.saver.close()


def test_unsaved_changes_restore_puts_a_failed_saves_keys_first() -> None:
    unsaved = UnsavedChanges(limit=5)
    unsaved.restore([("ticket", "b")])
    taken = unsaved.take()
    assert list(taken or ()) == [("ticket", "b")]
    unsaved.restore([("ticket", "c")])  # touched while the save ran
    unsaved.restore([("ticket", "a"), ("ticket", "b")])  # the save failed
    assert list(unsaved.keys or ()) == [("ticket", "a"), ("ticket", "b"), ("ticket", "c")]
    unsaved = UnsavedChanges(limit=3)
    unsaved.restore([("ticket", "a"), ("ticket", "b"), ("order", "c"), ("order", "d")])
    assert unsaved.keys is None  # past the limit: the next save writes everything


def test_unsaved_changes_noted_per_drain_are_those_noted_per_result() -> None:
    results = [
        FoldResult(outcome="applied", event_id="e1", reason=None, touched=[("ticket", "b")]),
        FoldResult(outcome="applied", event_id="e2", reason=None, touched=[("order", "a")]),
        FoldResult(outcome="duplicate", event_id="e1", reason="seen", touched=[]),
        FoldResult(outcome="applied", event_id=None, reason=None, touched=[("agent", "x")]),
        FoldResult(outcome="applied", event_id="e3", reason=None, touched=[("ticket", "b")]),
    ]
    each, drained = UnsavedChanges(), UnsavedChanges()
    each.restore([("ticket", "z")])  # noted before this drain
    drained.restore([("ticket", "z")])
    for result in results:
        each.note(result)
    touched = dict.fromkeys(key for result in results for key in result.touched)
    drained.note_drain(touched)
    entities = [("ticket", "z"), ("ticket", "b"), ("order", "a"), ("agent", "x")]
    assert list(drained.keys or ()) == list(each.keys or ()) == entities
    small = UnsavedChanges(limit=1)
    small.note_drain({("ticket", "a"): None, ("ticket", "b"): None})
    assert small.keys is None  # past the limit: the next save writes everything


def test_the_event_ids_judged_do_not_count_towards_the_unsaved_limit() -> None:
    """A save writes the ids from the State: only the entities touched are kept."""
    unsaved = UnsavedChanges(limit=2)
    for n in range(2):
        unsaved.note(
            FoldResult(
                outcome="applied", event_id=f"e-{n}", reason=None, touched=[("ticket", f"t-{n}")]
            )
        )
    assert list(unsaved.keys or ()) == [("ticket", "t-0"), ("ticket", "t-1")]
