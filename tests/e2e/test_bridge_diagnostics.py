"""A bridge answers what the log says: quarantined records, lag per partition, event traces."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bridge.contract.topics import Topics
from bridge.wire.protocol import Diagnostics, DiagnosticsQuery, Trace, TraceQuery
from bridge.wire.timestamps import epoch_of
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ANSWER_S = 30.0


def ask_diagnostics(bridge: BridgeProcess, kind: str) -> Diagnostics:
    with bridge.client() as client:
        client.send(DiagnosticsQuery(kind=kind))  # type: ignore[arg-type]  # test data
        answer = client.wait_for(lambda m: isinstance(m, Diagnostics), ANSWER_S)
    assert isinstance(answer, Diagnostics)
    return answer


def ask_trace(bridge: BridgeProcess, kind: str, key: str) -> Trace:
    with bridge.client() as client:
        client.send(TraceQuery(kind=kind, key=key))  # type: ignore[arg-type]  # test data
        answer = client.wait_for(lambda m: isinstance(m, Trace), ANSWER_S)
    assert isinstance(answer, Trace)
    return answer


def fill(topics: Topics, produce: EventProducer) -> None:
    """T1's story (with a redelivery, a lost claim and a broken record), T9 unknown, T2, o-1."""
    opened = samples.ticket_opened("T1", event_id="T1-open")
    reply = samples.message_added("T1", event_id="T1-reply", time="2024-05-01T10:05:00.000Z")
    for event in (
        opened,
        samples.ticket_action("claimed", "T1", event_id="T1-claim-ana", agent_id="ana"),
        reply,
        reply,  # a producer's retry: the same event again
        samples.ticket_action("claimed", "T1", event_id="T1-claim-luis", agent_id="luis"),
    ):
        produce.event(topics.tickets, event)
    produce.raw(topics.tickets, b"T1", b"not json")
    produce.event(topics.tickets, samples.message_added("T9", event_id="T9-reply"))  # no T9
    produce.event(topics.tickets, samples.ticket_opened("T2", event_id="T2-open"))
    produce.event(topics.orders, samples.order_placed("o-1", event_id="o-1-placed"))
    produce.event(topics.orders, samples.order_event("paid", "o-1", event_id="o-1-paid"))
    produce.flush()


def test_quarantined_records_and_lag_per_partition(
    topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("rosa", "Rosa Huamán", role="supervisor")
    fill(topics, produce)
    sent_at = time.time()
    bridge.wait_until(lambda m: {"T1", "T2"} <= set(m.tickets) and m.status.quarantined == 2)

    quarantine = ask_diagnostics(bridge, "quarantine")
    assert quarantine.quarantined_total == 2
    # T1's partition and T9's are read in either order: find each by what it holds
    (broken,) = [q for q in quarantine.quarantined if q.event_id is None]
    (unknown,) = [q for q in quarantine.quarantined if q.event_id is not None]
    assert broken.topic == topics.tickets
    assert broken.reason.startswith("value is not valid JSON")
    assert (unknown.event_id, unknown.reason) == ("T9-reply", "unknown ticket")
    t1_partition = broken.partition
    assert broken.offset >= 5  # after T1's five events on its partition
    assert broken.at is not None
    assert abs(_epoch(broken.at) - sent_at) < 60  # the record's Kafka timestamp

    # The end offsets come with the consumer's statistics (every 5 s)
    deadline = time.monotonic() + ANSWER_S
    lag = ask_diagnostics(bridge, "lag")
    while any(p.end is None for p in lag.partitions) and time.monotonic() < deadline:
        lag = ask_diagnostics(bridge, "lag")
    positions = {(p.topic, p.partition): p for p in lag.partitions}
    assert set(positions) == {(topic, n) for topic in topics.all() for n in range(3)}
    t1 = positions[(topics.tickets, t1_partition)]
    assert t1.end is not None
    assert t1.folded == t1.end >= broken.offset + 1
    assert all(p.lag == 0 for p in lag.partitions if p.topic != topics.agents)
    assert lag.ends_as_of is not None


def test_the_trace_of_a_ticket_and_an_order_from_the_log(
    topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("rosa", "Rosa Huamán", role="supervisor")
    fill(topics, produce)
    bridge.wait_until(lambda m: {"T1", "T2"} <= set(m.tickets) and m.status.quarantined == 2)
    trace = ask_trace(bridge, "ticket", "T1")
    assert trace.complete
    assert trace.error is None
    assert trace.records_scanned == 8  # the whole tickets topic, every partition
    assert [(e.event_id, e.type, e.outcome, e.duplicate) for e in trace.events] == [
        ("T1-open", "atp.ticket.opened", "applied", False),
        ("T1-claim-ana", "atp.ticket.claimed", "applied", False),
        ("T1-reply", "atp.ticket.message_added", "applied", False),
        ("T1-reply", "atp.ticket.message_added", "duplicate", True),
        ("T1-claim-luis", "atp.ticket.claimed", "rejected", False),
        (None, None, "quarantined", False),
    ]
    rejected, broken = trace.events[4], trace.events[5]
    assert rejected.reason == "claimed by Ana"
    assert rejected.source == "/atp/console/luis"
    assert rejected.time == "2024-05-01T10:00:00.000Z"
    assert broken.reason is not None
    assert broken.reason.startswith("value is not valid JSON")
    assert [e.offset for e in trace.events] == sorted(e.offset for e in trace.events)
    assert len({e.partition for e in trace.events}) == 1
    assert all(e.kafka_time is not None for e in trace.events)

    order = ask_trace(bridge, "order", "o-1")
    assert [(e.type, e.outcome) for e in order.events] == [
        ("atp.order.placed", "applied"),
        ("atp.order.paid", "applied"),
    ]
    unknown = ask_trace(bridge, "ticket", "T404")
    assert (unknown.complete, unknown.events) == (True, [])
    bad_key = ask_trace(bridge, "ticket", "")
    assert bad_key.error == "a ticket id has 1 to 200 characters"


def _epoch(text: str) -> float:
    epoch = epoch_of(text)
    assert epoch is not None
    return epoch
