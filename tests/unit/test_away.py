"""The agent's own presence: chosen online/away, and away after the idle time."""

from __future__ import annotations

from bridge.wire.protocol import AgentStatus
from console.viewstate.away import AwayTracker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _tracker(idle_s: float | None = 600) -> tuple[AwayTracker, Clock, list[AgentStatus]]:
    clock = Clock()
    reports: list[AgentStatus] = []
    return AwayTracker(reports.append, idle_s=idle_s, clock=clock), clock, reports


def test_an_online_agent_turns_away_after_the_idle_time_and_back_at_the_next_input() -> None:
    tracker, clock, reports = _tracker()
    assert tracker.deadline() == 1600
    clock.now = 1599
    tracker.tick()
    assert (tracker.status, reports) == ("online", [])
    clock.now = 1600
    tracker.tick()
    assert (tracker.status, tracker.idle, reports) == ("away", True, ["away"])
    assert tracker.deadline() is None
    tracker.input()
    assert (tracker.status, reports) == ("online", ["away", "online"])


def test_input_pushes_the_deadline_back() -> None:
    tracker, clock, reports = _tracker()
    clock.now = 1500
    tracker.input()
    clock.now = 1700
    tracker.tick()
    assert reports == []
    assert tracker.deadline() == 2100


def test_away_by_choice_stays_through_input_until_online_is_chosen() -> None:
    tracker, clock, reports = _tracker()
    tracker.choose("away")
    tracker.input()
    clock.now = 9999
    tracker.tick()
    assert (tracker.status, tracker.idle, reports) == ("away", False, ["away"])
    tracker.toggle()
    assert (tracker.status, reports) == ("online", ["away", "online"])


def test_zero_minutes_never_turns_away_by_itself() -> None:
    tracker, clock, reports = _tracker(idle_s=0)
    clock.now = 10**9
    tracker.tick()
    assert (tracker.deadline(), tracker.status, reports) == (None, "online", [])


def test_choosing_the_status_one_has_reports_nothing() -> None:
    tracker, _, reports = _tracker()
    tracker.choose("online")
    assert reports == []
