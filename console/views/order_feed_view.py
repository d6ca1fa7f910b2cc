"""The live order feed: pause/resume, a status filter, search, and opening an order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.models.order_feed_model import OrderFeedFilterProxy, kind_label
from console.models.roles import ID_ROLE
from console.views.empty_state import EmptyState

if TYPE_CHECKING:
    from console.models.order_feed_model import OrderFeedModel

KINDS = ("placed", "paid", "dispatched", "delayed", "delivered", "cancelled")


class OrderFeedView(QWidget):
    """Newest order events first; Enter or double-click opens the order."""

    order_opened = Signal(str)
    """The agent opened an order (its id)."""

    def __init__(
        self, model: OrderFeedModel, *, search_delay_ms: int = 150, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._proxy = OrderFeedFilterProxy(model, self)

        self.pause_button = QPushButton(self)
        self.pause_button.setCheckable(True)
        self.kind_filter = QComboBox(self)
        self.kind_filter.addItem("", None)
        for kind in KINDS:
            self.kind_filter.addItem("", kind)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.list = QListView(self)
        self.list.setModel(self._proxy)
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.empty_state = EmptyState(self.list)
        self._data_note: str | None = None
        for signal in (self._proxy.rowsInserted, self._proxy.rowsRemoved):
            signal.connect(self._update_empty)
        self._proxy.modelReset.connect(self._update_empty)
        self._proxy.layoutChanged.connect(self._update_empty)

        top = QHBoxLayout()
        top.addWidget(self.pause_button)
        top.addWidget(self.kind_filter)
        top.addWidget(self.search, 1)
        self.title = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.list)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(search_delay_ms)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.kind_filter.currentIndexChanged.connect(self._apply_kind)
        self.list.activated.connect(self._on_activated)
        model.pending_changed.connect(self._render_pause)
        self.retranslate()

    @property
    def proxy(self) -> OrderFeedFilterProxy:
        """The filter proxy between the feed model and the list."""
        return self._proxy

    def set_kind(self, kind: str | None) -> None:
        """Show only events of ``kind`` (``None``: all)."""
        position = self.kind_filter.findData(kind)
        self.kind_filter.setCurrentIndex(max(position, 0))

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.title.setText(self.tr("Order feed"))
        self.kind_filter.setItemText(0, self.tr("All events"))
        for position, kind in enumerate(KINDS, start=1):
            self.kind_filter.setItemText(position, kind_label(kind))
        self.kind_filter.setAccessibleName(self.tr("Order event filter"))
        self.search.setPlaceholderText(self.tr("Search orders"))
        self.search.setAccessibleName(self.tr("Search orders"))
        self.list.setAccessibleName(self.tr("Order feed"))
        self._render_pause(self._model.feed.pending)
        self._update_empty()

    def set_data_note(self, note: str | None) -> None:
        """Why there may be no data (waiting for the bridge, Kafka down); ``None``: data flows."""
        self._data_note = note
        self._update_empty()

    def _update_empty(self) -> None:
        if self._model.rowCount() == 0:
            text = self._data_note or self.tr("No order events yet.")
        else:
            text = self.tr("No order events match the filter or the search.")
        self.empty_state.set_text(text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _render_pause(self, pending: int) -> None:
        if self._model.feed.paused:
            text = self.tr("Resume (%1 new)").replace("%1", str(pending))
            self.pause_button.setAccessibleName(self.tr("Resume the order feed"))
        else:
            text = self.tr("Pause")
            self.pause_button.setAccessibleName(self.tr("Pause the order feed"))
        self.pause_button.setText(text)

    def _on_pause_toggled(self, paused: bool) -> None:
        if paused:
            self._model.pause()
        else:
            self._model.resume()
        self._render_pause(self._model.feed.pending)

    def _apply_kind(self, position: int) -> None:
        kind = self.kind_filter.itemData(position)
        self._proxy.set_kinds(frozenset({kind}) if isinstance(kind, str) else None)
        self._update_empty()

    def _apply_search(self) -> None:
        self._proxy.set_search_text(self.search.text())
        self._update_empty()

    def _on_activated(self, index: QModelIndex) -> None:
        value = index.data(ID_ROLE)
        if isinstance(value, str):
            self.order_opened.emit(value)
