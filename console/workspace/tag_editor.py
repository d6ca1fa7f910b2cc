"""The open ticket's tags: one button per tag (click removes it) and a field to add one.

Tags are data: shown as plain text (``&`` is doubled so it is no mnemonic),
limited to the contract's 40 characters, completed from the tags in use. The
editor only asks (``add_requested`` / ``remove_requested``); the ticket's tags
change when the bridge's fold says so (``set_tags``).

The buttons sit in a strip that gives way on a narrow window instead of
widening it: tags that do not fit are scrolled to (a focused button comes
into view) and the strip's tooltip lists every tag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from bridge.wire.rules import MAX_TAG_CHARS
from console.colleague_text import plain_tooltip

PLACEHOLDER_ROOM = 40
"""Pixels besides the placeholder's text: the frame, text margins and the clear button."""


class TagStrip(QScrollArea):
    """The tag buttons in a row as wide as they are, or narrower: it scrolls, with no bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.row = QWidget(self)
        self.row_layout = QHBoxLayout(self.row)
        self.row_layout.setContentsMargins(0, 0, 0, 0)
        self.setWidget(self.row)
        self.row.installEventFilter(self)  # buttons added or shown: a new width to ask for

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """The row's buttons changed: ask the editor's layout for their width again."""
        if watched is self.row and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            self._describe()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As wide and high as the buttons."""
        return self.row.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """No width of its own (it scrolls); the buttons' height."""
        return QSize(0, self.row.sizeHint().height())

    def is_cut(self) -> bool:
        """True when some buttons are out of view."""
        return self.row.sizeHint().width() > self.viewport().width()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Say in the tooltip which tags there are when some are out of view."""
        super().resizeEvent(event)
        self._describe()

    def _describe(self) -> None:
        parent = self.parentWidget()
        if isinstance(parent, TagEditor):
            parent.describe_strip()


class TagEditor(QWidget):
    """Shows a ticket's tags; adds and removes them through signals."""

    add_requested = Signal(str)
    """The agent asked to add this tag (trimmed, 1-40 characters, not on the ticket yet)."""
    remove_requested = Signal(str)
    """The agent asked to remove this tag."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags: tuple[str, ...] = ()
        self._buttons: list[QToolButton] = []
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.field = QLineEdit(self)
        self.field.setMaxLength(MAX_TAG_CHARS)
        self.field.setClearButtonEnabled(True)
        self._known = QStringListModel(self)
        completer = QCompleter(self._known, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        self.field.returnPressed.connect(self._add_typed)
        self.strip = TagStrip(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.strip, 0)
        layout.addStretch(1)
        layout.addWidget(self.field)
        self.retranslate()

    # ------------------------------------------------------------------ API
    @property
    def tags(self) -> tuple[str, ...]:
        """The tags shown."""
        return self._tags

    def tag_buttons(self) -> list[QToolButton]:
        """The buttons of the tags shown, in order (clicking one asks to remove its tag)."""
        return list(self._buttons)

    def set_tags(self, tags: Sequence[str]) -> None:
        """Show ``tags`` (the ticket's, as folded)."""
        if tuple(tags) == self._tags:
            return
        self._tags = tuple(tags)
        row = self.strip.row_layout
        for button in self._buttons:
            row.removeWidget(button)
            button.deleteLater()
        self._buttons = [self._button(tag) for tag in self._tags]
        for button in self._buttons:
            row.addWidget(button)
        self.strip.updateGeometry()
        self.describe_strip()

    def set_known_tags(self, tags: Iterable[str]) -> None:
        """The tags in use on any ticket: the field completes from them."""
        known = sorted(set(tags))
        if known != self._known.stringList():
            self._known.setStringList(known)

    def add(self, text: str) -> bool:
        """Ask to add ``text`` (trimmed); False when empty, too long or already there."""
        tag = text.strip()
        if not tag or len(tag) > MAX_TAG_CHARS or tag in self._tags:
            return False
        self.add_requested.emit(tag)
        return True

    def focus_field(self) -> None:
        """Put the keyboard focus in the field that adds a tag."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def describe_strip(self) -> None:
        """The strip's tooltip lists every tag while some are out of view."""
        tooltip = plain_tooltip(list(self._tags)) if self.strip.is_cut() else ""
        if tooltip != self.strip.toolTip():
            self.strip.setToolTip(tooltip)

    # ------------------------------------------------------------------ Qt
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """A tag button given the focus (Tab) scrolls into view."""
        focused = event.type() == QEvent.Type.FocusIn
        if focused and isinstance(watched, QToolButton) and watched in self._buttons:
            self.strip.ensureWidgetVisible(watched, 0, 0)
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read the translated texts."""
        self.title.setText(self.tr("Tags:"))
        self.field.setPlaceholderText(self.tr("Add a tag… (T)"))
        self._fit_placeholder()
        self.field.setAccessibleName(self.tr("Add a tag"))
        for button, tag in zip(self._buttons, self._tags, strict=True):
            self._describe(button, tag)

    # ------------------------------------------------------------------ internals
    def _add_typed(self) -> None:
        if self.add(self.field.text()):
            self.field.clear()

    def _fit_placeholder(self) -> None:
        """Wide enough for the whole placeholder (its key hint is at the end)."""
        text = self.field.placeholderText()
        room = PLACEHOLDER_ROOM + self.field.fontMetrics().horizontalAdvance(text)
        self.field.setMinimumWidth(room)

    def _button(self, tag: str) -> QToolButton:
        button = QToolButton(self.strip.row)
        button.installEventFilter(self)
        button.setText(tag.replace("&", "&&") + " \u00d7")  # "x": click removes it
        button.setAutoRaise(False)
        self._describe(button, tag)
        button.clicked.connect(lambda _checked=False, t=tag: self.remove_requested.emit(t))
        return button

    def _describe(self, button: QToolButton, tag: str) -> None:
        button.setAccessibleName(self.tr("Remove tag %1").replace("%1", tag))
