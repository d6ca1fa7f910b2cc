"""The queue's proxy equals the plain predicate over all rows, through filters, sorts and deltas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt

from console.models.queue_filter_proxy import QueueFilterProxy
from console.models.roles import ID_ROLE, SLA_STATE_ROLE, SORT_ROLE
from console.models.ticket_queue_model import SORT_KEYS, Column, TicketQueueModel
from console.views.queue_view import QueueView
from console.viewstate.saved_views import SavedView, ViewKind, matches_search
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import ticket
from tests.helpers.protocol import delta, snapshot, ticket_change, ticket_removal
from tests.helpers.qt import check_model

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Ticket

ME = "a-lucia"
QUEUES = ("deliveries", "payments")
TAGS = ("refund", "vip")
VIEWS = [
    SavedView(ViewKind.ALL_OPEN),
    SavedView(ViewKind.MINE, agent_id=ME),
    SavedView(ViewKind.UNASSIGNED),
    SavedView(ViewKind.QUEUE, queue="payments"),
    SavedView(ViewKind.TAG, tag="refund"),
    SavedView(ViewKind.BREACHED),
]
SEARCHES = ["", "a", "ar", "arr", "late", "o", "or", "order", "refund", "zzz"]
SORTS = [
    (-1, Qt.SortOrder.AscendingOrder),
    (Column.PRIORITY, Qt.SortOrder.AscendingOrder),
    (Column.PRIORITY, Qt.SortOrder.DescendingOrder),
    (Column.SUBJECT, Qt.SortOrder.AscendingOrder),
    (Column.SUBJECT, Qt.SortOrder.DescendingOrder),
    (Column.SLA, Qt.SortOrder.DescendingOrder),
]


@st.composite
def tickets(draw: st.DrawFn, ticket_id: str) -> Ticket:
    """A ticket with random fields that the views, the search and the sorts look at."""
    return ticket(
        ticket_id,
        status=draw(st.sampled_from(["open", "open", "pending", "solved"])),
        priority=draw(st.sampled_from(["low", "normal", "high", "urgent"])),
        queue=draw(st.sampled_from(QUEUES)),
        assignee=draw(st.sampled_from([None, ME, "a-marta"])),
        subject=draw(st.sampled_from(["Order late", "Refund", "arrived cold", "order missing"])),
        sla_due_at=at(draw(st.integers(-20, 20))),
        first_response_at=draw(st.sampled_from([None, at(-30)])),
        tags=draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
    )


def expected(
    model: TicketQueueModel, view: SavedView, needle: str, sort: tuple[int, Any]
) -> list[str]:
    """The plain predicate over every row of the model, sorted as a header click sorts."""
    now = model.now()
    ids = [
        model.ticket_id(r)
        for r in range(model.rowCount())
        if view.accepts(model.queue_row(r), now) and matches_search(model.queue_row(r), needle)
    ]
    column, order = sort
    if column < 0:
        return ids
    value = SORT_KEYS[Column(column)]
    return sorted(
        ids,
        key=lambda tid: value(model.queue_row(model.row_of(tid) or 0)),
        reverse=order == Qt.SortOrder.DescendingOrder,
    )


steps = st.one_of(
    st.tuples(st.just("view"), st.sampled_from(range(len(VIEWS)))),
    st.tuples(st.just("search"), st.sampled_from(range(len(SEARCHES)))),
    st.tuples(st.just("sort"), st.sampled_from(range(len(SORTS)))),
    st.tuples(st.just("change"), st.integers(0, 39)),
    st.tuples(st.just("remove"), st.integers(0, 39)),
    st.tuples(st.just("tick"), st.integers(1, 600)),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), count=st.integers(0, 40), plan=st.lists(steps, max_size=14))
def test_the_proxy_shows_what_the_plain_predicate_accepts(
    qtmodeltester: ModelTester, data: st.DataObject, count: int, plan: list[tuple[str, int]]
) -> None:
    clock = Clock()
    store = ViewStore()
    store.apply_snapshot(snapshot([data.draw(tickets(f"t{n:02d}")) for n in range(count)]))
    model = TicketQueueModel(store, SeenTracker(), clock)
    proxy = QueueFilterProxy(model)
    check_model(qtmodeltester, proxy)
    view, needle, sort = VIEWS[0], "", SORTS[0]
    seq = 1
    for kind, value in plan:
        if kind == "view":
            view = VIEWS[value]
            proxy.set_saved_view(view)
        elif kind == "search":
            needle = SEARCHES[value]
            proxy.set_search_text(needle)
        elif kind == "sort":
            sort = SORTS[value]
            proxy.sort(*sort)
        elif kind == "tick":
            clock.advance(value)
            model.check_deadlines()
        else:
            seq += 1
            tid = f"t{value:02d}"
            change = (
                ticket_removal(tid) if kind == "remove" else ticket_change(data.draw(tickets(tid)))
            )
            store.apply_delta(delta(seq, change))
        shown = [proxy.ticket_id(r) for r in range(proxy.rowCount())]
        assert shown == expected(model, view, needle, sort), (kind, value)
        for row, tid in enumerate(shown):
            source = proxy.mapToSource(proxy.index(row, Column.SUBJECT))
            assert model.ticket_id(source.row()) == tid
            assert proxy.mapFromSource(source).row() == row


def _view_with(qtbot: QtBot, tickets_: list[Ticket]) -> tuple[QueueView, ViewStore]:
    store = ViewStore()
    model = TicketQueueModel(store, SeenTracker(), Clock())
    view = QueueView(model, search_delay_ms=0)
    qtbot.addWidget(view)
    store.apply_snapshot(snapshot(tickets_))
    return view, store


def test_the_selected_ticket_stays_selected_through_views_searches_and_sorts(
    qtbot: QtBot,
) -> None:
    view, _store = _view_with(
        qtbot,
        [
            ticket("t1", subject="Order late", priority="low", sla_due_at=at(1)),
            ticket("t2", subject="Refund", priority="urgent", sla_due_at=at(2), assignee=ME),
            ticket("t3", subject="Order missing", sla_due_at=at(3), queue="payments"),
        ],
    )
    view.set_agent(ME, [])
    assert view.select_ticket("t3")
    view.proxy.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert [view.proxy.ticket_id(r) for r in range(3)] == ["t2", "t3", "t1"]
    assert view.current_ticket_id() == "t3"
    view.search.setText("order")
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 2, timeout=2000)
    assert view.current_ticket_id() == "t3"
    view.search.setText("order m")  # narrowing
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=2000)
    assert view.current_ticket_id() == "t3"
    view.search.setText("")
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 3, timeout=2000)
    assert view.set_saved_view("queue:payments")
    assert view.current_ticket_id() == "t3"
    assert view.set_saved_view("mine")
    assert view.current_ticket_id() is None  # t3 is not in "My tickets"
    assert view.set_saved_view("open")
    assert view.select_ticket("t1")
    view.table.sortByColumn(Column.PRIORITY, Qt.SortOrder.DescendingOrder)
    assert [view.proxy.ticket_id(r) for r in range(3)] == ["t1", "t3", "t2"]
    assert view.current_ticket_id() == "t1"
    view.select_next()
    assert view.current_ticket_id() == "t3"  # keyboard steps follow the sorted rows


def test_a_ticket_that_changes_keeps_its_selection_as_its_row_moves(qtbot: QtBot) -> None:
    view, store = _view_with(
        qtbot,
        [
            ticket("t1", priority="low", sla_due_at=at(1)),
            ticket("t2", priority="normal", sla_due_at=at(2)),
            ticket("t3", priority="high", sla_due_at=at(3)),
        ],
    )
    view.proxy.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert view.select_ticket("t1")
    store.apply_delta(delta(2, ticket_change(ticket("t1", priority="urgent", sla_due_at=at(1)))))
    assert [view.proxy.ticket_id(r) for r in range(3)] == ["t1", "t3", "t2"]
    assert view.current_ticket_id() == "t1"
    selection = view.table.selectionModel()
    assert selection.isRowSelected(0, QModelIndex())


def test_a_search_that_extends_the_last_one_only_looks_at_the_rows_shown(
    monkeypatch: Any,
) -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot([ticket(f"t{n:03d}", subject=f"Order {n}") for n in range(300)]))
    model = TicketQueueModel(store, SeenTracker(), Clock())
    proxy = QueueFilterProxy(model)
    proxy.set_search_text("order 1")
    shown = proxy.rowCount()
    assert shown == 111  # 1, 10-19, 100-199
    looked_at: list[str] = []
    original = model.queue_rows_of

    def counting(ticket_ids: Any) -> Any:
        ids = list(ticket_ids)
        looked_at.extend(ids)
        return original(ids)

    monkeypatch.setattr(model, "queue_rows_of", counting)
    monkeypatch.setattr(model, "queue_row", lambda _row: pytest.fail("read a row by number"))
    proxy.set_search_text("order 12")
    assert [proxy.ticket_id(r) for r in range(proxy.rowCount())] == [
        "t012",
        *(f"t{n}" for n in range(120, 130)),
    ]
    assert 0 < len(looked_at) <= shown  # the rows shown, not the 300 rows of the model


def test_each_cell_shows_the_source_cells_data_and_flags(qtbot: QtBot) -> None:
    view, _store = _view_with(
        qtbot,
        [
            ticket("t1", subject="Order late", priority="low", sla_due_at=at(-5), tags=["vip"]),
            ticket("t2", subject="Refund", priority="urgent", sla_due_at=at(2), assignee=ME),
        ],
    )
    proxy, model = view.proxy, view.proxy.sourceModel()
    proxy.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)  # rows in another order
    roles = [*range(int(Qt.ItemDataRole.UserRole)), ID_ROLE, SORT_ROLE, SLA_STATE_ROLE]
    for row in range(proxy.rowCount()):
        for column in Column:
            cell = proxy.index(row, column)
            source = proxy.mapToSource(cell)
            assert proxy.flags(cell) == model.flags(source)
            for role in roles:
                assert proxy.data(cell, role) == model.data(source, role), (row, column, role)
