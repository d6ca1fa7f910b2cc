"""Rule 7: every kind of malformed record is quarantined with a clear reason; the fold goes on."""

from __future__ import annotations

import collections
import datetime as dt
import gc
import itertools
from collections.abc import Callable

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.contract import validate
from bridge.contract.events import (
    EVENT_KINDS,
    MessageAdded,
    OrderPlaced,
    StatusChanged,
    TicketOpened,
)
from bridge.contract.topics import Topics
from bridge.contract.validate import Invalid, RawRecord, UnknownType, ValidEvent, validate_record
from bridge.demo.sim.scenario import Scenario
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.wire.timestamps import parse_rfc3339
from tests.helpers import samples

TOPICS = Topics(orders="shop.orders", tickets="shop.tickets", agents="shop.agents")
TICKETS, ORDERS, AGENTS = TOPICS.tickets, TOPICS.orders, TOPICS.agents
BAD_OFFSET = 7


def _encode(event: dict[str, object]) -> bytes:
    return msgspec.json.encode(event)


def _data(event: dict[str, object]) -> dict[str, object]:
    data = event["data"]
    assert isinstance(data, dict)
    return data


def _ticket_event(**envelope: object) -> dict[str, object]:
    event = samples.message_added("t-1", event_id="bad-1")
    event.update(envelope)
    return event


def _without(name: str) -> dict[str, object]:
    event = _ticket_event()
    del event[name]
    return event


def _with_data(**data: object) -> dict[str, object]:
    event = _ticket_event()
    _data(event).update(data)
    return event


def _order_with(**data: object) -> dict[str, object]:
    event = samples.order_placed("o-9", event_id="bad-1")
    _data(event).update(data)
    return event


def _raw(value: bytes | None, *, topic: str = TICKETS, key: bytes | None = b"t-1") -> RawRecord:
    return RawRecord(topic=topic, partition=2, offset=BAD_OFFSET, key=key, value=value)


def _rec(event: dict[str, object], *, topic: str = TICKETS, key: bytes | None = None) -> RawRecord:
    return samples.as_record(event, topic=topic, partition=2, offset=BAD_OFFSET, key=key)


# (name, record, the reason it is quarantined with)
MALFORMED: list[tuple[str, Callable[[], RawRecord], str]] = [
    ("not JSON", lambda: _raw(b"{not json"), "value is not valid JSON (JSON is malformed"),
    ("truncated JSON", lambda: _raw(b'{"id": "x"'), "value is not valid JSON"),
    ("empty value", lambda: _raw(b""), "value is not valid JSON"),
    (
        "invalid UTF-8",
        lambda: _raw(b'{"id": "caf\xe9"}'),
        "value is not valid UTF-8 (bad byte at position 11)",
    ),
    (
        "invalid UTF-8 in an attribute the decoder skips",
        lambda: _raw(_encode(_ticket_event()).replace(b'"data"', b'"ext":"caf\xe9","data"')),
        "value is not valid UTF-8 (bad byte at position",
    ),
    ("JSON array", lambda: _raw(b"[1, 2]"), "value is not a JSON object"),
    ("tombstone", lambda: _raw(None), "record has no value (a tombstone)"),
    (
        "presence tombstone without a key",
        lambda: _raw(None, topic=AGENTS, key=None),
        "record has no value (a tombstone)",
    ),
    ("missing specversion", lambda: _rec(_without("specversion")), "attribute `specversion`"),
    ("missing id", lambda: _rec(_without("id")), "missing required attribute `id`"),
    ("missing data", lambda: _rec(_without("data")), "missing required attribute `data`"),
    ("missing time", lambda: _rec(_without("time")), "missing required attribute `time`"),
    ("empty id", lambda: _rec(_ticket_event(id="")), "attribute `id` is empty"),
    ("empty source", lambda: _rec(_ticket_event(source="")), "attribute `source` is empty"),
    (
        "id not a string",
        lambda: _rec(_ticket_event(id=42)),
        "invalid attribute: Expected `str`, got `int` - at `$.id`",
    ),
    (
        "specversion 0.3",
        lambda: _rec(_ticket_event(specversion="0.3")),
        "specversion is '0.3', expected '1.0'",
    ),
    (
        "specversion as a number",
        lambda: _rec(_ticket_event(specversion=1.0)),
        "Expected `str`, got `float` - at `$.specversion`",
    ),
    (
        "wrong datacontenttype",
        lambda: _rec(_ticket_event(datacontenttype="text/plain")),
        "datacontenttype is 'text/plain', expected 'application/json'",
    ),
    (
        "time without offset",
        lambda: _rec(_ticket_event(time="2024-05-01T10:00:00")),
        "time '2024-05-01T10:00:00' is not an RFC 3339 timestamp with offset",
    ),
    (
        "time is prose",
        lambda: _rec(_ticket_event(time="yesterday")),
        "time 'yesterday' is not an RFC 3339",
    ),
    (
        "time is a date only",
        lambda: _rec(_ticket_event(time="2024-05-01")),
        "is not an RFC 3339",
    ),
    (
        "subject differs from key",
        lambda: _rec(_ticket_event(), key=b"t-2"),
        "subject 't-1' differs from the record key 't-2'",
    ),
    ("missing key", lambda: _raw(_encode(_ticket_event()), key=None), "record has no key"),
    (
        "type from another topic",
        lambda: _rec(samples.order_event("paid", "o-1", event_id="bad-1"), topic=TICKETS),
        "type 'atp.order.paid' belongs to topic 'shop.orders', not 'shop.tickets'",
    ),
    (
        "data not an object",
        lambda: _rec(_ticket_event(data="hello")),
        "invalid data for atp.ticket.message_added: Expected `object`, got `str` - at `$.data`",
    ),
    (
        "data null",
        lambda: _rec(_ticket_event(data=None)),
        "Expected `object`, got `null` - at `$.data`",
    ),
    (
        "data field missing",
        lambda: _rec(_ticket_event(data={"ticket_id": "t-1"})),
        "Object missing required field `message_id` - at `$.data`",
    ),
    (
        "bool as a string",
        lambda: _rec(_with_data(internal="false")),
        "Expected `bool`, got `str` - at `$.data.internal`",
    ),
    (
        "bool as an integer",
        lambda: _rec(_with_data(internal=0)),
        "Expected `bool`, got `int` - at `$.data.internal`",
    ),
    (
        "author kind not in the enum",
        lambda: _rec(_with_data(author={"kind": "bot", "id": "x", "name": "X"})),
        "Invalid enum value 'bot' - at `$.data.author.kind`",
    ),
    (
        "cents as a string",
        lambda: _rec(_order_with(total_cents="4500"), topic=ORDERS),
        "invalid data for atp.order.placed: Expected `int`, got `str` - at `$.data.total_cents`",
    ),
    (
        "cents as a float",
        lambda: _rec(_order_with(total_cents=45.5), topic=ORDERS),
        "Expected `int`, got `float` - at `$.data.total_cents`",
    ),
    (
        "negative cents",
        lambda: _rec(_order_with(total_cents=-1), topic=ORDERS),
        "Expected `int` >= 0 - at `$.data.total_cents`",
    ),
    (
        "currency not ISO 4217",
        lambda: _rec(_order_with(currency="soles"), topic=ORDERS),
        "at `$.data.currency`",
    ),
    (
        "payment method not in the enum",
        lambda: _rec(
            samples.order_event("paid", "o-1", event_id="bad-1", method="bitcoin"), topic=ORDERS
        ),
        "Invalid enum value 'bitcoin' - at `$.data.method`",
    ),
    (
        "channel not in the enum",
        lambda: _rec(samples.ticket_opened("t-1", event_id="bad-1", channel="fax")),
        "Invalid enum value 'fax' - at `$.data.channel`",
    ),
    (
        "priority not in the enum",
        lambda: _rec(samples.ticket_opened("t-1", event_id="bad-1", priority="asap")),
        "Invalid enum value 'asap' - at `$.data.priority`",
    ),
    (
        "status not in the enum",
        lambda: _rec(
            samples.ticket_action("status_changed", "t-1", event_id="bad-1", status="done")
        ),
        "Invalid enum value 'done' - at `$.data.status`",
    ),
    (
        "role not in the enum",
        lambda: _rec(
            _replace_data(
                samples.presence("ana", event_id="bad-1"),
                "agent",
                {"id": "ana", "name": "Ana", "role": "boss"},
            ),
            topic=AGENTS,
        ),
        "Invalid enum value 'boss' - at `$.data.agent.role`",
    ),
    (
        "data id differs from subject",
        lambda: _rec(_with_data(ticket_id="t-2")),
        "data.ticket_id 't-2' differs from the subject 't-1'",
    ),
    (
        "sla_due_at not a timestamp",
        lambda: _rec(samples.ticket_opened("t-1", event_id="bad-1", sla_due_at="in 1 hour")),
        "data.sla_due_at 'in 1 hour' is not an RFC 3339 timestamp with offset",
    ),
    (
        "record on a foreign topic",
        lambda: _rec(_ticket_event(), topic="other.topic"),
        "topic 'other.topic' is not one of the contract's topics",
    ),
]


def _replace_data(event: dict[str, object], field: str, value: object) -> dict[str, object]:
    _data(event)[field] = value
    return event


def test_at_least_twenty_kinds_of_malformed_records_are_covered() -> None:
    assert len(MALFORMED) >= 20


@pytest.mark.parametrize(
    ("make_record", "reason"),
    [pytest.param(make, reason, id=name) for name, make, reason in MALFORMED],
)
def test_malformed_record_is_quarantined_and_the_fold_goes_on(
    make_record: Callable[[], RawRecord], reason: str
) -> None:
    state = State()
    opened = samples.as_record(
        samples.ticket_opened("t-1", event_id="e-1"), topic=TICKETS, offset=0
    )
    assert fold_record(state, opened, TOPICS).outcome == "applied"

    bad = make_record()
    result = fold_record(state, bad, TOPICS)

    assert result.outcome == "quarantined"
    assert result.reason is not None
    assert reason in result.reason
    assert result.touched == []
    assert state.quarantined_count == 1
    [kept] = state.quarantined
    assert (kept.topic, kept.partition, kept.offset, kept.reason) == (
        bad.topic,
        2,
        BAD_OFFSET,
        result.reason,
    )
    assert state.tickets["t-1"].messages == []
    assert state.skipped_unknown_type == 0

    reply = samples.as_record(samples.message_added("t-1", event_id="e-2"), topic=TICKETS, offset=1)
    assert fold_record(state, reply, TOPICS).outcome == "applied"
    assert len(state.tickets["t-1"].messages) == 1
    assert state.quarantined_count == 1


def test_value_over_the_size_limit_names_size_and_limit() -> None:
    record = samples.as_record(
        samples.message_added("t-1", event_id="e-1"), topic=TICKETS, offset=0
    )
    assert record.value is not None
    size = len(record.value)
    result = validate_record(record, TOPICS, max_value_bytes=size - 1)
    assert result == Invalid(
        reason=f"value is {size} bytes, over the limit of {size - 1} bytes", event_id=None
    )
    assert isinstance(validate_record(record, TOPICS, max_value_bytes=size), ValidEvent)


def test_valid_event_is_decoded_into_its_typed_data() -> None:
    event = samples.order_placed("o-1", event_id="e-1")
    result = validate_record(samples.as_record(event, topic=ORDERS, offset=3, partition=1), TOPICS)
    assert isinstance(result, ValidEvent)
    assert (result.id, result.type, result.subject, result.source) == (
        "e-1",
        "atp.order.placed",
        "o-1",
        "/atp/orders",
    )
    assert (result.topic, result.partition, result.offset) == (ORDERS, 1, 3)
    assert isinstance(result.data, OrderPlaced)
    assert result.data.total_cents == 4500
    assert result.data.items[0].qty == 2


def test_unknown_fields_are_ignored() -> None:
    event = samples.message_added("t-1", event_id="e-1")
    event["traceparent"] = "00-abc-def-01"
    _data(event)["sentiment"] = "angry"
    result = validate_record(samples.as_record(event, topic=TICKETS, offset=0), TOPICS)
    assert isinstance(result, ValidEvent)
    assert isinstance(result.data, MessageAdded)


@pytest.mark.parametrize("absent", [True, False], ids=["absent", "null"])
def test_optional_fields_may_be_absent_or_null(absent: bool) -> None:
    opened = samples.ticket_opened("t-1", event_id="e-1", order_id=None)
    change = samples.ticket_action(
        "status_changed", "t-1", event_id="e-2", agent_id=None, status="pending"
    )
    if absent:
        del _data(opened)["order_id"]
    else:
        _data(change)["agent"] = None
    first = validate_record(samples.as_record(opened, topic=TICKETS, offset=0), TOPICS)
    second = validate_record(samples.as_record(change, topic=TICKETS, offset=1), TOPICS)
    assert isinstance(first, ValidEvent)
    assert isinstance(first.data, TicketOpened)
    assert first.data.order_id is None
    assert isinstance(second, ValidEvent)
    assert isinstance(second.data, StatusChanged)
    assert second.data.agent is None


def test_unknown_type_is_reported_as_such_not_invalid() -> None:
    event = samples.message_added("t-1", event_id="e-1")
    event["type"] = "atp.ticket.escalated"
    result = validate_record(samples.as_record(event, topic=TICKETS, offset=0), TOPICS)
    assert result == UnknownType(type="atp.ticket.escalated")


@pytest.mark.parametrize(
    "time",
    [
        "2024-05-01T10:00:00Z",
        "2024-05-01t10:00:00z",
        "2024-05-01T10:00:00.123456789Z",
        "2024-05-01T05:00:00-05:00",
    ],
)
def test_rfc3339_forms_are_accepted(time: str) -> None:
    event = samples.message_added("t-1", event_id="e-1", time=time)
    assert isinstance(
        validate_record(samples.as_record(event, topic=TICKETS, offset=0), TOPICS), ValidEvent
    )


@pytest.mark.parametrize(
    "time",
    ["2024-05-01 10:00:00Z", "2024-13-01T10:00:00Z", "2024-05-01T10:00:60Z", "20240501T100000Z"],
)
def test_timestamps_that_are_not_rfc3339_are_rejected(time: str) -> None:
    event = samples.message_added("t-1", event_id="e-1", time=time)
    result = validate_record(samples.as_record(event, topic=TICKETS, offset=0), TOPICS)
    assert result == Invalid(
        reason=f"time {time!r} is not an RFC 3339 timestamp with offset", event_id="e-1"
    )


# ------------------------------------------------------------------ one pass, one verdict
def _sim_records(count: int) -> list[RawRecord]:
    """A simulated log, a third of it broken in the simulator's ways (unknown types too)."""
    start = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    scenario = Scenario(seed=11, start=start, agents=3, malformed_share=0.35)
    return [
        RawRecord(
            topic=getattr(TOPICS, sim.topic), partition=0, offset=n, key=sim.key, value=sim.value
        )
        for n, sim in enumerate(itertools.islice(scenario.records(), count))
    ]


def _step_by_step(record: RawRecord) -> ValidEvent | Invalid | UnknownType:
    try:
        key, value = validate._check_record(record, TOPICS, validate.MAX_VALUE_BYTES)
        return validate._validate(record, TOPICS, key, value, EVENT_KINDS)
    except validate._RejectedError as rejected:
        return Invalid(reason=rejected.reason, event_id=rejected.event_id)


def test_the_one_pass_path_accepts_exactly_what_the_step_by_step_path_accepts() -> None:
    records = [make() for _, make, _ in MALFORMED] + _sim_records(4000)
    verdicts: collections.Counter[tuple[str, bool]] = collections.Counter()
    for record in records:
        expected = _step_by_step(record)
        assert validate_record(record, TOPICS) == expected
        fast = validate._validate_in_one_pass(record, TOPICS, validate.MAX_VALUE_BYTES)
        assert fast is None or fast == expected, record
        verdicts[(type(expected).__name__, fast is not None)] += 1
    assert verdicts[("ValidEvent", True)] > 1000
    assert verdicts[("ValidEvent", False)] == 0  # every valid event took the one pass
    assert verdicts[("Invalid", False)] > 100
    assert verdicts[("UnknownType", False)] > 10


def _two_digits(top: int, *edges: int) -> st.SearchStrategy[str]:
    """Two digits up to ``top``, half the time one of ``edges`` (where ranges end)."""
    numbers = st.integers(0, top) | st.sampled_from(edges) if edges else st.integers(0, top)
    return numbers.map(lambda n: f"{n:02d}")


@st.composite
def _times(draw: st.DrawFn) -> tuple[str, int | None]:
    """RFC 3339-like times with each field in and out of its range; and the offset's minutes."""
    year = draw(st.sampled_from(["0000", "0001", "1999", "2000", "2023", "2024", "2100", "9999"]))
    month, day = draw(_two_digits(19, 0, 1, 2, 4, 12, 13)), draw(_two_digits(39, 0, 28, 29, 30, 31))
    sixty = _two_digits(69, 59, 60)
    clock = f"{draw(_two_digits(29, 23, 24))}:{draw(sixty)}:{draw(sixty)}"
    fraction = draw(st.sampled_from(["", "."]) | st.integers(1, 15).map(lambda n: "." + "7" * n))
    sign, hours, minutes = (
        draw(st.sampled_from("+-")),
        draw(_two_digits(29, 23, 24)),
        draw(st.integers(0, 99)),
    )
    offset = draw(st.sampled_from(["Z", "z", "", f"{sign}{hours}:{minutes:02d}"]))
    separator = draw(st.sampled_from("Tt "))
    time = f"{year}-{month}-{day}{separator}{clock}{fraction}{offset}"
    return time, minutes if ":" in offset else None


@given(_times())
@settings(max_examples=1500)
def test_the_one_pass_time_check_accepts_only_what_parse_rfc3339_accepts(
    case: tuple[str, int | None],
) -> None:
    time, offset_minutes = case
    surely = validate._surely_rfc3339(time) is not None
    if surely:
        assert parse_rfc3339(time) is not None
    elif parse_rfc3339(time) is not None:  # what it leaves to parse_rfc3339, which takes it
        assert time[5:10] == "02-29" or (offset_minutes or 0) >= 60, time


@pytest.mark.parametrize(
    ("day", "real"),
    [
        ("2024-02-28", True),
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2024-02-30", False),
        ("2024-04-30", True),
        ("2024-04-31", False),
        ("2024-12-31", True),
        ("0000-01-01", False),
        ("0001-01-01", True),
    ],
)
def test_a_time_is_valid_only_on_a_day_of_the_calendar(day: str, real: bool) -> None:
    event = samples.message_added("t-1", event_id="e-1", time=f"{day}T10:00:00Z")
    record = samples.as_record(event, topic=TICKETS, offset=0)
    assert isinstance(validate_record(record, TOPICS), ValidEvent) == real
    fast = validate._validate_in_one_pass(record, TOPICS, validate.MAX_VALUE_BYTES)
    assert (fast is not None) == real


def test_every_registered_type_is_decoded_in_one_pass() -> None:
    registered = {facts.type: facts.kind for facts in validate._REGISTERED.values()}
    assert registered == EVENT_KINDS


_DEEP = b"[" * 5000 + b"]" * 5000


@pytest.mark.parametrize(
    "value",
    [
        _encode(_ticket_event()).replace(b'"data"', b'"ext": ' + _DEEP + b', "data"'),
        _encode(_ticket_event()).replace(b'"body"', b'"deep": ' + _DEEP + b', "body"'),
    ],
    ids=["an unknown attribute", "inside data"],
)
def test_deeply_nested_json_is_invalid_not_an_exception(value: bytes) -> None:
    record = RawRecord(topic=TICKETS, partition=0, offset=BAD_OFFSET, key=b"t-1", value=value)
    checked = validate_record(record, TOPICS)
    assert isinstance(checked, Invalid)
    assert "nested too deeply" in checked.reason


def test_a_record_the_fold_fails_on_is_quarantined_with_the_failure_and_the_fold_goes_on() -> None:
    state = State()
    broken = RawRecord(topic=TICKETS, partition=0, offset=0, key=b"t-1", value=17)  # type: ignore[arg-type]  # not bytes: the fold fails on it
    result = fold_record(state, broken, TOPICS)
    assert result.outcome == "quarantined"
    assert result.reason is not None
    assert "the fold failed on this record (TypeError" in result.reason
    assert state.quarantined_count == 1
    assert state.next_offsets == {TICKETS: {0: 1}}
    after = samples.as_record(samples.ticket_opened("t-1", event_id="o-1"), topic=TICKETS, offset=1)
    assert fold_record(state, after, TOPICS).outcome == "applied"
    assert fold_record(state, broken, TOPICS).outcome == "duplicate"  # redelivered: once only
    assert state.quarantined_count == 1


def test_what_a_record_passes_through_is_not_tracked_by_the_cyclic_collector() -> None:
    """The reader allocates a record per message while the collector runs: no cycles, no
    tracking (``gc=False``), so a catch-up's records trigger no collections of their own."""
    records = [
        samples.as_record(samples.ticket_opened("t-1", event_id="e-1"), topic=TICKETS, offset=0),
        samples.as_record(samples.message_added("t-1", event_id="e-2"), topic=TICKETS, offset=1),
        samples.as_record(samples.order_placed("o-1", event_id="e-3"), topic=ORDERS, offset=0),
    ]
    state = State()
    for record in records:
        checked = validate_record(record, TOPICS)
        assert type(checked) is ValidEvent
        data = checked.data
        held = [record, checked, data, *(getattr(data, f) for f in data.__struct_fields__)]
        for value in held:
            if isinstance(value, msgspec.Struct):
                assert not gc.is_tracked(value), type(value).__name__
        result = fold_record(state, record, TOPICS)
        assert result.outcome == "applied"
        assert not gc.is_tracked(result)
    assert not gc.is_tracked(
        validate_record(records[0], Topics(orders="a", tickets="b", agents="c"))
    )
