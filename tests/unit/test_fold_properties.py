"""Under any delivery Kafka allows (at-least-once), the fold equals the fold of the clean log.

A valid multi-key log (with producer retries, malformed records, unknown types,
events for unknown entities and presence tombstones) is spread over partitions
by key. It is then delivered in any pattern at-least-once allows: per-partition
order kept, partitions interleaved arbitrarily, records repeated, partitions
re-read from an earlier offset after a crash, and the state restored from a
cached copy. The folded state must equal the clean log folded once.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.report import contract_snapshot
from bridge.fold.state import State
from tests.helpers import samples

TOPICS = Topics()
BASE = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)
NOW = BASE + dt.timedelta(minutes=45)
Partition = tuple[str, int]

TICKET_STEPS = [
    "customer",
    "reply",
    "note",
    "claim:ana",
    "claim:bob",
    "release:ana",
    "release:bob",
    "assign:bob",
    "status:pending",
    "status:resolved",
    "status:closed",
    "status:open",
    "priority",
    "queue",
    "tag:vip",
    "tag:VIP",
    "tag:vip ",
    "untag:vip",
    "retry",
    "reopen-duplicate",
    "unknown-type",
    "malformed",
    "stray",
]
ORDER_STEPS = ["paid", "dispatched", "delayed", "delivered", "cancelled", "retry", "malformed"]
AGENT_STEPS = ["online", "away", "offline", "expired", "viewing", "composing", "tombstone", "retry"]


class LogBuilder:
    """Turns entity plans into keyed records in per-key order, like producers would."""

    def __init__(self) -> None:
        self.minute = 0
        self.serial = 0
        self.items: list[tuple[str, bytes, bytes | None]] = []  # (topic, key, value)
        self.sent: dict[str, list[dict[str, object]]] = {}

    def time(self) -> str:
        self.minute += 1
        return (BASE + dt.timedelta(minutes=self.minute)).isoformat().replace("+00:00", "Z")

    def event_id(self) -> str:
        self.serial += 1
        return f"ev-{self.serial}"

    def emit(self, topic: str, key: str, event: dict[str, object]) -> None:
        self.sent.setdefault(key, []).append(event)
        self.items.append((topic, key.encode(), msgspec.json.encode(event)))

    def raw(self, topic: str, key: str, value: bytes | None) -> None:
        self.items.append((topic, key.encode(), value))

    def retry(self, topic: str, key: str) -> None:
        if key in self.sent:
            self.emit(topic, key, self.sent[key][-1])

    def ticket(self, ticket_id: str, sla_minutes: int, steps: Sequence[str]) -> None:
        due = (BASE + dt.timedelta(minutes=sla_minutes)).isoformat().replace("+00:00", "Z")
        tickets = TOPICS.tickets
        self.emit(
            tickets,
            ticket_id,
            samples.ticket_opened(
                ticket_id, event_id=self.event_id(), time=self.time(), sla_due_at=due
            ),
        )
        for step in steps:
            name, _, arg = step.partition(":")
            event_id, time = self.event_id(), self.time()
            if name in ("customer", "reply", "note"):
                kind = "customer" if name == "customer" else "agent"
                event = samples.message_added(
                    ticket_id,
                    event_id=event_id,
                    time=time,
                    author_kind=kind,
                    internal=name == "note",
                )
                self.emit(tickets, ticket_id, event)
            elif name in ("claim", "release"):
                kind = "claimed" if name == "claim" else "released"
                event = samples.ticket_action(
                    kind, ticket_id, event_id=event_id, time=time, agent_id=arg
                )
                self.emit(tickets, ticket_id, event)
            elif name == "assign":
                by = {"id": "sup", "name": "Sara"}
                event = samples.ticket_action(
                    "assigned", ticket_id, event_id=event_id, time=time, agent_id=arg, by=by
                )
                self.emit(tickets, ticket_id, event)
            elif name == "status":
                event = samples.ticket_action(
                    "status_changed", ticket_id, event_id=event_id, time=time, status=arg
                )
                self.emit(tickets, ticket_id, event)
            elif name == "priority":
                event = samples.ticket_action(
                    "priority_changed", ticket_id, event_id=event_id, time=time, priority="high"
                )
                self.emit(tickets, ticket_id, event)
            elif name == "queue":
                event = samples.ticket_action(
                    "queue_changed", ticket_id, event_id=event_id, time=time, queue="payments"
                )
                self.emit(tickets, ticket_id, event)
            elif name in ("tag", "untag"):  # rule 8: a set (adding twice is a no-op)
                kind = "tag_added" if name == "tag" else "tag_removed"
                event = samples.ticket_action(
                    kind, ticket_id, event_id=event_id, time=time, tag=arg
                )
                self.emit(tickets, ticket_id, event)
            else:
                self.oddity(name, ticket_id, event_id, time)

    def oddity(self, name: str, ticket_id: str, event_id: str, time: str) -> None:
        tickets = TOPICS.tickets
        if name == "retry":
            self.retry(tickets, ticket_id)
        elif name == "reopen-duplicate":
            event = samples.ticket_opened(ticket_id, event_id=event_id, time=time)
            self.emit(tickets, ticket_id, event)
        elif name == "unknown-type":
            event = samples.message_added(ticket_id, event_id=event_id, time=time)
            event["type"] = "atp.ticket.escalated"
            self.emit(tickets, ticket_id, event)
        elif name == "malformed":
            self.raw(tickets, ticket_id, b'{"specversion": "1.0", "id": ')
        else:  # "stray": an event for a ticket that was never opened
            ghost = f"{ticket_id}-ghost"
            self.emit(tickets, ghost, samples.message_added(ghost, event_id=event_id, time=time))

    def order(self, order_id: str, steps: Sequence[str]) -> None:
        orders = TOPICS.orders
        placed = samples.order_placed(order_id, event_id=self.event_id(), time=self.time())
        self.emit(orders, order_id, placed)
        for step in steps:
            if step == "retry":
                self.retry(orders, order_id)
            elif step == "malformed":
                self.raw(orders, order_id, b"[]")
            else:
                event_id, time = self.event_id(), self.time()
                self.emit(
                    orders,
                    order_id,
                    samples.order_event(step, order_id, event_id=event_id, time=time),
                )

    def agent(self, agent_id: str, steps: Sequence[str]) -> None:
        agents = TOPICS.agents
        for step in steps:
            if step == "retry":
                self.retry(agents, agent_id)
            elif step == "tombstone":
                self.raw(agents, agent_id, None)
            else:
                minutes = 10 if step == "expired" else 60 * 24
                expires = (BASE + dt.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
                status = step if step in ("online", "away", "offline") else "online"
                active = step in ("viewing", "composing", "expired")  # contract 1.1
                event = samples.presence(
                    agent_id,
                    event_id=self.event_id(),
                    time=self.time(),
                    status=status,
                    expires_at=expires,
                    viewing="t-0" if active else None,
                    composing="t-0" if step == "composing" else None,
                )
                self.emit(agents, agent_id, event)


@st.composite
def partitioned_logs(draw: st.DrawFn) -> dict[Partition, list[RawRecord]]:
    """A valid-ish log spread over partitions by key (same key, same partition)."""
    builder = LogBuilder()
    ticket_plans = draw(st.lists(st.lists(st.sampled_from(TICKET_STEPS), max_size=8), max_size=4))
    order_plans = draw(st.lists(st.lists(st.sampled_from(ORDER_STEPS), max_size=5), max_size=3))
    agent_plans = draw(st.lists(st.lists(st.sampled_from(AGENT_STEPS), max_size=4), max_size=2))
    for number, steps in enumerate(ticket_plans):
        builder.ticket(f"t-{number}", draw(st.integers(5, 90)), steps)
    for number, steps in enumerate(order_plans):
        builder.order(f"o-{number}", steps)
    for number, steps in enumerate(agent_plans):
        builder.agent(["ana", "bob"][number], steps)
    # Producers of different keys interleave freely; each key's own order is kept.
    items = draw(st.permutations(builder.items))
    counts = {topic: draw(st.integers(1, 3)) for topic in TOPICS.all()}
    log: dict[Partition, list[RawRecord]] = {}
    for topic, key, value in _keep_key_order(builder.items, items):
        partition = zlib.crc32(key) % counts[topic]
        records = log.setdefault((topic, partition), [])
        records.append(
            RawRecord(topic=topic, partition=partition, offset=len(records), key=key, value=value)
        )
    return log


def _keep_key_order(
    original: list[tuple[str, bytes, bytes | None]], shuffled: list[tuple[str, bytes, bytes | None]]
) -> list[tuple[str, bytes, bytes | None]]:
    """Reorder ``shuffled`` so that each key's items keep their ``original`` order."""
    per_key: dict[tuple[str, bytes], list[tuple[str, bytes, bytes | None]]] = {}
    for item in original:
        per_key.setdefault((item[0], item[1]), []).append(item)
    return [per_key[(item[0], item[1])].pop(0) for item in shuffled]


def fold_clean(log: dict[Partition, list[RawRecord]]) -> State:
    state = State()
    for partition in sorted(log):
        for record in log[partition]:
            fold_record(state, record, TOPICS)
    return state


def deliver_at_least_once(log: dict[Partition, list[RawRecord]], data: st.DataObject) -> State:
    """Fold ``log`` as a consumer that crashes, repeats and re-reads would."""
    state = State()
    partitions = sorted(log)
    cursor = dict.fromkeys(partitions, 0)
    checkpoint: tuple[bytes, dict[Partition, int]] | None = None
    mishaps = 0
    while True:
        pending = [p for p in partitions if cursor[p] < len(log[p])]
        if not pending:
            return state
        move = data.draw(st.integers(0, 11)) if mishaps < 8 else 0
        if move <= 6:  # the next record of any partition
            chosen = data.draw(st.sampled_from(pending))
            fold_record(state, log[chosen][cursor[chosen]], TOPICS)
            cursor[chosen] += 1
            continue
        mishaps += 1
        started = [p for p in partitions if cursor[p] > 0]
        if move == 7 and started:  # a record delivered twice in a row
            chosen = data.draw(st.sampled_from(started))
            fold_record(state, log[chosen][cursor[chosen] - 1], TOPICS)
        elif move == 8 and started:  # crash: one partition re-read from an earlier offset
            chosen = data.draw(st.sampled_from(started))
            cursor[chosen] = data.draw(st.integers(0, cursor[chosen] - 1))
        elif move == 9:  # crash: every partition re-read from the last committed offsets
            for p in partitions:
                cursor[p] = data.draw(st.integers(0, cursor[p]))
        elif move == 10:  # the bridge caches its state with the offsets it reflects
            checkpoint = (msgspec.json.encode(state), dict(cursor))
        elif move == 11 and checkpoint is not None:  # restart from the cache, re-reading
            state = msgspec.json.decode(checkpoint[0], type=State)
            cursor = {p: data.draw(st.integers(0, checkpoint[1][p])) for p in partitions}


def assert_same_state(actual: State, expected: State) -> None:
    assert contract_snapshot(actual, NOW) == contract_snapshot(expected, NOW)
    assert actual.tickets == expected.tickets
    assert actual.orders == expected.orders
    assert actual.agents == expected.agents
    assert actual.applied_event_ids == expected.applied_event_ids
    assert (actual.quarantined_count, actual.skipped_unknown_type) == (
        expected.quarantined_count,
        expected.skipped_unknown_type,
    )
    where = sorted((q.topic, q.partition, q.offset, q.reason) for q in actual.quarantined)
    assert where == sorted((q.topic, q.partition, q.offset, q.reason) for q in expected.quarantined)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(log=partitioned_logs(), data=st.data())
def test_at_least_once_delivery_folds_to_the_clean_log_state(
    log: dict[Partition, list[RawRecord]], data: st.DataObject
) -> None:
    assert_same_state(deliver_at_least_once(log, data), fold_clean(log))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=partitioned_logs())
def test_two_states_folding_the_same_records_are_equal(
    log: dict[Partition, list[RawRecord]],
) -> None:
    first, second = fold_clean(log), fold_clean(log)
    assert first == second
    assert msgspec.json.encode(first) == msgspec.json.encode(second)


def test_the_generated_logs_exercise_every_outcome() -> None:
    """Guards the property test against a generator that only makes easy logs."""
    builder = LogBuilder()
    builder.ticket(
        "t-0",
        5,
        [
            "claim:ana",
            "claim:bob",
            "tag:vip",
            "tag:vip",
            "untag:VIP",
            "retry",
            "malformed",
            "stray",
            "unknown-type",
            "reopen-duplicate",
            "reply",
        ],
    )
    builder.agent("ana", ["composing", "tombstone"])
    outcomes: set[str] = set()
    state = State()
    offsets: dict[str, int] = {}
    for topic, key, value in builder.items:
        offset = offsets.get(topic, 0)
        offsets[topic] = offset + 1
        record = RawRecord(topic=topic, partition=0, offset=offset, key=key, value=value)
        outcomes.add(fold_record(state, record, TOPICS).outcome)
    assert outcomes == {"applied", "rejected", "duplicate", "quarantined", "skipped"}
    snapshot = contract_snapshot(state, NOW)
    assert snapshot["quarantined"] == 3
    assert snapshot["tickets"] == [
        {**snapshot["tickets"][0], "tags": ["vip"]}  # type: ignore[index]
    ], "a tag added twice is there once; removing another case removes nothing"
