"""The snapshot topic's records rebuild the State the materializer folded, exactly.

The property: a log is folded by a "materializer" that publishes at any points
(some publishes abort), may restart from what it published, and the topic is
compacted to any degree; a bridge that loads the topic and folds the rest of
the log holds the same state as one that folded the whole log.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.result import EntityKind, FoldResult
from bridge.fold.state import State
from bridge.statetopic.codec import (
    FORMAT,
    OFFSETS_KEY,
    IdSegments,
    LoadedSnapshot,
    Record,
    RecordEncoder,
    StateBuilder,
    Unpublished,
    UnusableSnapshotError,
)
from tests.helpers import samples
from tests.unit.test_fold_properties import (
    TOPICS,
    Partition,
    assert_same_state,
    fold_clean,
    partitioned_logs,
)

SEGMENT = 3  # event ids per segment: small, so logs cross segment boundaries


def _fold(state: State, unpublished: Unpublished, record: RawRecord) -> None:
    """Fold as the materializer does, noting what the next publish must carry."""
    before = len(state.applied_event_ids)
    result = fold_record(state, record, TOPICS)
    unpublished.note(result, new_event_id=len(state.applied_event_ids) > before)


def _load(topic: list[Record]) -> LoadedSnapshot | None:
    builder = StateBuilder(segment_ids=SEGMENT)
    for key, value in topic:
        builder.add(key, value)
    return builder.build(TOPICS)


def _compacted(topic: list[Record], keep_old: list[bool]) -> list[Record]:
    """The topic after a compaction that removed some (``keep_old``) superseded records."""
    last = {key: offset for offset, (key, _) in enumerate(topic)}
    kept = iter(keep_old)
    return [
        record
        for offset, record in enumerate(topic)
        if last[record[0]] == offset or next(kept, False)
    ]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(log=partitioned_logs(), data=st.data())
def test_loading_the_topic_then_folding_the_tail_equals_folding_the_whole_log(
    log: dict[Partition, list[RawRecord]], data: st.DataObject
) -> None:
    records = [record for partition in sorted(log) for record in log[partition]]
    cut = data.draw(st.integers(0, len(records)), label="materialized up to")
    topic: list[Record] = []
    state, unpublished = State(), Unpublished(IdSegments(limit=SEGMENT))
    for record in records[:cut]:
        _fold(state, unpublished, record)
        if data.draw(st.booleans(), label="publish here"):
            publish = unpublished.records(state, TOPICS, at=samples.T0, version="test")
            if data.draw(st.integers(0, 4), label="aborted") == 0:
                continue  # the transaction aborted: nothing reached the topic
            topic += publish
            unpublished.committed()
            if data.draw(st.integers(0, 3), label="restart") == 0:  # resume from the topic
                loaded = _load(topic)
                assert loaded is not None
                assert_same_state(loaded.state, state)
                state, unpublished = loaded.state, Unpublished(loaded.segments)
    if unpublished.records_folded:
        topic += unpublished.records(state, TOPICS, at=samples.T0, version="test")
        unpublished.committed()
    keep_old = data.draw(st.lists(st.booleans(), max_size=len(topic)), label="kept by compaction")
    loaded = _load(_compacted(topic, keep_old))
    bootstrapped = State() if loaded is None else loaded.state
    folded = sum(n for p in bootstrapped.next_offsets.values() for n in p.values())
    assert folded == cut  # the published offsets are exactly what was folded
    for record in records[cut:]:
        fold_record(bootstrapped, record, TOPICS)
    assert_same_state(bootstrapped, fold_clean(log))


def _tail_duplicates_state() -> tuple[State, list[RawRecord]]:
    """A ticket folded, then redelivered at new offsets: the tail a bridge folds after loading."""
    tickets = TOPICS.tickets
    events = [
        samples.ticket_opened("t-1", event_id="e-open"),
        samples.message_added("t-1", event_id="e-msg"),
        samples.ticket_action("claimed", "t-1", event_id="e-claim"),
    ]
    head = [samples.as_record(e, topic=tickets, offset=n) for n, e in enumerate(events)]
    tail = [samples.as_record(e, topic=tickets, offset=3 + n) for n, e in enumerate(events)]
    state = State()
    for record in head:
        fold_record(state, record, TOPICS)
    return state, tail


def test_without_the_applied_event_ids_a_redelivered_tail_would_fold_twice() -> None:
    """Why the ids are published: the equality above depends on them."""
    state, tail = _tail_duplicates_state()
    topic = _published(state)
    loaded, again = _load(topic), _load(topic)
    assert loaded is not None
    assert again is not None
    without_ids = again.state
    without_ids.applied_event_ids.clear()
    for record in tail:
        assert fold_record(loaded.state, record, TOPICS).outcome == "duplicate"
        fold_record(without_ids, record, TOPICS)
    assert len(loaded.state.tickets["t-1"].messages) == 1
    assert len(without_ids.tickets["t-1"].messages) == 2  # what skipping the ids would do


def _published(state: State) -> list[Record]:
    """One publish of all of ``state``, as if the fold had just made it."""
    unpublished = Unpublished()
    kinds: tuple[tuple[EntityKind, Iterable[str]], ...] = (
        ("ticket", state.tickets),
        ("order", state.orders),
    )
    for kind, keys in kinds:
        for key in keys:
            touched = FoldResult(
                outcome="applied", event_id=None, reason=None, touched=[(kind, key)]
            )
            unpublished.note(touched, new_event_id=False)
    for event_id in state.applied_event_ids:
        applied = FoldResult(outcome="applied", event_id=event_id, reason=None)
        unpublished.note(applied, new_event_id=True)
    return unpublished.records(state, TOPICS, at=samples.T0, version="test")


def test_an_empty_topic_is_no_state() -> None:
    assert StateBuilder().build(TOPICS) is None


def test_a_topic_missing_an_entity_is_refused_naming_retention() -> None:
    state, _ = _tail_duplicates_state()
    topic = [r for r in _published(state) if not r[0].startswith(b"ticket:")]
    with pytest.raises(
        UnusableSnapshotError,
        match=r"0 tickets where its offsets record counts 1 \(records deleted by retention",
    ):
        _load(topic)


def test_a_topic_folded_from_other_topics_is_refused() -> None:
    state, _ = _tail_duplicates_state()
    builder = StateBuilder()
    for key, value in _published(state):
        builder.add(key, value)
    with pytest.raises(UnusableSnapshotError, match="folded from topics"):
        builder.build(Topics(tickets="other.tickets"))


def test_a_record_of_another_format_is_refused() -> None:
    state, _ = _tail_duplicates_state()
    topic = _published(state)
    newer = msgspec.msgpack.encode([FORMAT + 1, {"anything": 1}])
    topic = [(k, newer if k == OFFSETS_KEY else v) for k, v in topic]
    with pytest.raises(UnusableSnapshotError, match=f"format {FORMAT + 1}"):
        _load(topic)


def test_entities_without_an_offsets_record_are_refused() -> None:
    state, _ = _tail_duplicates_state()
    topic = [r for r in _published(state) if r[0] != OFFSETS_KEY]
    with pytest.raises(UnusableSnapshotError, match="no offsets record"):
        _load(topic)


def test_a_tombstone_removes_an_entity() -> None:
    state, _ = _tail_duplicates_state()
    state.agents.clear()
    topic = _published(state)
    builder = StateBuilder()
    builder.add(b"agent:ana", RecordEncoder().value({"not": "read"}))
    builder.add(b"agent:ana", None)
    for key, value in topic:
        builder.add(key, value)
    loaded = builder.build(TOPICS)
    assert loaded is not None
    assert loaded.state.agents == {}


@pytest.mark.parametrize("ids", [0, 1, 3, 4, 7])
def test_id_segments_fill_then_close_across_commits(ids: int) -> None:
    encoder = RecordEncoder()
    segments = IdSegments(limit=3)
    written: dict[bytes, list[str]] = {}
    decode = msgspec.msgpack.Decoder(tuple[int, list[str]])
    for n in range(ids):
        segments.add(f"e-{n}")
        records = segments.records(encoder)
        # One id more rewrites only the segment it lands in: full ones stay as written.
        assert [key for key, _ in records] == [f"ids:{n // 3}".encode()]
        for key, value in records:
            assert value is not None
            written[key] = decode.decode(value)[1]
        segments.committed()
    assert segments.records(encoder) == []  # nothing new: nothing to write
    assert segments.count == -(-ids // 3)
    assert sorted(written) == [f"ids:{n}".encode() for n in range(segments.count)]
    assert [i for n in range(segments.count) for i in written[f"ids:{n}".encode()]] == [
        f"e-{n}" for n in range(ids)
    ]
