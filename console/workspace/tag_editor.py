"""The open ticket's tags: one button per tag (click removes it) and a field to add one.

Tags are data: shown as plain text (``&`` is doubled so it is no mnemonic),
limited to the contract's 40 characters, completed from the tags in use. The
editor only asks (``add_requested`` / ``remove_requested``); the ticket's tags
change when the bridge's fold says so (``set_tags``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from bridge.wire.rules import MAX_TAG_CHARS

PLACEHOLDER_ROOM = 40
"""Pixels besides the placeholder's text: the frame, text margins and the clear button."""


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
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.title)
        self._layout.addStretch(1)
        self._layout.addWidget(self.field)
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
        for button in self._buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = [self._button(tag) for tag in self._tags]
        for position, button in enumerate(self._buttons, start=1):
            self._layout.insertWidget(position, button)

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

    # ------------------------------------------------------------------ Qt
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
        button = QToolButton(self)
        button.setText(tag.replace("&", "&&") + " \u00d7")  # "x": click removes it
        button.setAutoRaise(False)
        self._describe(button, tag)
        button.clicked.connect(lambda _checked=False, t=tag: self.remove_requested.emit(t))
        return button

    def _describe(self, button: QToolButton, tag: str) -> None:
        button.setAccessibleName(self.tr("Remove tag %1").replace("%1", tag))
