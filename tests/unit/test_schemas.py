"""resources/schemas describe contract v1 and agree with the bridge's validator."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from bridge.contract.events import EVENT_KINDS
from bridge.contract.topics import Topics
from bridge.contract.validate import Invalid, RawRecord, ValidEvent, validate_record
from bridge.resources import resource_path
from tests.helpers import samples

SCHEMAS = resource_path("schemas")
ANY_EVENT = "atp.event.schema.json"
TOPICS = Topics()


@cache
def _registry_and_schemas() -> tuple[Registry, dict[str, dict[str, object]]]:
    schemas: dict[str, dict[str, object]] = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMAS.glob("*.schema.json"))
    }
    registry: Registry = Registry().with_resources(
        (str(schema["$id"]), Resource.from_contents(schema)) for schema in schemas.values()
    )
    return registry, schemas


def schema_errors(event: object, schema_name: str | None = None) -> list[str]:
    """Return why ``event`` fails its type's schema (or ``schema_name``); empty when it is valid."""
    _, schemas = _registry_and_schemas()
    if schema_name is None:
        event_type = event.get("type") if isinstance(event, dict) else None
        schema_name = f"{event_type}.schema.json"
        if schema_name not in schemas:
            return [f"no schema for type {event_type!r}"]
    return [error.message for error in _validator(schema_name).iter_errors(event)]


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    registry, schemas = _registry_and_schemas()
    return Draft202012Validator(schemas[schema_name], registry=registry)


def _all_samples() -> list[dict[str, object]]:
    events = [
        samples.order_placed("o-1", event_id="e-1"),
        samples.ticket_opened("t-1", event_id="e-2"),
        samples.message_added("t-1", event_id="e-3"),
        samples.presence("ana", event_id="e-4"),
    ]
    events += [
        samples.order_event(kind, "o-1", event_id=f"e-o-{kind}")
        for kind in ("paid", "dispatched", "delayed", "delivered", "cancelled")
    ]
    events += [
        samples.ticket_action(kind, "t-1", event_id=f"e-t-{kind}", **data)
        for kind, data in (
            ("claimed", {}),
            ("released", {}),
            ("assigned", {"by": {"id": "sup", "name": "Carmen"}}),
            ("status_changed", {"status": "resolved"}),
            ("priority_changed", {"priority": "urgent"}),
            ("queue_changed", {"queue": "payments"}),
            ("tag_added", {"tag": "reembolso"}),  # 1.1
            ("tag_removed", {"tag": "reembolso"}),  # 1.1
        )
    ]
    events.append(samples.presence("beto", event_id="e-5", viewing="t-1", composing="t-1"))
    return events


SAMPLES = _all_samples()


def _bridge_accepts(event: dict[str, object]) -> bool:
    kind = EVENT_KINDS[str(event["type"])]
    topic = getattr(TOPICS, kind.topic)
    record = samples.as_record(event, topic=topic, offset=0)
    return isinstance(validate_record(record, TOPICS), ValidEvent)


def test_every_file_is_a_valid_draft_2020_12_schema() -> None:
    _, schemas = _registry_and_schemas()
    for name, schema in schemas.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name
        Draft202012Validator.check_schema(schema)


def test_there_is_one_schema_per_contract_type_plus_envelope_and_any_event() -> None:
    _, schemas = _registry_and_schemas()
    per_type = {name.removesuffix(".schema.json") for name in schemas} - {"envelope", "atp.event"}
    assert per_type == set(EVENT_KINDS)
    assert {"envelope.schema.json", ANY_EVENT} <= set(schemas)
    assert (SCHEMAS / "README.md").is_file()


@pytest.mark.parametrize("event", SAMPLES, ids=lambda event: str(event["type"]))
def test_valid_events_pass_their_schema_the_any_event_schema_and_the_bridge(
    event: dict[str, object],
) -> None:
    assert schema_errors(event) == []
    assert schema_errors(event, ANY_EVENT) == []
    assert _bridge_accepts(event)


def _mutated(
    event: dict[str, object], change: Callable[[dict[str, object]], object]
) -> dict[str, object]:
    changed = copy.deepcopy(event)
    change(changed)
    return changed


def _broken(
    event: dict[str, object], change: Callable[[dict[str, object]], object]
) -> tuple[str, dict[str, object]]:
    """The topic of the unbroken event, and the broken copy."""
    topic = getattr(TOPICS, EVENT_KINDS[str(event["type"])].topic)
    return topic, _mutated(event, change)


def _data(event: dict[str, object]) -> dict[str, object]:
    data = event["data"]
    assert isinstance(data, dict)
    return data


PLACED = samples.order_placed("o-1", event_id="e-1")
OPENED = samples.ticket_opened("t-1", event_id="e-2")
NOTE = samples.message_added("t-1", event_id="e-3", internal=True)
PRESENCE = samples.presence("ana", event_id="e-4")
TAGGED = samples.ticket_action("tag_added", "t-1", event_id="e-6", tag="vip")

BROKEN = {
    "missing id": _broken(PLACED, lambda e: e.pop("id")),
    "missing data": _broken(OPENED, lambda e: e.pop("data")),
    "empty id": _broken(PLACED, lambda e: e.update(id="")),
    "specversion 0.3": _broken(PLACED, lambda e: e.update(specversion="0.3")),
    "other datacontenttype": _broken(PLACED, lambda e: e.update(datacontenttype="text/plain")),
    "source with spaces": _broken(PLACED, lambda e: e.update(source="/atp/my orders")),
    "time without offset": _broken(PLACED, lambda e: e.update(time="2024-05-01T10:00:00")),
    "time as a number": _broken(PLACED, lambda e: e.update(time=1714557600)),
    "data not an object": _broken(PLACED, lambda e: e.update(data="x")),
    "cents as a string": _broken(PLACED, lambda e: _data(e).update(total_cents="45.00")),
    "negative cents": _broken(PLACED, lambda e: _data(e).update(total_cents=-1)),
    "lowercase currency": _broken(PLACED, lambda e: _data(e).update(currency="pen")),
    "eta not RFC 3339": _broken(PLACED, lambda e: _data(e).update(eta="mañana")),
    "missing order_id": _broken(PLACED, lambda e: _data(e).pop("order_id")),
    "unknown channel": _broken(OPENED, lambda e: _data(e).update(channel="telegram")),
    "unknown priority": _broken(OPENED, lambda e: _data(e).update(priority="critical")),
    "internal as a string": _broken(NOTE, lambda e: _data(e).update(internal="no")),
    "unknown author kind": _broken(NOTE, lambda e: _data(e)["author"].update(kind="bot")),  # type: ignore[attr-defined]  # a dict, built by samples
    "unknown role": _broken(PRESENCE, lambda e: _data(e)["agent"].update(role="boss")),  # type: ignore[attr-defined]  # a dict, built by samples
    "queues not a list": _broken(PRESENCE, lambda e: _data(e).update(queues="deliveries")),
    "empty viewing": _broken(PRESENCE, lambda e: _data(e).update(viewing="")),
    "composing a number": _broken(PRESENCE, lambda e: _data(e).update(composing=7)),
    "empty tag": _broken(TAGGED, lambda e: _data(e).update(tag="")),
    "tag of 41 characters": _broken(TAGGED, lambda e: _data(e).update(tag="x" * 41)),
    "missing tag": _broken(TAGGED, lambda e: _data(e).pop("tag")),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_events_fail_the_schema_as_they_fail_the_bridge(name: str) -> None:
    topic, event = BROKEN[name]
    assert schema_errors(event) != []
    assert schema_errors(event, ANY_EVENT) != []
    key = str(event.get("subject", "o-1")).encode()
    record = RawRecord(topic, 0, 0, key, json.dumps(event).encode())
    assert isinstance(validate_record(record, TOPICS), Invalid)


FORWARD_COMPATIBLE = {
    "unknown data field": _mutated(PLACED, lambda e: _data(e).update(loyalty_points=12)),
    "unknown attribute": _mutated(PLACED, lambda e: e.update(traceparent="00-abc")),
    "null phone": _mutated(PLACED, lambda e: _data(e)["customer"].update(phone=None)),  # type: ignore[attr-defined]  # a dict, built by samples
    "absent order_id": _mutated(OPENED, lambda e: _data(e).pop("order_id")),
    "null order_id": _mutated(OPENED, lambda e: _data(e).update(order_id=None)),
    "time with an offset": _mutated(PLACED, lambda e: e.update(time="2024-05-01T05:00:00-05:00")),
    "null viewing and composing": _mutated(
        PRESENCE, lambda e: _data(e).update(viewing=None, composing=None)
    ),
    "tag of 40 characters, not trimmed": _mutated(
        TAGGED, lambda e: _data(e).update(tag=" " + "ñ" * 39)
    ),
    "tag without an agent": _mutated(TAGGED, lambda e: _data(e).pop("agent")),
}


@pytest.mark.parametrize("name", sorted(FORWARD_COMPATIBLE))
def test_unknown_fields_and_absent_or_null_optionals_are_accepted(name: str) -> None:
    event = FORWARD_COMPATIBLE[name]
    assert schema_errors(event) == []
    assert _bridge_accepts(event)


def test_optional_agent_may_be_null_on_status_changes() -> None:
    event = samples.ticket_action(
        "status_changed", "t-1", event_id="e-9", agent_id=None, status="open"
    )
    assert schema_errors(event) == []
    _data(event)["agent"] = None
    assert schema_errors(event) == []
    assert _bridge_accepts(event)


def test_an_unknown_type_has_no_schema_and_fails_the_any_event_schema() -> None:
    event = _mutated(PLACED, lambda e: e.update(type="atp.order.refunded"))
    assert schema_errors(event) == ["no schema for type 'atp.order.refunded'"]
    assert schema_errors(event, ANY_EVENT) != []
    # The envelope alone accepts it: consumers skip unknown types, they do not quarantine them.
    assert schema_errors(event, "envelope.schema.json") == []


def test_every_id_names_its_file_so_relative_refs_resolve_within_the_folder() -> None:
    _, schemas = _registry_and_schemas()
    for name, schema in schemas.items():
        assert str(schema["$id"]).endswith("/" + name)
