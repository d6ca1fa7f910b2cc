"""Deliberately broken records, varied, so that a demo shows the bridge's quarantine at work.

Every broken record is an extra record (the valid stream stays intact): a
copy of a valid event with a new id, broken in one of the ways of
``BREAKAGES``, or a well-formed event about a ticket or order that was never
opened or placed.
"""

from __future__ import annotations

import copy
import random

from bridge.contract.envelope import encode_event
from bridge.demo.sim.ids import IdSource
from bridge.demo.sim.kernel import Emitted
from bridge.demo.sim.record import SimRecord

BREAKAGES = (
    "not-json",
    "missing-attribute",
    "wrong-type",
    "subject-mismatch",
    "unknown-type",
    "unknown-entity",
)
ATTRIBUTES = ("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data")
UNKNOWN_TYPES = {
    "orders": "atp.order.refunded",
    "tickets": "atp.ticket.escalated",
    "agents": "atp.agent.typing",
}
NOT_JSON_TEXT_SHARE = 0.5  # the rest are valid events cut short
_NOT_JSON = (b"pedido entregado", b"<xml>ticket</xml>", b"", b"\xff\xfe\x00garbage")


class Malformer:
    """Turns a valid event into a broken record, choosing the way at random."""

    def __init__(self, rng: random.Random, ids: IdSource) -> None:
        self._rng = rng
        self._ids = ids

    def broken_copy(self, good: Emitted) -> SimRecord:
        """Return a broken record derived from ``good`` (which is left untouched)."""
        breakage = self._rng.choice(BREAKAGES)
        if breakage == "unknown-entity" and good.topic == "agents":
            breakage = "wrong-type"  # presence creates its agent: there is no unknown agent
        event = copy.deepcopy(good.event)
        event["id"] = self._ids.event_id()
        key = str(good.event["subject"])
        value: bytes
        if breakage == "not-json":
            value = self._not_json(encode_event(event))
        elif breakage == "missing-attribute":
            del event[self._rng.choice(ATTRIBUTES)]
            value = encode_event(event)
        elif breakage == "wrong-type":
            self._wrong_type(event)
            value = encode_event(event)
        elif breakage == "subject-mismatch":
            event["subject"] = self._ids.entity_id(key.split("-", 1)[0] + "x")
            value = encode_event(event)
        elif breakage == "unknown-type":
            event["type"] = UNKNOWN_TYPES[good.topic]
            value = encode_event(event)
        else:
            key = self._unknown_entity(event, key)
            value = encode_event(event)
        return SimRecord(good.topic, key.encode(), value, good.offset_s, breakage)

    def _not_json(self, encoded: bytes) -> bytes:
        if self._rng.random() < NOT_JSON_TEXT_SHARE:
            return self._rng.choice(_NOT_JSON)
        return encoded[: self._rng.randrange(1, len(encoded) - 1)]  # cut before the last brace

    def _wrong_type(self, event: dict[str, object]) -> None:
        data = event.get("data")
        choices: list[tuple[dict[str, object], str, object]] = [
            (event, "time", 1_714_557_600),
            (event, "id", 4_215),
            (event, "specversion", 1.0),
            (event, "data", "sin datos"),
        ]
        if isinstance(data, dict):
            for name, value in data.items():
                if name.endswith("_cents") and isinstance(value, int):
                    choices.append((data, name, f"{value / 100:.2f}"))
                elif name == "internal":
                    choices.append((data, name, "no"))
                elif name == "queues":
                    choices.append((data, name, "deliveries"))
        target, name, wrong = self._rng.choice(choices)
        target[name] = wrong

    def _unknown_entity(self, event: dict[str, object], key: str) -> str:
        """Re-address the event to an id that was never opened or placed; return the new key."""
        prefix = key.split("-", 1)[0]
        ghost = self._ids.entity_id(prefix + "x")
        event["subject"] = ghost
        data = event["data"]
        assert isinstance(data, dict)  # noqa: S101  (the scenario's events always have a data object)
        field = "order_id" if prefix == "o" else "ticket_id"
        data[field] = ghost
        if event["type"] in ("atp.ticket.opened", "atp.order.placed"):
            event["type"] = "atp.ticket.message_added" if prefix == "t" else "atp.order.paid"
            data.update(_follow_up_fields(prefix, self._ids))
        return ghost


def _follow_up_fields(prefix: str, ids: IdSource) -> dict[str, object]:
    """The data fields an event after the opening needs (a message, or a payment)."""
    if prefix == "t":
        return {
            "message_id": ids.entity_id("mx"),
            "author": {"kind": "customer", "id": "c-X", "name": "Cliente"},
            "body": "¿Me ayudan con esto?",
            "internal": False,
        }
    return {"method": "yape", "amount_cents": 1000}
