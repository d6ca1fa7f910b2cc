"""Beside the conversation: the customer panel above the order panel, in a splitter.

The customer panel gets the height its facts need (no scrolling to read a
phone or an address) and the order panel the rest, never less than it needs
itself; once the agent drags the splitter, their share is kept.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QWidget

from console.workspace.customer_panel import CustomerPanel


def customer_share(needed: int, total: int, rest_minimum: int) -> int:
    """The customer panel's height: what it needs, leaving the rest at least its minimum.

    ``total`` is the splitter's height (its handle excluded); with too little
    room the rest's minimum wins and the customer panel scrolls.
    """
    return max(0, min(needed, total - rest_minimum))


class SideColumn(QSplitter):
    """The customer panel (in a scroll area, for a small window) above the order panel."""

    def __init__(
        self, customer: CustomerPanel, below: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.customer_panel = customer
        self.scroller = QScrollArea(self)
        self.scroller.setObjectName("customer-scroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(customer)
        self.setChildrenCollapsible(False)
        self.addWidget(self.scroller)
        self.addWidget(below)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self._dragged = False
        self.splitterMoved.connect(self._on_dragged)

    @property
    def dragged(self) -> bool:
        """Whether the agent moved the splitter (their share is then kept)."""
        return self._dragged

    def fit(self) -> None:
        """Give the customer panel the height its content needs (unless the agent chose one)."""
        below = self.widget(1)
        if self._dragged or below is None:
            return
        total = sum(self.sizes())
        if total <= 0:
            return
        width = self.width()  # the scroller's, without a scroll bar once it fits
        panel = self.customer_panel
        if panel.hasHeightForWidth() and width > 0:
            needed = panel.heightForWidth(width)
        else:
            needed = panel.sizeHint().height()
        rest = max(below.minimumSizeHint().height(), below.minimumHeight())
        share = customer_share(needed, total, rest)
        if self.sizes()[0] != share:
            self.setSizes([share, total - share])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Keep the customer panel's height as the window grows or shrinks."""
        super().resizeEvent(event)
        self.fit()

    def _on_dragged(self, _pos: int, _index: int) -> None:
        self._dragged = True
