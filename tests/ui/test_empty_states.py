"""Kafka or the bridge down, and empty panes, say what is happening (issue 10, defect 11).

Real main window and workspace: a first run against an unreachable broker
shows a banner naming the broker with a button to the connection settings,
and every pane says why it is empty instead of showing a blank.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from console.main_window import MainWindow
from console.viewstate.order_feed import OrderFeed
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from tests.helpers.clock import Clock
from tests.helpers.entities import many_tickets, ticket
from tests.helpers.protocol import ME, delta, snapshot, status, ticket_change

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

BROKER = "kafka.atupuerta.example:9092"


@pytest.fixture
def store() -> ViewStore:
    return ViewStore()


@pytest.fixture
def window(qtbot: QtBot, store: ViewStore) -> MainWindow:
    win = MainWindow(store, OrderFeed(), SeenTracker(), Clock(), tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(win)
    win.set_kafka_address(BROKER)
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_first_run_against_an_unreachable_broker_explains_itself(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    # Before the bridge answers: no banner yet, the panes say they wait for it.
    assert not window.connection_banner.isVisible()
    assert window.queue_view.empty_state.is_shown()
    assert "Waiting for the bridge" in window.queue_view.empty_state.text()
    assert "Waiting for the bridge" in window.order_feed_view.empty_state.text()

    window.on_connected()
    down = status(kafka_up=False, kafka_error_message="connection refused", as_of=None)
    store.apply_snapshot(snapshot([], [], bridge_status=down))
    banner = window.connection_banner
    assert banner.isVisible()
    assert banner.title_label.text() == (
        f"Cannot reach Kafka at {BROKER} — retrying; check the connection settings"
    )
    assert "connection refused" in banner.detail_label.text()
    assert "queued" in banner.detail_label.text()
    with qtbot.waitSignal(window.settings_requested, timeout=1000):
        banner.settings_button.click()
    for empty in (window.queue_view.empty_state, window.order_feed_view.empty_state):
        assert empty.is_shown()
        assert "cannot reach Kafka" in empty.text()

    store.apply_delta(delta(2, bridge_status=status()))  # Kafka is back
    assert not banner.isVisible()
    assert window.queue_view.empty_state.text() == "No tickets yet."
    assert window.order_feed_view.empty_state.text() == "No order events yet."


def test_refused_credentials_and_a_lost_bridge_have_their_own_banner(
    window: MainWindow, store: ViewStore
) -> None:
    window.on_connected()
    refused = status(
        kafka_up=False,
        kafka_error="auth",
        kafka_error_message="Kafka refused the credentials (SASL/SCRAM-SHA-512)",
    )
    store.apply_snapshot(snapshot([], [], bridge_status=refused))
    banner = window.connection_banner
    assert banner.isVisible()
    assert f"Kafka at {BROKER} refused the credentials" in banner.title_label.text()
    assert "SASL/SCRAM-SHA-512" in banner.detail_label.text()
    assert banner.settings_button.isVisible()

    window.on_disconnected("the bridge stopped answering")
    assert banner.isVisible()
    assert banner.title_label.text() == "Lost the connection to the bridge — reconnecting"
    assert "the bridge stopped answering" in banner.detail_label.text()
    assert not banner.settings_button.isVisible()
    window.on_connected()
    store.apply_delta(delta(2, bridge_status=status()))
    assert not banner.isVisible()


SEARCH_COVERS = "Search covers only the current view: choose All open to search every open ticket."
CLEAR_SEARCH = "Clear the search to see every ticket of this view."


@pytest.mark.parametrize(
    "case",
    [
        # another view holds a match: All open is the step that finds it
        ("unassigned", "Marta", f"No tickets in “Unassigned” match “Marta”. {SEARCH_COVERS}"),
        # in All open already: switching to it changes nothing; clearing the search does
        ("open", "zzz-nothing", f"No tickets in “All open” match “zzz-nothing”. {CLEAR_SEARCH}"),
        # nothing matches anywhere, but this view has tickets
        ("unassigned", "zzz-nothing", f"“Unassigned” match “zzz-nothing”. {CLEAR_SEARCH}"),
        # nothing matches anywhere and this view is empty anyway: nothing to suggest
        ("breached", "zzz-nothing", "No tickets in “Breached” match “zzz-nothing”."),
    ],
    ids=["match-elsewhere", "all-open", "view-has-tickets", "nothing-helps"],
)
def test_a_search_that_matches_nothing_suggests_only_what_would_show_tickets(
    qtbot: QtBot, window: MainWindow, store: ViewStore, case: tuple[str, str, str]
) -> None:
    view, search, hint = case
    window.on_connected()
    others = ticket("t-marta", assignee="a-marta", subject="Marta's refund")
    store.apply_snapshot(snapshot([*many_tickets(3), others]))
    queue = window.queue_view
    assert not queue.empty_state.is_shown()
    assert "this view" in queue.search.placeholderText()
    assert queue.set_saved_view(view)
    queue.search.setText(search)
    qtbot.waitUntil(lambda: queue.proxy.search_text == search.casefold(), timeout=2000)
    qtbot.waitUntil(queue.empty_state.is_shown, timeout=2000)
    qtbot.waitUntil(lambda: queue.empty_state.text().endswith(hint), timeout=2000)
    queue.search.clear()
    if view != "breached":
        qtbot.waitUntil(lambda: not queue.empty_state.is_shown(), timeout=2000)


@pytest.mark.parametrize("typed", ["SOFIA", "SOFÍA"])
def test_the_no_match_hint_finds_accented_names_elsewhere_and_quotes_the_search_as_typed(
    qtbot: QtBot, window: MainWindow, store: ViewStore, typed: str
) -> None:
    window.on_connected()
    sofia = ticket("t-q", assignee="a-marta", customer_name="Sofía Quispe")
    store.apply_snapshot(snapshot([*many_tickets(3), sofia]))
    queue = window.queue_view
    assert queue.set_saved_view("unassigned")  # Sofía's ticket is assigned: not in this view
    queue.search.setText(typed)
    qtbot.waitUntil(queue.empty_state.is_shown, timeout=2000)
    hint = f"No tickets in “Unassigned” match “{typed}”. {SEARCH_COVERS}"
    qtbot.waitUntil(lambda: queue.empty_state.text() == hint, timeout=2000)
    assert queue.set_saved_view("open")
    qtbot.waitUntil(lambda: queue.proxy.rowCount() == 1, timeout=2000)


def test_the_no_match_hint_follows_tickets_that_arrive(
    qtbot: QtBot, window: MainWindow, store: ViewStore
) -> None:
    window.on_connected()
    store.apply_snapshot(snapshot(many_tickets(3)))
    queue = window.queue_view
    assert queue.set_saved_view("unassigned")
    queue.search.setText("marta")
    qtbot.waitUntil(lambda: queue.proxy.search_text == "marta", timeout=2000)
    qtbot.waitUntil(queue.empty_state.is_shown, timeout=2000)
    qtbot.waitUntil(lambda: queue.empty_state.text().endswith(CLEAR_SEARCH), timeout=2000)
    store.apply_delta(delta(2, ticket_change(ticket("t-m", assignee="a-marta", subject="Marta"))))
    assert queue.empty_state.is_shown()  # assigned: not in Unassigned
    qtbot.waitUntil(lambda: queue.empty_state.text().endswith(SEARCH_COVERS), timeout=2000)


def test_the_workspace_says_no_ticket_is_open_and_the_customer_has_no_history(
    qtbot: QtBot, tmp_path: Path
) -> None:
    workspace = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitExposed(workspace)
    conversation = workspace.conversation
    assert conversation.empty_label.isVisible()
    assert "No ticket open" in conversation.empty_label.text()

    alone = ticket("T-1", order_id=None)
    workspace.show_ticket(alone, None, [alone], [], ME)
    assert not conversation.empty_label.isVisible()
    panel = workspace.order_panel
    assert panel.tickets_empty.is_shown()
    assert panel.tickets_empty.text() == "No other tickets of this customer."
    assert panel.orders_empty.is_shown()
    assert panel.orders_empty.text() == "No other orders of this customer."
    assert panel.timeline_empty.text() == "No order linked to this ticket."

    workspace.clear()
    assert conversation.empty_label.isVisible()
    assert conversation.bubbles() == []


def test_the_list_of_sent_actions_says_what_it_is_before_anything_is_sent(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A walk found a blank box under the conversation until a first action was sent."""
    workspace = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(workspace)
    workspace.show()
    opened = ticket("T-1")
    workspace.show_ticket(opened, None, [opened], [], ME)
    empty = workspace.pending_view.empty_state
    qtbot.waitUntil(empty.label.isVisible)
    assert empty.text() == "Actions you send on this ticket show here, with their state."


def test_with_no_ticket_open_the_side_panes_say_to_open_one_not_that_no_order_is_linked(
    qtbot: QtBot, tmp_path: Path
) -> None:
    workspace = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitExposed(workspace)
    panel = workspace.order_panel
    notes = (panel.timeline_empty, panel.tickets_empty, panel.orders_empty)

    def nothing_open() -> None:
        for note in notes:
            assert note.label.isVisible()
            assert note.text().startswith("Open a ticket from the queue"), note.text()
            label = note.label  # the whole note shows, wrapped
            assert label.height() >= label.heightForWidth(label.width()), note.text()
        assert "No order" not in panel.summary_label.text()

    qtbot.waitUntil(nothing_open)
    alone = ticket("T-1", order_id=None)
    workspace.show_ticket(alone, None, [alone], [], ME)
    assert panel.timeline_empty.text() == "No order linked to this ticket."  # now it is true
    workspace.clear()
    qtbot.waitUntil(nothing_open)
    workspace.retranslate()  # a language change keeps saying it
    qtbot.waitUntil(nothing_open)
