"""A one-line label of fixed height: long text is elided with "…", the tooltip shows it all.

Header lines use it so that the header never changes height when a status,
priority or assignee changes (a word-wrapped label grows and shrinks a line,
and the conversation below jumps). The text is plain text, bounded by
``console.viewstate.bounded.one_line`` before it is laid out.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from console.colleague_text import plain_tooltip
from console.viewstate.bounded import LINE_CHARS, TOOLTIP_CHARS, one_line


class ElidedLabel(QLabel):
    """One line of plain text elided to the width; the whole (bounded) text in the tooltip."""

    def __init__(
        self, parent: QWidget | None = None, *, limit: int = LINE_CHARS, fit_text: bool = False
    ) -> None:
        """``fit_text``: ask for the width of the whole text (the layout may give less)."""
        super().__init__(parent)
        self._limit = limit
        self._full = ""
        self._fit_text = fit_text
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        width_policy = QSizePolicy.Policy.Preferred if fit_text else QSizePolicy.Policy.Ignored
        self.setSizePolicy(width_policy, QSizePolicy.Policy.Fixed)

    def set_full_text(self, text: str) -> None:
        """Show ``text`` (on one line, at most ``limit`` characters, elided to the width)."""
        self._full = one_line(text, self._limit)
        if self._fit_text:
            self.updateGeometry()
        self._elide()

    def full_text(self) -> str:
        """The text as given (bounded, on one line), before eliding to the width."""
        return self._full

    def is_elided(self) -> bool:
        """True when the label shows less than ``full_text``."""
        return self.text() != self._full

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """One line high; as wide as the text (``fit_text``) or whatever the layout gives."""
        if self._fit_text:
            margins = self.contentsMargins()
            width = self.fontMetrics().horizontalAdvance(self._full)
            return QSize(width + margins.left() + margins.right() + 1, self._line_height())
        return QSize(self.fontMetrics().averageCharWidth() * 20, self._line_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """No minimum width (the text elides), one line high."""
        return QSize(0, self._line_height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Elide again for the new width."""
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Elide again when the font changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._elide()

    def _line_height(self) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().height() + margins.top() + margins.bottom()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            super().setText(shown)
        tooltip = plain_tooltip([self._full[:TOOLTIP_CHARS]]) if shown != self._full else ""
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)
