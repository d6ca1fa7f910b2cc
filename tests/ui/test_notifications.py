"""Notifications: the pure policy, and the Notifier on a real store, timers and tray icon."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Ticket
from bridge.wire.protocol import SnapshotBegin, SnapshotPage
from console.notifications import (
    NotificationKind,
    NotificationPolicy,
    NotificationSwitches,
    Notifier,
    Toast,
)
from console.viewstate.store import IdChanges, StoreUpdate, ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import customer_message, ticket
from tests.helpers.protocol import ME, delta, snapshot, stream, ticket_change

OTHER = "a-pedro"


class RecordingTray(QSystemTrayIcon):
    """A real tray icon (never shown: offscreen has no tray) that records its messages."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title: str, msg: str, *args: object) -> None:  # noqa: N802 (Qt name; records any overload)
        self.messages.append((title, msg))


class Setup:
    def __init__(self, qtbot: QtBot, switches: NotificationSwitches | None = None) -> None:
        self.clock = Clock()
        self.store = ViewStore()
        self.tray = RecordingTray()
        self.notifier = Notifier(
            self.tray, me=ME, switches=switches or NotificationSwitches(), clock=self.clock
        )
        self.notifier.attach(self.store)
        self.seq = 1

    def start(self, *tickets: Ticket) -> None:
        self.store.apply_snapshot(snapshot(list(tickets), seq=1))

    def send(self, *tickets: Ticket) -> None:
        self.seq += 1
        self.store.apply_delta(delta(self.seq, *(ticket_change(t) for t in tickets)))

    def later(self, seconds: float) -> list[tuple[str, str]]:
        """Advance the clock, check SLAs and flush; return the tray's messages so far."""
        self.clock.advance(seconds)
        self.notifier.check_sla()
        return self.tray.messages


@pytest.fixture
def setup(qtbot: QtBot) -> Iterator[Setup]:
    made = Setup(qtbot)
    yield made
    made.notifier.detach()


def mine(ticket_id: str, **fields: object) -> Ticket:
    return ticket(ticket_id, assignee=ME.agent_id, assignee_name=ME.name, **fields)


def test_initial_snapshot_gives_no_toast(setup: Setup) -> None:
    setup.start(
        *(ticket(f"t{n}") for n in range(20)),
        mine("t98", last_customer_message_at=at(-1), messages=[customer_message(minutes=-1)]),
        mine("t99", sla_due_at=at(2)),  # already about to breach when the console starts
    )
    assert setup.later(60) == []
    assert setup.later(60) == []


def test_new_ticket_in_my_queue(setup: Setup) -> None:
    setup.start(ticket("t1"))
    setup.send(ticket("t2", subject="Late delivery", customer_name="María Rojas"))
    setup.send(ticket("t3", queue="payments"))  # not my queue
    setup.send(ticket("t4", assignee=OTHER))  # already someone else's
    assert setup.later(1.5) == [("New ticket", "María Rojas in Deliveries: Late delivery")]


def test_customer_reply_on_my_ticket_only(setup: Setup) -> None:
    setup.start(mine("t1", subject="Cold pizza"), ticket("t2", assignee=OTHER))
    setup.clock.advance(60)
    setup.send(
        mine(
            "t1",
            subject="Cold pizza",
            last_customer_message_at=at(1),
            messages=[customer_message("still cold", 1)],
        ),
        ticket("t2", assignee=OTHER, last_customer_message_at=at(1)),
    )
    assert setup.later(1.5) == [("Customer replied", "Customer t1 replied on “Cold pizza”")]
    setup.clock.advance(30)
    setup.send(mine("t1", subject="Cold pizza", last_customer_message_at=at(1), priority="high"))
    assert setup.later(1.5) == [("Customer replied", "Customer t1 replied on “Cold pizza”")]


def test_sla_warning_fires_once_per_ticket(setup: Setup) -> None:
    setup.start(
        mine("t1", sla_due_at=at(10), subject="Where is it"),
        ticket("t2", sla_due_at=at(10)),  # unassigned in my queue: warned too
        ticket("t3", sla_due_at=at(10), assignee=OTHER),  # not mine
        ticket("t4", sla_due_at=at(10), queue="payments"),  # not my queue
        mine("t5", sla_due_at=at(10), first_response_at=at(-1)),  # already answered
    )
    assert setup.later(0) == []
    assert setup.later(6 * 60) == []  # gathered for a moment
    assert setup.later(1.5) == [
        ("SLA about to breach", "2 tickets in Deliveries need a first reply within 5 minutes")
    ]
    for _ in range(5):
        setup.later(15)
    assert len(setup.tray.messages) == 1
    setup.send(mine("t1", sla_due_at=at(10), subject="Where is it", priority="urgent"))
    setup.later(20)
    assert len(setup.tray.messages) == 1


def test_switched_off_kinds_are_suppressed(qtbot: QtBot) -> None:
    setup = Setup(qtbot, NotificationSwitches(new_ticket=False, sla_warning=False))
    setup.start(mine("t1", sla_due_at=at(4)))
    setup.send(ticket("t2"))
    assert setup.later(30) == []
    setup.send(mine("t1", sla_due_at=at(4), last_customer_message_at=at(1)))
    assert setup.later(1.5) == [("Customer replied", "Customer t1 replied on “Subject of t1”")]
    setup.notifier.detach()


def test_switching_on_later_notifies_later_events(setup: Setup) -> None:
    setup.notifier.set_switches(NotificationSwitches(new_ticket=False))
    setup.start()
    setup.send(ticket("t1"))
    assert setup.later(2) == []
    setup.notifier.set_switches(NotificationSwitches())
    setup.send(ticket("t2"))
    assert [title for title, _ in setup.later(2)] == ["New ticket"]


def test_burst_of_fifty_new_tickets_is_one_summarized_toast(setup: Setup) -> None:
    setup.start()
    for n in range(50):
        setup.send(ticket(f"n{n:02d}"))
        setup.clock.advance(0.01)
        setup.notifier.flush()
    assert setup.later(1) == [("New tickets", "50 new tickets in Deliveries")]
    # More arrive inside the 10 s window: held back, then one summary.
    for n in range(7):
        setup.send(ticket(f"m{n}"))
    assert len(setup.later(3)) == 1
    assert setup.later(7)[1:] == [("New tickets", "7 new tickets in Deliveries")]


def test_an_initial_snapshot_in_pages_gives_no_toast(setup: Setup) -> None:
    first = snapshot([*(ticket(f"t{n}") for n in range(30)), mine("t99", sla_due_at=at(2))], seq=1)
    for message in stream(first, page_size=4):  # the window fills in over eight pages
        if isinstance(message, SnapshotBegin):
            setup.store.load_snapshot(begin=message)
        elif isinstance(message, SnapshotPage):
            setup.store.load_snapshot(page=message)
        else:
            setup.store.load_snapshot(end=message)
    setup.send(ticket("m1"))
    assert setup.later(7) == [("New ticket", "Customer m1 in Deliveries: Subject of m1")]


def test_the_timer_shows_the_toast_without_help(qtbot: QtBot) -> None:
    store = ViewStore()
    tray = RecordingTray()
    notifier = Notifier(
        tray, me=ME, switches=NotificationSwitches(), clock=time.time, gather_s=0.05
    )
    notifier.attach(store)
    store.apply_snapshot(snapshot([ticket("t1")]))
    with qtbot.waitSignal(notifier.toast_shown, timeout=5000) as shown:
        store.apply_delta(delta(2, ticket_change(ticket("t2", subject="Broken bag"))))
    assert shown.args == ["New ticket", "Customer t2 in Deliveries: Broken bag"]
    assert tray.messages == [("New ticket", "Customer t2 in Deliveries: Broken bag")]
    notifier.detach()


def test_clicking_a_single_ticket_toast_asks_to_open_it(setup: Setup, qtbot: QtBot) -> None:
    setup.start()
    setup.send(ticket("t7"))
    setup.later(2)
    with qtbot.waitSignal(setup.notifier.ticket_requested) as requested:
        setup.tray.messageClicked.emit()
    assert requested.args == ["t7"]


def test_without_a_tray_toasts_are_still_signalled(qtbot: QtBot) -> None:
    clock = Clock()
    store = ViewStore()
    notifier = Notifier(None, me=ME, switches=NotificationSwitches(), clock=clock)
    notifier.attach(store)
    store.apply_snapshot(snapshot([]))
    store.apply_delta(delta(2, ticket_change(ticket("t1"))))
    clock.advance(2)
    with qtbot.waitSignal(notifier.toast_shown):
        notifier.flush()
    notifier.detach()


# ---------------------------------------------------------------------- the policy alone
def test_policy_without_qt() -> None:
    policy = NotificationPolicy(ME, NotificationSwitches(), window_s=10, gather_s=1)
    t1 = ticket("t1")
    policy.observe(
        StoreUpdate(tickets=IdChanges(added=frozenset({"t1"})), from_snapshot=True), {"t1": t1}, 0
    )
    assert policy.next_due_in(0) is None
    t2 = ticket("t2")
    policy.observe(StoreUpdate(tickets=IdChanges(added=frozenset({"t2"}))), {"t1": t1, "t2": t2}, 5)
    assert policy.next_due_in(5) == pytest.approx(1)
    assert policy.due(5.5) == []
    (toast,) = policy.due(6)
    assert toast == Toast(NotificationKind.NEW_TICKET, toast.tickets)
    assert [n.ticket_id for n in toast.tickets] == ["t2"]
    t3 = ticket("t3")
    policy.observe(StoreUpdate(tickets=IdChanges(added=frozenset({"t3"}))), {"t3": t3}, 7)
    assert policy.next_due_in(7) == pytest.approx(9)  # the window since the last toast
    assert policy.due(15.9) == []
    assert [t.count for t in policy.due(16)] == [1]
