"""AddTag/RemoveTag become contract 1.1 ``tag_added``/``tag_removed`` events, or are refused."""

from __future__ import annotations

import pytest

from bridge.actions import ActionRejected, event_for_action
from bridge.contract.events import AgentRef, TagAdded, TagRemoved
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord, ValidEvent, validate_record
from bridge.wire.protocol import AddTag, AgentIdentity, RemoveTag

TIME = "2024-05-01T10:15:00.000Z"
ANA = AgentIdentity(agent_id="ana", name="Ana Torres", role="agent", queues=["deliveries"])


def build(action: AddTag | RemoveTag) -> ValidEvent:
    kind, key, value = event_for_action(action, event_id="cmd-1", agent=ANA, time=TIME)
    assert (kind, key) == ("tickets", action.ticket_id)
    record = RawRecord(topic=Topics().tickets, partition=0, offset=0, key=key.encode(), value=value)
    checked = validate_record(record, Topics())
    assert isinstance(checked, ValidEvent), checked
    return checked


@pytest.mark.parametrize(
    ("action", "event_type", "data_type"),
    [
        (AddTag(ticket_id="t-1", tag="reembolso"), "atp.ticket.tag_added", TagAdded),
        (RemoveTag(ticket_id="t-1", tag="reembolso"), "atp.ticket.tag_removed", TagRemoved),
    ],
)
def test_tag_commands_become_tag_events_naming_the_agent(
    action: AddTag | RemoveTag, event_type: str, data_type: type[TagAdded | TagRemoved]
) -> None:
    event = build(action)
    assert event.type == event_type
    assert event.data == data_type(
        ticket_id="t-1", tag="reembolso", agent=AgentRef(id="ana", name="Ana Torres")
    )


def test_a_tag_is_sent_exactly_as_typed() -> None:
    event = build(AddTag(ticket_id="t-1", tag=" VIP "))
    assert isinstance(event.data, TagAdded)
    assert event.data.tag == " VIP "


def test_a_tag_of_forty_characters_is_accepted() -> None:
    event = build(AddTag(ticket_id="t-1", tag="é" * 40))
    assert isinstance(event.data, TagAdded)


@pytest.mark.parametrize(
    ("tag", "reason"),
    [
        ("", "the tag is empty"),
        ("   ", "the tag is empty"),
        ("x" * 41, "the tag is 41 characters long; the limit is 40"),
    ],
)
def test_a_tag_outside_the_contract_is_refused_before_queueing(tag: str, reason: str) -> None:
    for action in (AddTag(ticket_id="t-1", tag=tag), RemoveTag(ticket_id="t-1", tag=tag)):
        with pytest.raises(ActionRejected) as refused:
            event_for_action(action, event_id="cmd-1", agent=ANA, time=TIME)
        assert refused.value.reason == reason
