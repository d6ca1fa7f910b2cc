"""Contract 1.1: fold rule 8 (tags), presence ``viewing``/``composing``, and 1.0 compatibility."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from bridge.contract.events import (
    ADDED_IN_1_1,
    EVENT_KINDS,
    AgentPresence,
    EventKind,
    PresenceAgent,
)
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord, ValidEvent, validate_record
from bridge.fold.reducer import FoldResult, fold_record
from bridge.fold.report import contract_snapshot
from bridge.fold.state import State
from bridge.wire.rules import presence_activity
from bridge.wire.vocabulary import PresenceStatus
from tests.helpers import samples

TOPICS = Topics()
NOW = dt.datetime(2024, 5, 1, 10, 1, tzinfo=dt.UTC)


class Log:
    """One partition per topic; each appended event is folded at once."""

    def __init__(self, kinds: dict[str, EventKind] | None = None) -> None:
        self.state = State()
        self.kinds = EVENT_KINDS if kinds is None else kinds
        self.records: list[RawRecord] = []
        self._next: dict[str, int] = {}

    def fold(self, event: dict[str, object], topic: str = TOPICS.tickets) -> FoldResult:
        offset = self._next.get(topic, 0)
        self._next[topic] = offset + 1
        record = samples.as_record(event, topic=topic, offset=offset)
        self.records.append(record)
        return fold_record(self.state, record, TOPICS, kinds=self.kinds)


def tag(kind: str, tag_text: str, event_id: str, ticket_id: str = "t-1") -> dict[str, object]:
    return samples.ticket_action(f"tag_{kind}", ticket_id, event_id=event_id, tag=tag_text)


@pytest.fixture
def log() -> Log:
    log = Log()
    assert log.fold(samples.ticket_opened("t-1", event_id="open-1")).outcome == "applied"
    return log


# ------------------------------------------------------------------ rule 8
def test_added_tags_form_a_sorted_set_on_the_ticket_and_in_the_snapshot(log: Log) -> None:
    for number, text in enumerate(["refund", "Late", "vip"]):
        result = log.fold(tag("added", text, f"t-{number}"))
        assert (result.outcome, result.touched) == ("applied", [("ticket", "t-1")])
    assert log.state.tickets["t-1"].tags == ["Late", "refund", "vip"]
    (ticket,) = reported(log.state, NOW, "tickets")
    assert ticket["tags"] == ["Late", "refund", "vip"]


def test_adding_a_present_tag_changes_nothing_and_is_not_an_error(log: Log) -> None:
    log.fold(tag("added", "refund", "a-1"))
    before = msgspec.json.encode(log.state.tickets["t-1"])
    result = log.fold(tag("added", "refund", "a-2"))
    assert (result.outcome, result.reason, result.touched) == ("applied", None, [])
    assert msgspec.json.encode(log.state.tickets["t-1"]) == before
    assert log.state.quarantined_count == 0


def test_removing_an_absent_tag_changes_nothing_and_is_not_an_error(log: Log) -> None:
    before = msgspec.json.encode(log.state.tickets["t-1"])
    result = log.fold(tag("removed", "refund", "r-1"))
    assert (result.outcome, result.reason, result.touched) == ("applied", None, [])
    assert msgspec.json.encode(log.state.tickets["t-1"]) == before


def test_a_removed_tag_leaves_the_set_and_can_be_added_again(log: Log) -> None:
    log.fold(tag("added", "refund", "a-1"))
    log.fold(tag("added", "vip", "a-2"))
    log.fold(tag("removed", "refund", "r-1"))
    assert log.state.tickets["t-1"].tags == ["vip"]
    log.fold(tag("added", "refund", "a-3"))
    assert log.state.tickets["t-1"].tags == ["refund", "vip"]


def test_tags_compare_exactly_case_and_spaces_matter(log: Log) -> None:
    for number, text in enumerate(["vip", "VIP", " vip", "vip "]):
        log.fold(tag("added", text, f"a-{number}"))
    assert log.state.tickets["t-1"].tags == [" vip", "VIP", "vip", "vip "]
    log.fold(tag("removed", "Vip", "r-1"))  # not there: nothing happens
    assert len(log.state.tickets["t-1"].tags) == 4


def test_a_tag_change_is_recorded_as_an_action_with_its_agent(log: Log) -> None:
    log.fold(tag("added", "refund", "a-1"))
    log.fold(tag("removed", "refund", "r-1"))
    actions = [(a.type, a.value, a.agent_id) for a in log.state.tickets["t-1"].actions]
    assert actions == [
        ("atp.ticket.tag_added", "refund", "ana"),
        ("atp.ticket.tag_removed", "refund", "ana"),
    ]


def test_a_tag_event_without_an_agent_applies(log: Log) -> None:
    event = samples.ticket_action("tag_added", "t-1", event_id="a-1", agent_id=None, tag="bot")
    assert log.fold(event).outcome == "applied"
    assert log.state.tickets["t-1"].tags == ["bot"]


def test_a_redelivered_tag_event_is_a_duplicate(log: Log) -> None:
    log.fold(tag("added", "refund", "a-1"))
    log.fold(tag("removed", "refund", "r-1"))
    result = fold_record(log.state, log.records[1], TOPICS)  # the add, again
    assert result.outcome == "duplicate"
    assert log.state.tickets["t-1"].tags == []


def test_a_tag_for_an_unknown_ticket_is_quarantined() -> None:
    result = Log().fold(tag("added", "refund", "a-1", ticket_id="t-9"))
    assert (result.outcome, result.reason) == ("quarantined", "unknown ticket")


@pytest.mark.parametrize("text", ["", "x" * 41])
def test_a_tag_outside_1_to_40_characters_is_quarantined(log: Log, text: str) -> None:
    result = log.fold(tag("added", text, "a-1"))
    assert result.outcome == "quarantined"
    assert result.reason is not None
    assert "$.data.tag" in result.reason
    assert log.state.tickets["t-1"].tags == []


def test_forty_characters_count_characters_not_bytes(log: Log) -> None:
    text = "ñ" * 40  # 80 bytes in UTF-8
    assert log.fold(tag("added", text, "a-1")).outcome == "applied"
    assert log.state.tickets["t-1"].tags == [text]


# ------------------------------------------------------------------ presence 1.1
def presence(
    event_id: str,
    *,
    status: str = "online",
    viewing: str | None = None,
    composing: str | None = None,
) -> dict[str, object]:
    return samples.presence(
        "ana",
        event_id=event_id,
        status=status,
        expires_at="2024-05-01T10:05:00.000Z",
        viewing=viewing,
        composing=composing,
    )


def reported(state: State, now: dt.datetime, kind: str) -> list[dict[str, object]]:
    rows = contract_snapshot(state, now)[kind]
    assert isinstance(rows, list)
    return rows


def test_viewing_and_composing_are_folded_and_reported() -> None:
    log = Log()
    log.fold(presence("p-1", viewing="t-1", composing="t-1"), TOPICS.agents)
    assert presence_activity(log.state.agents["ana"], NOW) == ("t-1", "t-1")
    (agent,) = reported(log.state, NOW, "agents")
    assert (agent["viewing"], agent["composing"]) == ("t-1", "t-1")


def test_a_presence_without_the_fields_reads_as_none() -> None:
    log = Log()
    log.fold(presence("p-1", viewing="t-1"), TOPICS.agents)
    log.fold(presence("p-2"), TOPICS.agents)  # a 1.0 producer
    (agent,) = reported(log.state, NOW, "agents")
    assert (agent["viewing"], agent["composing"]) == (None, None)


def test_an_expired_presence_counts_as_neither_viewing_nor_composing() -> None:
    log = Log()
    log.fold(presence("p-1", viewing="t-1", composing="t-1"), TOPICS.agents)
    expired = dt.datetime(2024, 5, 1, 10, 5, 1, tzinfo=dt.UTC)
    assert presence_activity(log.state.agents["ana"], expired) == (None, None)
    (agent,) = reported(log.state, expired, "agents")
    assert (agent["status"], agent["viewing"], agent["composing"]) == ("offline", None, None)


def test_an_offline_presence_counts_as_neither_viewing_nor_composing() -> None:
    log = Log()
    log.fold(presence("p-1", status="offline", viewing="t-1", composing="t-1"), TOPICS.agents)
    assert presence_activity(log.state.agents["ana"], NOW) == (None, None)


def test_an_away_presence_keeps_what_it_views() -> None:
    log = Log()
    log.fold(presence("p-1", status="away", viewing="t-1"), TOPICS.agents)
    assert presence_activity(log.state.agents["ana"], NOW) == ("t-1", None)


def test_an_empty_viewing_id_is_quarantined() -> None:
    log = Log()
    event = presence("p-1")
    event["data"] = {**event["data"], "viewing": ""}  # type: ignore[dict-item]
    result = log.fold(event, TOPICS.agents)
    assert result.outcome == "quarantined"
    assert "$.data.viewing" in (result.reason or "")


# ------------------------------------------------------------------ a 1.0 consumer
class AgentPresence10(msgspec.Struct, frozen=True, kw_only=True):
    """``atp.agent.presence`` exactly as contract 1.0 defined it (no viewing/composing)."""

    agent: PresenceAgent
    status: PresenceStatus
    queues: list[str]
    expires_at: str


def kinds_1_0() -> dict[str, EventKind]:
    """The event table of a 1.0 consumer: the 1.1 types removed."""
    return {name: kind for name, kind in EVENT_KINDS.items() if name not in ADDED_IN_1_1}


def test_the_1_1_additions_are_exactly_the_two_tag_types() -> None:
    assert {"atp.ticket.tag_added", "atp.ticket.tag_removed"} == ADDED_IN_1_1
    assert set(EVENT_KINDS) >= ADDED_IN_1_1


def test_a_1_0_consumer_skips_tag_events_and_counts_them() -> None:
    old = Log(kinds_1_0())
    old.fold(samples.ticket_opened("t-1", event_id="open-1"))
    results = [old.fold(tag("added", "refund", "a-1")), old.fold(tag("removed", "x", "r-1"))]
    assert [r.outcome for r in results] == ["skipped", "skipped"]
    assert (old.state.skipped_unknown_type, old.state.quarantined_count) == (2, 0)
    assert old.state.tickets["t-1"].tags == []
    redelivered = fold_record(old.state, old.records[1], TOPICS, kinds=old.kinds)
    assert redelivered.outcome == "duplicate"
    assert old.state.skipped_unknown_type == 2


def test_a_1_0_consumer_and_a_1_1_consumer_agree_on_everything_1_0_reports() -> None:
    events = [
        samples.ticket_opened("t-1", event_id="open-1"),
        tag("added", "refund", "a-1"),
        samples.ticket_action("claimed", "t-1", event_id="c-1"),
        tag("removed", "refund", "r-1"),
        samples.message_added("t-1", event_id="m-1"),
    ]
    old, new = Log(kinds_1_0()), Log()
    for event in events:
        old.fold(event)
        new.fold(event)
    old_ticket, new_ticket = old.state.tickets["t-1"], new.state.tickets["t-1"]
    assert (old_ticket.assignee, old_ticket.status, old_ticket.first_response_at) == (
        new_ticket.assignee,
        new_ticket.status,
        new_ticket.first_response_at,
    )
    assert [m.event_id for m in old_ticket.messages] == [m.event_id for m in new_ticket.messages]


def test_a_1_0_presence_struct_decodes_1_1_data_ignoring_the_new_fields() -> None:
    """The validator decodes ``data`` with msgspec structs, which ignore unknown fields."""
    event = presence("p-1", viewing="t-1", composing="t-1")
    data = msgspec.json.encode(event["data"])
    assert msgspec.json.decode(data, type=AgentPresence10) == AgentPresence10(
        agent=PresenceAgent(id="ana", name="Ana", role="agent"),
        status="online",
        queues=["deliveries"],
        expires_at="2024-05-01T10:05:00.000Z",
    )


def test_fields_newer_than_this_bridge_are_ignored_by_the_validator() -> None:
    event = presence("p-1", viewing="t-1")
    event["data"] = {**event["data"], "mood": "focused"}  # type: ignore[dict-item]  # a future field
    event["traceparent"] = "00-abc-def-01"  # and an attribute
    checked = validate_record(samples.as_record(event, topic=TOPICS.agents, offset=0), TOPICS)
    assert isinstance(checked, ValidEvent), checked
    assert isinstance(checked.data, AgentPresence)
    assert checked.data.viewing == "t-1"
