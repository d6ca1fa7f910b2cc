"""Clicking a column title of the queue sorts it; a third click returns to the default order.

The clicks are real mouse clicks on the header's viewport, and the order checked is
the one the table paints, row by row from the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from bridge.wire.entities import Presence
from bridge.wire.protocol import Change
from console.models.queue_filter_proxy import SLICING, Slicing
from console.models.ticket_queue_model import Column, TicketQueueModel
from console.views.queue_view import QueueView
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import ticket
from tests.helpers.protocol import delta, snapshot, ticket_change

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Ticket

_ASCENDING = Qt.SortOrder.AscendingOrder
_DESCENDING = Qt.SortOrder.DescendingOrder


def _tickets() -> list[Ticket]:
    """Four tickets whose default order (due soonest first) is t1, t2, t3, t4."""
    return [
        ticket("t1", priority="low", customer_name="Diego", sla_due_at=at(1)),
        ticket("t2", priority="urgent", customer_name="Bruno", sla_due_at=at(2)),
        ticket("t3", priority="normal", customer_name="Carla", sla_due_at=at(3)),
        ticket("t4", priority="high", customer_name="Ana", sla_due_at=at(4)),
    ]


def _shown_view(qtbot: QtBot, tickets: list[Ticket]) -> tuple[QueueView, ViewStore]:
    store = ViewStore()
    view = QueueView(TicketQueueModel(store, SeenTracker(), Clock()), search_delay_ms=0)
    qtbot.addWidget(view)
    view.resize(1000, 400)
    view.show()
    qtbot.waitExposed(view)
    store.apply_snapshot(snapshot(tickets))
    return view, store


def _click_title(view: QueueView, column: Column) -> None:
    """A left click in the middle of ``column``'s title, as a user's mouse does it."""
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(x, header.height() // 2),
    )


def _painted(view: QueueView, column: Column) -> list[str]:
    """The texts of ``column`` on screen, top row first (what the table shows at each row)."""
    table = view.table
    x = table.columnViewportPosition(column) + 2
    texts = []
    for row in range(view.proxy.rowCount()):
        index = table.indexAt(QPoint(x, table.rowViewportPosition(row) + 2))
        texts.append(str(index.data()))
    return texts


DEFAULT_CUSTOMERS = ["Diego", "Bruno", "Carla", "Ana"]


@pytest.mark.parametrize(
    ("column", "ascending", "descending"),
    [
        (Column.PRIORITY, ["Bruno", "Ana", "Carla", "Diego"], ["Diego", "Carla", "Ana", "Bruno"]),
        (Column.CUSTOMER, ["Ana", "Bruno", "Carla", "Diego"], ["Diego", "Carla", "Bruno", "Ana"]),
        (Column.SLA, DEFAULT_CUSTOMERS, ["Ana", "Carla", "Bruno", "Diego"]),
    ],
    ids=["priority", "customer", "sla"],
)
def test_clicks_on_a_title_sort_up_down_and_back_to_the_default_order(
    qtbot: QtBot, column: Column, ascending: list[str], descending: list[str]
) -> None:
    view, _store = _shown_view(qtbot, _tickets())
    header = view.table.horizontalHeader()
    assert _painted(view, Column.CUSTOMER) == DEFAULT_CUSTOMERS

    _click_title(view, column)
    qtbot.waitUntil(lambda: _painted(view, Column.CUSTOMER) == ascending, timeout=2000)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (column, _ASCENDING)

    _click_title(view, column)
    qtbot.waitUntil(lambda: _painted(view, Column.CUSTOMER) == descending, timeout=2000)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (column, _DESCENDING)

    _click_title(view, column)
    qtbot.waitUntil(lambda: _painted(view, Column.CUSTOMER) == DEFAULT_CUSTOMERS, timeout=2000)
    assert header.sortIndicatorSection() == -1  # no arrow: the default order


def test_a_sorted_queue_stays_sorted_as_deltas_arrive(qtbot: QtBot) -> None:
    view, store = _shown_view(qtbot, _tickets())
    header = view.table.horizontalHeader()
    _click_title(view, Column.CUSTOMER)
    qtbot.waitUntil(
        lambda: _painted(view, Column.CUSTOMER) == ["Ana", "Bruno", "Carla", "Diego"],
        timeout=2000,
    )

    # a change that moves t4 to the bottom of the default order, a rename, a new ticket
    store.apply_delta(
        delta(
            2,
            ticket_change(ticket("t4", priority="high", customer_name="Ana", sla_due_at=at(9))),
            ticket_change(ticket("t1", priority="low", customer_name="Beto", sla_due_at=at(1))),
            ticket_change(ticket("t5", customer_name="Abel", sla_due_at=at(0))),
        )
    )

    assert _painted(view, Column.CUSTOMER) == ["Abel", "Ana", "Beto", "Bruno", "Carla"]
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        Column.CUSTOMER,
        _ASCENDING,
    )


def _viewing(ticket_id: str) -> Change:
    """Ana, another agent, now has ``ticket_id`` open."""
    ana = Presence(
        agent_id="a-ana",
        name="Ana Quispe",
        role="agent",
        status="online",
        queues=["deliveries"],
        expires_at=at(1.5),
        viewing=ticket_id,
        composing=None,
    )
    return Change(kind="agent", key=ana.agent_id, agent=ana)


def test_also_on_it_sorts_the_tickets_a_colleague_has_open_first_live(qtbot: QtBot) -> None:
    view, store = _shown_view(qtbot, _tickets())
    store.apply_delta(delta(2, _viewing("t3")))
    _click_title(view, Column.OTHERS)
    qtbot.waitUntil(
        lambda: _painted(view, Column.CUSTOMER) == ["Carla", "Diego", "Bruno", "Ana"],
        timeout=2000,
    )
    assert _painted(view, Column.OTHERS) == ["Ana Quispe", "", "", ""]

    store.apply_delta(delta(3, _viewing("t4")))  # Ana moved on to t4: so does the row

    assert _painted(view, Column.CUSTOMER) == ["Ana", "Diego", "Bruno", "Carla"]


@pytest.mark.parametrize("slices", [False, True], ids=["at-once", "over-turns"])
def test_the_selected_ticket_stays_in_view_when_a_title_click_moves_it(
    qtbot: QtBot, slices: bool
) -> None:
    """As in a mail client: the selected row is scrolled to wherever the sort puts it."""
    names = [f"Cliente {n:02d}" for n in range(60)]
    names[0] = "Zoila"  # first in the default order (due soonest), last by customer
    tickets = [
        ticket(f"t{n:02d}", customer_name=name, sla_due_at=at(n + 1))
        for n, name in enumerate(names)
    ]
    store = ViewStore()
    slicing = Slicing(chunk_rows=8, budget_ms=0, min_rows=8) if slices else SLICING
    model = TicketQueueModel(store, SeenTracker(), Clock())
    view = QueueView(model, search_delay_ms=0, slicing=slicing)
    qtbot.addWidget(view)
    view.resize(1000, 400)
    view.show()
    qtbot.waitExposed(view)
    store.apply_snapshot(snapshot(tickets))
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 60)
    assert view.select_ticket("t00")
    table = view.table

    def selected_in_view() -> bool:
        row = view.proxy.proxy_row_of("t00")
        assert row is not None
        rect = table.visualRect(view.proxy.index(row, Column.CUSTOMER))
        return rect.isValid() and rect.intersects(table.viewport().rect())

    assert selected_in_view()
    _click_title(view, Column.CUSTOMER)
    assert view.proxy.pending == slices  # sorted over the next turns, or at once
    qtbot.waitUntil(lambda: view.proxy.proxy_row_of("t00") == 59, timeout=2000)
    qtbot.waitUntil(lambda: not view.proxy.pending, timeout=2000)
    qtbot.waitUntil(selected_in_view, timeout=2000)
    assert view.current_ticket_id() == "t00"
    assert _painted(view, Column.CUSTOMER)[-1] == "Zoila"
    _click_title(view, Column.CUSTOMER)  # descending: back to the top
    qtbot.waitUntil(lambda: view.proxy.proxy_row_of("t00") == 0, timeout=2000)
    qtbot.waitUntil(selected_in_view, timeout=2000)


def test_accented_names_sort_among_their_letters(qtbot: QtBot) -> None:
    """Spanish names start with accented capitals: "Ángel" belongs after "alberto", not after Z."""
    names = ["Zoila", "Ángel", "Bruno", "alberto", "Óscar", "Ana"]
    tickets = [
        ticket(f"t{n}", customer_name=name, sla_due_at=at(n)) for n, name in enumerate(names)
    ]
    view, _ = _shown_view(qtbot, tickets)
    _click_title(view, Column.CUSTOMER)
    expected = ["alberto", "Ana", "Ángel", "Bruno", "Óscar", "Zoila"]
    qtbot.waitUntil(lambda: _painted(view, Column.CUSTOMER) == expected, timeout=2000)
