"""The ticket queue: saved-view selector, search box and the table, with a ticking SLA column."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAccessible, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.labels import queue_label
from console.models.queue_filter_proxy import SLICING, QueueFilterProxy, Slicing
from console.models.roles import ID_ROLE
from console.models.ticket_queue_model import ELIDED_COLUMNS, LISTED_COLUMNS, Column
from console.views.column_fitter import ColumnFitter
from console.views.empty_state import EmptyState
from console.viewstate.bounded import one_line
from console.viewstate.folding import folded
from console.viewstate.no_match import Remedy, RemedyScan
from console.viewstate.queue_columns import dropped_columns
from console.viewstate.queue_layout import QueueLayout, SortChoice
from console.viewstate.saved_views import SavedView, ViewKind, saved_views

if TYPE_CHECKING:
    from collections.abc import Sequence

    from console.models.ticket_queue_model import TicketQueueModel

HIDDEN_BY_DEFAULT = frozenset({Column.QUEUE, Column.AGE, Column.CHANNEL})
"""Columns the header's context menu can show; hidden at first so the subject has room
(the queue is also in the view selector and the ticket's header)."""
SUBJECT_MIN_CHARS = 20
"""The subject column is never narrower than about this many characters."""
SUBJECT_SAMPLE = "¿Dónde está mi pedido? Pedí hace rato"
"""A typical subject: its first ``SUBJECT_MIN_CHARS`` characters measure the subject's minimum
(``averageCharWidth`` is narrower than real text: 20 of it showed about 16 characters)."""
SUBJECT_PADDING = 8
"""Room for the cell's margins beside the subject's text and its "…"."""
DROP_ORDER = (
    Column.TAGS,
    Column.OTHERS,
    Column.STATUS,
    Column.ASSIGNEE,
    Column.UNREAD,
    Column.CUSTOMER,
)
"""The columns left out, least useful first, when the queue is too narrow for all of them and
a readable subject (``console.viewstate.queue_columns``); the ticket's header shows them too."""
CAPPED_COLUMNS = (ELIDED_COLUMNS - {Column.SUBJECT}) | LISTED_COLUMNS
"""Free-text columns (names, tags, colleagues) sized to their content up to ``CAPPED_CHARS``."""
CAPPED_CHARS = 14
"""A capped column is at most about this many characters wide (or its title's width)."""
AGE_REFRESH_TICKS = 60
"""The age column is repainted once every this many SLA ticks."""


class QueueHeader(QHeaderView):
    """The queue's column titles, sized without room for a sort arrow they do not show.

    With sorting enabled, Qt sizes every section to fit its title plus a sort
    arrow; the queue shows one arrow at most (none in the default order), so
    only the sorted column keeps that room. Qt sizes the sections again when
    the sorted column changes.
    """

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:  # noqa: N802, N803 - Qt override
        """The title's size; the sort arrow's room only for the sorted column."""
        size = super().sectionSizeFromContents(logicalIndex)
        if self.isSortIndicatorShown() and logicalIndex != self.sortIndicatorSection():
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
            size.setWidth(size.width() - size.height() - margin)  # what Qt added for the arrow
        return size


class QueueTable(QTableView):
    """The queue's table, without type-ahead: letters belong to the window's keyboard model.

    A plain ``QTableView`` jumps to the row whose first column starts with a
    typed letter; here C claims, R replies and so on (console/keymap.py).
    """

    resized = Signal()
    """The table's size changed (the subject column is fitted again)."""
    shown_cells_changed = Signal()
    """Cells on screen changed (their columns may need another width)."""

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt override
        """Do nothing: typed letters are shortcuts, not a search (use / to search)."""
        del search

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Announce the new size."""
        super().resizeEvent(event)
        self.resized.emit()

    def dataChanged(  # noqa: N802 - Qt override
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        /,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint the changed cells that are on screen, and only those.

        Qt's table repaints its whole viewport for a change to a run of rows
        taller than the viewport even when none of them is on screen (seen with
        Qt 6.11; a test pins it): while data streams that was a full repaint per
        batch. The rows are cut to those on screen first; a change with none on
        screen repaints nothing. With an accessibility client active, every
        change goes to Qt as it is (it tells the client about each cell).
        ``shown_cells_changed`` follows a change that has cells on screen.
        """
        first = self.rowAt(0)
        if first < 0 or not top_left.isValid() or QAccessible.isActive():
            super().dataChanged(top_left, bottom_right, roles)
            self.shown_cells_changed.emit()
            return
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = self.model().rowCount() - 1
        top, bottom = max(top_left.row(), first), min(bottom_right.row(), last)
        if top > bottom:
            return
        model = self.model()
        super().dataChanged(
            model.index(top, top_left.column()), model.index(bottom, bottom_right.column()), roles
        )
        self.shown_cells_changed.emit()

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 - Qt override
        """Content width; at most ``CAPPED_CHARS`` for the free-text columns.

        A long name, tag list or list of colleagues is cut ("…") with its whole
        text in the cell's tooltip, so one long value does not push the rest of
        the queue off screen. The header keeps its title's width (Qt takes the
        larger of this and the title).
        """
        wanted = super().sizeHintForColumn(column)
        if column not in CAPPED_COLUMNS:
            return wanted
        return min(wanted, self.fontMetrics().averageCharWidth() * CAPPED_CHARS)


class _RemedyFinder(QObject):
    """What would show tickets when the queue's search matches none (``RemedyScan``).

    The rows are scanned over turns of the event loop (``Slicing``); until a
    scan ends, ``remedy`` gives the last one found for the same view and
    search, or ``Remedy.NONE``. After tickets change, ``recheck`` scans again.
    """

    found = Signal()
    """A scan ended: ``remedy`` may give another answer."""

    def __init__(self, model: TicketQueueModel, slicing: Slicing, parent: QObject) -> None:
        super().__init__(parent)
        self._model = model
        self._slicing = slicing
        self._known: RemedyScan | None = None  # the last scan that ended
        self._scan: RemedyScan | None = None  # the one in progress
        self._stale = False  # tickets changed since ``_known`` began
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._advance)
        model.batch_applied.connect(self.rows_changed)

    def remedy(self, view: SavedView, needle: str) -> Remedy:
        """The remedy for ``view`` searched for ``needle`` (folded), as far as known yet.

        Not known: a scan starts (``found`` follows its end).
        """
        known = self._known
        if known is not None and (known.view, known.needle) == (view, needle):
            return known.remedy
        scan = self._scan
        if scan is None or (scan.view, scan.needle) != (view, needle):
            self._start(view, needle)
        return Remedy.NONE

    def rows_changed(self) -> None:
        """Tickets changed: the remedy found may be out of date."""
        self._stale = True

    def recheck(self, view: SavedView, needle: str) -> None:
        """Scan again for the remedy of ``view`` and ``needle`` if tickets changed since."""
        known = self._known
        if not self._stale or known is None or self._scan is not None:
            return
        if (known.view, known.needle) == (view, needle):
            self._start(view, needle)  # ``known`` holds until it ends

    def _start(self, view: SavedView, needle: str) -> None:
        self._stale = False
        self._scan = RemedyScan(
            self._model, view, needle, self._model.now(), chunk=self._slicing.chunk_rows
        )
        self._turn.start()

    def _advance(self) -> None:
        scan = self._scan
        if scan is None:
            return
        deadline = time.perf_counter() + self._slicing.budget_ms / 1000
        while not scan.done:
            scan.step()
            if not scan.done and time.perf_counter() >= deadline:
                self._turn.start()
                return
        self._scan = None
        self._known = scan
        self.found.emit()


class QueueView(QWidget):
    """The live ticket queue of one agent."""

    ticket_activated = Signal(str)
    """Enter or double-click on a ticket: open it."""
    current_ticket_changed = Signal(str)
    """The selected ticket changed (empty string: none)."""
    _wanted_view: str | None
    """A saved view restored but not offered yet: chosen once it is, unless the agent picks one."""

    def __init__(
        self,
        model: TicketQueueModel,
        *,
        tick_ms: int = 1000,
        search_delay_ms: int = 150,
        slicing: Slicing = SLICING,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._proxy = QueueFilterProxy(model, self, slicing=slicing)
        self._agent_id: str | None = None
        self._agent_queues: list[str] = []
        self._views: list[SavedView] = []
        self._anchor: tuple[str, int] | None = None
        self._reveal_after_sort = False
        self._ticks = 0
        self._remedies = _RemedyFinder(model, slicing, self)

        self.selector = QComboBox(self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.table = self._build_table()
        self.columns = self._build_fitter()
        """Sizes the columns (all but the subject) to what the table shows, deferred."""
        self._watch_widths()
        self.empty_state = EmptyState(self.table)
        self._data_note: str | None = None

        top = QHBoxLayout()
        top.addWidget(self.selector, 1)
        top.addWidget(self.search, 2)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(search_delay_ms)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self._follow_view_choices()
        self.table.activated.connect(self._on_activated)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_changed)
        self._reveal_selected_after_sorts()
        model.batch_about_to_apply.connect(self._save_anchor)
        model.batch_applied.connect(self._restore_anchor)
        model.queues_changed.connect(self._rebuild_views)
        model.tags_changed.connect(self._rebuild_views)
        proxy = self._proxy
        for signal in (
            proxy.rowsInserted,
            proxy.rowsRemoved,
            proxy.layoutChanged,
            proxy.modelReset,
            model.batch_applied,  # what would show tickets may have changed
            self._remedies.found,
        ):
            signal.connect(self._update_count)

        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(tick_ms)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start()

        self.retranslate()
        self._rebuild_views()

    # ------------------------------------------------------------------ public API
    @property
    def proxy(self) -> QueueFilterProxy:
        """The filter proxy between the model and the table."""
        return self._proxy

    def set_agent(self, agent_id: str | None, queues: list[str]) -> None:
        """Whose "My tickets" this is and which queues they work (always offered)."""
        if agent_id != self._agent_id or queues != self._agent_queues:
            self._agent_id = agent_id
            self._agent_queues = list(queues)
            self._rebuild_views()

    def saved_view_keys(self) -> list[str]:
        """The selector's views, by key, in order."""
        return [view.key for view in self._views]

    def set_saved_view(self, key: str) -> bool:
        """Select the saved view ``key``; False if there is none."""
        self._wanted_view = None
        for position, view in enumerate(self._views):
            if view.key == key:
                self.selector.setCurrentIndex(position)
                return True
        return False

    def focus_search(self) -> None:
        """Put the keyboard focus in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def focus_table(self) -> None:
        """Put the keyboard focus in the ticket table."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_current(self) -> bool:
        """Open the selected ticket (as Enter or a double-click does); False if none."""
        ticket_id = self.current_ticket_id()
        if ticket_id is None:
            return False
        self.ticket_activated.emit(ticket_id)
        return True

    def current_ticket_id(self) -> str | None:
        """The selected ticket, or ``None``."""
        current = self.table.selectionModel().currentIndex()
        if not current.isValid() or not self.table.selectionModel().isRowSelected(current.row()):
            return None
        value = current.data(ID_ROLE)
        return value if isinstance(value, str) else None

    def select_ticket(self, ticket_id: str) -> bool:
        """Select and show ``ticket_id``; False if the current view does not show it."""
        row = self._proxy.proxy_row_of(ticket_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def select_next(self) -> None:
        """Move the selection one row down (the first row if none), the focus to the table."""
        self._step(1)

    def select_previous(self) -> None:
        """Move the selection one row up (the first row if none), the focus to the table."""
        self._step(-1)

    def visible_ticket_ids(self) -> list[str]:
        """The ids of the rows currently on screen, top to bottom."""
        return [self._proxy.ticket_id(row) for row in self._visible_proxy_rows()]

    def top_ticket_id(self) -> str | None:
        """The ticket in the topmost visible row."""
        row = self.table.rowAt(0)
        return None if row < 0 else self._proxy.ticket_id(row)

    def column_layout(self) -> QueueLayout:
        """The columns shown or hidden from the header's menu, and the sort, to keep."""
        header = self.table.horizontalHeader()
        section = header.sortIndicatorSection()
        sorted_by = next((column for column in Column if column == section), None)  # -1: none
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return QueueLayout.of_choice(
            {Column(number).name for number in self._chosen_shown},
            {Column(number).name for number in self._chosen_hidden},
            hidden_by_default={column.name for column in HIDDEN_BY_DEFAULT},
            sort=None if sorted_by is None else SortChoice(sorted_by.name, descending=descending),
            view=self._wanted_view or self._proxy.saved_view.key,
        )

    def restore_column_layout(self, layout: QueueLayout) -> None:
        """Show, hide and sort the columns as ``layout`` has them (``QueueLayout.chosen_columns``).

        A column ``layout`` does not name keeps its default; a name no column has is ignored.
        """
        names = [column.name for column in Column if column is not Column.SUBJECT]
        shown, hidden = layout.chosen_columns(names, {column.name for column in HIDDEN_BY_DEFAULT})
        self._chosen_shown.clear()
        self._chosen_shown.update(Column[name] for name in shown)
        self._chosen_hidden.clear()
        self._chosen_hidden.update(Column[name] for name in hidden)
        header = self.table.horizontalHeader()
        for column in Column:
            header.setSectionHidden(column, column in self._chosen_hidden)  # the rest: by room
        sort = layout.sort_among([column.name for column in Column])
        if sort is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        else:
            order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
            self.table.sortByColumn(Column[sort.column], order)
        self.columns.fit()
        self.fit_subject()
        if layout.view is not None and not self.set_saved_view(layout.view):
            self._wanted_view = layout.view  # chosen once offered, unless the agent picks one

    def _follow_view_choices(self) -> None:
        """The selector applies its view; a view restored but not offered yet waits for it."""
        self._wanted_view = None
        self.selector.currentIndexChanged.connect(self._apply_view)
        self.selector.activated.connect(self._forget_wanted_view)  # the agent chose one

    def _forget_wanted_view(self) -> None:
        self._wanted_view = None

    def tick(self) -> None:
        """Once a second: announce SLAs that fell due, repaint the visible SLA cells."""
        self._ticks += 1
        self._model.check_deadlines()
        source_rows = [
            self._proxy.mapToSource(self._proxy.index(row, 0)).row()
            for row in self._visible_proxy_rows()
        ]
        self._model.refresh_sla(source_rows, with_age=self._ticks % AGE_REFRESH_TICKS == 0)
        self._model.refresh_colleagues()  # a presence that expired shows nobody any more
        if self._proxy.rowCount() == 0 and self._proxy.search_text:  # the note names a remedy
            self._remedies.recheck(self._proxy.saved_view, self._proxy.search_text)

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.search.setPlaceholderText(self.tr("Search this view (/)"))
        self.search.setAccessibleName(self.tr("Search the tickets of this view"))
        self.selector.setAccessibleName(self.tr("Saved view"))
        self.table.setAccessibleName(self.tr("Ticket queue"))
        self.count_label.setAccessibleName(self.tr("Tickets shown"))
        for position, view in enumerate(self._views):
            self.selector.setItemText(position, self._view_label(view))
        self._update_count()
        self.columns.request()  # the titles' widths

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ internals
    def _build_table(self) -> QueueTable:
        table = QueueTable(self)
        table.setHorizontalHeader(QueueHeader(Qt.Orientation.Horizontal, table))
        table.setModel(self._proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(24)
        header = table.horizontalHeader()
        # a header of our own starts unclickable (QTableView's own is made clickable): without
        # this a click on a title neither sorts nor shows the arrow
        header.setSectionsClickable(True)
        header.setStretchLastSection(False)
        for column in Column:
            header.setSectionHidden(column, column in HIDDEN_BY_DEFAULT)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorClearable(True)  # a third click: back to the default order
        table.setSortingEnabled(True)  # -1: the default order (queue_rows.order_key)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)  # the cell's tooltip has it all
        table.resized.connect(self.fit_subject)
        header.sectionResized.connect(self._on_section_resized)
        return table

    def _build_fitter(self) -> ColumnFitter:
        # the header menu's choice: hidden whatever the room, or shown whatever the room
        self._chosen_hidden: set[int] = set(HIDDEN_BY_DEFAULT)
        self._chosen_shown: set[int] = set()
        self._fitting = False
        return ColumnFitter(
            self.table,
            (c for c in Column if c is not Column.SUBJECT),
            also_hidden=lambda column: column not in self._chosen_hidden,  # may come back
            parent=self,
        )

    def _watch_widths(self) -> None:
        """Ask for a column fit whenever what the table shows may have changed width.

        A change to cells off screen asks for none (a fit measures the rows on screen).
        """
        request = self.columns.request
        proxy = self._proxy
        self.columns.fitted.connect(self.fit_subject)  # a column may go or come back
        self.table.shown_cells_changed.connect(request)
        for signal in (
            proxy.rowsInserted,
            proxy.rowsRemoved,
            proxy.rowsMoved,
            proxy.layoutChanged,
            proxy.modelReset,
        ):
            signal.connect(request)
        self.table.verticalScrollBar().valueChanged.connect(request)
        self.table.resized.connect(request)
        self.table.horizontalHeader().sortIndicatorChanged.connect(request)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Fit the columns once shown (a hidden table is not measured)."""
        super().showEvent(event)
        self.columns.fit()
        self.columns.request()  # again once the layout has settled

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column != Column.SUBJECT and not self.columns.fitting:  # a fit ends with ``fitted``
            self.fit_subject()

    def fit_subject(self) -> None:
        """Give the subject the room the other columns leave, but never less than a minimum.

        Every other column is as wide as its content. When the queue is too
        narrow for them all and a subject of about ``SUBJECT_MIN_CHARS``
        characters, columns of ``DROP_ORDER`` are left out (those with nothing
        on screen first) and come back once there is room; only when that is
        not enough does the table scroll sideways. A column hidden or shown
        from the header's menu stays so. Widths are those of the last fit
        (``ColumnFitter.widths``, measured for hidden columns too): a column
        shown again has its width at once, not Qt's default.
        """
        if self._fitting:
            return
        self._fitting = True
        try:
            self._fit_subject()
        finally:
            self._fitting = False

    def subject_minimum(self) -> int:
        """The subject column's narrowest width (about ``SUBJECT_MIN_CHARS`` characters)."""
        sample = SUBJECT_SAMPLE[:SUBJECT_MIN_CHARS] + "…"
        return self.table.fontMetrics().horizontalAdvance(sample) + SUBJECT_PADDING

    def _fit_subject(self) -> None:
        header = self.table.horizontalHeader()
        measured = self.columns.widths
        widths: dict[int, int] = {}
        for column in Column:
            if column is Column.SUBJECT or column in self._chosen_hidden:
                continue
            if column in measured:  # shown or not: its width at the last fit
                widths[column] = measured[column]
            elif not header.isSectionHidden(column):  # not fitted yet
                widths[column] = header.sectionSize(column)
        empty = {column for column in widths if self._empty_on_screen(column)}
        minimum = self.subject_minimum()
        viewport = self.table.viewport().width()
        order = [column for column in DROP_ORDER if column not in self._chosen_shown]
        dropped = dropped_columns(widths, empty, order, viewport - minimum)
        for number, width in widths.items():
            if header.isSectionHidden(number) != (number in dropped):
                header.setSectionHidden(number, number in dropped)
                if number not in dropped:  # back, as wide as it measured
                    header.resizeSection(number, width)
        others = sum(width for column, width in widths.items() if column not in dropped)
        header.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(Column.SUBJECT, max(minimum, viewport - others))

    def _empty_on_screen(self, column: int) -> bool:
        """Whether no row on screen has text in ``column``."""
        proxy = self._proxy
        return not any(
            proxy.index(row, column).data(Qt.ItemDataRole.DisplayRole)
            for row in self._visible_proxy_rows()
        )

    def _column_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column in Column:
            if column is Column.SUBJECT:
                continue
            title = self._model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(
                lambda shown, number=column: self._show_column(number, shown=shown)
            )
        menu.popup(header.mapToGlobal(position))

    def _show_column(self, column: int, *, shown: bool) -> None:
        """Show or hide ``column`` as the user chose, whatever the room (kept until changed)."""
        (self._chosen_shown if shown else self._chosen_hidden).add(column)
        (self._chosen_hidden if shown else self._chosen_shown).discard(column)
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        self.columns.fit()  # measured now: the subject gives it room or it scrolls
        self.fit_subject()

    def _view_label(self, view: SavedView) -> str:
        labels = {
            ViewKind.MINE: self.tr("My tickets"),
            ViewKind.UNASSIGNED: self.tr("Unassigned"),
            ViewKind.BREACHED: self.tr("Breached"),
            ViewKind.ALL_OPEN: self.tr("All open"),
        }
        if view.kind is ViewKind.QUEUE:
            return self.tr("Queue: %1").replace("%1", queue_label(view.queue or ""))
        if view.kind is ViewKind.TAG:
            return self.tr("Tag: %1").replace("%1", view.tag or "")
        return labels[view.kind]

    def _rebuild_views(self) -> None:
        current = self._wanted_view or self._proxy.saved_view.key
        queues = {*self._agent_queues, *self._model.queues()}
        views = saved_views(self._agent_id, queues, self._model.tags())
        if [v.key for v in views] == [v.key for v in self._views] and views == self._views:
            return
        self._views = views
        self.selector.blockSignals(True)
        try:
            self.selector.clear()
            for view in views:
                self.selector.addItem(self._view_label(view), view.key)
            keys = [v.key for v in views]
            if current == self._wanted_view and current in keys:
                self._wanted_view = None  # offered at last: chosen below
            elif current == self._wanted_view:
                current = self._proxy.saved_view.key  # meanwhile, the view shown stays
            self.selector.setCurrentIndex(keys.index(current) if current in keys else len(keys) - 1)
        finally:
            self.selector.blockSignals(False)
        self._apply_view(self.selector.currentIndex())

    def _apply_view(self, position: int) -> None:
        if 0 <= position < len(self._views):
            self._proxy.set_saved_view(self._views[position])
            self._update_count()

    def _apply_search(self) -> None:
        self._proxy.set_search_text(self.search.text())
        self._update_count()

    def set_data_note(self, note: str | None) -> None:
        """Why there may be no data (waiting for the bridge, Kafka down); ``None``: data flows."""
        self._data_note = note
        self._update_count()

    def _update_count(self) -> None:
        shown = self._proxy.rowCount()
        self.count_label.setText(self.tr("%n ticket(s)", "", shown))
        if shown == 0:  # the note is shown only then (and its remedy reads every row)
            self.empty_state.set_text(self._empty_text())

    def _empty_text(self) -> str:
        """What the empty table says: why there is nothing, and what would show tickets."""
        position = self.selector.currentIndex()
        view = self._view_label(self._views[position]) if 0 <= position < len(self._views) else ""
        search = self._proxy.search_text.strip()
        if self._model.rowCount() == 0:
            return self._data_note or self.tr("No tickets yet.")
        if not search:
            return self.tr("No tickets in “%1”.").replace("%1", view)
        texts = {
            Remedy.ALL_OPEN: self.tr(
                "No tickets in “%1” match “%2”. Search covers only the current view: "
                "choose All open to search every open ticket."
            ),
            Remedy.CLEAR_SEARCH: self.tr(
                "No tickets in “%1” match “%2”. Clear the search to see every ticket of this view."
            ),
            Remedy.NONE: self.tr("No tickets in “%1” match “%2”."),
        }
        remedy = self._remedies.remedy(self._proxy.saved_view, search)
        typed = self.search.text().strip()  # as the agent wrote it (the search is folded)
        quoted = typed if folded(typed) == search else search
        return texts[remedy].replace("%1", view).replace("%2", one_line(quoted, 80))

    def _visible_proxy_rows(self) -> range:
        count = self._proxy.rowCount()
        if count == 0:
            return range(0)
        first = self.table.rowAt(0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        first = max(first, 0)
        last = count - 1 if last < 0 else last
        return range(first, last + 1)

    def _step(self, delta: int) -> None:
        # J and K work from anywhere: with the focus left on the view selector or a button,
        # Enter would be theirs (the keyboard model leaves it to them) instead of opening
        self.focus_table()
        count = self._proxy.rowCount()
        if count == 0:
            return
        selection = self.table.selectionModel()
        current = selection.currentIndex()
        if not current.isValid():
            row = 0
        elif not selection.isRowSelected(current.row()):
            row = current.row()  # a focus cursor without a selection: select where it is
        else:
            row = max(0, min(count - 1, current.row() + delta))
        self._select_row(row)

    def _select_row(self, row: int) -> None:
        index = self._proxy.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _reveal_selected_after_sorts(self) -> None:
        # after the table's own slot, which asks the proxy to sort
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_changed)
        self._proxy.settled.connect(self._reveal_selected)

    def _on_sort_changed(self, _column: int, _order: Qt.SortOrder) -> None:
        self._reveal_after_sort = True
        self._reveal_selected()  # a small queue is sorted already

    def _reveal_selected(self) -> None:
        """Once a new sort order is shown, scroll the selected ticket into view.

        As in a mail client: the ticket the agent was on stays under their eyes
        wherever the order puts it (only after a sort: a filter or a delta keeps
        the scroll position, see ``_restore_anchor``).
        """
        if not self._reveal_after_sort or self._proxy.pending:
            return
        self._reveal_after_sort = False
        selection = self.table.selectionModel()
        current = selection.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row()):
            self.table.scrollTo(current)

    def _on_activated(self, index: QModelIndex) -> None:
        value = index.data(ID_ROLE)
        if isinstance(value, str):
            self.ticket_activated.emit(value)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = current.data(ID_ROLE) if current.isValid() else None
        self.current_ticket_changed.emit(value if isinstance(value, str) else "")

    def _save_anchor(self) -> None:
        row = self.table.rowAt(0)
        if row < 0 or self.table.verticalScrollBar().value() == 0:
            self._anchor = None  # at the top: stay at the top, show what arrives
            return
        self._anchor = (self._proxy.ticket_id(row), row)

    def _restore_anchor(self) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        ticket_id, old_row = anchor
        row = self._proxy.proxy_row_of(ticket_id)
        if row is None or row == old_row:
            return
        bar = self.table.verticalScrollBar()
        bar.setMaximum(max(bar.maximum(), self._proxy.rowCount()))
        bar.setValue(row)
