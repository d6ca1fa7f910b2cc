"""The queue's proxy: a saved view plus a text search, sorted by a header click.

A thin model over a plain-Python index (``ShownRows``): the ticket ids the
view and the search accept, kept sorted by a key. A filter change or a sort
computes the new rows in one plain-Python pass over the rows' cached data
(``SavedView.predicate``, the cached lowercased search text, ``SORT_KEYS``)
and hands them to the table as one layout change (selection and current row
follow their tickets); a search that extends the previous one only narrows
the rows shown. Source changes become inserts, removals, row moves and
``dataChanged`` for exactly the rows they touch. Qt's ``QSortFilterProxyModel``
called back into Python for every row and, to sort, for every comparison:
136-175 ms a filter change and over a second a sort click at 50,000 tickets
(docs/CONSOLE.md "Never a long stall").

Unsorted (sort column -1) it keeps the source's default order (what needs the
agent first, ``queue_rows.order_key``); a header click sorts by the column's
``SORT_KEYS`` value (ascending or descending), ties in the default order.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from console.models.ticket_queue_model import SORT_KEYS, Column
from console.viewstate.saved_views import SavedView, ViewKind, matches_search
from console.viewstate.shown_rows import Descending, ShownRows, SortKey, runs

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from console.models.ticket_queue_model import TicketQueueModel
    from console.viewstate.queue_rows import QueueRow

_Index = QModelIndex | QPersistentModelIndex
_ASCENDING = Qt.SortOrder.AscendingOrder
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)


class QueueFilterProxy(QAbstractProxyModel):
    """Shows the rows of one saved view that match the search text, in the chosen order."""

    def __init__(self, source: TicketQueueModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._view = SavedView(ViewKind.ALL_OPEN)
        self._needle = ""
        self._column = -1
        self._order = _ASCENDING
        self._rows = ShownRows()
        self.setSourceModel(source)
        source.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed)
        source.rowsInserted.connect(self._on_rows_inserted)
        source.rowsMoved.connect(self._on_rows_moved)
        source.dataChanged.connect(self._on_data_changed)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._on_model_reset)
        source.layoutChanged.connect(self._refilter)
        self._rows.replace(self._ordered(source.ticket_ids()))

    # ------------------------------------------------------------------ filter and sort
    @property
    def saved_view(self) -> SavedView:
        """The view currently applied."""
        return self._view

    @property
    def search_text(self) -> str:
        """The search text currently applied (trimmed, case-folded)."""
        return self._needle

    @property
    def sort_column(self) -> int:
        """The column the rows are sorted by (-1: the default order)."""
        return self._column

    @property
    def sort_order(self) -> Qt.SortOrder:
        """Ascending or descending."""
        return self._order

    def set_saved_view(self, view: SavedView) -> None:
        """Show only the rows ``view`` accepts."""
        if view != self._view:
            self._view = view
            self._refilter()

    def set_search_text(self, text: str) -> None:
        """Show only rows whose id, subject, customer, order, assignee, queue or tags contain it."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        narrowing = needle.startswith(self._needle)
        self._needle = needle
        if narrowing:  # only rows shown now can match a longer search: keep their order
            self._relayout(self._narrowed())
        else:
            self._refilter()

    def sort(self, column: int, order: Qt.SortOrder = _ASCENDING) -> None:
        """Sort by ``column`` (its ``SORT_KEYS`` value; -1: the default order)."""
        column = column if 0 <= column < len(Column) else -1
        order = order if column >= 0 else _ASCENDING
        if (column, order) == (self._column, self._order):
            return
        self._column, self._order = column, order
        shown = self._rows
        ids = [t for t in self._source.ticket_ids() if t in shown]
        self._relayout(self._keyed(ids, self._source.queue_rows_of(ids) if column >= 0 else []))

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

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The source's column titles; rows are numbered."""
        if orientation is Qt.Orientation.Horizontal:
            return self._source.headerData(section, orientation, role)
        return section + 1 if role == Qt.ItemDataRole.DisplayRole else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The source's data of the cell, read by row (no source index built for each cell)."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._source.row_of(self._rows.id_at(index.row()))
        return None if row is None else self._source.cell_data(row, index.column(), role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """A cell's flags: the source's (a plain table's: selectable, enabled, no children)."""
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

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
    def _accepts(self) -> Callable[[QueueRow], bool]:
        test = self._view.predicate(self._source.now())
        needle = self._needle
        if not needle:
            return test
        return lambda row: matches_search(row, needle) and test(row)

    def _key_function(self) -> Callable[[str, QueueRow], SortKey]:
        order_key = self._source.order_key_of
        if self._column < 0:
            return lambda tid, _row: order_key(tid)
        value = SORT_KEYS[Column(self._column)]
        if self._order == _ASCENDING:
            return lambda tid, row: (value(row), order_key(tid))
        return lambda tid, row: (Descending(value(row)), order_key(tid))

    def _keyed(self, ids: Sequence[str], rows: Sequence[QueueRow]) -> list[tuple[SortKey, str]]:
        """``ids`` (default order; ``rows``: their data, if by a column) keyed and sorted."""
        keys = self._source.order_keys()
        if self._column < 0:
            return [(keys[tid], tid) for tid in ids]
        value = SORT_KEYS[Column(self._column)]
        valued = [(value(row), tid) for tid, row in zip(ids, rows, strict=True)]
        descending = self._order != _ASCENDING
        # by the plain value alone: a stable sort (reversed too) keeps the default order on ties
        valued.sort(key=itemgetter(0), reverse=descending)
        if descending:
            return [((Descending(v), keys[tid]), tid) for v, tid in valued]
        return [((v, keys[tid]), tid) for v, tid in valued]

    def _ordered(self, ids: Sequence[str]) -> list[tuple[SortKey, str]]:
        """The ones of ``ids`` (in the default order) the filter accepts, keyed and sorted."""
        accepts = self._accepts()
        rows = self._source.queue_rows_of(ids)
        kept = [tid for tid, row in zip(ids, rows, strict=True) if accepts(row)]
        return self._keyed(kept, self._source.queue_rows_of(kept) if self._column >= 0 else [])

    def _narrowed(self) -> list[tuple[SortKey, str]]:
        """The rows shown that match the (longer) search text; the view holds them already."""
        needle = self._needle
        items = self._rows.items()
        rows = self._source.queue_rows_of(tid for _, tid in items)
        return [item for item, row in zip(items, rows, strict=True) if needle in row.search_text]

    def _refilter(self) -> None:
        self._relayout(self._ordered(self._source.ticket_ids()))

    def _relayout(self, ordered: list[tuple[SortKey, str]]) -> None:
        """Show exactly ``ordered``; persistent indexes (selection, current) follow their ids."""
        if len(ordered) == len(self._rows) and [tid for _, tid in ordered] == self._rows.ids():
            self._rows.replace(ordered)  # the same rows in the same order: nothing to redraw
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        held = [(self.ticket_id(index.row()), index.column()) for index in old]
        self._rows.replace(ordered)
        new = []
        for tid, column in held:
            row = self.proxy_row_of(tid)
            new.append(QModelIndex() if row is None else self.index(row, column))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ source changes
    def _source_ids(self, first: int, last: int) -> list[str]:
        return [self._source.ticket_id(row) for row in range(first, last + 1)]

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._drop(self._source_ids(first, last))

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._take(self._source_ids(first, last))

    def _on_rows_moved(
        self, parent: QModelIndex, start: int, end: int, _destination: QModelIndex, row: int
    ) -> None:
        if parent.isValid():
            return
        count = end - start + 1
        first = row - count if row > end else row
        self._reevaluate(self._source_ids(first, first + count - 1), 0, len(Column) - 1, [])

    def _on_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        ids = self._source_ids(top_left.row(), bottom_right.row())
        self._reevaluate(ids, top_left.column(), bottom_right.column(), list(roles))

    def _on_model_reset(self) -> None:
        self._rows.replace(self._ordered(self._source.ticket_ids()))
        self.endResetModel()

    def _drop(self, ids: list[str]) -> None:
        positions = [p for p in map(self._rows.position, ids) if p is not None]
        for low, high in reversed(runs(positions)):
            self.beginRemoveRows(QModelIndex(), low, high)
            self._rows.delete(low, high)
            self.endRemoveRows()

    def _take(self, ids: list[str]) -> None:
        accepts = self._accepts()
        key = self._key_function()
        row_of = self._source.queue_row_of
        shown = self._rows
        entering = sorted(
            (key(tid, row), tid) for tid in ids if tid not in shown and accepts(row := row_of(tid))
        )
        groups: list[tuple[int, list[SortKey], list[str]]] = []
        for item_key, tid in entering:
            position = shown.insertion_point(item_key)
            if groups and groups[-1][0] == position:
                groups[-1][1].append(item_key)
                groups[-1][2].append(tid)
            else:
                groups.append((position, [item_key], [tid]))
        inserted = 0
        for position, keys, group in groups:
            at = position + inserted
            self.beginInsertRows(QModelIndex(), at, at + len(group) - 1)
            shown.insert(at, keys, group)
            self.endInsertRows()
            inserted += len(group)

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
        for first, last in runs(rows):
            self.dataChanged.emit(self.index(first, left), self.index(last, right), roles)
