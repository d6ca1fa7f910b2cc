"""The ticket queue model and its proxy: row-exact updates, SLA ticking, saved views, search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from console.models.queue_filter_proxy import QueueFilterProxy
from console.models.roles import ID_ROLE, SLA_STATE_ROLE, SORT_ROLE
from console.models.ticket_queue_model import SLA_COLOURS, Column, TicketQueueModel
from console.viewstate.queue_rows import SlaState, format_countdown
from console.viewstate.saved_views import SavedView, ViewKind
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import customer_message, many_tickets, ticket
from tests.helpers.protocol import delta, snapshot, ticket_change, ticket_removal
from tests.helpers.qt import check_model

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

DISPLAY = Qt.ItemDataRole.DisplayRole


class Harness:
    """A store, a model and a proxy, plus a log of every structural signal of the model."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.store = ViewStore()
        self.seen = SeenTracker()
        self.model = TicketQueueModel(self.store, self.seen, self.clock)
        self.proxy = QueueFilterProxy(self.model)
        self.log: list[tuple[Any, ...]] = []
        m = self.model
        m.modelAboutToBeReset.connect(lambda: self.log.append(("reset",)))
        m.layoutAboutToBeChanged.connect(lambda *_: self.log.append(("layout",)))
        m.rowsInserted.connect(lambda _p, a, b: self.log.append(("inserted", a, b)))
        m.rowsRemoved.connect(lambda _p, a, b: self.log.append(("removed", a, b)))
        m.dataChanged.connect(
            lambda tl, br, roles=(): self.log.append(
                ("changed", tl.row(), br.row(), tl.column(), br.column())
            )
        )

    def ids(self) -> list[str]:
        return [self.model.ticket_id(r) for r in range(self.model.rowCount())]

    def proxy_ids(self) -> list[str]:
        return [self.proxy.ticket_id(r) for r in range(self.proxy.rowCount())]

    def cell(self, ticket_id: str, column: Column, role: int = DISPLAY) -> Any:
        row = self.model.row_of(ticket_id)
        assert row is not None
        return self.model.index(row, column).data(role)


@pytest.fixture
def harness(qapp: QApplication) -> Harness:
    """A harness built once the application exists (its proxy's timer needs the event loop)."""
    return Harness()


def test_models_pass_the_model_tester_through_snapshots_and_deltas(
    harness: Harness, qtmodeltester: ModelTester
) -> None:
    harness.store.apply_snapshot(snapshot(many_tickets(30)))
    check_model(qtmodeltester, harness.model)
    check_model(qtmodeltester, harness.proxy)
    harness.store.apply_delta(
        delta(
            2,
            ticket_change(ticket("early", sla_due_at=at(1))),
            ticket_change(ticket("t00003", status="closed")),
            ticket_removal("t00010"),
            ticket_change(ticket("late", sla_due_at=at(9999))),
        )
    )
    harness.store.apply_snapshot(snapshot(many_tickets(5, start=20), seq=9))
    assert harness.ids() == [f"t000{n}" for n in range(20, 25)]
    assert ("reset",) not in harness.log


def test_rows_are_in_sla_due_order_and_inserts_land_in_place(harness: Harness) -> None:
    harness.store.apply_snapshot(snapshot(many_tickets(5)))
    assert harness.log == [("inserted", 0, 4)]
    harness.log.clear()
    harness.store.apply_delta(
        delta(
            2,
            ticket_change(ticket("first", sla_due_at=at(0))),
            ticket_change(ticket("middle", sla_due_at=at(62.5))),
            ticket_change(ticket("also-first", sla_due_at=at(0.5))),
        )
    )
    assert harness.ids() == [
        "first", "also-first", "t00000", "t00001", "t00002", "middle", "t00003", "t00004"
    ]  # fmt: skip
    assert harness.log == [("inserted", 0, 1), ("inserted", 5, 5)]


def test_a_changed_ticket_is_one_data_changed_on_its_row_never_a_reset(harness: Harness) -> None:
    harness.store.apply_snapshot(snapshot(many_tickets(5)))
    harness.log.clear()
    harness.store.apply_delta(delta(2, ticket_change(ticket("t00002", sla_due_at=at(62),
                                                            priority="urgent"))))  # fmt: skip
    assert harness.log == [("changed", 2, 2, 0, len(Column) - 1)]
    assert harness.cell("t00002", Column.PRIORITY) == "Urgent"


def test_removals_are_row_removals(harness: Harness) -> None:
    harness.store.apply_snapshot(snapshot(many_tickets(6)))
    harness.log.clear()
    harness.store.apply_delta(
        delta(2, ticket_removal("t00001"), ticket_removal("t00002"), ticket_removal("t00005"))
    )
    assert harness.log == [("removed", 5, 5), ("removed", 1, 2)]
    assert harness.ids() == ["t00000", "t00003", "t00004"]
    assert harness.model.row_of("t00004") == 2


def test_columns_show_the_ticket(harness: Harness) -> None:
    harness.store.apply_snapshot(
        snapshot(
            [
                ticket(
                    "t1",
                    priority="high",
                    subject="Late delivery",
                    customer_name="Rosa",
                    queue="payments",
                    status="pending",
                    assignee="a2",
                    assignee_name="Pedro",
                    channel="email",
                    opened_at=at(-125),
                    messages=[customer_message(), customer_message()],
                    tags=["refund", "vip"],
                )
            ]
        )
    )
    model = harness.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == [
        "Priority", "SLA", "Subject", "Tags", "Customer", "Queue", "Status", "Assignee",
        "Also on it", "Age", "Channel", "Unread",
    ]  # fmt: skip
    row = [model.index(0, c).data() for c in Column]
    assert row == [
        "High", "30 min", "Late delivery", "refund, vip", "Rosa", "Payments", "Pending", "Pedro",
        "", "2 h 05 min", "Email", "2",
    ]  # fmt: skip
    assert model.index(0, 0).data(ID_ROLE) == "t1"


def test_sla_colour_follows_time_left(harness: Harness) -> None:
    harness.store.apply_snapshot(
        snapshot(
            [
                ticket("green", sla_due_at=at(16)),
                ticket("amber", sla_due_at=at(14)),
                ticket("red", sla_due_at=at(-1)),
                ticket("met", sla_due_at=at(5), first_response_at=at(-2)),
            ]
        )
    )
    expected = {
        "green": SlaState.RUNNING,
        "amber": SlaState.WARNING,
        "red": SlaState.BREACHED,
        "met": SlaState.MET,
    }
    for tid, state in expected.items():
        brush = harness.cell(tid, Column.SLA, Qt.ItemDataRole.ForegroundRole)
        assert isinstance(brush, QBrush)
        assert brush.color() == SLA_COLOURS[state]
        assert harness.cell(tid, Column.SUBJECT, SLA_STATE_ROLE) == state.value
    assert harness.cell("red", Column.SLA) == "-1 min"
    assert harness.cell("met", Column.SLA) == "Met"


def test_sla_refresh_is_data_changed_on_the_sla_column_only(harness: Harness) -> None:
    harness.store.apply_snapshot(snapshot(many_tickets(10)))
    harness.log.clear()
    harness.clock.advance(1)
    harness.model.refresh_sla([2, 3, 4, 7])
    assert harness.log == [
        ("changed", 2, 4, Column.SLA, Column.SLA),
        ("changed", 7, 7, Column.SLA, Column.SLA),
    ]
    assert (
        harness.cell("t00000", Column.SLA) == "1 h 00 min"
    )  # 59 min 59 s left, rounded up to the minute


def test_a_ticket_falling_due_enters_the_breached_view(harness: Harness) -> None:
    harness.store.apply_snapshot(
        snapshot([ticket("soon", sla_due_at=at(0.5)), ticket("later", sla_due_at=at(50))])
    )
    harness.proxy.set_saved_view(SavedView(ViewKind.BREACHED))
    assert harness.proxy_ids() == []
    harness.clock.advance(31)
    assert harness.model.check_deadlines() == ["soon"]
    assert harness.proxy_ids() == ["soon"]
    assert harness.model.check_deadlines() == []


def test_saved_views_and_search_filter_through_the_proxy(harness: Harness) -> None:
    harness.store.apply_snapshot(
        snapshot(
            [
                ticket("mine", assignee="a-lucia", assignee_name="Lucía", sla_due_at=at(1)),
                ticket("free", queue="payments", subject="Refund please", sla_due_at=at(2)),
                ticket("done", status="resolved", sla_due_at=at(3)),
                ticket("late", sla_due_at=at(-3)),
            ]
        )
    )
    proxy = harness.proxy
    assert harness.proxy_ids() == ["late", "mine", "free"]  # all open, SLA due order
    proxy.set_saved_view(SavedView(ViewKind.MINE, agent_id="a-lucia"))
    assert harness.proxy_ids() == ["mine"]
    proxy.set_saved_view(SavedView(ViewKind.UNASSIGNED))
    assert harness.proxy_ids() == ["late", "free"]
    proxy.set_saved_view(SavedView(ViewKind.QUEUE, queue="payments"))
    assert harness.proxy_ids() == ["free"]
    proxy.set_saved_view(SavedView(ViewKind.ALL_OPEN))
    proxy.set_search_text("  REFUND ")
    assert harness.proxy_ids() == ["free"]
    proxy.set_search_text("")
    assert harness.proxy_ids() == ["late", "mine", "free"]
    harness.store.apply_delta(delta(2, ticket_change(ticket("free", queue="payments",
                              sla_due_at=at(2), assignee="a-lucia"))))  # fmt: skip
    proxy.set_saved_view(SavedView(ViewKind.MINE, agent_id="a-lucia"))
    assert harness.proxy_ids() == ["mine", "free"]


def test_header_sort_uses_the_sort_role(harness: Harness) -> None:
    harness.store.apply_snapshot(
        snapshot(
            [
                ticket("low", priority="low", sla_due_at=at(1)),
                ticket("urgent", priority="urgent", sla_due_at=at(2)),
                ticket("normal", sla_due_at=at(3)),
            ]
        )
    )
    harness.proxy.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert harness.proxy_ids() == ["urgent", "normal", "low"]
    assert harness.cell("urgent", Column.PRIORITY, SORT_ROLE) == 0
    harness.store.apply_delta(
        delta(2, ticket_change(ticket("low", priority="high", sla_due_at=at(1))))
    )
    assert harness.proxy_ids() == ["urgent", "low", "normal"]


def test_unread_counts_customer_messages_until_the_ticket_is_opened(harness: Harness) -> None:
    harness.store.apply_snapshot(snapshot([ticket("t1", messages=[customer_message()])]))
    assert harness.cell("t1", Column.UNREAD) == "1"
    harness.log.clear()
    harness.model.mark_seen("t1")
    assert harness.cell("t1", Column.UNREAD) == ""
    assert harness.log == [("changed", 0, 0, 0, len(Column) - 1)]
    grown = ticket("t1", messages=[*harness.store.tickets["t1"].messages, customer_message()])
    harness.store.apply_delta(delta(2, ticket_change(grown)))
    assert harness.cell("t1", Column.UNREAD) == "1"


def test_queues_changed_follows_the_set_of_queues(harness: Harness, qtbot: QtBot) -> None:
    harness.store.apply_snapshot(snapshot([ticket("t1")]))
    assert harness.model.queues() == ["deliveries"]
    with qtbot.waitSignal(harness.model.queues_changed, timeout=1000):
        harness.store.apply_delta(delta(2, ticket_change(ticket("t2", queue="payments"))))
    assert harness.model.queues() == ["deliveries", "payments"]
    with qtbot.waitSignal(harness.model.queues_changed, timeout=1000):
        harness.store.apply_delta(delta(3, ticket_change(ticket("t2", queue="deliveries"))))
    assert harness.model.queues() == ["deliveries"]


def test_a_model_built_over_a_filled_store_shows_it(qtmodeltester: ModelTester) -> None:
    store = ViewStore()
    store.apply_snapshot(snapshot(many_tickets(3)))
    model = TicketQueueModel(store, SeenTracker(), Clock())
    check_model(qtmodeltester, model)
    assert model.rowCount() == 3
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_default_order_puts_what_needs_the_agent_first(harness: Harness) -> None:
    harness.store.apply_snapshot(
        snapshot(
            [
                ticket("met", sla_due_at=at(-5), first_response_at=at(-8)),
                ticket("late", sla_due_at=at(-4), first_response_at=at(-1)),
                ticket("soon-normal", sla_due_at=at(5)),
                ticket("later-urgent", sla_due_at=at(20), priority="urgent"),
                ticket("breached", sla_due_at=at(-2)),
                ticket("soon-urgent", sla_due_at=at(5.5), priority="urgent"),
            ]
        )
    )
    assert harness.proxy_ids() == [
        "breached", "soon-urgent", "soon-normal", "later-urgent", "met", "late"
    ]  # fmt: skip
    tip = harness.model.headerData(
        Column.SLA, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "Unanswered tickets before answered ones" in tip
    assert "breached and due soonest on top, then by priority" in tip


def test_a_first_reply_moves_the_row_after_the_unanswered_ones(harness: Harness) -> None:
    harness.store.apply_snapshot(snapshot(many_tickets(4)))
    check = harness.model.check_deadlines  # the breach slice still finds unanswered rows
    harness.log.clear()
    harness.store.apply_delta(
        delta(2, ticket_change(ticket("t00001", sla_due_at=at(61), first_response_at=at(1))))
    )
    assert harness.ids() == ["t00000", "t00002", "t00003", "t00001"]
    assert ("removed", 1, 1) not in harness.log  # a move, not a removal and an insertion
    harness.clock.advance(62.5 * 60)
    assert check() == ["t00000", "t00002"]


def test_rows_moved_up_down_and_in_place_in_one_batch_stay_in_order(
    harness: Harness, qtmodeltester: ModelTester
) -> None:
    check_model(qtmodeltester, harness.model)
    harness.store.apply_snapshot(snapshot(many_tickets(8)))  # due 60, 61, ... 67 minutes ahead
    harness.log.clear()
    harness.store.apply_delta(
        delta(
            2,
            ticket_change(ticket("t00006", sla_due_at=at(59.5))),  # up to the top
            ticket_change(ticket("t00001", sla_due_at=at(61), first_response_at=at(0))),  # down
            ticket_change(ticket("t00003", sla_due_at=at(63), priority="urgent")),  # same place
            ticket_change(ticket("t00004", sla_due_at=at(66.5))),  # down, between two others
        )
    )
    expected = ["t00006", "t00000", "t00002", "t00003", "t00005", "t00004", "t00007", "t00001"]
    assert harness.ids() == expected
    assert [harness.model.row_of(tid) for tid in expected] == list(range(8))
    assert not [entry for entry in harness.log if entry[0] in ("removed", "inserted", "reset")]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (45 * 60, "45 min"),
        (59, "1 min"),
        (0, "0 min"),
        (-45 * 60, "-45 min"),
        (-(65 * 60), "-1 h 05 min"),
        (3 * 3600 + 30, "3 h 01 min"),
        (26 * 3600, "1 d 2 h"),
    ],
)
def test_sla_countdown_reads_with_a_unit(seconds: float, text: str) -> None:
    assert format_countdown(seconds) == text


class _Probe(QStyledItemDelegate):
    """A real delegate: what it would paint a cell with (``initStyleOption``, as Qt paints)."""

    def option_of(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initStyleOption(option, index)
        return option


@pytest.mark.parametrize("through_proxy", [False, True])
def test_a_delegate_paints_each_cell_with_its_own_roles_only(
    qtbot: QtBot, harness: Harness, *, through_proxy: bool
) -> None:
    # the SLA cell is coloured and the unread cell bold; the cells painted after them
    # must not inherit that colour or weight (the delegate reuses one role span)
    unread = ticket("t1", sla_due_at=at(10), messages=[customer_message()])
    harness.store.apply_snapshot(snapshot([unread]))
    model = harness.proxy if through_proxy else harness.model
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    probe = _Probe(table)
    foreground = Qt.ItemDataRole.ForegroundRole
    sla_cell, unread_cell = model.index(0, Column.SLA), model.index(0, Column.UNREAD)
    subject_cell = model.index(0, Column.SUBJECT)
    text = QPalette.ColorRole.Text
    # in Qt's painting order: the SLA cell, then the subject, the unread count, the subject
    sla = probe.option_of(sla_cell)
    assert QColor(sla.palette.color(text)) == sla_cell.data(foreground).color()
    subject = probe.option_of(subject_cell)
    assert QColor(subject.palette.color(text)) != sla_cell.data(foreground).color()
    unread_option = probe.option_of(unread_cell)
    assert unread_option.font.bold()
    subject = probe.option_of(subject_cell)
    assert not subject.font.bold()
    assert subject.text == subject_cell.data(DISPLAY)
