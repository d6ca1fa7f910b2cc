"""The queue's proxy: a saved view plus a text search, sorted by a header click.

A thin model over a plain-Python index (``ShownRows``): the ticket ids the
view and the search accept, kept sorted by a key. A filter change or a sort
computes the new rows as a ``ShownRowsJob`` (``shown_rows_job.py``): bounded
steps over the rows' cached data (``SavedView.predicate``, the cached
lowercased search text, the model's ``sort_key``), as many per turn of the event loop as
fit ``Slicing.budget_ms``, so a change at 100,000 tickets never blocks the
loop for long; the table shows the old rows until the job is done, then the
new ones as one layout change (selection and current row follow their
tickets; ``settled`` is emitted). A newer change drops the job in progress
and starts from the rows shown; a search that extends the one shown only
narrows them. Source changes meanwhile apply to the rows shown (as ever) and
are handed to the job, which tests them again before it is done. Source
changes become inserts, removals, row moves and ``dataChanged`` for exactly
the rows they touch. Qt's ``QSortFilterProxyModel`` called back into Python
for every row and, to sort, for every comparison: 136-175 ms a filter change
and over a second a sort click at 50,000 tickets (docs/CONSOLE.md, "Filtering
and sorting the queue").

Unsorted (sort column -1) it keeps the source's default order (what needs the
agent first, ``queue_rows.order_key``); a header click sorts by the column's
``sort_key`` value (ascending or descending), ties in the default order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from console.models.ticket_queue_model import Column
from console.viewstate.folding import folded
from console.viewstate.saved_views import SavedView, ViewKind
from console.viewstate.shown_rows import ShownRows, SortKey, runs
from console.viewstate.shown_rows_job import CHUNK_ROWS, RowOrder, ShownRowsJob

if TYPE_CHECKING:
    from collections.abc import Callable

    from console.models.ticket_queue_model import TicketQueueModel
    from console.viewstate.queue_rows import QueueRow

_Index = QModelIndex | QPersistentModelIndex
MAX_CHANGED_RUNS = 256
"""Changed rows in more runs than this are announced as one span (each signal costs a call)."""
_ASCENDING = Qt.SortOrder.AscendingOrder
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)


@dataclass(frozen=True)
class Slicing:
    """How a filter or sort is spread over turns of the event loop."""

    budget_ms: float = 8.0
    """Work per turn: steps run until this much time has passed (at least ``min_rows``)."""
    min_rows: int = 4096
    """Rows a turn handles whatever the time: a smaller change is done at once."""
    chunk_rows: int = CHUNK_ROWS
    """Rows per step (``ShownRowsJob``)."""


SLICING = Slicing()
_SHED_CHUNKS = 4
"""Rows no longer shown are freed this many chunks a step."""


@dataclass(frozen=True)
class _Filter:
    """What the rows shown are: a saved view, a search (trimmed, folded), an order."""

    view: SavedView
    needle: str
    column: int
    order: Qt.SortOrder

    def narrows(self, shown: _Filter) -> bool:
        """Whether only rows ``shown`` holds can pass this one (a longer search, same order)."""
        return (
            self.view == shown.view
            and (self.column, self.order) == (shown.column, shown.order)
            and self.needle.startswith(shown.needle)
        )


class QueueFilterProxy(QAbstractProxyModel):
    """Shows the rows of one saved view that match the search text, in the chosen order."""

    settled = Signal()
    """The rows shown are those of the view, search and order asked for last."""

    def __init__(
        self,
        source: TicketQueueModel,
        parent: QObject | None = None,
        *,
        slicing: Slicing = SLICING,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._slicing = slicing
        self._wanted = _Filter(SavedView(ViewKind.ALL_OPEN), "", -1, _ASCENDING)
        self._shown = self._wanted
        self._job: ShownRowsJob | None = None
        self._retired: list[ShownRows] = []  # rows no longer shown, freed a piece a turn
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self.advance)
        self.setSourceModel(source)
        source.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed)
        source.rowsInserted.connect(self._on_rows_inserted)
        source.rowsMoved.connect(self._on_rows_moved)
        source.dataChanged.connect(self._on_data_changed)
        source.tickets_changed.connect(self._on_tickets_changed)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._on_model_reset)
        source.layoutChanged.connect(self._on_layout_changed)
        self._rows = self._computed_now(self._wanted)

    # ------------------------------------------------------------------ filter and sort
    @property
    def saved_view(self) -> SavedView:
        """The view asked for (shown once ``pending`` is over)."""
        return self._wanted.view

    @property
    def search_text(self) -> str:
        """The search text asked for (trimmed, without case and accents: ``folding.folded``)."""
        return self._wanted.needle

    @property
    def sort_column(self) -> int:
        """The column the rows are sorted by (-1: the default order)."""
        return self._wanted.column

    @property
    def sort_order(self) -> Qt.SortOrder:
        """Ascending or descending."""
        return self._wanted.order

    @property
    def pending(self) -> bool:
        """Whether a filter or sort is still being computed (the old rows are shown)."""
        return self._job is not None

    def set_saved_view(self, view: SavedView) -> None:
        """Show only the rows ``view`` accepts."""
        if view != self._wanted.view:
            self._want(replace(self._wanted, view=view))

    def set_search_text(self, text: str) -> None:
        """Show only rows whose id, subject, customer, order, assignee, queue or tags contain it.

        Case and accents aside: "sofia" finds "Sofía".
        """
        needle = folded(text.strip())
        if needle != self._wanted.needle:
            self._want(replace(self._wanted, needle=needle))

    def sort(self, column: int, order: Qt.SortOrder = _ASCENDING) -> None:
        """Sort by ``column`` (the model's ``sort_key``; -1: the default order)."""
        column = column if 0 <= column < len(Column) else -1
        order = order if column >= 0 else _ASCENDING
        if (column, order) != (self._wanted.column, self._wanted.order):
            self._want(replace(self._wanted, column=column, order=order))

    def advance(self) -> None:
        """Do this turn's share of the change in progress; show its rows once done.

        The proxy schedules it (a zero timer) until the job is done; calling it
        runs a turn at once.
        """
        slicing = self._slicing
        deadline = time.perf_counter() + slicing.budget_ms / 1000
        job = self._job
        if job is not None:
            handled = 0
            while not job.done:
                handled += job.step()
                if handled >= slicing.min_rows and time.perf_counter() >= deadline:
                    self._turn.start()
                    return
            self._job = None
            self._show(job.result(), self._wanted)
        retired = self._retired
        while retired and time.perf_counter() < deadline:
            if retired[-1].shed(slicing.chunk_rows * _SHED_CHUNKS):
                retired.pop()
        if retired:
            self._turn.start()

    # ------------------------------------------------------------------ lookups
    def ticket_id(self, proxy_row: int) -> str:
        """The ticket id at ``proxy_row``."""
        return self._rows.id_at(proxy_row)

    def proxy_row_of(self, ticket_id: str) -> int | None:
        """The row of ``ticket_id`` in this proxy, or ``None`` if filtered out or unknown."""
        return self._rows.position(ticket_id)

    # ------------------------------------------------------------------ Qt model interface
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """The index at ``row``, ``column`` (a table: no children)."""
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(Column)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, _child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """No row has a parent."""
        return QModelIndex()

    def sibling(self, row: int, column: int, _index: _Index) -> QModelIndex:
        """Another cell of the table."""
        return self.index(row, column)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        """Only the root has rows."""
        return not parent.isValid() and len(self._rows) > 0

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """The rows shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """The source's columns."""
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The source's data for the ticket at this row (asked by ticket id, no row lookup)."""
        row = index.row()
        if not index.isValid() or row >= len(self._rows):
            return None
        return self._source.cell(self._rows.id_at(row), index.column(), role)

    def multiData(  # noqa: N802
        self, index: _Index, roles: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Every role a view asks for at once, from the source (one call per cell from Qt)."""
        row = index.row()
        if index.isValid() and row < len(self._rows):
            self._source.fill_cell(self._rows.id_at(row), index.column(), roles)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Every cell is enabled and selectable, as in the source (and has no children)."""
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The source's column titles; rows are numbered."""
        if orientation is Qt.Orientation.Horizontal:
            return self._source.headerData(section, orientation, role)
        return section + 1 if role == Qt.ItemDataRole.DisplayRole else None

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:  # noqa: N802
        """The source cell of ``proxy_index``."""
        if not proxy_index.isValid() or proxy_index.row() >= len(self._rows):
            return QModelIndex()
        row = self._source.row_of(self.ticket_id(proxy_index.row()))
        return QModelIndex() if row is None else self._source.index(row, proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:  # noqa: N802
        """The proxy cell of ``source_index`` (invalid if filtered out)."""
        if not source_index.isValid():
            return QModelIndex()
        row = self.proxy_row_of(self._source.ticket_id(source_index.row()))
        return QModelIndex() if row is None else self.index(row, source_index.column())

    # ------------------------------------------------------------------ computing rows
    def _accepts(self, wanted: _Filter | None = None) -> Callable[[QueueRow], bool]:
        """The test of ``wanted`` (the filter shown by default) as of now."""
        spec = wanted or self._shown
        test = spec.view.predicate(self._source.now())
        needle = spec.needle
        if not needle:
            return test
        # matches_search's rule, the needle folded once
        return lambda row: needle in row.search_text and test(row)

    def _row_order(self, spec: _Filter) -> RowOrder:
        if spec.column < 0:
            return RowOrder()
        return RowOrder(self._source.sort_key(spec.column), spec.order != _ASCENDING)

    def _key_function(self) -> Callable[[str, QueueRow], SortKey]:
        """The key a row of the filter shown is held under."""
        order_key = self._source.order_key_of
        key = self._row_order(self._shown).key
        return lambda tid, row: key(row, order_key(tid))

    def _job_for(self, wanted: _Filter, *, narrowing: bool) -> ShownRowsJob:
        chunk = self._slicing.chunk_rows
        accepts = partial(self._accepts, wanted)  # built afresh for each step: "now" moves
        if narrowing:
            return ShownRowsJob.narrow(self._source, self._rows, accepts, chunk=chunk)
        order = self._row_order(wanted)
        return ShownRowsJob.refilter(self._source, accepts, order, chunk=chunk)

    def _computed_now(self, wanted: _Filter) -> ShownRows:
        """The rows of ``wanted``, computed in one go (a reset, the first rows)."""
        self._job = None
        self._shown = wanted
        job = self._job_for(wanted, narrowing=False)
        while not job.done:
            job.step()
        return job.result()

    def _want(self, wanted: _Filter) -> None:
        """Show ``wanted``: compute it over the next turns (a job in progress is dropped)."""
        self._wanted = wanted
        self._turn.stop()
        if wanted == self._shown:  # back to what is shown: nothing to compute
            self._job = None
            self.settled.emit()
            return
        self._job = self._job_for(wanted, narrowing=wanted.narrows(self._shown))
        self.advance()

    def _show(self, rows: ShownRows, shown: _Filter) -> None:
        """Show exactly ``rows``; persistent indexes (selection, current) follow their ids."""
        self._shown = shown
        self._retired.append(self._rows)
        self._turn.start()
        if rows.same_ids(self._rows):  # the same rows in the same order: nothing to redraw
            self._rows = rows
            self.settled.emit()
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        held = [(self.ticket_id(index.row()), index.column()) for index in old]
        self._rows = rows
        new = []
        for tid, column in held:
            row = self.proxy_row_of(tid)
            new.append(QModelIndex() if row is None else self.index(row, column))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
        self.settled.emit()

    # ------------------------------------------------------------------ source changes
    def _source_ids(self, first: int, last: int) -> list[str]:
        return self._source.ticket_ids_in(first, last)

    def _touch(self, ids: list[str]) -> list[str]:
        """Hand changed ``ids`` to the job in progress (it tests them again); return them."""
        if self._job is not None:
            self._job.touch(ids)
        return ids

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._drop(self._touch(self._source_ids(first, last)))

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._take(self._touch(self._source_ids(first, last)))

    def _on_rows_moved(
        self, parent: QModelIndex, start: int, end: int, _destination: QModelIndex, row: int
    ) -> None:
        if parent.isValid():
            return
        count = end - start + 1
        first = row - count if row > end else row
        ids = self._touch(self._source_ids(first, first + count - 1))
        self._reevaluate(ids, 0, len(Column) - 1, [])

    def _on_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        if self._source.announcing:  # _on_tickets_changed took them, all at once
            return
        ids = self._touch(self._source_ids(top_left.row(), bottom_right.row()))
        self._reevaluate(ids, top_left.column(), bottom_right.column(), list(roles))

    def _on_tickets_changed(self, ticket_ids: list[str]) -> None:
        self._reevaluate(self._touch(ticket_ids), 0, len(Column) - 1, [])

    def _on_model_reset(self) -> None:
        self._rows = self._computed_now(self._wanted)
        self.endResetModel()
        self.settled.emit()

    def _on_layout_changed(self) -> None:
        """The source's rows moved at will: show the rows asked for, computed now."""
        self._show(self._computed_now(self._wanted), self._wanted)

    def _drop(self, ids: list[str]) -> None:
        positions = [p for p in map(self._rows.position, ids) if p is not None]
        for low, high in reversed(runs(positions)):
            self.beginRemoveRows(QModelIndex(), low, high)
            self._rows.delete(low, high)
            self.endRemoveRows()

    def _take(self, ids: list[str]) -> None:
        """Show the rows of ``ids`` (not shown yet) that the filter accepts, a run at a time."""
        shown = self._rows
        fresh = [tid for tid in ids if tid not in shown]
        if not fresh:
            return
        accepts = self._accepts()
        order_keys = self._source.order_keys()
        order = self._row_order(self._shown)
        rows = zip(fresh, self._source.queue_rows_of(fresh), strict=True)
        entering: list[tuple[SortKey, str]]
        if order.value is None:  # the default order: a row's key is its order key
            entering = [(order_keys[tid], tid) for tid, row in rows if accepts(row)]
        else:
            key = order.key
            entering = [(key(row, order_keys[tid]), tid) for tid, row in rows if accepts(row)]
        entering.sort()
        inserted = 0
        for position, count in shown.insertion_runs([key for key, _ in entering]):
            at = position + inserted
            part = entering[inserted : inserted + count]
            self.beginInsertRows(QModelIndex(), at, at + count - 1)
            shown.insert(at, [key for key, _ in part], [tid for _, tid in part])
            self.endInsertRows()
            inserted += count

    def _move(self, tid: str, key: SortKey) -> None:
        old, new = self._rows.destination(tid, key)
        if old == new:
            self._rows.move(tid, key)  # same place: the order holds with the new key
            return
        destination = new if new < old else new + 1
        self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), destination)
        self._rows.move(tid, key)
        self.endMoveRows()

    def _reevaluate(self, ids: list[str], left: int, right: int, roles: list[int]) -> None:
        """Rows of ``ids`` changed: they enter, leave, move or repaint."""
        accepts = self._accepts()
        key = self._key_function()
        row_of = self._source.queue_row_of
        shown = self._rows
        leaving: list[str] = []
        entering: list[str] = []
        staying: list[tuple[str, SortKey]] = []
        for tid in ids:
            row = row_of(tid)
            wanted = accepts(row)
            if tid in shown:
                if wanted:
                    staying.append((tid, key(tid, row)))
                else:
                    leaving.append(tid)
            elif wanted:
                entering.append(tid)
        self._drop(leaving)
        for tid, new_key in staying:
            if new_key != shown.key_of(tid):
                self._move(tid, new_key)
        self._take(entering)
        rows = [p for tid, _ in staying if (p := shown.position(tid)) is not None]
        self._announce_rows(rows, left, right, roles)

    def _announce_rows(self, rows: list[int], left: int, right: int, roles: list[int]) -> None:
        """``dataChanged`` for each run of ``rows``, or once over their span when they are many.

        A view repaints the rows a signal names that are on screen: one signal
        over scattered rows would repaint every row between them, the whole
        table, for a change to one row on screen.
        """
        if not rows:
            return
        grouped = runs(rows)
        if len(grouped) > MAX_CHANGED_RUNS:
            grouped = [(grouped[0][0], grouped[-1][1])]
        for top, bottom in grouped:
            self.dataChanged.emit(self.index(top, left), self.index(bottom, right), roles)
