"""The console's own activity (viewing/composing) and who else is on a ticket."""

from __future__ import annotations

from bridge.wire.entities import Presence
from console.viewstate.activity import Activity, ActivityTracker
from console.viewstate.colleagues import colleagues_by_ticket, next_expiry

T0 = 1_714_557_600.0  # 2024-05-01T10:00:00Z


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def tracker(idle_s: float = 5.0) -> tuple[ActivityTracker, list[Activity], FakeClock]:
    reports: list[Activity] = []
    clock = FakeClock()
    return ActivityTracker(reports.append, clock=clock, idle_s=idle_s), reports, clock


# ------------------------------------------------------------------ ActivityTracker
def test_opening_a_ticket_reports_viewing_it() -> None:
    activity, reports, _ = tracker()
    activity.opened("t-1")
    activity.opened("t-1")  # the same ticket again: nothing new
    assert reports == [Activity(viewing="t-1")]


def test_typing_reports_composing_once_per_stretch_of_typing() -> None:
    activity, reports, clock = tracker()
    activity.opened("t-1")
    for _ in range(5):
        activity.typed()
        clock.now += 0.2
    assert reports == [Activity(viewing="t-1"), Activity(viewing="t-1", composing="t-1")]


def test_composing_ends_after_the_idle_time_since_the_last_keystroke() -> None:
    activity, reports, clock = tracker(idle_s=5.0)
    activity.opened("t-1")
    activity.typed()
    clock.now += 3.0
    activity.typed()  # the deadline moves
    assert activity.deadline() == clock.now + 5.0
    clock.now += 4.9
    activity.tick()
    assert activity.activity.composing == "t-1"
    clock.now += 0.1
    activity.tick()
    assert reports[-1] == Activity(viewing="t-1")
    assert activity.deadline() is None


def test_sending_ends_composing_and_keeps_viewing() -> None:
    activity, reports, _ = tracker()
    activity.opened("t-1")
    activity.typed()
    activity.sent()
    assert reports[-1] == Activity(viewing="t-1")


def test_leaving_the_ticket_ends_composing_there() -> None:
    activity, reports, _ = tracker()
    activity.opened("t-1")
    activity.typed()
    activity.opened("t-2")
    assert reports[-1] == Activity(viewing="t-2")
    activity.opened(None)
    assert reports[-1] == Activity()


def test_keystrokes_without_an_open_ticket_report_nothing() -> None:
    activity, reports, _ = tracker()
    activity.typed()
    assert reports == []


# ------------------------------------------------------------------ colleagues
def presence(
    agent_id: str,
    name: str,
    *,
    viewing: str | None = None,
    composing: str | None = None,
    status: str = "online",
    expires_at: str = "2024-05-01T10:01:30Z",
) -> Presence:
    return Presence(
        agent_id=agent_id,
        name=name,
        role="agent",
        status=status,  # type: ignore[arg-type]
        queues=["deliveries"],
        expires_at=expires_at,
        viewing=viewing,
        composing=composing,
    )


def test_colleagues_are_listed_per_ticket_writers_first_and_without_me() -> None:
    agents = [
        presence("me", "Me", viewing="t-1", composing="t-1"),
        presence("beto", "Beto Huamán", viewing="t-1"),
        presence("ana", "Ana Quispe", viewing="t-1", composing="t-1"),
        presence("caro", "Carolina Ríos", viewing="t-2"),
    ]
    found = colleagues_by_ticket(agents, "me", T0)
    assert [(c.name, c.composing) for c in found["t-1"]] == [
        ("Ana Quispe", True),
        ("Beto Huamán", False),
    ]
    assert [c.name for c in found["t-2"]] == ["Carolina Ríos"]


def test_an_expired_or_offline_colleague_is_on_no_ticket() -> None:
    agents = [
        presence("ana", "Ana Quispe", viewing="t-1", composing="t-1"),
        presence("beto", "Beto Huamán", viewing="t-1", status="offline"),
    ]
    assert [c.name for c in colleagues_by_ticket(agents, None, T0)["t-1"]] == ["Ana Quispe"]
    after_expiry = T0 + 91
    assert colleagues_by_ticket(agents, None, after_expiry) == {}


def test_composing_in_a_ticket_other_than_the_one_viewed_counts_in_both() -> None:
    found = colleagues_by_ticket([presence("ana", "Ana", viewing="t-1", composing="t-2")], None, T0)
    assert [(c.name, c.composing) for c in found["t-1"]] == [("Ana", False)]
    assert [(c.name, c.composing) for c in found["t-2"]] == [("Ana", True)]


def test_next_expiry_is_the_earliest_future_expiry_of_someone_on_a_ticket() -> None:
    agents = [
        presence("ana", "Ana", viewing="t-1", expires_at="2024-05-01T10:01:30Z"),
        presence("beto", "Beto", viewing="t-1", expires_at="2024-05-01T10:00:45Z"),
        presence("caro", "Caro", expires_at="2024-05-01T10:00:10Z"),  # on no ticket
    ]
    assert next_expiry(agents, None, T0) == T0 + 45
    assert next_expiry(agents, None, T0 + 100) is None
