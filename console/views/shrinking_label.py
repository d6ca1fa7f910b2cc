"""A one-line label that gives way on a narrow window: its text ends in "…", whole in the tooltip.

Unlike ``console.workspace.elided_label.ElidedLabel`` it keeps ``text()`` whole
and only paints it cut, so whatever reads the label reads what it says.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from console.labels import plain_tooltip

SHRUNK_CHARS = 6
"""A label narrowed to its minimum still shows about this many characters."""


class ShrinkingLabel(QLabel):
    """A one-line plain-text label that may be narrower than its text: it then ends in "…".

    ``text()`` stays the whole text; the tooltip is the one set with ``set_tip``,
    or else, while the label is cut, the whole text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tip = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_text(self, text: str) -> None:
        """Show ``text`` (elided to the width the layout gives)."""
        if text != self.text():
            self.setText(text)
        self._update_tip()

    def set_tip(self, tip: str) -> None:
        """The label's own tooltip (rich text, escaped by the caller); "" for none."""
        self._tip = tip
        self._update_tip()

    def is_elided(self) -> bool:
        """True when the label shows and the width given is too little for the whole text."""
        width = self.contentsRect().width()
        return self.isVisible() and self.fontMetrics().horizontalAdvance(self.text()) > width

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """About ``SHRUNK_CHARS`` characters wide (the text elides), one line high."""
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        room = self.fontMetrics().averageCharWidth() * SHRUNK_CHARS
        return QSize(min(hint.width(), room + margins.left() + margins.right()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """The tooltip says the whole text while the label is cut."""
        super().resizeEvent(event)
        self._update_tip()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """The tooltip says the whole text if the label shows cut."""
        super().showEvent(event)
        self._update_tip()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """The text, elided at the right when it does not fit."""
        if not self.is_elided():
            super().paintEvent(event)
            return
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )

    def _update_tip(self) -> None:
        tip = self._tip or (plain_tooltip(self.text()) if self.is_elided() else "")
        if tip != self.toolTip():
            self.setToolTip(tip)
