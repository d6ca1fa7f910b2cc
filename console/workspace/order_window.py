"""One order in a window of its own (opened from the feed or a customer's history), kept live.

The window shows what the workspace's order panel shows for a ticket's order:
the summary, the whole timeline and the customer's other tickets and orders.
It follows the store as the workspace does: an event of the order, or a change
to the customer's history, shows at once. An order the store no longer holds
(moved to the bridge's history) stays as it was last shown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from console.workspace.order_timeline import OrderPanel

if TYPE_CHECKING:
    from console.viewstate.store import StoreUpdate, ViewStore


class OrderWindow(QDialog):
    """The order ``order_id`` of ``store``, updated with every change to it or its customer."""

    def __init__(
        self, store: ViewStore, order_id: str, tz: dt.tzinfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.order_id = order_id
        self.panel = OrderPanel(tz, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.resize(640, 480)
        self.setAccessibleName(self.tr("Order timeline"))
        self.setWindowTitle(self.tr("Order %1").replace("%1", order_id))
        self._customer: str | None = None
        self._refresh()
        self._unsubscribe = store.subscribe(self._on_update)
        self.finished.connect(lambda _code: self._unsubscribe())

    def _on_update(self, update: StoreUpdate) -> None:
        if self.order_id in update.orders or self._customer in update.customers:
            self._refresh()

    def _refresh(self) -> None:
        order = self._store.orders.get(self.order_id)
        if order is None:
            return
        self._customer = order.customer_id
        self.panel.show_order(
            order,
            None,
            self._store.customer_tickets(order.customer_id),
            self._store.customer_orders(order.customer_id),
        )
