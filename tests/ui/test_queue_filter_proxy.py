"""The queue's proxy equals the plain predicate over all rows, through filters, sorts and deltas.

Also when a change is computed over several turns of the event loop (``Slicing``): meanwhile
the rows shown are those of the last change done, and the end is a one-shot computation's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, Qt
from PySide6.QtGui import QPaintEvent, QRegion

from console.models.queue_filter_proxy import QueueFilterProxy, Slicing
from console.models.roles import ID_ROLE, SLA_STATE_ROLE, SORT_ROLE
from console.models.ticket_queue_model import SORT_KEYS, Column, TicketQueueModel
from console.views.queue_view import QueueView
from console.viewstate.saved_views import SavedView, ViewKind, matches_search
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import ticket
from tests.helpers.protocol import delta, snapshot, ticket_change, ticket_removal
from tests.helpers.qt import check_model, type_text

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
STEP_BY_STEP = Slicing(budget_ms=0, min_rows=1, chunk_rows=3)
"""One step of a few rows per turn: every change of more than a handful of rows is sliced."""


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
    st.tuples(st.just("turn"), st.integers(1, 8)),
)


@pytest.mark.usefixtures("qapp")  # the proxy's timer needs an event dispatcher
@pytest.mark.parametrize("slicing", [Slicing(), STEP_BY_STEP], ids=["at-once", "sliced"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), count=st.integers(0, 40), plan=st.lists(steps, max_size=14))
def test_the_proxy_shows_what_the_plain_predicate_accepts(
    qtmodeltester: ModelTester,
    slicing: Slicing,
    data: st.DataObject,
    count: int,
    plan: list[tuple[str, int]],
) -> None:
    clock = Clock()
    store = ViewStore()
    store.apply_snapshot(snapshot([data.draw(tickets(f"t{n:02d}")) for n in range(count)]))
    model = TicketQueueModel(store, SeenTracker(), clock)
    proxy = QueueFilterProxy(model, slicing=slicing)
    check_model(qtmodeltester, proxy)
    asked = shown = (VIEWS[0], "", SORTS[0])
    seq = 1
    for kind, value in plan:
        view, needle, sort = asked
        if kind == "view":
            asked = (VIEWS[value], needle, sort)
            proxy.set_saved_view(VIEWS[value])
        elif kind == "search":
            asked = (view, SEARCHES[value], sort)
            proxy.set_search_text(SEARCHES[value])
        elif kind == "sort":
            asked = (view, needle, SORTS[value])
            proxy.sort(*SORTS[value])
        elif kind == "tick":
            clock.advance(value)
            model.check_deadlines()
        elif kind == "turn":
            for _ in range(value):
                proxy.advance()
        else:
            seq += 1
            tid = f"t{value:02d}"
            change = (
                ticket_removal(tid) if kind == "remove" else ticket_change(data.draw(tickets(tid)))
            )
            store.apply_delta(delta(seq, change))
        if not proxy.pending:
            shown = asked
        assert _shown(proxy) == expected(model, *shown), (kind, value)
        for row, tid in enumerate(_shown(proxy)):
            source = proxy.mapToSource(proxy.index(row, Column.SUBJECT))
            assert model.ticket_id(source.row()) == tid
            assert proxy.mapFromSource(source).row() == row
    while proxy.pending:
        proxy.advance()
    assert _shown(proxy) == expected(model, *asked)


def _shown(proxy: QueueFilterProxy) -> list[str]:
    return [proxy.ticket_id(r) for r in range(proxy.rowCount())]


def _settled(proxy: QueueFilterProxy) -> bool:
    return not proxy.pending


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


def _search_finds(qtbot: QtBot, view: QueueView, text: str, wanted: list[str]) -> None:
    view.search.clear()
    type_text(view.search, text)  # a key at a time: each longer search narrows the last
    qtbot.waitUntil(lambda: not view.proxy.pending and _shown(view.proxy) == wanted, timeout=2000)


def test_the_search_ignores_accents_as_agents_type_names_without_them(qtbot: QtBot) -> None:
    view, store = _view_with(
        qtbot,
        [
            ticket("t1", customer_name="Sofía Quispe", sla_due_at=at(1)),
            ticket("t2", customer_name="Rosa Peña", subject="Cobro doble", sla_due_at=at(2)),
            ticket("t3", customer_name="SOFIA MAMANI", sla_due_at=at(3)),
            ticket("t4", customer_name="Pedro Pena", subject="Devolución", sla_due_at=at(4)),
        ],
    )
    _search_finds(qtbot, view, "sofia", ["t1", "t3"])
    _search_finds(qtbot, view, "SOFÍA", ["t1", "t3"])
    _search_finds(qtbot, view, "sofía q", ["t1"])
    _search_finds(qtbot, view, "pena", ["t2", "t4"])  # ñ is searched as n, and n finds ñ
    _search_finds(qtbot, view, "devolucion", ["t4"])
    store.apply_delta(delta(2, ticket_change(ticket("t5", subject="DEVOLUCIÓN", sla_due_at=at(5)))))
    assert _shown(view.proxy) == ["t4", "t5"]  # a ticket that arrives is searched the same way


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


SLICED = Slicing(budget_ms=0, min_rows=1, chunk_rows=16)
"""A step of 16 rows per turn: a change over 300 rows takes dozens of turns."""


def _many(count: int) -> list[Ticket]:
    """``count`` tickets with repeated subjects and priorities (sorts have ties to keep)."""
    subjects = ["Order late", "Refund", "arrived cold", "order missing", "Wrong item"]
    priorities = ["low", "normal", "high", "urgent"]
    return [
        ticket(
            f"t{n:03d}",
            subject=f"{subjects[n % len(subjects)]} {n % 3}",
            priority=priorities[(n // 3) % len(priorities)],
            sla_due_at=at(n % 17),
            assignee=ME if n % 4 == 0 else None,
        )
        for n in range(count)
    ]


def _model(tickets_: list[Ticket]) -> tuple[TicketQueueModel, ViewStore]:
    store = ViewStore()
    store.apply_snapshot(snapshot(tickets_))
    return TicketQueueModel(store, SeenTracker(), Clock()), store


def test_a_sort_over_several_turns_ends_in_the_order_of_a_one_shot_sort(qtbot: QtBot) -> None:
    model, _store = _model(_many(300))
    at_once = QueueFilterProxy(model)
    sliced = QueueFilterProxy(model, slicing=SLICED)
    layouts: list[list[str]] = []
    sliced.layoutChanged.connect(lambda: layouts.append(_shown(sliced)))
    for column, order in [*SORTS[1:], SORTS[0]]:
        at_once.sort(column, order)
        with qtbot.waitSignal(sliced.settled, timeout=5000):
            sliced.sort(column, order)
            assert sliced.pending  # the old order is shown meanwhile
        assert _shown(sliced) == _shown(at_once) == expected(model, VIEWS[0], "", (column, order))
    assert len(layouts) == len(SORTS)  # one layout change a sort, in its final order
    assert layouts[-1] == model.ticket_ids()


def test_a_newer_filter_drops_the_one_in_progress(qtbot: QtBot) -> None:
    model, _store = _model(_many(300))
    proxy = QueueFilterProxy(model, slicing=SLICED)
    layouts: list[list[str]] = []
    proxy.layoutChanged.connect(lambda: layouts.append(_shown(proxy)))
    proxy.set_search_text("order")
    proxy.advance()
    assert proxy.pending
    with qtbot.waitSignal(proxy.settled, timeout=5000):
        proxy.set_search_text("refund")  # a keystroke while "order" is being computed
    assert layouts == [expected(model, VIEWS[0], "refund", SORTS[0])]  # "order" never shown
    proxy.set_saved_view(SavedView(ViewKind.UNASSIGNED))
    proxy.advance()
    with qtbot.assertNotEmitted(proxy.layoutChanged), qtbot.waitSignal(proxy.settled):
        proxy.set_saved_view(SavedView(ViewKind.ALL_OPEN))  # back to the view shown
    assert _settled(proxy)
    assert _shown(proxy) == layouts[-1]


def test_tickets_that_change_during_a_sliced_filter_end_where_they_belong(qtbot: QtBot) -> None:
    model, store = _model(_many(300))
    proxy = QueueFilterProxy(model, slicing=SLICED)
    unassigned = SavedView(ViewKind.UNASSIGNED)
    proxy.sort(Column.SUBJECT, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not proxy.pending, timeout=5000)
    proxy.set_saved_view(unassigned)
    for _ in range(5):
        proxy.advance()
    assert proxy.pending
    store.apply_delta(
        delta(
            2,
            ticket_change(ticket("t001", subject="Zebra", assignee=None)),  # moves to the top
            ticket_change(ticket("t002", assignee=ME)),  # leaves the view
            ticket_change(ticket("t004", subject="Aardvark", assignee=None)),  # enters, last
            ticket_removal("t005"),
            ticket_change(ticket("t900", subject="New", sla_due_at=at(3))),  # arrives
        )
    )
    sorted_by = (Column.SUBJECT, Qt.SortOrder.DescendingOrder)
    assert _shown(proxy) == expected(model, VIEWS[0], "", sorted_by)  # still all open
    qtbot.waitUntil(lambda: not proxy.pending, timeout=5000)
    shown = _shown(proxy)
    assert shown == expected(model, unassigned, "", sorted_by)
    assert shown[0] == "t001"
    assert shown[-1] == "t004"
    assert "t900" in shown
    assert not {"t002", "t005"} & set(shown)


def test_the_selection_follows_its_ticket_through_a_sliced_sort(qtbot: QtBot) -> None:
    store = ViewStore()
    view = QueueView(
        TicketQueueModel(store, SeenTracker(), Clock()), search_delay_ms=0, slicing=SLICED
    )
    qtbot.addWidget(view)
    store.apply_snapshot(snapshot(_many(200)))
    assert view.select_ticket("t150")
    before = view.proxy.proxy_row_of("t150")
    view.table.sortByColumn(Column.SUBJECT, Qt.SortOrder.DescendingOrder)
    assert view.proxy.pending
    assert view.proxy.proxy_row_of("t150") == before  # the old order until the sort is done
    qtbot.waitUntil(lambda: not view.proxy.pending, timeout=5000)
    assert view.proxy.proxy_row_of("t150") != before
    assert view.current_ticket_id() == "t150"
    view.search.setText("wrong")  # t150 is "Order late 0": filtered out
    qtbot.waitUntil(lambda: view.proxy.search_text == "wrong" and not view.proxy.pending)
    assert view.current_ticket_id() is None


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


class _PaintRegions(QObject):
    """Records what a shown queue table repaints, by the rows on screen."""

    def __init__(self, qtbot: QtBot, view: QueueView) -> None:
        super().__init__(view)
        self._view = view
        self._regions: list[QRegion] = []
        view.resize(900, 600)
        view.show()
        qtbot.waitExposed(view)
        table = view.table
        height = table.viewport().height()
        self.on_screen = [
            r for r in range(view.proxy.rowCount()) if 0 <= table.rowViewportPosition(r) < height
        ]
        table.viewport().installEventFilter(self)
        table.viewport().update()
        qtbot.waitUntil(lambda: bool(self._regions), timeout=2000)  # what showing it painted
        self._regions.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self._regions.append(QRegion(event.region()))
        return False

    def repainted(self, qtbot: QtBot) -> set[str]:
        """The tickets on screen whose subject cell the next paints covered."""
        qtbot.waitUntil(lambda: bool(self._regions), timeout=2000)
        painted = QRegion()
        for region in self._regions:
            painted += region
        table = self._view.table
        subject_x = table.columnViewportPosition(Column.SUBJECT) + 2  # the SLA column ticks apart
        return {
            self._view.proxy.ticket_id(r)
            for r in self.on_screen
            if painted.intersects(QRect(subject_x, table.rowViewportPosition(r) + 2, 1, 1))
        }


def test_a_change_to_two_rows_on_screen_repaints_those_rows_only(qtbot: QtBot) -> None:
    view, store = _view_with(
        qtbot, [ticket(f"t{n:02}", sla_due_at=at(n), subject=f"s{n}") for n in range(60)]
    )
    paints = _PaintRegions(qtbot, view)
    assert len(paints.on_screen) > 6
    changed = [ticket(f"t{n:02}", sla_due_at=at(n), subject="new") for n in (1, 5, 50)]
    store.apply_delta(delta(2, *(ticket_change(t) for t in changed)))
    assert paints.repainted(qtbot) == {"t01", "t05"}


def test_a_change_to_rows_off_screen_repaints_no_row_on_screen(qtbot: QtBot) -> None:
    view, store = _view_with(
        qtbot, [ticket(f"t{n:03}", sla_due_at=at(n), subject=f"s{n}") for n in range(120)]
    )
    paints = _PaintRegions(qtbot, view)
    assert max(paints.on_screen) < 40
    # more rows than the screen holds, in one run: Qt's table repainted all of it for them
    changed = [ticket(f"t{n:03}", sla_due_at=at(n), subject="new") for n in range(50, 110)]
    store.apply_delta(delta(2, *(ticket_change(t) for t in changed)))
    changed_on_screen = [ticket("t001", sla_due_at=at(1), subject="new")]
    store.apply_delta(delta(3, *(ticket_change(t) for t in changed_on_screen)))
    assert paints.repainted(qtbot) == {"t001"}
