"""Queue columns fit what the table shows, once per burst of changes, never per change."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from console.models.ticket_queue_model import Column, TicketQueueModel
from console.views.column_fitter import ColumnFitter
from console.views.queue_view import QueueView
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock
from tests.helpers.entities import many_tickets
from tests.helpers.protocol import delta, snapshot, ticket_change

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
WAIT_MS = 5000


def _view(qtbot: QtBot, store: ViewStore, *, show: bool = True) -> QueueView:
    view = QueueView(TicketQueueModel(store, SeenTracker(), Clock()), tick_ms=60_000)
    qtbot.addWidget(view)
    if show:
        view.resize(1400, 600)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: not view.columns.pending, timeout=WAIT_MS)
    return view


def test_a_burst_of_changes_is_one_fit_and_the_column_grows_to_its_new_text(
    qtbot: QtBot,
) -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot(many_tickets(200, assignee="a-1", assignee_name="Bo"), seq=1))
    view = _view(qtbot, store)
    header = view.table.horizontalHeader()
    narrow = header.sectionSize(Column.ASSIGNEE)
    fits = view.columns.fits
    for seq in range(2, 52):  # fifty updates, each a dataChanged of the model
        tickets = many_tickets(200, assignee="a-1", assignee_name=f"Bo {seq}" + "x" * 8)
        store.apply_delta(delta(seq, *(ticket_change(t) for t in tickets)))
    assert view.columns.pending  # asked for, not measured 50 times on the spot
    assert view.columns.fits == fits
    qtbot.waitUntil(lambda: not view.columns.pending, timeout=WAIT_MS)
    assert view.columns.fits == fits + 1
    assert header.sectionSize(Column.ASSIGNEE) > narrow


def test_a_hidden_queue_is_not_measured_until_it_shows(qtbot: QtBot) -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot(many_tickets(50), seq=1))
    view = _view(qtbot, store, show=False)
    view.columns.request()
    qtbot.waitUntil(lambda: not view.columns.pending, timeout=WAIT_MS)
    assert view.columns.fits == 0  # Qt would have measured every row of a hidden table
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    assert view.columns.fits >= 1


def test_while_changes_keep_coming_fits_are_a_second_apart(qtbot: QtBot) -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot(many_tickets(20), seq=1))
    view = _view(qtbot, store)
    now = [100.0]
    fitter = ColumnFitter(
        view.table, [Column.ASSIGNEE], delay_ms=250, clock=lambda: now[0], parent=view
    )
    fitter.request()
    assert 0 < fitter.next_fit_in_ms <= 400  # a first change: fitted after the short delay
    fitter.fit()
    now[0] += 0.1
    fitter.request()  # 100 ms after that fit: the next waits out the rest of the second
    assert fitter.next_fit_in_ms > 800
    fitter.fit()
    now[0] += 5.0
    fitter.request()  # a change after a quiet spell: the short delay again
    assert 0 < fitter.next_fit_in_ms <= 400
    fitter.fit()


def test_a_change_off_screen_asks_for_no_fit_and_one_on_screen_does(qtbot: QtBot) -> None:
    store = ViewStore()
    tickets = many_tickets(200, assignee="a-1", assignee_name="Bo")
    store.apply_snapshot(snapshot(tickets, seq=1))
    view = _view(qtbot, store)
    table = view.table
    last_on_screen = table.rowAt(table.viewport().height() - 1)
    assert 0 < last_on_screen < 150
    far = view.proxy.ticket_id(199)
    renamed = many_tickets(200, assignee="a-1", assignee_name="Bo Longer")
    by_id = {t.ticket_id: t for t in renamed}
    store.apply_delta(delta(2, ticket_change(by_id[far])))
    assert not view.columns.pending  # the rows on screen are as wide as they were
    store.apply_delta(delta(3, ticket_change(by_id[view.proxy.ticket_id(0)])))
    assert view.columns.pending
