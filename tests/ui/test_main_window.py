"""The main window on real widgets: keyboard, selection and scroll across deltas, status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QSplitter,
    QWidget,
)

from bridge.wire.protocol import AgentIdentity
from console.main_window import DASHBOARD_TAB, OPENING_SIZE, MainWindow, opening_size
from console.models.ticket_queue_model import Column
from console.viewstate.order_feed import OrderFeed
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from console.window_state import WindowState
from tests.helpers.clock import Clock, at
from tests.helpers.entities import customer_message, many_tickets, order, ticket
from tests.helpers.protocol import delta, snapshot, status, ticket_change, ticket_removal

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

# The offscreen platform plugin warns when a top-level window with a layout publishes its size
# hints (QMainWindow always does); it is an artefact of the test platform, nothing else.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> ViewStore:
    """What the bridge client feeds (snapshots and deltas go straight into it)."""
    return ViewStore()


@pytest.fixture
def window(qtbot: QtBot, clock: Clock, store: ViewStore) -> MainWindow:
    win = MainWindow(store, OrderFeed(), SeenTracker(), clock, tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(win)
    win.resize(1400, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, key)


def test_j_and_k_move_the_selection_and_slash_focuses_search(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot(many_tickets(5)))
    queue = window.queue_view
    queue.table.setFocus()
    press(qtbot, window, Qt.Key.Key_J)
    assert queue.current_ticket_id() == "t00000"
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    assert queue.current_ticket_id() == "t00002"
    press(qtbot, window, Qt.Key.Key_K)
    assert queue.current_ticket_id() == "t00001"
    press(qtbot, window, Qt.Key.Key_Slash)
    qtbot.waitUntil(queue.search.hasFocus)
    QTest.keyClicks(queue.search, "jk")  # typing in the search box is not navigation
    assert queue.search.text() == "jk"
    assert queue.current_ticket_id() == "t00001"


def test_selection_and_scroll_survive_a_batch_that_inserts_above_and_changes_others(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot(many_tickets(300)))
    queue = window.queue_view
    assert queue.select_ticket("t00150")
    queue.table.scrollTo(queue.proxy.index(120, 0), queue.table.ScrollHint.PositionAtTop)
    top = queue.top_ticket_id()
    assert top == "t00120"
    arrivals = [ticket(f"new{n}", sla_due_at=at(n)) for n in range(20)]  # due before all
    store.apply_delta(
        delta(
            2,
            *(ticket_change(t) for t in arrivals),
            ticket_change(ticket("t00151", sla_due_at=at(211), priority="urgent")),
            ticket_change(ticket("t00010", sla_due_at=at(70), status="closed")),
            ticket_removal("t00005"),
        )
    )
    assert queue.current_ticket_id() == "t00150"
    selected = queue.table.selectionModel().selectedRows()
    assert [i.data() for i in selected] == [queue.proxy.index(selected[0].row(), 0).data()]
    assert queue.proxy.ticket_id(selected[0].row()) == "t00150"
    assert queue.top_ticket_id() == top
    assert queue.proxy.rowCount() == 300 + 20 - 2


def test_at_the_top_new_urgent_arrivals_come_into_view(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot(many_tickets(100)))
    store.apply_delta(delta(2, ticket_change(ticket("urgent", sla_due_at=at(1)))))
    assert window.queue_view.top_ticket_id() == "urgent"


def test_the_sla_column_ticks_every_second(
    qtbot: QtBot, window: MainWindow, store: ViewStore, clock: Clock
) -> None:
    store.apply_snapshot(snapshot([ticket("t1", sla_due_at=at(15))]))
    model = window.queue_model
    assert model.index(0, Column.SLA).data() == "15 min"
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: changed.append((tl.column(), br.column())))
    clock.advance(61)  # whole minutes, rounded up: 13 min 59 s left reads "14 min"
    qtbot.waitUntil(lambda: model.index(0, Column.SLA).data() == "14 min" and bool(changed))
    assert set(changed) == {(Column.SLA, Column.SLA)}
    assert model.index(0, Column.SLA).data(Qt.ItemDataRole.ForegroundRole).color().name() == (
        "#b26a00"
    )


def test_saved_view_selector_offers_the_agents_views(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(
        snapshot(
            [
                ticket("mine", assignee="a-lucia", assignee_name="Lucía"),
                ticket("pay", queue="payments", sla_due_at=at(31)),
            ]
        )
    )
    queue = window.queue_view
    assert queue.saved_view_keys() == [
        "mine", "unassigned", "queue:deliveries", "queue:payments", "breached", "open"
    ]  # fmt: skip
    labels = [queue.selector.itemText(i) for i in range(queue.selector.count())]
    assert labels == [
        "My tickets", "Unassigned", "Queue: Deliveries", "Queue: Payments", "Breached", "All open"
    ]  # fmt: skip
    assert queue.selector.currentText() == "All open"
    assert queue.set_saved_view("mine")
    assert queue.visible_ticket_ids() == ["mine"]
    assert queue.count_label.text().startswith("1 ticket")  # plural forms: see test_i18n
    QTest.keyClicks(queue.search, "nothing matches")
    qtbot.waitUntil(lambda: queue.proxy.rowCount() == 0)


def test_opening_a_ticket_emits_its_id_and_marks_it_seen(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot([ticket("t1", messages=[customer_message()])]))
    queue = window.queue_view
    assert window.queue_model.index(0, Column.UNREAD).data() == "1"
    queue.select_ticket("t1")
    queue.table.setFocus()
    with qtbot.waitSignal(window.ticket_activated, timeout=1000) as opened:
        QTest.keyClick(queue.table, Qt.Key.Key_Return)
    assert opened.args == ["t1"]
    assert window.queue_model.index(0, Column.UNREAD).data() == ""
    assert window.work_area.currentIndex() == 0


def test_opening_an_order_from_the_feed_emits_its_id(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot(orders=[order("o1"), order("o2", ("placed", "paid"))]))
    feed = window.order_feed_view
    row = next(
        r for r in range(feed.proxy.rowCount()) if "o1" in str(feed.proxy.index(r, 0).data())
    )
    feed.list.setCurrentIndex(feed.proxy.index(row, 0))
    feed.list.setFocus()
    with qtbot.waitSignal(window.order_activated, timeout=1000) as opened:
        QTest.keyClick(feed.list, Qt.Key.Key_Return)
    assert opened.args == ["o1"]


def test_workspace_and_dashboard_slots_take_widgets(qtbot: QtBot, window: MainWindow) -> None:
    workspace, dashboard = QLabel("workspace"), QLabel("dashboard")
    window.set_workspace_widget(workspace)
    window.set_dashboard_widget(dashboard)
    assert window.work_area.widget(0) is workspace
    assert window.work_area.widget(1) is dashboard
    assert [window.work_area.tabText(i) for i in range(2)] == ["Ticket", "Dashboard"]
    window.show_dashboard()
    assert window.work_area.currentWidget() is dashboard


def test_every_interactive_widget_has_an_accessible_name(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot([ticket("t1")], [order("o1")]))
    interactive = [
        w
        for w in window.findChildren(QWidget)
        if w.isVisibleTo(window)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not isinstance(w.parentWidget(), QLineEdit)
    ]
    assert len(interactive) >= 7
    unnamed = [type(w).__name__ for w in interactive if not w.accessibleName()]
    assert unnamed == []
    assert all(b.accessibleName() for b in window.findChildren(QAbstractButton) if b.isVisible())


def test_status_bar_tells_the_truth(qtbot: QtBot, window: MainWindow, store: ViewStore) -> None:
    bar = window.status_bar
    assert bar.bridge_label.text() == "Bridge: connecting…"
    assert bar.kafka_label.text() == "Kafka: unknown"
    assert bar.data_label.text() == "No data yet"
    window.on_connected()
    store.apply_snapshot(snapshot(bridge_status=status(lag=12, outbox_pending=3)))
    assert bar.bridge_label.text() == "Bridge: connected"
    assert bar.kafka_label.text() == "Kafka: up"
    assert bar.data_label.text().startswith("Data as of ")
    assert bar.data_label.text().endswith("· lag 12")
    assert bar.outbox_label.text() == "Outbox: 3 pending"
    down = status(kafka_up=False, kafka_down_since=at(-2), lag=40, outbox_pending=5)
    store.apply_delta(delta(2, bridge_status=down))
    assert bar.kafka_label.text().startswith("Kafka: down since ")
    assert bar.outbox_label.text() == "Outbox: 5 pending"
    window.on_disconnected("bridge closed the connection")
    assert bar.bridge_label.text() == "Bridge: reconnecting… (bridge closed the connection)"
    assert bar.kafka_label.text() == "Kafka: unknown"
    assert bar.data_label.text().endswith("(not updating)")
    assert bar.outbox_label.text() == "Outbox: 5 pending (last known)"
    window.on_connected()
    assert bar.kafka_label.text().startswith("Kafka: down since ")


def test_the_dashboard_tab_is_shown_to_supervisors_only(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot(bridge_status=status()))  # ME is an agent
    assert not window.work_area.isTabVisible(DASHBOARD_TAB)
    boss = AgentIdentity(agent_id="a-rosa", name="Rosa", role="supervisor", queues=[])
    store.apply_delta(delta(2, bridge_status=status(agent=boss)))
    assert window.work_area.isTabVisible(DASHBOARD_TAB)


def test_the_selection_follows_a_ticket_that_moves_after_its_first_reply(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    store.apply_snapshot(snapshot(many_tickets(5)))
    queue = window.queue_view
    assert queue.select_ticket("t00001")
    answered = ticket("t00001", sla_due_at=at(61), first_response_at=at(1))
    store.apply_delta(delta(2, ticket_change(answered)))
    assert queue.visible_ticket_ids()[-1] == "t00001"  # answered: after the unanswered ones
    assert queue.current_ticket_id() == "t00001"


def test_the_window_opens_within_a_small_screen_and_at_full_size_on_a_large_one(
    qtbot: QtBot, clock: Clock, store: ViewStore
) -> None:
    laptop = QSize(1366, 728)  # 1366x768 less a 40-pixel panel
    win = MainWindow(store, OrderFeed(), SeenTracker(), clock, tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(win)
    win.resize(opening_size(laptop))
    win.show()
    qtbot.waitExposed(win)
    assert win.width() <= laptop.width()
    assert win.height() <= laptop.height()
    assert opening_size(QSize(2560, 1400)) == OPENING_SIZE
    assert opening_size(None) == OPENING_SIZE


def test_the_window_comes_back_at_the_size_and_split_it_was_closed_with(
    qtbot: QtBot, clock: Clock, store: ViewStore, window: MainWindow
) -> None:
    window.resize(780, 700)  # within the offscreen screen (800x800): Qt keeps a window on it
    main = next(
        s for s in window.findChildren(QSplitter) if s.orientation() == Qt.Orientation.Horizontal
    )
    main.setSizes([300, 480])
    qtbot.waitUntil(lambda: window.width() == 780)
    sizes = main.sizes()
    saved = window.window_state()
    window.close()

    again = MainWindow(store, OrderFeed(), SeenTracker(), clock, tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(again)
    assert again.restore_window_state(saved)
    again.show()  # the first show keeps the saved split, not the default share
    qtbot.waitExposed(again)
    restored = next(
        s for s in again.findChildren(QSplitter) if s.orientation() == Qt.Orientation.Horizontal
    )
    assert (again.width(), again.height()) == (780, 700)
    assert restored.sizes() == sizes


def test_a_state_qt_cannot_read_is_refused_and_the_window_keeps_its_default_split(
    qtbot: QtBot, clock: Clock, store: ViewStore
) -> None:
    win = MainWindow(store, OrderFeed(), SeenTracker(), clock, tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(win)
    assert not win.restore_window_state(WindowState(geometry=b"junk", splitter=b"junk"))
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    main = next(
        s for s in win.findChildren(QSplitter) if s.orientation() == Qt.Orientation.Horizontal
    )
    queue, _work = main.sizes()
    assert queue == pytest.approx(1000 * 0.55, abs=20)
