"""The ticket queue as a table: a thin Qt adapter over the view store.

Like Anki's browser table, the model holds only ticket ids (in the queue's
default order, ``queue_rows.order_key``: unanswered first, breached and due
soonest on top, then priority) beside their sorted order keys, so a ticket's
row is a binary search (no id -> row index to rebuild when rows move); row data
is built lazily from the store and cached until the ticket changes. Store updates
become ``dataChanged`` / ``beginInsertRows`` / ``beginRemoveRows`` for exactly
the rows touched, never a reset, so selections and scroll positions survive.
The SLA column ticks through ``dataChanged`` on that column for the rows the
view shows (``refresh_sla``); a ticket whose SLA falls due gets a whole-row
``dataChanged`` so filters such as "Breached" see it (``check_deadlines``).
"""

from __future__ import annotations

import bisect
import enum
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import msgspec
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from console import colleague_text
from console.labels import (
    channel_label,
    plain_tooltip,
    priority_label,
    queue_label,
    status_label,
)
from console.models.roles import ID_ROLE, SLA_STATE_ROLE, SORT_ROLE, role_entries
from console.viewstate.bounded import one_line
from console.viewstate.colleagues import Colleague, colleagues_by_ticket
from console.viewstate.folding import sort_text
from console.viewstate.queue_rows import (
    OrderKey,
    QueueRow,
    SlaState,
    crossed_due,
    due_minute,
    format_countdown,
    keyed_queue_row,
    order_key,
    queue_row,
    sla,
)
from console.viewstate.shown_rows import insertion_runs

if TYPE_CHECKING:
    from bridge.wire.entities import Ticket
    from console.viewstate.seen import SeenTracker
    from console.viewstate.store import StoreUpdate, ViewStore
    from console.viewstate.times import Clock

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_MINUTE = 60
_HOUR_MINUTES = 60
_DAY_HOURS = 24


class Column(enum.IntEnum):
    """The queue's columns, in display order."""

    PRIORITY = 0
    SLA = 1
    SUBJECT = 2
    TAGS = 3
    CUSTOMER = 4
    QUEUE = 5
    STATUS = 6
    ASSIGNEE = 7
    OTHERS = 8  # who else has it open or is writing in it (contract 1.1 presence)
    AGE = 9
    CHANNEL = 10
    UNREAD = 11


ELIDED_COLUMNS = frozenset({Column.SUBJECT, Column.CUSTOMER, Column.ASSIGNEE})
"""Columns whose text may be cut short ("…"): their tooltip shows the whole text."""
LISTED_COLUMNS = frozenset({Column.TAGS, Column.OTHERS})
"""Columns listing items (tags, colleagues) that may be cut short: the tooltip has each item."""

SLA_COLOURS: dict[SlaState, QColor] = {
    SlaState.RUNNING: QColor("#1b7f3b"),  # green: more than 15 minutes left
    SlaState.WARNING: QColor("#b26a00"),  # amber: under 15 minutes
    SlaState.BREACHED: QColor("#c62828"),  # red: breached
    SlaState.MET: QColor("#5f6b7a"),  # grey: answered in time
}


SORT_KEYS: dict[Column, Callable[[QueueRow], Any]] = {
    Column.PRIORITY: lambda row: row.priority_rank,
    # unanswered first by due time; answered ones after them
    Column.SLA: lambda row: row.sla_due + (1e12 if row.first_response is not None else 0.0),
    Column.SUBJECT: lambda row: sort_text(row.subject),
    Column.TAGS: lambda row: sort_text(", ".join(row.tags)),
    Column.CUSTOMER: lambda row: sort_text(row.customer),
    Column.QUEUE: lambda row: row.queue,
    Column.STATUS: lambda row: row.status,
    Column.ASSIGNEE: lambda row: sort_text(row.assignee_name or ""),
    Column.AGE: lambda row: -row.opened_at,
    Column.CHANNEL: lambda row: row.channel,
    Column.UNREAD: lambda row: row.unread,
}
"""What a header click on each column sorts by (one plain value per row; ties keep the
default order). "Also on it" is not a field of the row: ``TicketQueueModel.sort_key``."""


def _headers() -> list[str]:
    return [
        QCoreApplication.translate("TicketQueueModel", "Priority"),
        QCoreApplication.translate("TicketQueueModel", "SLA"),
        QCoreApplication.translate("TicketQueueModel", "Subject"),
        QCoreApplication.translate("TicketQueueModel", "Tags"),
        QCoreApplication.translate("TicketQueueModel", "Customer"),
        QCoreApplication.translate("TicketQueueModel", "Queue"),
        QCoreApplication.translate("TicketQueueModel", "Status"),
        QCoreApplication.translate("TicketQueueModel", "Assignee"),
        QCoreApplication.translate("TicketQueueModel", "Also on it"),
        QCoreApplication.translate("TicketQueueModel", "Age"),
        QCoreApplication.translate("TicketQueueModel", "Channel"),
        QCoreApplication.translate("TicketQueueModel", "Unread"),
    ]


def default_order_text() -> str:
    """What the queue's default order is (the header's tooltip)."""
    return QCoreApplication.translate(
        "TicketQueueModel",
        "Default order: what needs you first. Unanswered tickets before answered ones; "
        "breached and due soonest on top, then by priority. Click a column to sort by it; "
        "a third click returns to the default order.",
    )


def format_age(seconds: float) -> str:
    """A ticket's age: ``5 min``, ``3 h 05 min``, ``2 d 4 h`` (translated units)."""
    minutes = max(0, int(seconds // _MINUTE))
    if minutes < _HOUR_MINUTES:
        return QCoreApplication.translate("TicketQueueModel", "%1 min").replace("%1", str(minutes))
    hours, minutes = divmod(minutes, _HOUR_MINUTES)
    if hours < _DAY_HOURS:
        return (
            QCoreApplication.translate("TicketQueueModel", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", f"{minutes:02d}")
        )
    days, hours = divmod(hours, _DAY_HOURS)
    return (
        QCoreApplication.translate("TicketQueueModel", "%1 d %2 h")
        .replace("%1", str(days))
        .replace("%2", str(hours))
    )


def _sla_text(row: QueueRow, now: float) -> str:
    state = sla(row, now)
    if state.state is SlaState.MET:
        return QCoreApplication.translate("TicketQueueModel", "Met")
    if row.first_response is not None:  # answered, but after the due time
        return QCoreApplication.translate("TicketQueueModel", "Late %1").replace(
            "%1", format_countdown(-state.seconds_left)
        )
    return format_countdown(state.seconds_left)


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted rows grouped into inclusive ``(first, last)`` runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class _Held(msgspec.Struct, gc=False):
    """A ticket the rows show, its default-order key, and its row data (``None``: to build).

    One object per ticket in one dict, not a dict each for the tickets, keys
    and rows: at 100k tickets every dict keyed by ticket id doubled its table
    in the same slice of a snapshot's load (a page fault per 4 KiB of it). A
    struct: built in C (a slotted class's ``__init__`` is a Python call per
    ticket), and not tracked by the garbage collector (it holds a ticket, a
    tuple and a row, none of which refers back to it: no cycle).
    """

    ticket: Ticket
    key: OrderKey
    row: QueueRow | None


class _OrderKeys(Mapping[str, OrderKey]):
    """The default-order key of each ticket held, by id: a read-only view of the model's own."""

    def __init__(self, held: dict[str, _Held]) -> None:
        self._held = held

    def __getitem__(self, ticket_id: str) -> OrderKey:
        return self._held[ticket_id].key

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._held

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)


class TicketQueueModel(QAbstractTableModel):
    """Every ticket of the store, one row each, in the default order (``order_key``)."""

    batch_about_to_apply = Signal()
    """A store update is about to change rows (views save their scroll anchor)."""
    batch_applied = Signal()
    """The update's rows are in place."""
    tickets_changed = Signal(list)
    """The data of these ticket ids changed (one signal per update, however scattered their
    rows; the ``dataChanged`` of their rows follow, with ``announcing`` true)."""
    queues_changed = Signal()
    """The set of queue names present in the tickets changed."""
    tags_changed = Signal()
    """The set of tags in use on the tickets changed."""

    def __init__(
        self,
        store: ViewStore,
        seen: SeenTracker,
        clock: Clock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._seen = seen
        self._clock = clock
        self._ids: list[str] = []
        # what the rows show (removals lag the store); the queue and tag counts are theirs
        self._held: dict[str, _Held] = {}
        self._keys: list[OrderKey] = []  # sorted; _keys[row] belongs to _ids[row]
        self._queue_counts: Counter[str] = Counter()
        self._tag_counts: Counter[str] = Counter()
        self._colleagues: dict[str, tuple[Colleague, ...]] = {}
        self._announcing = False
        self._last_deadline_check = clock()
        self._headers = _headers()
        self._bold = QFont()
        self._bold.setBold(True)
        accessible = Qt.ItemDataRole.AccessibleTextRole.value
        self._roles: dict[int, Callable[[str, int], Any]] = {
            _DISPLAY.value: self._display,
            accessible: self._display,
            ID_ROLE: self._id,
            SORT_ROLE: self._sort,
            SLA_STATE_ROLE: self._sla_state,
            Qt.ItemDataRole.ForegroundRole.value: self._foreground,
            Qt.ItemDataRole.FontRole.value: self._font,
            Qt.ItemDataRole.TextAlignmentRole.value: self._alignment,
            Qt.ItemDataRole.ToolTipRole.value: self._tooltip,
        }
        self._unsubscribe = store.subscribe(self._on_update)
        if store.tickets:  # a store that already holds state: take it in as one insertion
            self._insert(list(store.tickets))
        self._colleagues = self._read_colleagues()

    # ------------------------------------------------------------------ lookups
    def ticket_id(self, row: int) -> str:
        """The ticket id shown at ``row``."""
        return self._ids[row]

    def row_of(self, ticket_id: str) -> int | None:
        """The row of ``ticket_id``, or ``None``."""
        held = self._held.get(ticket_id)
        return None if held is None else bisect.bisect_left(self._keys, held.key)

    def order_key_of(self, ticket_id: str) -> OrderKey:
        """The default-order key of ``ticket_id`` (a ticket the model holds)."""
        return self._held[ticket_id].key

    def ticket_ids_in(self, first: int, last: int) -> list[str]:
        """The ticket ids of rows ``first`` to ``last`` (inclusive)."""
        return self._ids[first : last + 1]

    def ticket_ids(self) -> list[str]:
        """Every ticket id, in the rows' (default) order (a copy)."""
        return list(self._ids)

    def rows_after(self, key: OrderKey | None, count: int) -> tuple[list[str], list[OrderKey]]:
        """Up to ``count`` ids, with their keys, that follow ``key`` in the default order.

        From the first row if ``key`` is ``None``: a reader walks every row a
        slice at a time, without a copy of them all.
        """
        start = 0 if key is None else bisect.bisect_right(self._keys, key)
        return self._ids[start : start + count], self._keys[start : start + count]

    def order_keys(self) -> Mapping[str, OrderKey]:
        """Every ticket's default-order key, by id (read-only: the model's own)."""
        return _OrderKeys(self._held)

    def queue_row_of(self, ticket_id: str) -> QueueRow:
        """The row data of ``ticket_id`` (a ticket the model holds), cached like ``queue_row``."""
        held = self._held[ticket_id]
        row = held.row
        if row is None:
            row = held.row = queue_row(held.ticket, self._seen.unread(held.ticket))
        return row

    def queue_rows_of(self, ticket_ids: Iterable[str]) -> list[QueueRow]:
        """The row data of each of ``ticket_ids`` (held tickets), as ``queue_row_of`` gives it."""
        held = self._held
        return [held[tid].row or self.queue_row_of(tid) for tid in ticket_ids]

    def queue_row(self, row: int) -> QueueRow:
        """The row data at ``row`` (built on first use, cached until the ticket changes)."""
        return self.queue_row_of(self._ids[row])

    def queues(self) -> list[str]:
        """The queue names of the tickets held, sorted."""
        return sorted(self._queue_counts)

    def tags(self) -> list[str]:
        """The tags in use on the tickets held, sorted (for views and completion)."""
        return sorted(self._tag_counts)

    def colleagues(self, ticket_id: str) -> tuple[Colleague, ...]:
        """Who else has ``ticket_id`` open or is writing in it (writers first)."""
        return self._colleagues.get(ticket_id, ())

    def now(self) -> float:
        """The model's clock (epoch seconds)."""
        return self._clock()

    # ------------------------------------------------------------------ Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows: one per ticket (a table: no children)."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Columns: see ``Column``."""
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Translated column titles."""
        horizontal = orientation is Qt.Orientation.Horizontal and 0 <= section < len(self._headers)
        if horizontal and role in (_DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return self._headers[section]
        if horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return default_order_text()
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        """Display text, SLA colours, and the custom roles of ``console.models.roles``."""
        row = index.row()
        if not index.isValid() or row >= len(self._ids):
            return None
        return self.cell(self._ids[row], index.column(), role)

    def multiData(  # noqa: N802
        self, index: _Index, roles: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Every role a view asks for at once (one call per cell instead of one per role)."""
        row = index.row()
        if index.isValid() and row < len(self._ids):
            self.fill_cell(self._ids[row], index.column(), roles)

    def fill_cell(
        self, ticket_id: str, column: int, roles: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Set each role of ``roles`` to what ``cell`` gives for it (cleared: no data).

        A view's delegate asks for seven roles per cell it paints or measures; the
        filter proxy answers them through this with one call from Qt per cell.
        """
        handlers = self._roles
        for role_data in role_entries(roles):  # each one set: a delegate reuses its span
            handler = handlers.get(role_data.role())
            value = None if handler is None else handler(ticket_id, column)
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def cell(self, ticket_id: str, column: int, role: int) -> Any:
        """What ``data`` gives for ``role`` in ``column`` of the row of ``ticket_id`` (held).

        The filter proxy asks for its cells by ticket id, with no row lookup and no
        source index built per cell: painting asks for each visible cell's roles.
        """
        handler = self._roles.get(role)
        return None if handler is None else handler(ticket_id, column)

    def _display(self, ticket_id: str, column: int) -> str:
        text = _CELL_TEXTS[column](self, self.queue_row_of(ticket_id))
        return one_line(text)  # data: one bounded line, whatever the record holds

    def _tooltip(self, ticket_id: str, column: int) -> str | None:
        """Full texts (escaped: names, tags and subjects are data) of cells that may be cut short.

        The tags and colleagues cells list one item a line; the elided columns
        (subject, customer, assignee) show their whole text.
        """
        if column == Column.OTHERS:
            people = self.colleagues(ticket_id)
            return (
                colleague_text.plain_tooltip([colleague_text.sentence(c) for c in people])
                if people
                else None
            )
        if column == Column.TAGS:
            tags = self.queue_row_of(ticket_id).tags
            return colleague_text.plain_tooltip(tags) if tags else None
        if column not in ELIDED_COLUMNS:
            return None
        return plain_tooltip(self._display(ticket_id, column))

    @staticmethod
    def _id(ticket_id: str, _column: int) -> str:
        return ticket_id

    def _sort(self, ticket_id: str, column: int) -> Any:
        return self.sort_value(self.queue_row_of(ticket_id), column)

    def _sla_state(self, ticket_id: str, _column: int) -> str:
        return sla(self.queue_row_of(ticket_id), self._clock()).state.value

    def _foreground(self, ticket_id: str, column: int) -> QBrush | None:
        if column != Column.SLA:
            return None
        return _SLA_BRUSHES[sla(self.queue_row_of(ticket_id), self._clock()).state]

    def _font(self, ticket_id: str, column: int) -> QFont | None:
        if column != Column.UNREAD or not self.queue_row_of(ticket_id).unread:
            return None
        return self._bold

    @staticmethod
    def _alignment(_ticket_id: str, column: int) -> int | None:
        return _RIGHT_ALIGNED if column in (Column.SLA, Column.UNREAD) else None

    def sort_value(self, row: QueueRow, column: int) -> Any:
        """What a header click on ``column`` sorts ``row`` by (``SORT_ROLE``)."""
        return self.sort_key(column)(row)

    def sort_key(self, column: int) -> Callable[[QueueRow], Any]:
        """What a header click on ``column`` sorts a row by: its ``SORT_KEYS`` value.

        "Also on it" sorts by who is on the ticket now: tickets a colleague has
        open first, by the cell's text. A change of who is on a ticket is a
        ``dataChanged`` on that column (``refresh_colleagues``): the proxy moves the row.
        """
        if column == Column.OTHERS:
            return self._colleagues_key
        return SORT_KEYS[Column(column)]

    def _colleagues_key(self, row: QueueRow) -> tuple[bool, tuple[str, str]]:
        people = self.colleagues(row.ticket_id)
        return (not people, sort_text(colleague_text.short(people)))

    # ------------------------------------------------------------------ ticking and seen state
    def refresh_sla(self, rows: Iterable[int], *, with_age: bool = False) -> None:
        """Repaint the SLA column (and the age column) of ``rows`` via ``dataChanged``."""
        roles = [_DISPLAY, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.AccessibleTextRole]
        valid = [r for r in rows if 0 <= r < len(self._ids)]
        for first, last in _runs(valid):
            self.dataChanged.emit(
                self.index(first, Column.SLA), self.index(last, Column.SLA), roles
            )
            if with_age:
                self.dataChanged.emit(
                    self.index(first, Column.AGE), self.index(last, Column.AGE), roles
                )

    def check_deadlines(self) -> list[str]:
        """Announce whole rows of tickets whose SLA fell due since the last check."""
        now = self._clock()
        since, self._last_deadline_check = self._last_deadline_check, now
        # unanswered rows come first, by due minute: only the slice of minutes that
        # (since, now] touches can hold a ticket that just breached
        unanswered = bisect.bisect_left(self._keys, (1,))
        first = bisect.bisect_left(
            self._keys, float(math.floor(since / 60)), hi=unanswered, key=due_minute
        )
        last = bisect.bisect_right(
            self._keys, float(math.floor(now / 60)), hi=unanswered, key=due_minute
        )
        due = crossed_due((self.queue_row(r) for r in range(first, last)), since, now)
        self._announce_changed(due)
        return due

    def refresh_colleagues(self) -> None:
        """Re-read who is on which ticket (presence changed or expired); repaint what changed."""
        fresh = self._read_colleagues()
        changed = {
            tid
            for tid in {*fresh, *self._colleagues}
            if fresh.get(tid) != self._colleagues.get(tid)
        }
        self._colleagues = fresh
        rows = sorted(row for row in map(self.row_of, changed) if row is not None)
        for first, last in _runs(rows):
            self.dataChanged.emit(self.index(first, Column.OTHERS), self.index(last, Column.OTHERS))

    def _read_colleagues(self) -> dict[str, tuple[Colleague, ...]]:
        status = self._store.status
        me = None if status is None else status.agent.agent_id
        return colleagues_by_ticket(self._store.agents.values(), me, self._clock())

    def mark_seen(self, ticket_id: str) -> None:
        """The agent opened ``ticket_id``: its unread count drops to zero."""
        held = self._held.get(ticket_id)
        if held is None:
            return
        self._seen.mark_seen(held.ticket)
        self._announce_changed([ticket_id])

    def retranslate(self) -> None:
        """Re-read translated texts after a language change."""
        self._headers = _headers()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._ids:
            last = self.index(len(self._ids) - 1, len(Column) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [_DISPLAY])

    # ------------------------------------------------------------------ store updates
    @property
    def announcing(self) -> bool:
        """Whether the ``dataChanged`` being emitted is for tickets ``tickets_changed`` named.

        A proxy that handled those ids at once may ignore them.
        """
        return self._announcing

    def _announce_changed(self, ticket_ids: Iterable[str]) -> None:
        rows = []
        held = []
        for tid in ticket_ids:
            entry = self._held.get(tid)
            if entry is not None:
                entry.row = None
                rows.append(bisect.bisect_left(self._keys, entry.key))
                held.append(tid)
        if not held:
            return
        self.tickets_changed.emit(held)
        self._announcing = True
        try:  # one signal over their span (the proxy took them by id; it signals its views)
            top, bottom = self.index(min(rows), 0), self.index(max(rows), len(Column) - 1)
            self.dataChanged.emit(top, bottom)
        finally:
            self._announcing = False

    def _on_update(self, update: StoreUpdate) -> None:
        if update.agents or update.status_changed:
            self.refresh_colleagues()
        changes = update.tickets
        if not changes:
            return
        self.batch_about_to_apply.emit()
        queues_before = set(self._queue_counts)
        tags_before = set(self._tag_counts)
        tickets = self._store.tickets
        # a first reply, a new priority or due time changes the order key: the row moves
        # (a row move keeps the views' selection, unlike a removal and an insertion)
        held = self._held
        rekeyed = [tid for tid in changes.changed if held[tid].key != order_key(tickets[tid])]
        for tid in changes.removed:
            self._seen.forget(tid)
        for tid in changes.changed:
            entry, ticket = held[tid], tickets[tid]
            self._recount(entry.ticket, ticket)
            entry.ticket = ticket
        for tid in rekeyed:
            self._move(tid, order_key(tickets[tid]))
        self._announce_changed(changes.changed)
        if changes.removed:
            self._remove(list(changes.removed))
        if changes.added:
            self._insert(list(changes.added))
        self.batch_applied.emit()
        if set(self._queue_counts) != queues_before:
            self.queues_changed.emit()
        if set(self._tag_counts) != tags_before:
            self.tags_changed.emit()

    def _recount(self, old: Ticket | None, new: Ticket | None) -> None:
        """The held ticket ``old`` (if any) is replaced by ``new`` (``None``: removed).

        The queue and tag counts are those of the held tickets, so what to
        uncount is read off the ticket held (no per-ticket copy of its queue
        and tags: at 100k tickets every such dict resized in the same slice).
        """
        if old is not None:
            _uncount(self._queue_counts, old.queue)
            for tag in old.tags:
                _uncount(self._tag_counts, tag)
        if new is not None:
            self._count((new,))

    def _count(self, tickets: Iterable[Ticket]) -> None:
        """Count the queues and tags of ``tickets``, newly held."""
        queue_counts, tag_counts = self._queue_counts, self._tag_counts
        for ticket in tickets:
            queue_counts[ticket.queue] += 1
            if ticket.tags:
                tag_counts.update(ticket.tags)

    def _remove(self, ticket_ids: list[str]) -> None:
        held = self._held
        rows = [bisect.bisect_left(self._keys, held[tid].key) for tid in ticket_ids]
        for tid in ticket_ids:
            self._recount(held[tid].ticket, None)
        for first, last in reversed(_runs(rows)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first : last + 1]
            del self._keys[first : last + 1]
            self.endRemoveRows()
        for tid in ticket_ids:
            del held[tid]

    def _insert(self, ticket_ids: list[str]) -> None:
        """Insert rows for ``ticket_ids`` (not held), one ``beginInsertRows`` per run of them.

        Each row's data is built here with its key (its due time read once):
        the proxy tests every new row against its filter at once, so the
        laziness of ``queue_row_of`` would save nothing. A snapshot's tickets
        come earliest due first, so a page is a run or two (unanswered, answered).
        """
        tickets = self._store.tickets
        unread = self._seen.unread
        held = self._held
        keyed: list[tuple[OrderKey, str]] = []
        taken: list[Ticket] = []
        for tid in ticket_ids:
            ticket = tickets[tid]
            key, row = keyed_queue_row(ticket, unread(ticket))
            keyed.append((key, tid))
            held[tid] = _Held(ticket, key, row)
            taken.append(ticket)
        self._count(taken)  # one call for the batch, not one per row
        keyed.sort()
        keys = self._keys
        inserted = 0
        for position, count in insertion_runs(keys, [key for key, _ in keyed]):
            first = position + inserted
            part = keyed[inserted : inserted + count]
            self.beginInsertRows(QModelIndex(), first, first + count - 1)
            keys[first:first] = [key for key, _ in part]
            self._ids[first:first] = [tid for _, tid in part]
            self.endInsertRows()
            inserted += count

    def _move(self, tid: str, key: OrderKey) -> None:
        """Put the row of ``tid`` where its new ``key`` belongs, as one row move."""
        held = self._held[tid]
        old = bisect.bisect_left(self._keys, held.key)
        held.key = key
        # where the row goes among the others (its own old key left out of the search)
        position = bisect.bisect_left(self._keys, key)
        if position > old:
            position -= 1
        if position == old:
            self._keys[old] = key  # same place: the sorted order holds with the new key
            return
        destination = position if position < old else position + 1
        self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), destination)
        del self._keys[old]
        del self._ids[old]
        self._keys.insert(position, key)
        self._ids.insert(position, tid)
        self.endMoveRows()


def _uncount(counts: Counter[str], name: str) -> None:
    """One fewer ``name`` in ``counts``; a name counted no more is dropped."""
    counts[name] -= 1
    if counts[name] <= 0:
        del counts[name]


def _assignee_text(_model: TicketQueueModel, row: QueueRow) -> str:
    unassigned = QCoreApplication.translate("TicketQueueModel", "Unassigned")
    return row.assignee_name or row.assignee_id or unassigned


_CELL_TEXTS: dict[int, Callable[[TicketQueueModel, QueueRow], str]] = {
    Column.PRIORITY: lambda _model, row: priority_label(row.priority),
    Column.SLA: lambda model, row: _sla_text(row, model.now()),
    Column.SUBJECT: lambda _model, row: row.subject,
    Column.TAGS: lambda _model, row: ", ".join(row.tags),
    Column.CUSTOMER: lambda _model, row: row.customer,
    Column.QUEUE: lambda _model, row: queue_label(row.queue),
    Column.STATUS: lambda _model, row: status_label(row.status),
    Column.ASSIGNEE: _assignee_text,
    Column.OTHERS: lambda model, row: colleague_text.short(model.colleagues(row.ticket_id)),
    Column.AGE: lambda model, row: format_age(model.now() - row.opened_at),
    Column.CHANNEL: lambda _model, row: channel_label(row.channel),
    Column.UNREAD: lambda _model, row: str(row.unread) if row.unread else "",
}
"""The display text of each column's cell, from the row's data."""
_SLA_BRUSHES: dict[SlaState, QBrush] = {state: QBrush(c) for state, c in SLA_COLOURS.items()}
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
