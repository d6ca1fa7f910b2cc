"""The simulator's scenario: deterministic, valid, realistic, and broken on purpose."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json

import pytest

from bridge.contract.events import EVENT_KINDS
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.demo.sim import catalog
from bridge.demo.sim.agents import RACE_WINDOW_S
from bridge.demo.sim.malform import BREAKAGES
from bridge.demo.sim.record import SimRecord
from bridge.demo.sim.scenario import Scenario
from bridge.fold.reducer import Outcome, fold_record
from bridge.fold.state import State
from bridge.wire.timestamps import require_rfc3339
from tests.unit.test_schemas import schema_errors

START = dt.datetime(2024, 5, 1, 13, 0, tzinfo=dt.UTC)
TOPICS = Topics()
NEXT_ORDER_STATES = {
    "placed": {"paid", "cancelled"},
    "paid": {"dispatched", "cancelled"},
    "dispatched": {"delayed", "delivered", "cancelled"},
    "delayed": {"delayed", "delivered", "cancelled"},
}


def take(scenario: Scenario, count: int) -> list[SimRecord]:
    return list(itertools.islice(scenario.records(), count))


def decoded(record: SimRecord) -> dict[str, object]:
    event = json.loads(record.value)
    assert isinstance(event, dict)
    return event


def data_of(event: dict[str, object]) -> dict[str, object]:
    data = event["data"]
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def valid_records() -> list[SimRecord]:
    return take(Scenario(seed=7, start=START, agents=3), 10_000)


@pytest.fixture(scope="module")
def valid_events(valid_records: list[SimRecord]) -> list[dict[str, object]]:
    return [decoded(record) for record in valid_records]


def test_same_inputs_give_identical_records_ids_included() -> None:
    first = take(Scenario(seed=42, start=START, agents=2, malformed_share=0.1), 3000)
    again = take(Scenario(seed=42, start=START, agents=2, malformed_share=0.1), 3000)
    assert first == again
    scenario = Scenario(seed=42, start=START, agents=2)
    assert take(scenario, 500) == take(scenario, 500)  # records() starts over every time


def test_a_different_seed_gives_different_records_and_ids() -> None:
    one = [decoded(record) for record in take(Scenario(seed=1, start=START), 500)]
    two = [decoded(record) for record in take(Scenario(seed=2, start=START), 500)]
    assert {event["id"] for event in one}.isdisjoint({event["id"] for event in two})
    assert {event["subject"] for event in one}.isdisjoint({event["subject"] for event in two})


def test_the_start_time_moves_the_times_and_nothing_else() -> None:
    later = START + dt.timedelta(days=3, hours=2)
    here = [decoded(record) for record in take(Scenario(seed=5, start=START, agents=1), 300)]
    there = [decoded(record) for record in take(Scenario(seed=5, start=later, agents=1), 300)]
    assert [event["id"] for event in here] == [event["id"] for event in there]
    for a, b in zip(here, there, strict=True):
        shift = require_rfc3339(str(b["time"])) - require_rfc3339(str(a["time"]))
        assert shift == later - START


def test_event_time_is_start_plus_simulated_offset(valid_records: list[SimRecord]) -> None:
    for record in valid_records[:2000]:
        moment = require_rfc3339(str(decoded(record)["time"]))
        assert abs((moment - START).total_seconds() - record.offset_s) < 0.002
    offsets = [record.offset_s for record in valid_records]
    assert offsets == sorted(offsets)


def test_ten_thousand_events_meet_the_json_schemas_and_key_rules(
    valid_records: list[SimRecord], valid_events: list[dict[str, object]]
) -> None:
    for record, event in zip(valid_records, valid_events, strict=True):
        assert record.breakage is None
        assert schema_errors(event) == [], event
        assert event["subject"] == record.key.decode()
        assert EVENT_KINDS[str(event["type"])].topic == record.topic
    assert len({event["id"] for event in valid_events}) == len(valid_events)


def test_every_contract_event_type_occurs(valid_events: list[dict[str, object]]) -> None:
    seen = collections.Counter(str(event["type"]) for event in valid_events)
    assert set(seen) == set(EVENT_KINDS), set(EVENT_KINDS) - set(seen)


def test_virtual_agents_show_what_they_view_and_write_at_most_once_a_second(
    valid_records: list[SimRecord], valid_events: list[dict[str, object]]
) -> None:
    last: dict[str, float] = {}
    activity: collections.Counter[str] = collections.Counter()
    for record, event in zip(valid_records, valid_events, strict=True):
        if event["type"] != "atp.agent.presence":
            continue
        agent = str(event["subject"])
        if agent in last:
            assert record.offset_s - last[agent] >= 0.999, (agent, record.offset_s)
        last[agent] = record.offset_s
        data = data_of(event)
        activity["viewing"] += data["viewing"] is not None
        activity["composing"] += data["composing"] is not None
    assert activity["viewing"] > 20
    assert activity["composing"] > 10


def test_virtual_agents_tag_tickets(valid_events: list[dict[str, object]]) -> None:
    tags = collections.Counter(
        str(data_of(event)["tag"])
        for event in valid_events
        if event["type"] == "atp.ticket.tag_added"
    )
    assert set(tags) <= set(catalog.TAGS)
    assert len(tags) >= 3


def test_per_entity_order_makes_sense(valid_events: list[dict[str, object]]) -> None:
    order_status: dict[str, str] = {}
    opened: set[str] = set()
    last_time: dict[str, dt.datetime] = {}
    for event in valid_events:
        subject, kind = str(event["subject"]), str(event["type"]).rsplit(".", 1)[1]
        moment = require_rfc3339(str(event["time"]))
        assert moment >= last_time.get(subject, moment)
        last_time[subject] = moment
        if event["type"] == "atp.order.placed":
            assert subject not in order_status
            order_status[subject] = "placed"
        elif str(event["type"]).startswith("atp.order."):
            assert kind in NEXT_ORDER_STATES[order_status[subject]], (subject, kind)
            order_status[subject] = kind
        elif event["type"] == "atp.ticket.opened":
            assert subject not in opened
            opened.add(subject)
            order_id = data_of(event)["order_id"]
            assert order_id is None or order_status.get(str(order_id)) is not None
        elif str(event["type"]).startswith("atp.ticket."):
            assert subject in opened, f"{event['type']} before the ticket was opened"


def test_orders_are_peruvian_and_add_up(valid_events: list[dict[str, object]]) -> None:
    placed = [data_of(event) for event in valid_events if event["type"] == "atp.order.placed"]
    assert len(placed) > 500
    districts = set(catalog.DISTRICTS)
    for data in placed:
        items = data["items"]
        assert isinstance(items, list)
        assert data["total_cents"] == sum(item["qty"] * item["unit_price_cents"] for item in items)
        assert data["currency"] == "PEN"
        delivery, customer = data["delivery"], data["customer"]
        assert isinstance(delivery, dict)
        assert isinstance(customer, dict)
        assert delivery["city"] == "Lima"
        assert delivery["district"] in districts
        assert str(customer["phone"]).startswith("+51 9")
    paid = {
        str(data_of(event)["order_id"]): data_of(event)["amount_cents"]
        for event in valid_events
        if event["type"] == "atp.order.paid"
    }
    totals = {str(data["order_id"]): data["total_cents"] for data in placed}
    assert all(totals[order_id] == amount for order_id, amount in paid.items())


def test_sources_follow_the_contract(valid_events: list[dict[str, object]]) -> None:
    channels: dict[str, str] = {}
    for event in valid_events:
        source, data = str(event["source"]), data_of(event)
        if str(event["type"]).startswith("atp.order."):
            assert source == "/atp/orders"
        elif event["type"] == "atp.ticket.opened":
            channels[str(event["subject"])] = str(data["channel"])
            assert source == f"/atp/channels/{data['channel']}"
        elif event["type"] == "atp.agent.presence":
            assert source == f"/atp/console/{data_of(event)['agent']['id']}"  # type: ignore[index]  # a JSON object
        elif event["type"] == "atp.ticket.message_added":
            author = data["author"]
            assert isinstance(author, dict)
            if author["kind"] == "customer":
                assert source == f"/atp/channels/{channels[str(event['subject'])]}"
                assert data["internal"] is False
            else:
                assert source == f"/atp/console/{author['id']}"
        else:
            actor = data["by"] if event["type"] == "atp.ticket.assigned" else data["agent"]
            assert isinstance(actor, dict)
            assert source == f"/atp/console/{actor['id']}"


def test_agents_renew_presence_before_it_expires(valid_events: list[dict[str, object]]) -> None:
    expires: dict[str, dt.datetime] = {}
    roles: dict[str, str] = {}
    for event in valid_events:
        if event["type"] != "atp.agent.presence":
            continue
        agent_id, data = str(event["subject"]), data_of(event)
        moment = require_rfc3339(str(event["time"]))
        if agent_id in expires:
            assert moment < expires[agent_id], f"{agent_id} renewed after its presence expired"
        expires[agent_id] = require_rfc3339(str(data["expires_at"]))
        roles[agent_id] = str(data["agent"]["role"])  # type: ignore[index]  # a JSON object
    assert sorted(roles.values()) == ["agent", "agent", "agent", "supervisor"]


def _fold(records: list[SimRecord]) -> tuple[State, list[tuple[SimRecord, Outcome]]]:
    state, offsets = State(), collections.Counter[str]()
    outcomes: list[tuple[SimRecord, Outcome]] = []
    for record in records:
        topic = getattr(TOPICS, record.topic)
        raw = RawRecord(topic, 0, offsets[topic], record.key, record.value)
        offsets[topic] += 1
        outcomes.append((record, fold_record(state, raw, TOPICS).outcome))
    return state, outcomes


def test_the_bridge_applies_everything_and_rejects_only_racing_claims(
    valid_records: list[SimRecord],
) -> None:
    state, outcomes = _fold(valid_records)
    counts = collections.Counter(outcome for _, outcome in outcomes)
    assert counts["quarantined"] == counts["skipped"] == counts["duplicate"] == 0
    rejected = [record for record, outcome in outcomes if outcome == "rejected"]
    assert rejected, "no claim race in 10,000 events"
    winners: dict[str, float] = {}
    for record, outcome in outcomes:
        event = decoded(record)
        if event["type"] == "atp.ticket.claimed" and outcome == "applied":
            winners[str(event["subject"])] = record.offset_s
    for record in rejected:
        event = decoded(record)
        assert event["type"] == "atp.ticket.claimed"
        assert 0 <= record.offset_s - winners[str(event["subject"])] <= RACE_WINDOW_S
    assert state.quarantined_count == 0


def _breaks_the_contract(record: SimRecord, known: set[str]) -> bool:
    """Whether a consumer must not apply ``record``: unreadable, invalid or about nothing known."""
    try:
        event = json.loads(record.value)
    except ValueError:
        return True
    if schema_errors(event) or event["subject"] != record.key.decode():
        return True
    subject, kind = str(event["subject"]), str(event["type"])
    if kind in ("atp.order.placed", "atp.ticket.opened"):
        known.add(subject)
        return False
    return record.topic != "agents" and subject not in known


def test_malformed_share_is_the_share_of_records_that_break_the_contract() -> None:
    records = take(Scenario(seed=11, start=START, agents=2, malformed_share=0.1), 6000)
    known: set[str] = set()
    breaking = [_breaks_the_contract(record, known) for record in records]
    assert 0.085 <= sum(breaking) / len(records) <= 0.115
    assert breaking == [record.breakage is not None for record in records]
    assert {record.breakage for record in records} == {*BREAKAGES, None}


def test_broken_records_come_on_top_of_the_valid_stream() -> None:
    broken = take(Scenario(seed=3, start=START, agents=1, malformed_share=0.2), 3000)
    kept = [record for record in broken if record.breakage is None]
    assert kept == take(Scenario(seed=3, start=START, agents=1), len(kept))


def test_rate_sets_the_steady_density_of_events() -> None:
    for rate in (2.0, 20.0):
        records = take(Scenario(seed=9, start=START, agents=3, events_per_second=rate), 12_000)
        steady = records[4000:]
        density = len(steady) / (steady[-1].offset_s - steady[0].offset_s)
        assert 0.8 * rate <= density <= 1.2 * rate


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start": dt.datetime(2024, 5, 1)}, "naive"),  # noqa: DTZ001  (the point of the test)
        ({"malformed_share": 1.0}, "malformed share"),
        ({"malformed_share": -0.1}, "malformed share"),
        ({"agents": -1}, "agents"),
        ({"events_per_second": 0.0}, "events per second"),
    ],
)
def test_impossible_inputs_are_refused(arguments: dict[str, object], message: str) -> None:
    settings: dict[str, object] = {"seed": 1, "start": START, **arguments}
    with pytest.raises(ValueError, match=message):
        Scenario(**settings)  # type: ignore[arg-type]  # values of several types, checked above
