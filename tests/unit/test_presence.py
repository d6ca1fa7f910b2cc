"""The bridge's own presence: the 1.1 activity fields and the one-record-a-second limit."""

from __future__ import annotations

import datetime as dt

from bridge.contract.envelope import encode_event
from bridge.contract.events import AgentPresence
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord, ValidEvent, validate_record
from bridge.presence import PresenceThrottle, presence_event
from bridge.wire.protocol import AgentIdentity

ANA = AgentIdentity(agent_id="ana", name="Ana Quispe", role="agent", queues=["deliveries"])
NOW = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def decoded(event: dict[str, object]) -> AgentPresence:
    value = encode_event(event)
    record = RawRecord(topic=Topics().agents, partition=0, offset=0, key=b"ana", value=value)
    checked = validate_record(record, Topics())
    assert isinstance(checked, ValidEvent), checked
    assert isinstance(checked.data, AgentPresence)
    return checked.data


def test_an_online_presence_carries_what_the_agent_views_and_writes_in() -> None:
    event = presence_event(
        ANA, "online", NOW, dt.timedelta(seconds=90), viewing="t-1", composing="t-1"
    )
    data = decoded(event)
    assert (data.status, data.viewing, data.composing) == ("online", "t-1", "t-1")
    assert data.expires_at == "2024-05-01T10:01:30.000Z"


def test_an_offline_presence_carries_no_activity() -> None:
    event = presence_event(
        ANA, "offline", NOW, dt.timedelta(seconds=90), viewing="t-1", composing="t-1"
    )
    data = decoded(event)
    assert (data.status, data.viewing, data.composing) == ("offline", None, None)


def test_the_first_record_may_go_at_once_and_the_next_one_a_second_later() -> None:
    clock = FakeClock()
    throttle = PresenceThrottle(clock=clock)
    assert throttle.wait_s() == 0.0
    throttle.published()
    clock.now += 0.25
    assert throttle.wait_s() == 0.75
    clock.now += 0.75
    assert throttle.wait_s() == 0.0


def test_a_report_is_news_only_when_the_activity_changes() -> None:
    throttle = PresenceThrottle(clock=FakeClock())
    assert throttle.report("t-1", None)
    assert not throttle.report("t-1", None)
    assert throttle.report("t-1", "t-1")
    assert (throttle.viewing, throttle.composing) == ("t-1", "t-1")
    assert throttle.report(None, None)


def test_the_throttle_holds_the_agents_status_and_a_change_of_it_is_news() -> None:
    throttle = PresenceThrottle(clock=FakeClock())
    assert throttle.status == "online"
    assert throttle.report("t-1", None, "away")
    assert not throttle.report("t-1", None, "away")
    assert throttle.report("t-1", None, "online")
    event = presence_event(ANA, "away", NOW, dt.timedelta(seconds=90), viewing="t-1")
    data = decoded(event)
    assert (data.status, data.viewing) == ("away", "t-1")
