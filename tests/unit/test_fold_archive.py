"""Folding with closed tickets and terminal orders evicted equals folding with all in memory.

The logs are those of ``test_fold_properties`` (retries, malformed records,
events for unknown entities, reopened and duplicate tickets) over three
customers. Entities are evicted to an archive at any moment, whatever their
status (the strongest case: the fold must bring back whatever an event needs),
while the log is delivered at least once (repeats, re-reads, restarts from a
cached State with the archive kept, as on disk). As in the bridge, an entity
is evicted only as the last cached State holds it (not touched since). The
State plus the archive's entities it does not hold must equal the clean log
folded without eviction.
"""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.contract.validate import RawRecord
from bridge.fold.archive import (
    EvictionRound,
    MemoryArchive,
    evict,
    evictable,
    is_active,
    merged,
)
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from tests.helpers import samples
from tests.unit.test_fold_properties import (
    TOPICS,
    LogBuilder,
    Partition,
    assert_same_state,
    fold_clean,
    partitioned_logs,
)


def _evict_some(
    state: State, archive: MemoryArchive, data: st.DataObject, touched: set[tuple[str, str]]
) -> None:
    keys = [("ticket", key) for key in state.tickets] + [("order", key) for key in state.orders]
    keys = [key for key in keys if key not in touched]
    if keys:
        chosen = data.draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True))
        evict(state, archive, chosen)  # type: ignore[arg-type]


def deliver_with_eviction(log: dict[Partition, list[RawRecord]], data: st.DataObject) -> State:
    """Fold ``log`` at least once, evicting entities now and then; return State + archive."""
    state = State()
    archive = MemoryArchive()
    partitions = sorted(log)
    cursor = dict.fromkeys(partitions, 0)
    checkpoint: tuple[bytes, dict[Partition, int]] | None = None
    touched: set[tuple[str, str]] = set()  # since the checkpoint

    def fold(record: RawRecord) -> None:
        touched.update(fold_record(state, record, TOPICS, archive=archive).touched)

    mishaps = 0
    while True:
        pending = [p for p in partitions if cursor[p] < len(log[p])]
        if not pending:
            return merged(state, archive)
        move = data.draw(st.integers(0, 12)) if mishaps < 10 else 0
        if move <= 6:
            chosen = data.draw(st.sampled_from(pending))
            fold(log[chosen][cursor[chosen]])
            cursor[chosen] += 1
            continue
        mishaps += 1
        started = [p for p in partitions if cursor[p] > 0]
        if move == 7 and started:  # a record delivered twice in a row
            chosen = data.draw(st.sampled_from(started))
            fold(log[chosen][cursor[chosen] - 1])
        elif move == 8 and started:  # crash: one partition re-read from an earlier offset
            chosen = data.draw(st.sampled_from(started))
            cursor[chosen] = data.draw(st.integers(0, cursor[chosen] - 1))
        elif move == 9:  # the bridge caches its State with the offsets it reflects
            checkpoint = (msgspec.json.encode(state), dict(cursor))
            touched.clear()
        elif move == 10 and checkpoint is not None:  # restart from the cache; the archive stays
            state = msgspec.json.decode(checkpoint[0], type=State)
            cursor = {p: data.draw(st.integers(0, checkpoint[1][p])) for p in partitions}
            touched.clear()
        elif checkpoint is not None:
            _evict_some(state, archive, data, touched)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(log=partitioned_logs(), data=st.data())
def test_folding_with_eviction_equals_folding_all_in_memory(
    log: dict[Partition, list[RawRecord]], data: st.DataObject
) -> None:
    with_eviction, expected = deliver_with_eviction(log, data), fold_clean(log)
    assert_same_state(with_eviction, expected)
    assert with_eviction.opened_ids == expected.opened_ids


class ThreeCustomers(LogBuilder):
    """The property test's logs, with each ticket and order of one of three customers."""

    def emit(self, topic: str, key: str, event: dict[str, object]) -> None:
        fields = event.get("data")
        if isinstance(fields, dict) and isinstance(fields.get("customer"), dict):
            number = int(key.split("-")[1]) % 3 if key.split("-")[1].isdigit() else 0
            fields["customer"] = {**fields["customer"], "id": f"c-{number}"}
        super().emit(topic, key, event)


def _records(builder: LogBuilder) -> list[RawRecord]:
    offsets: dict[str, int] = {}
    records = []
    for topic, key, value in builder.items:
        offset = offsets.get(topic, 0)
        offsets[topic] = offset + 1
        records.append(RawRecord(topic=topic, partition=0, offset=offset, key=key, value=value))
    return records


def test_only_entities_of_customers_with_nothing_active_are_evicted() -> None:
    builder = ThreeCustomers()
    builder.ticket("t-0", 30, ["reply", "status:closed"])  # c-0: all closed
    builder.order("o-0", ["paid", "delivered"])  # c-0
    builder.ticket("t-1", 30, ["status:closed"])  # c-1: closed, but o-1 still moves
    builder.order("o-1", ["paid"])
    builder.ticket("t-2", 30, ["reply"])  # c-2: open
    state = State()
    for record in _records(builder):
        fold_record(state, record, TOPICS)
    assert sorted(evictable(state)) == [("order", "o-0"), ("ticket", "t-0")]
    assert evictable(state, keep={("ticket", "t-0")}) == [("order", "o-0")]
    assert evictable(state, settled=lambda _entity: False) == []


def test_a_customer_coming_back_brings_back_their_history() -> None:
    """A new ticket of an evicted customer puts the customer's closed tickets and orders back."""
    builder = ThreeCustomers()
    builder.ticket("t-0", 30, ["reply", "status:closed"])
    builder.order("o-0", ["paid", "delivered"])
    state, archive = State(), MemoryArchive()
    for record in _records(builder):
        fold_record(state, record, TOPICS, archive=archive)
    evict(state, archive, evictable(state))
    assert (state.tickets, state.orders) == ({}, {})
    opened = samples.ticket_opened(
        "t-3", event_id="ev-new", time="2024-05-01T12:00:00Z", customer={"id": "c-0", "name": "R"}
    )
    record = RawRecord(
        topic=TOPICS.tickets, partition=0, offset=99, key=b"t-3", value=msgspec.json.encode(opened)
    )
    result = fold_record(state, record, TOPICS, archive=archive)
    assert result.outcome == "applied"
    assert sorted(result.touched) == [("order", "o-0"), ("ticket", "t-0"), ("ticket", "t-3")]
    assert sorted(state.tickets) == ["t-0", "t-3"]
    assert not is_active(state.tickets["t-0"])
    assert "o-0" in state.orders


def test_a_redelivered_event_of_an_evicted_ticket_is_a_duplicate() -> None:
    builder = ThreeCustomers()
    builder.ticket("t-0", 30, ["reply", "status:closed"])
    records = _records(builder)
    state, archive = State(), MemoryArchive()
    for record in records:
        fold_record(state, record, TOPICS, archive=archive)
    evict(state, archive, [("ticket", "t-0")])
    assert "t-0" not in state.tickets
    again = msgspec.structs.replace(records[1], offset=len(records))  # a copy at a new offset
    assert fold_record(state, again, TOPICS, archive=archive).outcome == "duplicate"
    assert len(state.tickets["t-0"].messages) == 1
    evict(state, archive, [("ticket", "t-0")])
    assert not state.applied_event_ids, "the ticket's ids left with it, its opening's too"
    opened_again = msgspec.structs.replace(records[0], offset=len(records) + 1)
    assert fold_record(state, opened_again, TOPICS, archive=archive).outcome == "duplicate"


def _closed_of_three_customers() -> tuple[State, list[RawRecord]]:
    """t-0/o-0 (c-0), t-1 (c-1), t-2 (c-2): every ticket closed, the order delivered."""
    builder = ThreeCustomers()
    for n in range(3):
        builder.ticket(f"t-{n}", 30, ["reply", "status:closed"])
    builder.order("o-0", ["paid", "delivered"])
    records = _records(builder)
    state = State()
    for record in records:
        fold_record(state, record, TOPICS)
    return state, records


def _event(event: dict[str, object], topic: str, key: str, offset: int) -> RawRecord:
    return RawRecord(
        topic=topic, partition=0, offset=offset, key=key.encode(), value=msgspec.json.encode(event)
    )


def test_a_round_moves_at_most_a_slice_at_a_time() -> None:
    state, _ = _closed_of_three_customers()
    archive = MemoryArchive()
    keys = evictable(state)
    eviction = EvictionRound(keys)
    first = eviction.move(state, archive, keep=set(), limit=2)
    assert (first, eviction.done) == (keys[:2], False)
    second = eviction.move(state, archive, keep=set(), limit=2)
    assert (second, eviction.done) == (keys[2:], True)
    assert eviction.moved == len(keys) == 4
    assert (state.tickets, state.orders) == ({}, {})


def test_a_round_keeps_what_the_fold_touched_or_woke_up_between_slices() -> None:
    """Between slices: t-1 gets a message (touched: not saved as it is); c-2 opens a new
    ticket naming o-0 (c-2 is active again, and o-0 is named by an open ticket)."""
    state, records = _closed_of_three_customers()
    archive = MemoryArchive()
    eviction = EvictionRound(evictable(state))
    assert eviction.move(state, archive, keep=set(), limit=1) == [("ticket", "t-0")]
    touched: set[tuple[str, str]] = set()
    late = samples.message_added("t-1", event_id="ev-late", time="2024-05-01T12:00:00Z")
    opened = samples.ticket_opened(
        "t-9",
        event_id="ev-new",
        time="2024-05-01T12:01:00Z",
        customer={"id": "c-2", "name": "R"},
        order_id="o-0",
    )
    for offset, (event, key) in enumerate([(late, "t-1"), (opened, "t-9")], start=len(records)):
        result = fold_record(state, _event(event, TOPICS.tickets, key, offset), TOPICS)
        assert result.outcome == "applied"
        touched.update(result.touched)
    eviction.watch(state, touched)
    assert eviction.move(state, archive, keep=touched, limit=10) == []
    assert eviction.done
    assert sorted(state.tickets) == ["t-1", "t-2", "t-9"]
    assert list(state.orders) == ["o-0"]
    assert list(archive.entries) == [("ticket", "t-0")]


def _mixed_customers() -> State:
    """As in the evictable test: c-0 all settled, c-1 with a moving order, c-2 open."""
    builder = ThreeCustomers()
    builder.ticket("t-0", 30, ["reply", "status:closed"])
    builder.order("o-0", ["paid", "delivered"])
    builder.ticket("t-1", 30, ["status:closed"])
    builder.order("o-1", ["paid"])
    builder.ticket("t-2", 30, ["reply"])
    state = State()
    for record in _records(builder):
        fold_record(state, record, TOPICS)
    return state


def test_a_scanning_round_chooses_as_evictable_a_slice_at_a_time() -> None:
    """Five entities, two looked at per move: the pass takes moves that move nothing."""
    state = _mixed_customers()
    expected = evictable(state)
    archive = MemoryArchive()
    eviction = EvictionRound.scanning(state, scan_slice=2)
    scanning_moves = 0
    while not eviction.scanned:
        assert eviction.move(state, archive, keep=set(), limit=10) == []
        assert not eviction.done
        scanning_moves += 1
    assert scanning_moves >= 3  # 5 entities, then 2 candidates, 2 at a time
    assert archive.entries == {}
    assert sorted(eviction.move(state, archive, keep=set(), limit=10)) == sorted(expected)
    assert eviction.done


def test_a_scanning_round_keeps_what_woke_up_or_was_touched_during_the_pass() -> None:
    """Seen as settled early in the pass, then c-0 opens a new ticket: nothing of c-0 goes.
    A key in the ``keep`` of a later move (touched since the save) is kept too."""
    state = _mixed_customers()
    archive = MemoryArchive()
    eviction = EvictionRound.scanning(state, settled=lambda _entity: True, scan_slice=1)
    assert eviction.move(state, archive, keep=set(), limit=10) == []  # t-0: settled
    opened = samples.ticket_opened(
        "t-9", event_id="ev-new", time="2024-05-01T12:01:00Z", customer={"id": "c-0", "name": "R"}
    )
    result = fold_record(state, _event(opened, TOPICS.tickets, "t-9", 100), TOPICS)
    assert result.outcome == "applied"
    eviction.watch(state, result.touched)
    moved: list[tuple[str, str]] = []
    while not eviction.done:
        moved += eviction.move(state, archive, keep={("ticket", "t-9")}, limit=10)
    assert moved == []
    assert sorted(state.tickets) == ["t-0", "t-1", "t-2", "t-9"]


def test_a_scanning_round_stops_choosing_at_its_limit() -> None:
    state, _ = _closed_of_three_customers()
    expected = evictable(state, limit=2)
    eviction = EvictionRound.scanning(state, limit=2, scan_slice=100)
    archive = MemoryArchive()
    moved: list[tuple[str, str]] = []
    while not eviction.done:
        moved += eviction.move(state, archive, keep=set(), limit=10)
    assert moved == expected
    assert len(moved) == 2
