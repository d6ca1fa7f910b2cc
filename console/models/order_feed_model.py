"""The order feed as a list model (a thin adapter over ``OrderFeed``) and its filter proxy."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.labels import money, order_status_label
from console.models.roles import EVENT_ID_ROLE, ID_ROLE
from console.models.search_proxy import SearchFilterProxy
from console.viewstate.bounded import one_line
from console.viewstate.order_feed import FeedEntry, OrderFeed, entry_matches

if TYPE_CHECKING:
    from console.viewstate.store import StoreUpdate, ViewStore

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole


def kind_label(kind: str) -> str:
    """The translated name of an order event kind (``placed``, ``paid``, ...)."""
    return order_status_label(kind)


def entry_text(entry: FeedEntry) -> str:
    """One line: local time, order, event, customer, total, district."""
    at = dt.datetime.fromtimestamp(entry.at).astimezone().strftime("%H:%M:%S")
    total = money(entry.total_cents, entry.currency)
    parts = (at, entry.order_id, kind_label(entry.kind), entry.customer, total, entry.district)
    return one_line(" · ".join(parts))  # customer and district are data: bounded


class OrderFeedModel(QAbstractListModel):
    """Rows of the order feed, newest first; fed by the store's order changes."""

    pending_changed = Signal(int)
    """How many events wait while the feed is paused."""

    def __init__(self, store: ViewStore, feed: OrderFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._feed = feed
        feed.set_observer(self)
        self._unsubscribe = store.subscribe(self._on_update)
        if store.orders:
            feed.ingest(store.orders.values())

    @property
    def feed(self) -> OrderFeed:
        """The plain-Python feed this model shows."""
        return self._feed

    def entry(self, row: int) -> FeedEntry:
        """The feed entry at ``row``."""
        return self._feed[row]

    def pause(self) -> None:
        """Hold new events back."""
        self._feed.pause()
        self.pending_changed.emit(self._feed.pending)

    def resume(self) -> None:
        """Show the held-back events at the top."""
        self._feed.resume()
        self.pending_changed.emit(0)

    # ------------------------------------------------------------------ Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        """One row per feed entry (a list: no children)."""
        return 0 if parent.isValid() else len(self._feed)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        """Display line, accessible text, order id (``ID_ROLE``) and event id."""
        if not index.isValid() or index.row() >= len(self._feed):
            return None
        entry = self._feed[index.row()]
        if role in (_DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return entry_text(entry)
        if role == ID_ROLE:
            return entry.order_id
        if role == EVENT_ID_ROLE:
            return entry.event_id
        return None

    def retranslate(self) -> None:
        """Re-read translated texts after a language change."""
        if len(self._feed):
            self.dataChanged.emit(self.index(0), self.index(len(self._feed) - 1), [_DISPLAY])

    # ------------------------------------------------------------------ FeedObserver
    def feed_inserting_front(self, count: int) -> None:
        """See ``FeedObserver``."""
        self.beginInsertRows(QModelIndex(), 0, count - 1)

    def feed_inserted_front(self) -> None:
        """See ``FeedObserver``."""
        self.endInsertRows()

    def feed_removing_front(self, count: int) -> None:
        """See ``FeedObserver``."""
        self.beginRemoveRows(QModelIndex(), 0, count - 1)

    def feed_removed_front(self) -> None:
        """See ``FeedObserver``."""
        self.endRemoveRows()

    def feed_removing_back(self, count: int) -> None:
        """See ``FeedObserver``."""
        size = len(self._feed)
        self.beginRemoveRows(QModelIndex(), size - count, size - 1)

    def feed_removed_back(self) -> None:
        """See ``FeedObserver``."""
        self.endRemoveRows()

    # ------------------------------------------------------------------ store updates
    def _on_update(self, update: StoreUpdate) -> None:
        changes = update.orders
        if changes:
            self._feed.forget(changes.removed)
            orders = self._store.orders
            touched = [orders[order_id] for order_id in sorted(changes.added | changes.changed)]
            if update.from_snapshot:  # what exists, not news: ranked with the rest of it
                self._feed.load(touched)
            else:
                self._feed.ingest(touched)
        if update.snapshot_complete:
            self._feed.end_load()
        if self._feed.paused and (changes or update.snapshot_complete):
            self.pending_changed.emit(self._feed.pending)


class OrderFeedFilterProxy(SearchFilterProxy):
    """The feed filtered by event kind (status) and search text; keeps the feed's order."""

    def __init__(self, source: OrderFeedModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._kinds: frozenset[str] | None = None
        self.setSourceModel(source)

    def set_kinds(self, kinds: frozenset[str] | None) -> None:
        """Show only events of these kinds (``None``: all)."""
        if kinds != self._kinds:
            with self._refiltering():
                self._kinds = kinds

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """The pure predicate ``entry_matches`` on the source's entry.

        Without a filter every row passes, its entry unread (not built yet: see
        ``OrderFeed``); this proxy is asked about every row the feed takes in.
        """
        if source_parent.isValid():
            return False
        if self._kinds is None and not self._needle:
            return True
        return entry_matches(self._source.entry(source_row), self._kinds, self._needle)
