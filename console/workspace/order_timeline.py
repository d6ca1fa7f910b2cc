"""The side panel: the linked order's whole timeline, and the customer's other tickets and orders.

Every event of the order is a row with its time; ``delayed`` events are
highlighted (orange background, bold, and ``DELAY_ROLE`` true), and so is a
``delivered`` event that came after the promised ETA. Every cell wraps rather
than eliding, and the newest event stays in view unless the agent scrolled up.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bridge.wire.timestamps import epoch_of
from console.labels import (
    event_word,
    money,
    order_status_label,
    payment_method_label,
    plain_tooltip,
    status_label,
)
from console.views.empty_state import EmptyState
from console.viewstate.bounded import one_line
from console.viewstate.placeholders import FINISHED_ORDER_STATUSES
from console.viewstate.times import clock, short_stamp, stamp

if TYPE_CHECKING:
    from bridge.wire.entities import Order, OrderEvent, Ticket

DELAY_ROLE = Qt.ItemDataRole.UserRole + 1
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
DELAY_BACKGROUND = "#ffd8a8"
DETAILS_COLUMN = 2
PANEL_MIN_CHARS = 40
"""The side panel is never narrower than about this many characters."""
DETAILS_MIN_CHARS = 18
"""The timeline's details column keeps at least about this many characters beside
the time and event columns: the panel grows instead of scrolling sideways."""
LIST_ROWS = 3
"""The customer's other tickets and orders show up to this many rows (then scroll):
the timeline above gets the rest of the panel's height."""
DETAILS_WORD_CHARS = 28
"""The details column also holds its longest word, up to about this many characters
(a longer one, from a hostile event, is cut; the tooltip has it whole)."""


@dataclass(frozen=True)
class TimelineRow:
    """One event as the table shows it."""

    event_id: str
    time: str
    event: str
    details: str
    delay: bool
    full_time: str = ""
    """The date and time (the time cell's tooltip)."""


def _text(summary: dict[str, object], key: str) -> str:
    value = summary.get(key)
    return "" if value is None else str(value)


def _cents(summary: dict[str, object], key: str) -> int:
    value = summary.get(key)
    return value if isinstance(value, int) else 0


def _late(delivered_at: str, promised: str | None) -> bool:
    if not promised:
        return False
    delivered, due = epoch_of(delivered_at), epoch_of(promised)
    return delivered is not None and due is not None and delivered > due


def timeline_rows(order: Order, tz: dt.tzinfo, now: float | None = None) -> list[TimelineRow]:
    """Turn an order's timeline into rows, in log order, marking delays.

    Times of today show as ``HH:MM`` (``now``: epoch seconds, default the
    current time); the tooltip has the date.
    """
    moment = time.time() if now is None else now
    rows: list[TimelineRow] = []
    promised: str | None = None
    for event in order.timeline:
        word = event_word(event.type)
        delay = word == "delayed"
        details = _details(event, word, order.currency, tz)
        if word in ("dispatched", "delayed"):
            promised = _text(event.summary, "eta") or promised
        delivered_at = _text(event.summary, "delivered_at") or event.at
        if word == "delivered" and _late(delivered_at, promised):
            delay = True
            late = QCoreApplication.translate("OrderTimeline", "after the promised ETA")
            details = f"{details} — {late}"
        rows.append(
            TimelineRow(
                event_id=event.event_id,
                time=short_stamp(event.at, tz, moment),
                event=one_line(order_status_label(word)),
                details=one_line(details),
                delay=delay,
                full_time=stamp(event.at, tz),
            )
        )
    return rows


def _subst(template: str, *values: str) -> str:
    for number, value in enumerate(values, start=1):
        template = template.replace(f"%{number}", value)
    return template


def _details(event: OrderEvent, word: str, currency: str, tz: dt.tzinfo) -> str:
    summary = event.summary
    text = ", ".join(f"{key}: {value}" for key, value in summary.items())
    if word == "placed":
        total = money(_cents(summary, "total_cents"), _text(summary, "currency") or currency)
        text = _subst(
            QCoreApplication.translate("OrderTimeline", "Items: %1, %2, %3"),
            _text(summary, "items"),
            total,
            _text(summary, "district"),
        )
    elif word == "paid":
        method = payment_method_label(_text(summary, "method"))
        text = f"{method}, {money(_cents(summary, 'amount_cents'), currency)}"
    elif word == "dispatched":
        eta = clock(_text(summary, "eta"), tz)
        text = _subst(
            QCoreApplication.translate("OrderTimeline", "Courier %1, ETA %2"),
            _text(summary, "courier_name"),
            eta,
        )
    elif word == "delayed":
        eta = clock(_text(summary, "eta"), tz)
        text = _subst(
            QCoreApplication.translate("OrderTimeline", "%1 — new ETA %2"),
            _text(summary, "reason"),
            eta,
        )
    elif word == "delivered":
        text = _subst(
            QCoreApplication.translate("OrderTimeline", "Delivered at %1"),
            clock(_text(summary, "delivered_at"), tz),
        )
    elif word == "cancelled":
        text = _subst(
            QCoreApplication.translate("OrderTimeline", "%1 (by %2)"),
            _text(summary, "reason"),
            _text(summary, "by"),
        )
    return text


def header_padding(header: QHeaderView) -> int:
    """Room a header section needs besides its title (margins and a sort indicator)."""
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    return 4 * margin + 8


def _delay_look(role: int) -> QColor | QFont:
    if role == Qt.ItemDataRole.BackgroundRole:
        return QColor(DELAY_BACKGROUND)
    font = QFont()
    font.setBold(True)
    return font


class TimelineModel(QAbstractTableModel):
    """Time, event and details of each order event; appended events are inserted rows."""

    COLUMNS = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineRow] = []

    def set_rows(self, rows: list[TimelineRow]) -> None:
        """Show ``rows``: new events at the end are inserted, anything else resets."""
        old = self._rows
        if rows[: len(old)] == old and len(rows) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
            self._rows = list(rows)
            self.endInsertRows()
        elif rows != old:
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()

    def rows(self) -> list[TimelineRow]:
        """The rows shown."""
        return list(self._rows)

    def retranslate(self) -> None:
        """Tell the views the column titles changed language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)

    def rowCount(  # noqa: N802 - Qt override
        self, parent: QModelIndex | QPersistentModelIndex | None = None
    ) -> int:
        """One row per event."""
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(  # noqa: N802 - Qt override
        self, parent: QModelIndex | QPersistentModelIndex | None = None
    ) -> int:
        """Time, event, details."""
        return 0 if parent is not None and parent.isValid() else self.COLUMNS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Cell text; delays get a background, bold text and ``DELAY_ROLE``."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.time, row.event, row.details)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:  # a tooltip renders rich text: escaped
            whole = (row.full_time or row.time, row.event, row.details)[index.column()]
            return plain_tooltip(whole)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole) and row.delay:
            return _delay_look(role)
        return {DELAY_ROLE: row.delay, EVENT_ID_ROLE: row.event_id}.get(role)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < self.COLUMNS
        ):
            return (self.tr("Time"), self.tr("Event"), self.tr("Details"))[section]
        return None


class OrderPanel(QWidget):
    """The linked order (summary and timeline) and the customer's other tickets and orders."""

    ticket_activated = Signal(str)
    """The agent opened one of the customer's other tickets (its id)."""
    order_activated = Signal(str)
    """The agent opened one of the customer's other orders (its id)."""

    def __init__(
        self,
        tz: dt.tzinfo,
        parent: QWidget | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._tz = tz
        self._wall_clock = wall_clock  # what "today" is: its times need no date
        # what show_order was given; None: no ticket open (show_nothing)
        self._shown: tuple[Order | None, str | None, list[Ticket], list[Order]] | None = None
        # room for time, event and some details (fit_columns widens it for the table)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * PANEL_MIN_CHARS)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        # the newest event in view: on opening, and as events arrive unless scrolled up
        self._follow_newest = True
        self._followed: tuple[str | None, str | None] = (None, None)  # (ticket, order)
        self.timeline_model = TimelineModel(self)
        self.timeline_view = self._build_timeline_view()
        self.other_tickets = QListWidget(self)
        self.other_orders = QListWidget(self)
        self.other_tickets.itemActivated.connect(self._on_ticket)
        self.other_orders.itemActivated.connect(self._on_order)
        self.timeline_empty = EmptyState(self.timeline_view)
        self.tickets_empty = EmptyState(self.other_tickets)
        self.orders_empty = EmptyState(self.other_orders)
        for note in (self.tickets_empty, self.orders_empty):  # a line, not a box of padding
            note.label.setStyleSheet("color: palette(placeholder-text); padding: 2px;")
        tickets_title = QLabel(self)
        tickets_title.setBuddy(self.other_tickets)
        orders_title = QLabel(self)
        orders_title.setBuddy(self.other_orders)
        timeline_title = QLabel(self)
        timeline_title.setBuddy(self.timeline_view)
        self._titles = (tickets_title, orders_title, timeline_title)
        self.retranslate()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(timeline_title)
        layout.addWidget(self.timeline_view, 1)
        layout.addWidget(tickets_title)
        layout.addWidget(self.other_tickets)
        layout.addWidget(orders_title)
        layout.addWidget(self.other_orders)

    def _build_timeline_view(self) -> QTableView:
        """The timeline table: cells wrap, rows fit them, the newest event is followed."""
        view = QTableView(self)
        view.setModel(self.timeline_model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        # time and event as wide as their text (fit_columns); the details wrap in the rest
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(DETAILS_COLUMN, QHeaderView.ResizeMode.Stretch)
        view.setWordWrap(True)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        scroll = view.verticalScrollBar()
        scroll.rangeChanged.connect(self._keep_newest_in_view)
        header.sectionResized.connect(self._rewrap)
        scroll.valueChanged.connect(self._on_timeline_scrolled)
        return view

    def show_nothing(self) -> None:
        """No ticket open: every pane says to open one (not that its order is missing)."""
        self._shown = None
        self._followed = (None, None)
        self.summary_label.clear()
        self.summary_label.hide()  # nothing to sum up: the notes below say why
        self.timeline_empty.set_text(self.tr("Open a ticket from the queue to see its order here."))
        self.tickets_empty.set_text(
            self.tr("Open a ticket from the queue to see the customer's other tickets.")
        )
        self.orders_empty.set_text(
            self.tr("Open a ticket from the queue to see the customer's other orders.")
        )
        self.timeline_model.set_rows([])
        self.fit_columns()
        for widget in (self.other_tickets, self.other_orders):
            widget.clear()
        self._fit_list(self.other_tickets, self.tickets_empty)
        self._fit_list(self.other_orders, self.orders_empty)

    def show_order(
        self,
        order: Order | None,
        current_ticket_id: str | None,
        customer_tickets: Sequence[Ticket],
        customer_orders: Sequence[Order],
    ) -> None:
        """Show (or refresh) the order and the customer's history; the selection is kept."""
        self._shown = (order, current_ticket_id, list(customer_tickets), list(customer_orders))
        self.summary_label.show()
        followed = (current_ticket_id, None if order is None else order.order_id)
        fresh = followed != self._followed
        self._followed = followed
        self.tickets_empty.set_text(self.tr("No other tickets of this customer."))
        self.orders_empty.set_text(self.tr("No other orders of this customer."))
        if order is None:
            self.summary_label.setText(self.tr("No order linked to this ticket."))
            self.timeline_empty.set_text(self.tr("No order linked to this ticket."))
            self.timeline_model.set_rows([])
        else:
            finished = order.status in FINISHED_ORDER_STATUSES  # no ETA is true for it
            eta = "—" if finished else clock(order.eta, self._tz) or "—"
            self.summary_label.setText(
                one_line(
                    self.tr("Order %1 · %2 · %3 · %4 · ETA %5")
                    .replace("%1", order.order_id)
                    .replace("%2", order_status_label(order.status))
                    .replace("%3", money(order.total_cents, order.currency))
                    .replace("%4", order.district)
                    .replace("%5", eta)
                )
            )
            self.timeline_empty.set_text(self.tr("No events of this order yet."))
            self.timeline_model.set_rows(timeline_rows(order, self._tz, self._wall_clock()))
        self.fit_columns()
        if fresh:  # another ticket or order: start at its newest event
            self._follow_newest = True
        if self._follow_newest:
            self._keep_newest_in_view()
        linked = order.order_id if order is not None else None
        now = self._wall_clock()
        self._fill(
            self.other_tickets,
            [
                (t.ticket_id, one_line(f"{t.ticket_id} · {status_label(t.status)} · {t.subject}"))
                for t in sorted(customer_tickets, key=lambda t: t.opened_at, reverse=True)
                if t.ticket_id != current_ticket_id
            ],
        )
        self._fill(
            self.other_orders,
            [
                (
                    o.order_id,
                    one_line(
                        " · ".join(
                            (
                                o.order_id,
                                order_status_label(o.status),
                                money(o.total_cents, o.currency),
                                short_stamp(o.placed_at, self._tz, now),
                            )
                        )
                    ),
                )
                for o in sorted(customer_orders, key=lambda o: o.placed_at, reverse=True)
                if o.order_id != linked
            ],
        )
        self._fit_list(self.other_tickets, self.tickets_empty)
        self._fit_list(self.other_orders, self.orders_empty)

    @staticmethod
    def _fit_list(widget: QListWidget, empty: EmptyState) -> None:
        """As high as its rows (up to ``LIST_ROWS``) or its empty note, not a fixed share."""
        rows = min(widget.count(), LIST_ROWS)
        if rows:
            content = rows * widget.sizeHintForRow(0)
            bar = widget.horizontalScrollBar()
            if bar.maximum() > 0 or widget.sizeHintForColumn(0) > widget.viewport().width():
                content += bar.sizeHint().height()
        else:
            width = widget.width() - 2 * widget.frameWidth()  # no scroll bar: nothing to scroll
            label = empty.label
            content = label.heightForWidth(width) if width > 0 else label.sizeHint().height()
        widget.setFixedHeight(content + 2 * widget.frameWidth())

    def fit_columns(self) -> None:
        """Size the time and event columns to their widest word (header included).

        A longer text wraps at its spaces ("2026-12-01" above "19:42"); the rows
        grow to their wrapped text. The panel's minimum width then keeps room for
        the details beside them, so the splitter never cuts the table off.

        Done by hand: with wrapping details, Qt's ResizeToContents sizes a
        column by its current width and leaves "20…" / "Regi…".
        """
        view = self.timeline_view
        metrics = view.fontMetrics()
        header = view.horizontalHeader()
        padding = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 4)
        rows = self.timeline_model.rows()
        bold = QFont(view.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        for column, texts in ((0, [r.time for r in rows]), (1, [r.event for r in rows])):
            title = str(self.timeline_model.headerData(column, Qt.Orientation.Horizontal))
            widths = [header.fontMetrics().horizontalAdvance(title) + header_padding(header)]
            words = [word for text in texts for word in text.split()]
            widths += [bold_metrics.horizontalAdvance(word) + padding for word in words]
            header.resizeSection(column, max(widths))
        fixed = header.sectionSize(0) + header.sectionSize(1)
        longest = max(
            (bold_metrics.horizontalAdvance(word) for r in rows for word in r.details.split()),
            default=0,
        )
        details = max(
            metrics.averageCharWidth() * DETAILS_MIN_CHARS,
            min(longest + padding, metrics.averageCharWidth() * DETAILS_WORD_CHARS),
        )
        chrome = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(fixed + details + chrome)
        # an explicit minimum overrides the layout's: the panel must hold the table
        panel_chars = self.fontMetrics().averageCharWidth() * PANEL_MIN_CHARS
        self.setMinimumWidth(max(panel_chars, view.minimumWidth()))
        view.resizeRowsToContents()

    def _rewrap(self, column: int, _old: int, _new: int) -> None:
        """The details column changed width (a scroll bar came or went): rows fit again."""
        if column == DETAILS_COLUMN:
            self.timeline_view.resizeRowsToContents()

    def _keep_newest_in_view(self) -> None:
        """Scroll to the newest event while following it (the range grows as rows wrap)."""
        if self._follow_newest:
            scroll = self.timeline_view.verticalScrollBar()
            scroll.setValue(scroll.maximum())

    def _on_timeline_scrolled(self, value: int) -> None:
        """Scrolled up, the timeline stays put as events arrive; at the bottom it follows."""
        self._follow_newest = value >= self.timeline_view.verticalScrollBar().maximum()

    def retranslate(self) -> None:
        """Re-read every translated text; the order shown is rendered again."""
        self.timeline_view.setAccessibleName(self.tr("Order timeline"))
        self.other_tickets.setAccessibleName(self.tr("The customer's other tickets"))
        self.other_orders.setAccessibleName(self.tr("The customer's other orders"))
        tickets_title, orders_title, timeline_title = self._titles
        tickets_title.setText(self.tr("Other &tickets of the customer"))
        orders_title.setText(self.tr("Other o&rders of the customer"))
        timeline_title.setText(self.tr("Order ti&meline"))
        self.timeline_model.retranslate()
        if self._shown is None:
            self.show_nothing()
        else:
            self.show_order(*self._shown)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """A note wraps to another number of lines at another width: the lists fit again."""
        super().resizeEvent(event)
        self._fit_list(self.other_tickets, self.tickets_empty)
        self._fit_list(self.other_orders, self.orders_empty)

    @staticmethod
    def _fill(widget: QListWidget, rows: list[tuple[str, str]]) -> None:
        current = widget.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        widget.clear()
        for key, text in rows:
            item = QListWidgetItem(text, widget)
            item.setData(Qt.ItemDataRole.UserRole, key)
            if key == selected:
                widget.setCurrentItem(item)

    def _on_ticket(self, item: QListWidgetItem) -> None:
        self.ticket_activated.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _on_order(self, item: QListWidgetItem) -> None:
        self.order_activated.emit(str(item.data(Qt.ItemDataRole.UserRole)))
