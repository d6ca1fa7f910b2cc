"""Text is never cut without a tooltip: the real console laid out at 1024x700 and 1440x900."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec
import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableView,
    QWidget,
)

from bridge.wire.entities import OrderItem
from bridge.wire.protocol import AgentIdentity, CatchUp
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.dashboard.models import AgentColumn, AgentLoadModel, QueueColumn, QueueLoadModel
from console.labels import plain_tooltip
from console.models.ticket_queue_model import ELIDED_COLUMNS, LISTED_COLUMNS, Column
from console.viewstate.store import SnapshotProgress
from console.workspace.conversation import MINIMUM_HEIGHT
from tests.helpers.clock import T0, at, iso
from tests.helpers.entities import customer_message, order, order_event, presence, ticket
from tests.helpers.protocol import delta, order_change, snapshot, status, ticket_change

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Order, Ticket
    from console.i18n import Language, Translations

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SIZES = [(1024, 700), (1440, 900)]
PADDING = 4  # a cell draws its text inside a small margin
NAMES = ["Katherine Ríos Palomino", "Juan Mendoza", "Valeria Condori"]
LONG_HEADING_NAME = "María de los Ángeles Villanueva Huamán de la Cruz"
LONG_TAGS = ["reembolso", "cliente-frecuente", "pedido-incompleto", "vip"]
BOSS = AgentIdentity(agent_id="a-rosa", name="Rosa", role="supervisor", queues=["deliveries"])


def order_at(first: dt.datetime) -> Order:
    """Order O-1 with five events a minute apart from ``first``."""
    linked = order("O-1", ("placed", "paid", "dispatched", "delayed", "delivered"))
    return msgspec.structs.replace(
        linked,
        timeline=[
            msgspec.structs.replace(event, at=iso(first + dt.timedelta(minutes=n)))
            for n, event in enumerate(linked.timeline)
        ],
    )


def eventful_order(first: dt.datetime, count: int) -> Order:
    """Order O-1 with the first ``count`` of seven events (long details), minutes apart."""
    when = [iso(first + dt.timedelta(minutes=4 * n)) for n in range(7)]
    eta = when[-1]
    reason = "Lluvia y pistas congestionadas en la avenida Javier Prado"
    events = [
        order_event("O-1-0", "placed", when[0], items=3, total_cents=4590, district="Miraflores"),
        order_event("O-1-1", "paid", when[1], method="card", amount_cents=4590),
        order_event("O-1-2", "dispatched", when[2], courier_name="Renzo Cueva Palomino", eta=eta),
        order_event("O-1-3", "delayed", when[3], reason=reason, eta=eta),
        order_event("O-1-4", "delayed", when[4], reason=reason, eta=eta),
        order_event("O-1-5", "delayed", when[5], reason=reason, eta=eta),
        order_event("O-1-6", "delivered", when[6], delivered_at=when[6]),
    ][:count]
    base = order("O-1", ("placed",), customer_id="c-1")
    return msgspec.structs.replace(base, timeline=events, status="delayed", eta=eta)


def queue_tickets() -> list[Ticket]:
    """Thirty tickets with long names, tags and subjects (the queue's widest cells)."""
    return [
        ticket(
            f"t-{n:03d}",
            customer_name=NAMES[n % 3],
            subject="¿Dónde está mi pedido? Pedí hace rato y no llega",
            priority="urgent" if n % 4 == 0 else "high",
            assignee="a-claudia" if n % 2 else None,
            assignee_name="Claudia Mendoza" if n % 2 else None,
            sla_due_at=at(-30 + 7 * n),
            first_response_at=at(-40) if n % 5 == 0 else None,
            queue="payments" if n % 3 == 0 else "deliveries",
            tags=LONG_TAGS if n % 2 else ["vip"],
            order_id="O-1",
            customer_id="c-1",
            messages=[
                customer_message("Sigo esperando una respuesta, por favor. " * 4),
                msgspec.structs.replace(
                    customer_message("Ok", minutes=1), author_name=LONG_HEADING_NAME
                ),
            ],
        )
        for n in range(30)
    ]


@dataclass
class Shown:
    windows: ConsoleWindowSet
    width: int


def _windows(tmp_path: Path) -> ConsoleWindowSet:
    """The console's windows as the app composes them, an agent of two queues, no bridge yet."""
    return ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=100,
        queues=("deliveries", "payments"),
    )


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def shown(qtbot: QtBot, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Shown]:
    width, height = request.param
    windows = console_at(qtbot, tmp_path, width, height)
    yield Shown(windows, width)
    windows.shutdown()


def console_at(qtbot: QtBot, tmp_path: Path, width: int, height: int) -> ConsoleWindowSet:
    """The console shown at ``width`` x ``height`` with the queue's tickets and t-001 open."""
    windows = _windows(tmp_path)
    window = windows.window
    qtbot.addWidget(window)
    # the order of a ticket being worked: its events are of today (local noon, so
    # that a run just after midnight sees the same table)
    noon = dt.datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    linked = order_at(noon)
    tickets = queue_tickets()
    expires = iso(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
    colleagues = [  # two other agents on t-001 and t-003: long "Also on it" cells
        presence(agent_id, name=name, expires_at=expires, viewing=viewing, composing=composing)
        for agent_id, name, viewing, composing in (
            ("a-claudia", "Claudia Mendoza", "t-001", "t-001"),
            ("a-valeria", "Valeria Condori Huamán", "t-001", None),
            ("a-juan", "Juan Mendoza", "t-003", None),
        )
    ]
    state = snapshot(tickets, [linked], bridge_status=status(agent=BOSS))
    state = msgspec.structs.replace(state, agents=[*state.agents, *colleagues])
    windows.store.apply_snapshot(state)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    windows.open_ticket("t-001")
    windows.dashboard.update_data(tickets, [presence()], T0, at(0))
    qtbot.waitUntil(lambda: windows.dashboard.figures is not None)
    return windows


def settle_layouts() -> None:
    """Run the pending layout passes, from the innermost widget up to the window."""
    for _ in range(8):  # each pass may ask the parent's layout for one more
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def text_width(view: QTableView, model: QAbstractItemModel, row: int, column: int) -> int:
    index = model.index(row, column)
    font = index.data(Qt.ItemDataRole.FontRole)
    metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
    return metrics.horizontalAdvance(str(index.data() or "")) + PADDING


def header_width(view: QTableView, column: int) -> int:
    header = view.horizontalHeader()
    title = str(view.model().headerData(column, Qt.Orientation.Horizontal) or "")
    lines = title.split("\n")  # a title may be on two lines
    return max(header.fontMetrics().horizontalAdvance(line) for line in lines) + PADDING


def visible_rows(view: QTableView) -> range:
    first = max(view.rowAt(0), 0)
    last = view.rowAt(view.viewport().height() - 1)
    return range(first, (view.model().rowCount() - 1 if last < 0 else last) + 1)


def lists_all(tooltip: object, shown: str) -> bool:
    """True when a list cell's tooltip names every item of its text ("a, b (writing)")."""
    items = [item.removesuffix(" (writing)") for item in shown.split(", ")]
    return isinstance(tooltip, str) and all(html.escape(item) in tooltip for item in items)


def cut_cells(
    view: QTableView, elided: frozenset[int], listed: frozenset[int] = frozenset()
) -> list[str]:
    """Cells narrower than their text, except cut ones whose tooltip has the whole text.

    An ``elided`` cell's tooltip must be its text; a ``listed`` cell's (tags,
    colleagues) must name each item of it.
    """
    model = view.model()
    header = view.horizontalHeader()
    cut = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        width = header.sectionSize(column)
        if width < header_width(view, column) and column not in elided:
            cut.append(f"header {column}: {width}")
        for row in visible_rows(view):
            if width >= text_width(view, model, row, column):
                continue
            index = model.index(row, column)
            tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
            if column in elided and tooltip == plain_tooltip(str(index.data())):
                continue
            if column in listed and lists_all(tooltip, str(index.data())):
                continue
            cut.append(f"({row}, {column}) {index.data()!r}: {width}")
    return cut


def test_queue_columns_fit_their_content_and_the_subject_gets_the_rest(
    qtbot: QtBot, shown: Shown
) -> None:
    queue_fits_with_a_readable_subject(qtbot, shown.windows.window.queue_view.table, shown.width)


def queue_fits_with_a_readable_subject(qtbot: QtBot, table: QTableView, width: int) -> None:
    """No cell cut without its tooltip, no sideways scrolling, a ~20-character subject."""
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: cut_cells(table, ELIDED_COLUMNS, LISTED_COLUMNS) == [])

    def whole_queue_in_view() -> None:  # no sideways scrolling, at 1024 too
        total = sum(header.sectionSize(c) for c in Column if not header.isSectionHidden(c))
        assert total <= table.viewport().width()
        assert table.horizontalScrollBar().maximum() == 0
        twenty = table.fontMetrics().horizontalAdvance("¿Dónde está mi pedid…")  # 20 characters
        assert header.sectionSize(Column.SUBJECT) >= twenty  # docs: "at least ~20 characters"

    qtbot.waitUntil(whole_queue_in_view)
    hidden = {c for c in Column if header.isSectionHidden(c)}
    if width >= 1440:
        assert hidden == {Column.QUEUE, Column.AGE, Column.CHANNEL}  # tags, colleagues show
    else:  # the least useful columns give way to a readable subject
        assert not {Column.PRIORITY, Column.SLA, Column.SUBJECT} & hidden
        assert {Column.TAGS, Column.OTHERS, Column.STATUS} <= hidden


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_tickets_arriving_after_the_queue_shows_fit_it_too(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    windows = _windows(tmp_path)
    window = windows.window
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    table = window.queue_view.table
    tickets = queue_tickets()
    windows.store.apply_snapshot(snapshot(tickets, [], bridge_status=status(agent=BOSS)))
    qtbot.waitUntil(lambda: table.model().rowCount() == len(tickets))
    queue_fits_with_a_readable_subject(qtbot, table, size[0])
    first = table.visualRect(table.model().index(0, Column.SUBJECT))
    assert first.width() > 0  # not a blank queue
    assert table.viewport().rect().intersects(first)
    windows.shutdown()


def choose_column(qtbot: QtBot, table: QTableView, column: Column) -> None:
    """Toggle ``column`` in the header's context menu, as a user does."""
    header = table.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(5, 5))
    menus: list[QMenu] = []

    def menu_open() -> None:
        menus[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu)]
        assert any(menu.isVisible() for menu in menus)

    qtbot.waitUntil(menu_open)
    menu = next(menu for menu in menus if menu.isVisible())
    title = str(table.model().headerData(column, Qt.Orientation.Horizontal))
    next(action for action in menu.actions() if action.text() == title).trigger()
    menu.close()


@pytest.mark.qt_log_ignore("This plugin does not support")  # the menu's raise and grab
def test_a_column_chosen_in_the_header_menu_stays_as_chosen(qtbot: QtBot, shown: Shown) -> None:
    window = shown.windows.window
    table = window.queue_view.table
    header = table.horizontalHeader()
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.CUSTOMER))
    choose_column(qtbot, table, Column.CUSTOMER)  # hidden by the user
    qtbot.waitUntil(lambda: header.isSectionHidden(Column.CUSTOMER))
    if shown.width < 1440:
        window.resize(1024, 700)
        qtbot.waitUntil(lambda: header.isSectionHidden(Column.TAGS))
        choose_column(qtbot, table, Column.TAGS)  # shown by the user, room or not
        qtbot.waitUntil(lambda: not header.isSectionHidden(Column.TAGS))
    window.resize(1440, 900)  # room for every column
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.TAGS))
    window.resize(1024, 700)  # too little room for every column
    qtbot.waitUntil(lambda: header.isSectionHidden(Column.STATUS))
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.STATUS))
    assert header.isSectionHidden(Column.CUSTOMER)  # as the user left it
    if shown.width < 1440:
        window.resize(1024, 700)
        qtbot.waitUntil(lambda: header.isSectionHidden(Column.STATUS))
        assert not header.isSectionHidden(Column.TAGS)  # as the user left it


def test_only_the_sorted_column_keeps_room_for_the_sort_arrow(qtbot: QtBot, shown: Shown) -> None:
    table = shown.windows.window.queue_view.table
    header = table.horizontalHeader()
    title = header_width(table, Column.PRIORITY)  # wider than "Urgent" or "High"
    unsorted = header.sectionSize(Column.PRIORITY)
    assert unsorted >= title
    table.sortByColumn(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: header.sectionSize(Column.PRIORITY) >= unsorted + header.height() // 2)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # back to the default order
    qtbot.waitUntil(lambda: header.sectionSize(Column.PRIORITY) == unsorted)


def test_order_timeline_time_and_event_are_never_cut(qtbot: QtBot, shown: Shown) -> None:
    timeline = shown.windows.workspace.order_panel.timeline_view
    assert timeline.model().rowCount() == 5
    qtbot.waitUntil(lambda: cut_cells(timeline, frozenset({2})) == [])
    assert timeline.horizontalScrollBar().maximum() == 0


def test_an_order_of_an_earlier_day_widens_the_panel_instead_of_scrolling(
    qtbot: QtBot, shown: Shown
) -> None:
    panel = shown.windows.workspace.order_panel
    timeline = panel.timeline_view
    today_width = timeline.width()
    earlier = dt.datetime.now().astimezone() - dt.timedelta(days=2)
    panel.show_order(order_at(earlier), "t-001", [], [])
    assert timeline.model().index(0, 0).data().startswith(earlier.strftime("%Y-%m-%d"))
    qtbot.waitUntil(lambda: unreadable_cells(timeline) == [])  # the date above the time
    qtbot.waitUntil(lambda: timeline.width() > today_width)
    details = timeline.horizontalHeader().sectionSize(2)
    assert details >= 16 * timeline.fontMetrics().averageCharWidth()
    assert timeline.horizontalScrollBar().maximum() == 0


def test_dashboard_tables_fit_their_viewport(qtbot: QtBot, shown: Shown) -> None:
    dashboard = shown.windows.dashboard
    shown.windows.window.show_dashboard()
    qtbot.waitExposed(dashboard)
    for view, model in (
        (dashboard.queue_view, dashboard.queue_model),
        (dashboard.agent_view, dashboard.agent_model),
    ):

        def fits(view: QTableView = view) -> None:
            header = view.horizontalHeader()
            total = sum(header.sectionSize(c) for c in range(header.count()))
            assert total <= view.viewport().width(), (total, view.viewport().width())

        qtbot.waitUntil(fits)
        assert cut_cells(view, model.text_columns) == []


TOOLTIP = Qt.ItemDataRole.ToolTipRole
DEMO_AGENTS = [  # as the demo's: a supervisor of every queue, an agent whose presence lapsed
    (
        "a-carmen",
        "Carmen Villanueva",
        "supervisor",
        "online",
        ["deliveries", "general", "payments"],
    ),
    ("a-valeria", "Valeria Condori Huamán", "agent", "offline", ["deliveries", "payments"]),
    ("a-bruno", "Bruno Vargas", "agent", "away", ["payments", "general"]),
    ("a-ana", "Ana Torres", "agent", "online", ["deliveries"]),
]


@pytest.mark.parametrize("language", ["es", "en"])
def test_dashboard_names_get_their_room_and_figures_fit_their_cells(
    qtbot: QtBot,
    shown: Shown,
    language: Language,
    translations: Translations,
) -> None:
    assert translations.install(language)
    dashboard = shown.windows.dashboard
    shown.windows.window.show_dashboard()
    qtbot.waitExposed(dashboard)
    agents = [
        presence(agent_id, name=name, role=role, status=status, queues=queues)
        for agent_id, name, role, status, queues in DEMO_AGENTS
    ]
    tickets = [ticket(f"t-{n}", queue=("deliveries", "general", "payments")[n % 3],
                      assignee=DEMO_AGENTS[n % 4][0]) for n in range(12)]  # fmt: skip
    dashboard.update_data(tickets, agents, T0, at(0))
    qtbot.waitUntil(lambda: dashboard.agent_model.rowCount() == len(DEMO_AGENTS))

    def fitted(view: QTableView, model: QueueLoadModel | AgentLoadModel, name: int) -> None:
        header = view.horizontalHeader()
        total = sum(header.sectionSize(c) for c in range(header.count()))
        assert total <= view.viewport().width(), (total, view.viewport().width())
        assert view.horizontalScrollBar().maximum() == 0  # nothing scrolled out of sight
        for row in range(model.rowCount()):  # every name whole, every figure whole
            for column in range(model.columnCount()):
                if column == name or column not in model.text_columns:
                    assert header.sectionSize(column) >= text_width(view, model, row, column), (
                        model.index(row, column).data(),
                        header.sectionSize(column),
                    )
        assert cut_cells(view, model.text_columns) == []  # lists: elided with a tooltip
        for column in range(model.columnCount()):  # a title cut short is whole in its tooltip
            tooltip = model.headerData(column, Qt.Orientation.Horizontal, TOOLTIP)
            shown = model.headerData(column, Qt.Orientation.Horizontal).replace("\n", " ")
            assert shown == model.title(column) or tooltip == plain_tooltip(model.title(column))

    agents_fitted = (dashboard.agent_view, dashboard.agent_model, AgentColumn.NAME)
    qtbot.waitUntil(lambda: fitted(*agents_fitted))
    queues_fitted = (dashboard.queue_view, dashboard.queue_model, QueueColumn.QUEUE)
    qtbot.waitUntil(lambda: fitted(*queues_fitted))


def test_message_bubbles_wrap_inside_the_conversation(qtbot: QtBot, shown: Shown) -> None:
    conversation = shown.windows.workspace.conversation
    viewport = conversation.viewport()

    def inside() -> None:
        for bubble in conversation.bubbles():
            right = bubble.mapTo(viewport, QPoint(bubble.width(), 0)).x()
            assert right <= viewport.width(), (bubble.heading_label.text(), right)
            assert bubble.body_label.width() <= bubble.width()

    qtbot.waitUntil(inside)
    assert conversation.height() >= MINIMUM_HEIGHT


def unreadable_cells(view: QTableView) -> list[str]:
    """Cells whose text, wrapped at the column's width, does not fit the cell."""
    model = view.model()
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    cut = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
            cell = view.visualRect(index)
            room = QRect(0, 0, cell.width() - 2 * margin - 1, 10_000)  # as the delegate wraps
            wrapped = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, str(index.data()))
            if wrapped.width() > room.width() or wrapped.height() > cell.height():
                cut.append(f"({row}, {column}) {index.data()!r}: {cell.width()}x{cell.height()}")
    return cut


def newest_in_view(view: QTableView) -> bool:
    """Whether the last row is inside the viewport (its top, if taller than the viewport)."""
    last = view.visualRect(view.model().index(view.model().rowCount() - 1, 0))
    shown = view.viewport().rect()
    return shown.contains(last) or (last.top() >= 0 and last.height() > shown.height())


def test_every_timeline_event_is_readable_and_the_newest_in_view(
    qtbot: QtBot, shown: Shown
) -> None:
    windows = shown.windows
    panel = windows.workspace.order_panel
    timeline = panel.timeline_view
    model = timeline.model()
    earlier = dt.datetime.now().astimezone() - dt.timedelta(days=2)  # dated times: wider
    windows.client.delta.emit(delta(2, order_change(eventful_order(earlier, 5))))
    qtbot.waitUntil(lambda: model.rowCount() == 5)

    def readable() -> None:
        # the table lies wholly inside the panel, the panel inside the window
        assert panel.rect().contains(timeline.geometry()), (panel.width(), timeline.geometry())
        right = panel.mapTo(windows.window, QPoint(panel.width(), 0)).x()
        assert right <= windows.window.width()
        assert timeline.horizontalScrollBar().maximum() == 0
        assert unreadable_cells(timeline) == []

    qtbot.waitUntil(readable)
    qtbot.waitUntil(lambda: newest_in_view(timeline))
    # a new event arrives: it comes into view
    windows.client.delta.emit(delta(3, order_change(eventful_order(earlier, 6))))
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    qtbot.waitUntil(lambda: newest_in_view(timeline))
    qtbot.waitUntil(readable)
    # scrolled up to read the start, the agent stays there when the next one arrives
    scroll = timeline.verticalScrollBar()
    if scroll.maximum() > 0:
        scroll.setValue(0)
        windows.client.delta.emit(delta(4, order_change(eventful_order(earlier, 7))))
        qtbot.waitUntil(lambda: model.rowCount() == 7)
        qtbot.waitUntil(lambda: scroll.maximum() > 0)
        assert scroll.value() == 0
        assert not newest_in_view(timeline)
        windows.open_ticket("t-002")  # another ticket of the order: its newest event shows
        qtbot.waitUntil(lambda: newest_in_view(timeline))


def test_the_customer_facts_show_without_scrolling_beside_a_usable_conversation(
    qtbot: QtBot, shown: Shown
) -> None:
    windows = shown.windows
    workspace = windows.workspace
    scroller = workspace.findChild(QScrollArea, "customer-scroll")
    assert scroller is not None
    side = scroller.parentWidget()
    assert isinstance(side, QSplitter)
    values = workspace.customer_panel.values
    linked = msgspec.structs.replace(
        eventful_order(dt.datetime.now().astimezone(), 7),
        customer_phone="+51 987 654 321",
        address="Av. Del Ejército 2408",  # as long as the demo's
        district="San Juan de Lurigancho",
        city="Lima",
        courier_name="Renzo Cueva Palomino",
        items=[
            OrderItem(sku=f"p{n}", name=name, qty=n + 1, unit_price_cents=900)
            for n, name in enumerate(("1/4 pollo a la brasa", "Chicha morada 1 L"))
        ],
    )
    windows.client.delta.emit(delta(2, order_change(linked)))
    qtbot.waitUntil(lambda: "Ejército" in values["address"].text())

    def every_fact_in_view() -> None:
        viewport = scroller.viewport()
        assert scroller.verticalScrollBar().maximum() == 0
        for name, label in values.items():
            top_left = label.mapTo(viewport, QPoint(0, 0))
            assert viewport.rect().contains(QRect(top_left, label.size())), name

    qtbot.waitUntil(every_fact_in_view)
    assert workspace.conversation.height() >= MINIMUM_HEIGHT
    timeline = workspace.order_panel.timeline_view
    qtbot.waitUntil(lambda: newest_in_view(timeline))
    assert timeline.viewport().height() >= 3 * timeline.fontMetrics().lineSpacing()
    # the agent's own share is kept on the next ticket
    handle = side.handle(1)
    grip = handle.rect().center()
    no_keys = Qt.KeyboardModifier.NoModifier
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, no_keys, grip)
    QTest.mouseMove(handle, grip + QPoint(0, -40))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, no_keys, grip + QPoint(0, -40))
    qtbot.waitUntil(lambda: scroller.verticalScrollBar().maximum() > 0)
    chosen = side.sizes()
    windows.open_ticket("t-002")
    assert side.sizes() == chosen


def test_the_template_picker_opens_inside_the_window_and_keeps_send_in_view(
    qtbot: QtBot, shown: Shown
) -> None:
    window = shown.windows.window
    composer = shown.windows.workspace.composer
    size = window.size()
    composer.focus_editor()
    qtbot.waitUntil(composer.editor.hasFocus)
    QTest.keyClicks(composer.editor, "::")
    picker = composer.template_picker
    qtbot.waitUntil(picker.isVisible)
    settle_layouts()
    qtbot.waitUntil(lambda: picker.list.viewport().height() >= 3 * picker.list.sizeHintForRow(0))

    def inside_window(widget: QWidget) -> bool:
        return window.rect().contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))

    assert window.size() == size  # the window never grows (a 700 px screen hid Send)
    assert inside_window(composer.send_button)
    assert inside_window(picker)
    editor_top = composer.editor.mapTo(window, QPoint(0, 0)).y()
    assert picker.mapTo(window, QPoint(0, picker.height())).y() <= editor_top  # above the text
    QTest.keyClick(picker.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not picker.isVisible())
    settle_layouts()
    assert window.size() == size
    assert inside_window(composer.send_button)


KAFKA_SERVERS = "kafka-1.lima.atupuerta.pe:9092,kafka-2.lima.atupuerta.pe:9092"
KAFKA_REASON = (
    "KafkaError{code=_TRANSPORT,val=-195,str=\"Failed to resolve 'kafka:9092': "
    'Name or service not known"}'
)


def fits_the_screen(windows: ConsoleWindowSet, screen: QSize, step: str) -> None:
    """The window is as big as ``screen``, no minimum asks for more, Send and the status shown."""
    window = windows.window
    assert window.size() == screen, step
    assert screen.expandedTo(window.minimumSizeHint()) == screen, step
    central = window.centralWidget()
    assert central is not None
    assert screen.expandedTo(central.minimumSizeHint()) == screen, step
    for widget in (windows.workspace.composer.send_button, window.status_bar):
        corner = widget.mapTo(window, QPoint(widget.width(), widget.height()))
        assert window.rect().contains(corner - QPoint(1, 1)), (step, widget)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_window_never_grows_past_1024x700_by_itself(
    qtbot: QtBot, tmp_path: Path, language: Language, translations: Translations
) -> None:
    """The new-user walk: claim, a Kafka outage, new messages, a bridge restart's progress.

    Each used to add its minimum to the window's (1024x700 became 1206x813 and
    more): on a 1024x768 laptop Send and the status bar ended up off screen.
    """
    assert translations.install(language)
    windows = console_at(qtbot, tmp_path, 1024, 700)
    window = windows.window
    workspace = windows.workspace
    screen = QSize(1024, 700)

    def stays_in_the_screen(step: str) -> None:
        settle_layouts()
        fits_the_screen(windows, screen, step)

    stays_in_the_screen("opened")
    listed = next(t for t in queue_tickets() if t.ticket_id == "t-001")
    free = msgspec.structs.replace(listed, assignee=None, assignee_name=None)
    windows.client.delta.emit(delta(2, ticket_change(free)))
    qtbot.waitUntil(workspace.action_bar.claim_button.isEnabled)
    workspace.claim()  # it shows in the pending actions
    qtbot.waitUntil(lambda: workspace.pending_model.rowCount() == 1)
    mine = msgspec.structs.replace(listed, assignee=BOSS.agent_id, assignee_name=BOSS.name)
    windows.client.delta.emit(delta(3, ticket_change(mine)))
    qtbot.waitUntil(lambda: BOSS.name in workspace.meta_label.full_text())
    stays_in_the_screen("claimed")
    before_the_banner = window.minimumSizeHint().height()
    window.set_kafka_address(KAFKA_SERVERS)
    window.on_connected()
    down = status(
        agent=BOSS, kafka_up=False, kafka_down_since=at(-2), kafka_error_message=KAFKA_REASON
    )
    windows.client.delta.emit(delta(4, bridge_status=down))
    qtbot.waitUntil(window.connection_banner.isVisible)
    stays_in_the_screen("outage banner")
    # the banner took its height from the conversation, not from the window
    assert window.minimumSizeHint().height() <= before_the_banner
    newer = msgspec.structs.replace(
        mine,
        messages=[
            *mine.messages,
            customer_message("¿Hola? ¿Alguien me lee? Ya pasó una hora", minutes=5),
            customer_message("Por favor respondan, necesito saber dónde está", minutes=6),
        ],
    )
    windows.client.delta.emit(delta(5, ticket_change(newer)))
    bubbles = workspace.conversation.bubbles
    qtbot.waitUntil(lambda: "dónde está" in bubbles()[-1].body_label.text())
    QTest.keyClicks(workspace.composer.editor, "Ya casi llega")
    workspace.composer.send_button.click()
    qtbot.waitUntil(workspace.collision_banner.isVisible)
    stays_in_the_screen("new-messages prompt")
    window.status_bar.set_loading(SnapshotProgress(182_000, 664_000))
    restarted = msgspec.structs.replace(
        down,
        catching_up=CatchUp(records_done=120_000, records_total=300_000, records_per_s=2_500.0),
    )
    windows.client.delta.emit(delta(6, bridge_status=restarted))
    qtbot.waitUntil(lambda: "182" in window.status_bar.progress_label.text())
    stays_in_the_screen("loading text")
    windows.client.delta.emit(delta(7, bridge_status=status(agent=BOSS)))
    qtbot.waitUntil(lambda: not window.connection_banner.isVisible())
    stays_in_the_screen("banner gone")
    windows.shutdown()


MANY_TAGS = [
    "reembolso-pendiente-de-aprobacion",
    "cliente-frecuente-de-miraflores",
    "pedido-incompleto-falta-bebida",
    "repartidor-no-encontro-la-direccion",
    "vip",
]


@pytest.mark.parametrize("language", ["es", "en"])
def test_many_tags_and_a_long_sla_line_give_way_instead_of_widening_the_window(
    qtbot: QtBot, tmp_path: Path, language: Language, translations: Translations
) -> None:
    assert translations.install(language)
    windows = console_at(qtbot, tmp_path, 1024, 700)
    window = windows.window
    workspace = windows.workspace
    listed = next(t for t in queue_tickets() if t.ticket_id == "t-001")
    tagged = msgspec.structs.replace(listed, tags=MANY_TAGS, sla_due_at=at(-24 * 60 - 5))
    windows.client.delta.emit(delta(2, ticket_change(tagged)))
    editor = workspace.tag_editor
    qtbot.waitUntil(lambda: editor.tags == tuple(MANY_TAGS))
    settle_layouts()
    assert window.size() == QSize(1024, 700)
    assert window.minimumSizeHint().width() <= 1024
    sla = workspace.sla_label
    assert not sla.is_elided() or sla.toolTip() == plain_tooltip(sla.text())
    # the tags out of view are named in the strip's tooltip, and Tab brings each into view
    assert editor.strip.is_cut()
    assert all(html.escape(tag) in editor.strip.toolTip() for tag in MANY_TAGS)
    last = editor.tag_buttons()[-1]
    last.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(last.hasFocus)
    viewport = editor.strip.viewport()
    corner = last.mapTo(viewport, QPoint(last.width() - 1, last.height() - 1))
    assert viewport.rect().contains(corner)
    windows.shutdown()
