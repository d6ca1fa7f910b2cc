"""The queue's columns and sort as the agent chose them, back at the next start (window.json)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.main_window import MainWindow
from console.models.ticket_queue_model import Column
from console.viewstate.order_feed import OrderFeed
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from console.window_state import WindowStateFile
from tests.helpers.clock import Clock
from tests.helpers.protocol import snapshot, status
from tests.ui.test_layout import BOSS, choose_column, queue_tickets

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from tests.helpers.logfail import ExpectLog

# The offscreen platform plugin warns when a window publishes its size hints and when the
# header's menu raises itself and grabs the keyboard: artefacts of the test platform.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

SIZE = (780, 700)
"""Within the offscreen screen (800x800, Qt keeps a window on it): a narrow queue."""
DEFAULT_HIDDEN = {Column.QUEUE, Column.AGE, Column.CHANNEL}


def _window(qtbot: QtBot, state_file: WindowStateFile | None = None) -> MainWindow:
    """A main window with thirty wide tickets, restored from ``state_file`` (if any), shown."""
    store = ViewStore()
    window = MainWindow(store, OrderFeed(), SeenTracker(), Clock(), tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(window)
    saved = None if state_file is None else state_file.load()
    if saved is None or not window.restore_window_state(saved):  # as the console starts
        window.resize(*SIZE)
    store.apply_snapshot(snapshot(queue_tickets(), [], bridge_status=status(agent=BOSS)))
    window.show()
    qtbot.waitExposed(window)
    source = window.queue_view.proxy.sourceModel()  # the table: those of the view restored
    qtbot.waitUntil(lambda: source.rowCount() == len(queue_tickets()))
    qtbot.waitUntil(lambda: window.queue_view.table.model().rowCount() > 0)
    return window


def _settled(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the columns were fitted to the rows on screen (the narrow queue drops some)."""
    header = window.queue_view.table.horizontalHeader()
    fitter = window.queue_view.columns
    # the fit on showing, then the one once the layout settled
    qtbot.waitUntil(lambda: fitter.fits >= 2)  # the SLA ticks keep asking for more
    assert header.isSectionHidden(Column.OTHERS)  # empty here, the first to give way


def _closed(window: MainWindow, state_file: WindowStateFile) -> None:
    """Close ``window`` as the console does: its state saved to ``window.json``."""
    assert state_file.save(window.window_state())
    window.close()


def _hidden(window: MainWindow) -> set[Column]:
    header = window.queue_view.table.horizontalHeader()
    return {column for column in Column if header.isSectionHidden(column)}


def test_a_column_hidden_from_the_header_menu_is_hidden_at_the_next_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    state_file = WindowStateFile(tmp_path / "console")
    first = _window(qtbot)
    _settled(qtbot, first)
    assert Column.PRIORITY not in _hidden(first)  # always there: the room never drops it
    choose_column(qtbot, first.queue_view.table, Column.PRIORITY)
    qtbot.waitUntil(lambda: Column.PRIORITY in _hidden(first))
    _closed(first, state_file)

    again = _window(qtbot, state_file)
    _settled(qtbot, again)
    assert Column.PRIORITY in _hidden(again)
    assert (again.width(), again.height()) == SIZE  # the window's place, as before


def test_a_column_shown_that_the_narrow_queue_drops_stays_shown_at_the_next_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    state_file = WindowStateFile(tmp_path / "console")
    first = _window(qtbot)
    _settled(qtbot, first)
    assert {Column.TAGS, Column.AGE} <= _hidden(first)  # dropped for room, hidden at first
    choose_column(qtbot, first.queue_view.table, Column.TAGS)
    choose_column(qtbot, first.queue_view.table, Column.AGE)
    qtbot.waitUntil(lambda: not {Column.TAGS, Column.AGE} & _hidden(first))
    _closed(first, state_file)

    again = _window(qtbot, state_file)
    _settled(qtbot, again)  # the columns not chosen still give way
    assert not {Column.TAGS, Column.AGE} & _hidden(again)
    assert {Column.QUEUE, Column.CHANNEL} <= _hidden(again)


def test_the_sort_chosen_by_a_title_click_is_kept_for_the_next_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    state_file = WindowStateFile(tmp_path / "console")
    first = _window(qtbot)
    first.queue_view.table.sortByColumn(Column.CUSTOMER, Qt.SortOrder.DescendingOrder)
    _closed(first, state_file)

    again = _window(qtbot, state_file)
    header = again.queue_view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        Column.CUSTOMER,
        Qt.SortOrder.DescendingOrder,
    )
    proxy = again.queue_view.proxy
    qtbot.waitUntil(lambda: not proxy.pending)
    customers = [proxy.index(row, Column.CUSTOMER).data() for row in range(proxy.rowCount())]
    assert customers[0] == "Valeria Condori"
    assert customers[-1] == "Juan Mendoza"


def _saved_with(tmp_path: Path, qtbot: QtBot, queue: object) -> WindowStateFile:
    """A ``window.json`` of a real window, its ``"queue"`` replaced (``...``: left out)."""
    state_file = WindowStateFile(tmp_path / "console")
    first = _window(qtbot)
    choose_column(qtbot, first.queue_view.table, Column.TAGS)  # a choice the file then loses
    _closed(first, state_file)
    document = json.loads(state_file.path.read_text(encoding="utf-8"))
    document.pop("queue", None)
    if queue is not ...:
        document["queue"] = queue
    state_file.path.write_text(json.dumps(document), encoding="utf-8")
    return state_file


def test_a_window_json_of_an_older_console_opens_with_the_default_columns(
    qtbot: QtBot, tmp_path: Path
) -> None:
    state_file = _saved_with(tmp_path, qtbot, ...)
    again = _window(qtbot, state_file)
    _settled(qtbot, again)
    assert (again.width(), again.height()) == SIZE  # the window's place, as before
    assert _hidden(again) >= DEFAULT_HIDDEN
    assert Column.TAGS in _hidden(again)  # given way for room, as by default
    assert again.queue_view.table.horizontalHeader().sortIndicatorSection() == -1


def test_column_names_the_console_does_not_know_are_ignored(qtbot: QtBot, tmp_path: Path) -> None:
    queue = {  # as a later (or earlier) console may write it
        "shown": ["AGE", "LOYALTY_TIER"],
        "hidden": ["PRIORITY", "CHURN_RISK"],
        "sort": {"column": "MOOD", "order": "descending"},
    }
    state_file = _saved_with(tmp_path, qtbot, queue)
    again = _window(qtbot, state_file)  # nothing logged (a WARNING would fail the test)
    _settled(qtbot, again)
    assert Column.PRIORITY in _hidden(again)
    assert Column.AGE not in _hidden(again)
    assert {Column.QUEUE, Column.CHANNEL} <= _hidden(again)  # not named: as by default
    assert again.queue_view.table.horizontalHeader().sortIndicatorSection() == -1


def test_a_hand_broken_column_choice_gives_the_defaults_and_keeps_the_window_place(
    qtbot: QtBot, tmp_path: Path, expect_log: ExpectLog
) -> None:
    broken = {"hidden": ["PRIORITY", 3]}  # more broken values: tests/unit/test_window_state.py
    state_file = _saved_with(tmp_path, qtbot, broken)
    with expect_log("console.window_state", "WARNING", match="queue's columns .* do not read"):
        again = _window(qtbot, state_file)
    _settled(qtbot, again)
    assert (again.width(), again.height()) == SIZE
    assert Column.PRIORITY not in _hidden(again)
    assert _hidden(again) >= DEFAULT_HIDDEN


def _pick(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Choose the saved view ``key`` in the selector as an agent does: the combo's own keys."""
    view = window.queue_view
    view.selector.setFocus()
    qtbot.waitUntil(view.selector.hasFocus)
    while view.selector.currentData() != key:
        before = view.selector.currentIndex()
        QTest.keyClick(view.selector, Qt.Key.Key_Up)
        assert view.selector.currentIndex() != before, f"no view {key!r} above"


def _closed_on(qtbot: QtBot, tmp_path: Path, view: str) -> WindowStateFile:
    """The ``window.json`` of a window closed with the saved view ``view`` chosen."""
    state_file = WindowStateFile(tmp_path / "console")
    first = _window(qtbot)
    _pick(qtbot, first, view)
    _closed(first, state_file)
    return state_file


def _restored_before_any_ticket(
    qtbot: QtBot, state_file: WindowStateFile
) -> tuple[MainWindow, ViewStore]:
    """A window restored from ``state_file`` and shown, its store still empty (as at a start)."""
    store = ViewStore()
    window = MainWindow(store, OrderFeed(), SeenTracker(), Clock(), tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(window)
    saved = state_file.load()
    assert saved is not None
    window.restore_window_state(saved)
    window.show()
    return window, store


def test_the_view_chosen_is_the_view_at_the_next_start(qtbot: QtBot, tmp_path: Path) -> None:
    """A walk chose Unassigned, restarted, and got All open back."""
    state_file = WindowStateFile(tmp_path / "console")
    first = _window(qtbot)
    _pick(qtbot, first, "unassigned")
    assert first.queue_view.proxy.saved_view.key == "unassigned"
    _closed(first, state_file)

    again = _window(qtbot, state_file)
    assert again.queue_view.selector.currentData() == "unassigned"
    assert again.queue_view.proxy.saved_view.key == "unassigned"


def test_a_view_not_offered_yet_at_the_start_is_chosen_once_it_is(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A tag's view exists once a ticket has the tag: it is chosen when the tickets arrive."""
    again, store = _restored_before_any_ticket(qtbot, _closed_on(qtbot, tmp_path, "tag:vip"))
    assert "tag:vip" not in again.queue_view.saved_view_keys()  # no ticket yet
    store.apply_snapshot(snapshot(queue_tickets(), [], bridge_status=status(agent=BOSS)))
    qtbot.waitUntil(lambda: again.queue_view.proxy.saved_view.key == "tag:vip")
    assert again.queue_view.selector.currentData() == "tag:vip"
    assert again.window_state().queue is not None
    assert again.window_state().queue.view == "tag:vip"  # type: ignore[union-attr]


def test_a_view_the_agent_picks_meanwhile_wins_over_the_one_waited_for(
    qtbot: QtBot, tmp_path: Path
) -> None:
    again, store = _restored_before_any_ticket(qtbot, _closed_on(qtbot, tmp_path, "tag:vip"))
    _pick(qtbot, again, "unassigned")  # before any ticket came
    store.apply_snapshot(snapshot(queue_tickets(), [], bridge_status=status(agent=BOSS)))
    qtbot.waitUntil(lambda: "tag:vip" in again.queue_view.saved_view_keys())
    assert again.queue_view.proxy.saved_view.key == "unassigned"
