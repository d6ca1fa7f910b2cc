"""The reported state has exactly the shape of CONTRACT.md's "Materialized state"."""

from __future__ import annotations

import datetime as dt
import json

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.report import contract_snapshot
from bridge.fold.state import State
from tests.helpers import samples

TOPICS = Topics()
NOW = dt.datetime(2024, 5, 1, 11, 30, tzinfo=dt.UTC)

# The field lists of CONTRACT.md, "Materialized state, as the bridge reports it".
TOP_FIELDS = {"as_of", "tickets", "orders", "agents", "quarantined", "skipped_unknown_type"}
TICKET_FIELDS = {
    "ticket_id", "status", "priority", "queue", "assignee", "customer_id", "order_id", "channel",
    "subject", "opened_at", "sla_due_at", "breached", "first_response_at", "messages",
    "tags",  # 1.1
}  # fmt: skip
ORDER_FIELDS = {"order_id", "status", "customer_id", "total_cents", "currency", "eta", "events"}
AGENT_FIELDS = {"agent_id", "name", "role", "status", "queues", "viewing", "composing"}


def folded(*events: tuple[str, dict[str, object]]) -> State:
    state = State()
    offsets: dict[str, int] = {}
    for topic, event in events:
        offset = offsets.get(topic, 0)
        offsets[topic] = offset + 1
        fold_record(state, samples.as_record(event, topic=topic, offset=offset), TOPICS)
    return state


def busy_events() -> list[tuple[str, dict[str, object]]]:
    tickets, orders, agents = TOPICS.tickets, TOPICS.orders, TOPICS.agents
    return [
        (tickets, samples.ticket_opened("t-2", event_id="e-1")),
        (tickets, samples.ticket_opened("t-1", event_id="e-2", order_id=None)),
        (tickets, samples.ticket_action("claimed", "t-1", event_id="e-3", agent_id="ana")),
        (tickets, samples.message_added("t-1", event_id="e-4", time="2024-05-01T10:20:00Z")),
        (tickets, samples.message_added("t-1", event_id="e-5", internal=True)),
        (tickets, samples.message_added("t-2", event_id="e-6", author_kind="customer")),
        (orders, samples.order_placed("o-2", event_id="e-7")),
        (orders, samples.order_placed("o-1", event_id="e-8", total_cents=1200)),
        (orders, samples.order_event("delivered", "o-1", event_id="e-9")),
        (orders, samples.order_event("delayed", "o-1", event_id="e-10")),
        (agents, samples.presence("bob", event_id="e-11", expires_at="2024-05-01T11:00:00Z",
                                  viewing="t-2", composing="t-2")),  # expired: reads null
        (agents, samples.presence("ana", event_id="e-12", role="supervisor",
                                  expires_at="2024-05-01T12:00:00Z", queues=("payments",),
                                  viewing="t-1", composing=None)),
        (tickets, samples.message_added("t-9", event_id="e-13")),  # unknown ticket
        (tickets, samples.ticket_action("tag_added", "t-1", event_id="e-15", tag="refund")),
        (tickets, samples.ticket_action("tag_added", "t-1", event_id="e-16", tag="Late")),
        (tickets, samples.ticket_action("tag_added", "t-1", event_id="e-17", tag="refund")),
        (tickets, samples.ticket_action("tag_removed", "t-2", event_id="e-18", tag="refund")),
    ]  # fmt: skip


def busy_state() -> State:
    tickets = TOPICS.tickets
    state = folded(*busy_events())
    unknown = samples.message_added("t-1", event_id="e-14")
    unknown["type"] = "atp.ticket.escalated"
    fold_record(state, samples.as_record(unknown, topic=tickets, offset=100), TOPICS)
    return state


def test_snapshot_has_exactly_the_contract_fields() -> None:
    snapshot = contract_snapshot(busy_state(), NOW)
    assert set(snapshot) == TOP_FIELDS
    for key, fields in (
        ("tickets", TICKET_FIELDS),
        ("orders", ORDER_FIELDS),
        ("agents", AGENT_FIELDS),
    ):
        rows = snapshot[key]
        assert isinstance(rows, list)
        assert rows
        for row in rows:
            assert set(row) == fields


def test_snapshot_values_follow_the_fold() -> None:
    snapshot = contract_snapshot(busy_state(), NOW)
    assert snapshot["as_of"] == "2024-05-01T11:30:00.000Z"
    assert snapshot["quarantined"] == 1
    assert snapshot["skipped_unknown_type"] == 1
    assert snapshot["tickets"] == [
        {
            "ticket_id": "t-1", "status": "open", "priority": "normal", "queue": "deliveries",
            "assignee": "ana", "customer_id": "c-1", "order_id": None, "channel": "whatsapp",
            "subject": "Where is my order?", "opened_at": samples.T0,
            "sla_due_at": "2024-05-01T11:00:00.000Z", "breached": False,
            "first_response_at": "2024-05-01T10:20:00Z", "messages": 2,
            "tags": ["Late", "refund"],
        },
        {
            "ticket_id": "t-2", "status": "open", "priority": "normal", "queue": "deliveries",
            "assignee": None, "customer_id": "c-1", "order_id": "o-1", "channel": "whatsapp",
            "subject": "Where is my order?", "opened_at": samples.T0,
            "sla_due_at": "2024-05-01T11:00:00.000Z", "breached": True,
            "first_response_at": None, "messages": 1, "tags": [],
        },
    ]  # fmt: skip
    assert snapshot["orders"] == [
        {"order_id": "o-1", "status": "delivered", "customer_id": "c-1", "total_cents": 1200,
         "currency": "PEN", "eta": "2024-05-01T10:45:00.000Z", "events": 3},
        {"order_id": "o-2", "status": "placed", "customer_id": "c-1", "total_cents": 4500,
         "currency": "PEN", "eta": "2024-05-01T10:45:00.000Z", "events": 1},
    ]  # fmt: skip
    assert snapshot["agents"] == [
        {"agent_id": "ana", "name": "Ana", "role": "supervisor", "status": "online",
         "queues": ["payments"], "viewing": "t-1", "composing": None},
        {"agent_id": "bob", "name": "Bob", "role": "agent", "status": "offline",
         "queues": ["deliveries"], "viewing": None, "composing": None},
    ]  # fmt: skip


def test_snapshot_is_json_and_independent_of_arrival_order_across_topics() -> None:
    events = busy_events()
    in_log_order = contract_snapshot(folded(*events), NOW)
    topic_by_topic = contract_snapshot(folded(*sorted(events, key=lambda item: item[0])), NOW)
    assert topic_by_topic == in_log_order
    assert json.loads(json.dumps(in_log_order)) == in_log_order


def test_empty_state_reports_empty_lists_and_zero_counts() -> None:
    assert contract_snapshot(State(), NOW) == {
        "as_of": "2024-05-01T11:30:00.000Z",
        "tickets": [],
        "orders": [],
        "agents": [],
        "quarantined": 0,
        "skipped_unknown_type": 0,
    }


def test_quarantined_counts_records_beyond_the_kept_list() -> None:
    state = State()
    for offset in range(1003):
        bad = RawRecord(topic=TOPICS.orders, partition=1, offset=offset, key=b"o", value=b"?")
        fold_record(state, bad, TOPICS)
    assert contract_snapshot(state, NOW)["quarantined"] == 1003
