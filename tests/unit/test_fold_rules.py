"""The contract's fold rules 1-7, one behaviour per test."""

from __future__ import annotations

import datetime as dt

import pytest

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord, ValidEvent, validate_record
from bridge.fold.reducer import QUARANTINE_LIMIT, FoldResult, apply_event, fold_record
from bridge.fold.state import State
from bridge.wire.rules import effective_presence, is_breached
from tests.helpers import samples

TOPICS = Topics()
DUE = "2024-05-01T11:00:00.000Z"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class Log:
    """A single-partition-per-topic log that folds each event as it is appended."""

    def __init__(self) -> None:
        self.state = State()
        self.records: list[RawRecord] = []
        self._next: dict[str, int] = {}

    def record(self, event: dict[str, object], topic: str) -> RawRecord:
        offset = self._next.get(topic, 0)
        self._next[topic] = offset + 1
        record = samples.as_record(event, topic=topic, offset=offset)
        self.records.append(record)
        return record

    def fold(self, event: dict[str, object], topic: str = TOPICS.tickets) -> FoldResult:
        return fold_record(self.state, self.record(event, topic), TOPICS)

    def order(self, event: dict[str, object]) -> FoldResult:
        return self.fold(event, TOPICS.orders)

    def redeliver(self, record: RawRecord) -> FoldResult:
        return fold_record(self.state, record, TOPICS)


@pytest.fixture
def log() -> Log:
    log = Log()
    assert log.fold(samples.ticket_opened("t-1", event_id="open-1")).outcome == "applied"
    return log


def claim(agent: str, event_id: str) -> dict[str, object]:
    return samples.ticket_action("claimed", "t-1", event_id=event_id, agent_id=agent)


# ------------------------------------------------------------------ rule 1: dedup by event id
def test_an_event_id_seen_before_is_ignored_and_counts_nowhere(log: Log) -> None:
    reply = samples.message_added("t-1", event_id="m-1")
    assert log.fold(reply).outcome == "applied"
    again = log.fold(reply)  # a producer retry: same id, a later offset
    assert (again.outcome, again.event_id, again.reason) == (
        "duplicate",
        "m-1",
        "event id seen before",
    )
    assert again.touched == []
    assert len(log.state.tickets["t-1"].messages) == 1


def test_a_redelivered_record_is_a_duplicate(log: Log) -> None:
    first = log.records[0]
    assert log.redeliver(first).outcome == "duplicate"
    assert log.state.tickets["t-1"].updated_at == samples.T0


def test_duplicate_order_events_do_not_count_in_events() -> None:
    log = Log()
    log.order(samples.order_placed("o-1", event_id="p-1"))
    paid = samples.order_event("paid", "o-1", event_id="pay-1")
    log.order(paid)
    assert log.order(paid).outcome == "duplicate"
    assert len(log.state.orders["o-1"].timeline) == 2


def test_a_redelivered_malformed_record_is_quarantined_once(log: Log) -> None:
    bad = RawRecord(topic=TOPICS.tickets, partition=0, offset=1, key=b"t-1", value=b"nope")
    assert log.redeliver(bad).outcome == "quarantined"
    assert log.redeliver(bad).outcome == "duplicate"
    assert log.state.quarantined_count == 1
    assert len(log.state.quarantined) == 1


def test_a_redelivered_unknown_type_is_skipped_once(log: Log) -> None:
    event = samples.message_added("t-1", event_id="x-1")
    event["type"] = "atp.ticket.escalated"
    record = log.record(event, TOPICS.tickets)
    assert log.redeliver(record).outcome == "skipped"
    assert log.redeliver(record).outcome == "duplicate"
    assert log.state.skipped_unknown_type == 1


# ------------------------------------------------------------------ rule 2: existence
def test_an_event_for_a_ticket_never_opened_is_quarantined_as_unknown_ticket() -> None:
    log = Log()
    result = log.fold(samples.message_added("t-404", event_id="m-1"))
    assert (result.outcome, result.reason, result.event_id) == (
        "quarantined",
        "unknown ticket",
        "m-1",
    )
    assert log.state.tickets == {}
    [kept] = log.state.quarantined
    assert (kept.topic, kept.partition, kept.offset, kept.reason, kept.event_id) == (
        TOPICS.tickets,
        0,
        0,
        "unknown ticket",
        "m-1",
    )
    assert log.state.quarantined_count == 1


def test_a_second_opened_with_another_id_is_a_duplicate_ticket(log: Log) -> None:
    result = log.fold(samples.ticket_opened("t-1", event_id="open-2", subject="Other"))
    assert (result.outcome, result.reason) == ("quarantined", "duplicate ticket")
    assert log.state.tickets["t-1"].subject == "Where is my order?"
    assert log.state.quarantined_count == 1


def test_an_event_for_an_order_never_placed_is_quarantined_as_unknown_order() -> None:
    log = Log()
    result = log.order(samples.order_event("paid", "o-404", event_id="pay-1"))
    assert (result.outcome, result.reason) == ("quarantined", "unknown order")
    assert log.state.orders == {}


def test_a_second_placed_with_another_id_is_a_duplicate_order() -> None:
    log = Log()
    log.order(samples.order_placed("o-1", event_id="p-1"))
    result = log.order(samples.order_placed("o-1", event_id="p-2", total_cents=1))
    assert (result.outcome, result.reason) == ("quarantined", "duplicate order")
    assert log.state.orders["o-1"].total_cents == 4500
    assert len(log.state.orders["o-1"].timeline) == 1


def test_a_retried_quarantined_event_is_not_counted_twice() -> None:
    log = Log()
    event = samples.message_added("t-404", event_id="m-1")
    log.fold(event)
    assert log.fold(event).outcome == "duplicate"
    assert log.state.quarantined_count == 1


# ------------------------------------------------------------------ rule 3: claim
def test_the_first_claim_wins_and_the_second_is_rejected_naming_the_holder(log: Log) -> None:
    first = log.fold(claim("ana", "c-1"))
    second = log.fold(claim("bob", "c-2"))
    assert (first.outcome, first.touched) == ("applied", [("ticket", "t-1")])
    assert (second.outcome, second.reason, second.event_id) == ("rejected", "claimed by Ana", "c-2")
    assert second.touched == []
    ticket = log.state.tickets["t-1"]
    assert (ticket.assignee, ticket.assignee_name) == ("ana", "Ana")
    assert [action.event_id for action in ticket.actions] == ["c-1"]


def test_a_rejected_claim_redelivered_is_a_duplicate(log: Log) -> None:
    log.fold(claim("ana", "c-1"))
    losing = claim("bob", "c-2")
    assert log.fold(losing).outcome == "rejected"
    assert log.fold(losing).outcome == "duplicate"
    assert "c-2" in log.state.applied_event_ids


def test_a_claim_after_a_release_takes_effect(log: Log) -> None:
    log.fold(claim("ana", "c-1"))
    log.fold(samples.ticket_action("released", "t-1", event_id="r-1", agent_id="ana"))
    assert log.fold(claim("bob", "c-2")).outcome == "applied"
    assert log.state.tickets["t-1"].assignee == "bob"


# ------------------------------------------------------------------ rule 4: release, assign
def test_release_by_the_assignee_unassigns(log: Log) -> None:
    log.fold(claim("ana", "c-1"))
    result = log.fold(samples.ticket_action("released", "t-1", event_id="r-1", agent_id="ana"))
    assert result.outcome == "applied"
    ticket = log.state.tickets["t-1"]
    assert (ticket.assignee, ticket.assignee_name) == (None, None)


def test_release_by_someone_else_is_rejected(log: Log) -> None:
    log.fold(claim("ana", "c-1"))
    result = log.fold(samples.ticket_action("released", "t-1", event_id="r-1", agent_id="bob"))
    assert (result.outcome, result.reason) == ("rejected", "assigned to Ana, not to Bob")
    assert log.state.tickets["t-1"].assignee == "ana"


def test_release_of_an_unassigned_ticket_is_rejected(log: Log) -> None:
    result = log.fold(samples.ticket_action("released", "t-1", event_id="r-1", agent_id="bob"))
    assert (result.outcome, result.reason) == ("rejected", "not assigned to anyone")


def test_assigned_always_takes_effect_and_records_who_assigned(log: Log) -> None:
    log.fold(claim("ana", "c-1"))
    event = samples.ticket_action(
        "assigned", "t-1", event_id="a-1", agent_id="bob", by={"id": "sup", "name": "Sara"}
    )
    assert log.fold(event).outcome == "applied"
    ticket = log.state.tickets["t-1"]
    assert (ticket.assignee, ticket.assignee_name) == ("bob", "Bob")
    action = ticket.actions[-1]
    assert (action.type, action.agent_id, action.agent_name) == (
        "atp.ticket.assigned",
        "sup",
        "Sara",
    )
    assert (action.target_id, action.target_name) == ("bob", "Bob")


# ------------------------------------------------------------------ rule 5: status
@pytest.mark.parametrize("status", ["resolved", "closed", "pending"])
def test_status_change_keeps_the_assignee(log: Log, status: str) -> None:
    log.fold(claim("ana", "c-1"))
    log.fold(samples.ticket_action("status_changed", "t-1", event_id="s-1", status=status))
    ticket = log.state.tickets["t-1"]
    assert (ticket.status, ticket.assignee) == (status, "ana")
    assert ticket.actions[-1].value == status


def test_status_open_reopens_a_closed_ticket(log: Log) -> None:
    log.fold(claim("ana", "c-1"))
    log.fold(samples.ticket_action("status_changed", "t-1", event_id="s-1", status="closed"))
    log.fold(samples.ticket_action("status_changed", "t-1", event_id="s-2", status="open"))
    ticket = log.state.tickets["t-1"]
    assert (ticket.status, ticket.assignee) == ("open", "ana")


def test_priority_and_queue_changes_apply_with_or_without_an_agent(log: Log) -> None:
    log.fold(samples.ticket_action("priority_changed", "t-1", event_id="p-1", priority="urgent"))
    log.fold(
        samples.ticket_action(
            "queue_changed", "t-1", event_id="q-1", agent_id=None, queue="payments"
        )
    )
    ticket = log.state.tickets["t-1"]
    assert (ticket.priority, ticket.queue) == ("urgent", "payments")
    assert ticket.actions[-1].agent_id is None


# ------------------------------------------------------------------ rule 6: first-response SLA
def reply(event_id: str, time: str, **options: object) -> dict[str, object]:
    kind = str(options.get("author_kind", "agent"))
    internal = bool(options.get("internal", False))
    return samples.message_added(
        "t-1", event_id=event_id, time=time, author_kind=kind, internal=internal
    )


def test_an_unanswered_ticket_is_breached_only_past_its_due_time(log: Log) -> None:
    ticket = log.state.tickets["t-1"]
    assert not is_breached(ticket, at("2024-05-01T10:59:59Z"))
    assert not is_breached(ticket, at(DUE))
    assert is_breached(ticket, at("2024-05-01T11:00:01Z"))


def test_a_ticket_answered_in_time_is_never_breached(log: Log) -> None:
    log.fold(reply("m-1", "2024-05-01T10:30:00Z"))
    ticket = log.state.tickets["t-1"]
    assert ticket.first_response_at == "2024-05-01T10:30:00Z"
    assert not is_breached(ticket, at("2030-01-01T00:00:00Z"))


def test_an_answer_exactly_at_the_due_time_is_in_time(log: Log) -> None:
    log.fold(reply("m-1", DUE))
    assert not is_breached(log.state.tickets["t-1"], at("2030-01-01T00:00:00Z"))


def test_a_late_answer_leaves_the_ticket_breached(log: Log) -> None:
    log.fold(reply("m-1", "2024-05-01T11:30:00Z"))
    assert is_breached(log.state.tickets["t-1"], at("2024-05-01T12:00:00Z"))


@pytest.mark.parametrize(
    "options",
    [{"internal": True}, {"author_kind": "customer"}, {"author_kind": "system"}],
    ids=["internal note", "customer", "system"],
)
def test_only_a_public_agent_message_is_a_first_response(
    log: Log, options: dict[str, object]
) -> None:
    log.fold(reply("m-1", "2024-05-01T10:10:00Z", **options))
    ticket = log.state.tickets["t-1"]
    assert ticket.first_response_at is None
    assert is_breached(ticket, at("2024-05-01T11:00:01Z"))


def test_the_first_response_is_the_first_public_agent_message(log: Log) -> None:
    log.fold(reply("m-1", "2024-05-01T10:10:00Z", internal=True))
    log.fold(reply("m-2", "2024-05-01T10:20:00Z"))
    log.fold(reply("m-3", "2024-05-01T10:40:00Z"))
    ticket = log.state.tickets["t-1"]
    assert ticket.first_response_at == "2024-05-01T10:20:00Z"
    assert ticket.last_agent_message_at == "2024-05-01T10:40:00Z"


def test_sla_times_compare_as_instants_not_strings() -> None:
    log = Log()
    log.fold(samples.ticket_opened("t-1", event_id="o-1", sla_due_at="2024-05-01T06:00:00-05:00"))
    log.fold(reply("m-1", "2024-05-01T10:59:00Z"))  # 10:59Z is before 11:00Z == 06:00-05:00
    assert not is_breached(log.state.tickets["t-1"], at("2024-05-02T00:00:00Z"))


def test_messages_count_internal_notes_but_not_the_opening_body(log: Log) -> None:
    log.fold(reply("m-1", samples.T0, author_kind="customer"))
    log.fold(reply("m-2", samples.T0, internal=True))
    log.fold(reply("m-3", samples.T0))
    assert len(log.state.tickets["t-1"].messages) == 3


def test_a_naive_now_is_refused(log: Log) -> None:
    with pytest.raises(ValueError, match="naive"):
        is_breached(log.state.tickets["t-1"], dt.datetime(2024, 5, 1, 12))  # noqa: DTZ001


# ------------------------------------------------------------------ orders
def test_order_status_is_the_last_word_and_eta_follows_the_latest() -> None:
    log = Log()
    log.order(samples.order_placed("o-1", event_id="p-1"))
    log.order(samples.order_event("paid", "o-1", event_id="e-1"))
    log.order(samples.order_event("dispatched", "o-1", event_id="e-2"))
    log.order(samples.order_event("delayed", "o-1", event_id="e-3", eta="2024-05-01T11:30:00Z"))
    order = log.state.orders["o-1"]
    assert (order.status, order.eta) == ("delayed", "2024-05-01T11:30:00Z")
    assert [entry.type for entry in order.timeline] == [
        "atp.order.placed",
        "atp.order.paid",
        "atp.order.dispatched",
        "atp.order.delayed",
    ]
    assert order.timeline[1].summary == {"method": "yape", "amount_cents": 4500}


def test_an_order_keeps_the_customer_context_placed_and_dispatched_give() -> None:
    log = Log()
    placed = samples.order_placed(
        "o-1", event_id="p-1", customer={"id": "c-1", "name": "Rosa Quispe", "phone": "+51 987"}
    )
    log.order(placed)
    order = log.state.orders["o-1"]
    assert (order.customer_phone, order.address, order.district, order.city) == (
        "+51 987",
        "Av. Arequipa 1234",
        "Lince",
        "Lima",
    )
    assert [(item.name, item.qty, item.unit_price_cents) for item in order.items] == [
        ("1/4 pollo", 2, 1800),
        ("Chicha morada 1 L", 1, 900),
    ]
    assert (order.courier_id, order.courier_name) == (None, None)
    log.order(samples.order_event("dispatched", "o-1", event_id="e-1"))
    assert (order.courier_id, order.courier_name) == ("k-7", "Luis")


def test_a_late_dispatch_after_delivery_still_names_the_courier() -> None:
    log = Log()
    log.order(samples.order_placed("o-1", event_id="p-1"))
    log.order(samples.order_event("delivered", "o-1", event_id="e-1"))
    log.order(samples.order_event("dispatched", "o-1", event_id="e-2"))
    order = log.state.orders["o-1"]
    assert (order.status, order.courier_name) == ("delivered", "Luis")


@pytest.mark.parametrize("terminal", ["delivered", "cancelled"])
def test_a_terminal_status_stays_but_later_events_join_the_timeline(terminal: str) -> None:
    log = Log()
    log.order(samples.order_placed("o-1", event_id="p-1"))
    log.order(samples.order_event(terminal, "o-1", event_id="e-1"))
    late = samples.order_event("delayed", "o-1", event_id="e-2", eta="2024-05-01T12:00:00Z")
    result = log.order(late)
    order = log.state.orders["o-1"]
    assert (result.outcome, result.touched) == ("applied", [("order", "o-1")])
    assert order.status == terminal
    assert order.eta == "2024-05-01T10:45:00.000Z"
    assert len(order.timeline) == 3


def test_a_later_terminal_word_replaces_a_terminal_status() -> None:
    log = Log()
    log.order(samples.order_placed("o-1", event_id="p-1"))
    log.order(samples.order_event("delivered", "o-1", event_id="e-1"))
    log.order(samples.order_event("cancelled", "o-1", event_id="e-2"))
    assert log.state.orders["o-1"].status == "cancelled"


# ------------------------------------------------------------------ presence
def test_the_last_presence_in_the_log_wins_and_expires_to_offline() -> None:
    log = Log()
    log.fold(samples.presence("ana", event_id="a-1", status="away"), TOPICS.agents)
    result = log.fold(
        samples.presence("ana", event_id="a-2", expires_at="2024-05-01T10:10:00Z"), TOPICS.agents
    )
    assert result.touched == [("agent", "ana")]
    presence = log.state.agents["ana"]
    assert presence.status == "online"
    assert effective_presence(presence, at("2024-05-01T10:10:00Z")) == "online"
    assert effective_presence(presence, at("2024-05-01T10:10:01Z")) == "offline"


def test_a_tombstone_on_the_presence_topic_removes_the_agent() -> None:
    log = Log()
    log.fold(samples.presence("ana", event_id="a-1"), TOPICS.agents)
    tombstone = RawRecord(topic=TOPICS.agents, partition=0, offset=1, key=b"ana", value=None)
    result = log.redeliver(tombstone)
    assert (result.outcome, result.touched) == ("applied", [("agent", "ana")])
    assert log.state.agents == {}
    assert log.state.quarantined_count == 0


# ------------------------------------------------------------------ rule 7 (more in test_validate)
def test_an_unknown_type_is_skipped_and_counted_not_quarantined(log: Log) -> None:
    event = samples.message_added("t-1", event_id="x-1")
    event["type"] = "atp.ticket.escalated"
    result = log.fold(event)
    assert (result.outcome, result.reason) == (
        "skipped",
        "unknown event type 'atp.ticket.escalated'",
    )
    assert (log.state.skipped_unknown_type, log.state.quarantined_count) == (1, 0)


def test_the_quarantine_keeps_the_last_records_and_counts_them_all() -> None:
    state = State()
    total = QUARANTINE_LIMIT + 5
    for offset in range(total):
        bad = RawRecord(topic=TOPICS.tickets, partition=0, offset=offset, key=b"k", value=b"x")
        fold_record(state, bad, TOPICS)
    assert state.quarantined_count == total
    assert len(state.quarantined) == QUARANTINE_LIMIT
    assert state.quarantined[0].offset == 5
    assert state.quarantined[-1].offset == total - 1


def test_apply_event_applies_an_already_validated_event() -> None:
    state = State()
    record = samples.as_record(
        samples.ticket_opened("t-1", event_id="o-1"), topic=TOPICS.tickets, offset=0
    )
    event = validate_record(record, TOPICS)
    assert isinstance(event, ValidEvent)
    assert apply_event(state, event).outcome == "applied"
    assert apply_event(state, event).outcome == "duplicate"
    assert list(state.tickets) == ["t-1"]
