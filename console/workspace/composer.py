"""The composer: reply text, the internal-note toggle, canned replies and Ctrl+Enter to send.

Typing ``::`` or pressing Ctrl+Space opens the quick template picker above the
text (``console.workspace.template_picker``); the chosen reply replaces the
``::`` with its body, placeholders filled. The picker floats over what is above
the composer (a child of the composer's parent, outside every layout), so
opening it never raises the window's minimum height.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QHideEvent, QKeyEvent, QMoveEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.workspace.template_picker import TemplatePicker, overlay_box

if TYPE_CHECKING:
    from console.workspace.canned import CannedReply

NOTE_BACKGROUND = "#fff8cc"
SEND_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
TEMPLATE_TRIGGER = "::"


def types_a_character(event: QKeyEvent) -> bool:
    """True when ``event`` would type a character (no Ctrl, Alt or Meta held)."""
    held = event.modifiers() & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    text = event.text()
    return not held and text != "" and text.isprintable()


class ReplyEdit(QPlainTextEdit):
    """A plain-text editor that turns Ctrl+Enter into ``submit`` and ``::`` into ``templates``."""

    submit = Signal()
    """Ctrl+Enter (or Ctrl+Return) was pressed."""
    templates = Signal(bool)
    """Open the template picker: True when ``::`` was typed (it is replaced), False for the key."""
    typed_while_locked = Signal()
    """A character was typed while the text is read-only (locked); it was swallowed."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Ctrl+Enter submits, Ctrl+Space or ``::`` opens the templates; other keys edit."""
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in SEND_KEYS and control:
            event.accept()
            self.submit.emit()
            return
        if event.key() == Qt.Key.Key_Space and control:
            event.accept()
            self.templates.emit(False)
            return
        if self.isReadOnly() and types_a_character(event):
            event.accept()  # the agent's text: never passed on to the window
            self.typed_while_locked.emit()
            return
        super().keyPressEvent(event)
        if event.text() == ":" and not self.isReadOnly() and self._before_cursor(2) == "::":
            self.templates.emit(True)

    def _before_cursor(self, count: int) -> str:
        position = self.textCursor().position()
        return self.toPlainText()[max(0, position - count) : position]


class Composer(QWidget):
    """Where the agent writes a reply or an internal note."""

    send_requested = Signal(str, bool)
    """The agent asked to send: (body, internal)."""
    edited = Signal()
    """The text or the note toggle changed by the agent (not by ``set_draft``)."""
    unlock_requested = Signal()
    """The agent wants to edit a draft that is locked while its sending is unknown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self._fill: Callable[[str], str] = lambda text: text
        self._replies: tuple[CannedReply, ...] = ()
        self.editor = ReplyEdit(self)
        self.editor.setObjectName("composer-editor")
        self.editor.setTabChangesFocus(True)
        self.note_toggle = QCheckBox(self)
        self.canned_picker = QComboBox(self)
        canned_label = QLabel(self)
        canned_label.setBuddy(self.canned_picker)
        self.canned_label = canned_label
        self.send_button = QPushButton(self)
        self.lock_label = QLabel(self)
        self.lock_label.setObjectName("composer-lock")
        self.lock_label.setTextFormat(Qt.TextFormat.PlainText)  # a reason from the bridge
        self.lock_label.setWordWrap(True)
        self.lock_label.hide()
        self.unlock_button = QPushButton(self)
        self.unlock_button.hide()
        self.template_picker = TemplatePicker(self)
        self._trigger_end: int | None = None  # where the typed "::" ends, while the picker is open
        self._normal_palette = QPalette(self.editor.palette())

        self._lock_message: str | None = None  # the shown lock, while locked
        self._connect_signals()

        lock_row = QHBoxLayout()
        lock_row.addWidget(self.lock_label, 1)
        lock_row.addWidget(self.unlock_button)
        controls = QHBoxLayout()
        controls.addWidget(self.note_toggle)
        controls.addSpacing(12)
        controls.addWidget(canned_label)
        controls.addWidget(self.canned_picker, 1)
        controls.addStretch(1)
        controls.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(lock_row)
        layout.addWidget(self.editor)
        layout.addLayout(controls)
        self.set_canned((), lambda text: text)
        self.retranslate()

    def _connect_signals(self) -> None:
        self.editor.submit.connect(self.request_send)
        self.editor.typed_while_locked.connect(self._on_typed_while_locked)
        self.send_button.clicked.connect(self.request_send)
        self.editor.textChanged.connect(self._on_changed)
        self.note_toggle.toggled.connect(self._on_note_toggled)
        self.canned_picker.activated.connect(self._on_canned)
        self.unlock_button.clicked.connect(self.unlock_requested)
        self.editor.templates.connect(self._open_templates)
        self.template_picker.chosen.connect(self._on_template_chosen)
        self.template_picker.closed.connect(self._on_templates_closed)
        self.editor.installEventFilter(self)  # the picker follows the editor's top

    # ---------------------------------------------------------------- language
    def retranslate(self) -> None:
        """Re-read every translated text (a shown lock or notice keeps its text)."""
        self.editor.setAccessibleName(self.tr("Reply text"))
        self.note_toggle.setText(self.tr("&Internal note"))
        self.note_toggle.setAccessibleName(self.tr("Internal note: only agents see it"))
        self.canned_picker.setAccessibleName(self.tr("Insert a canned reply"))
        if self.canned_picker.count() > 0:
            self.canned_picker.setItemText(0, self.tr("Choose…"))
        self.canned_label.setText(self.tr("Ca&nned reply:"))
        self.canned_picker.setToolTip(self.tr("Or type :: in the text (Ctrl+Space)"))
        self.send_button.setAccessibleName(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.unlock_button.setText(self.tr("&Edit again"))
        self.unlock_button.setAccessibleName(self.tr("Edit the draft again"))
        self._show_note_style(self.is_internal())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Keep the open picker on the editor's top as the editor moves or resizes."""
        if watched is self.editor and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            self._place_templates()
        return super().eventFilter(watched, event)

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 - Qt override
        """Keep the open picker on the editor's top as the composer moves."""
        super().moveEvent(event)
        self._place_templates()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """The picker goes with the composer (it lives outside it)."""
        self.template_picker.hide()
        self._trigger_end = None
        super().hideEvent(event)

    # ---------------------------------------------------------------- state
    def text(self) -> str:
        """The text as written."""
        return self.editor.toPlainText()

    def is_internal(self) -> bool:
        """True when the text is an internal note."""
        return self.note_toggle.isChecked()

    def is_locked(self) -> bool:
        """True while a sent text waits for its outcome."""
        return self.editor.isReadOnly()

    def set_draft(self, body: str, internal: bool) -> None:
        """Replace the text and the toggle without emitting ``edited``."""
        self._filling = True
        try:
            if body != self.text():
                self.editor.setPlainText(body)
                cursor = self.editor.textCursor()
                cursor.movePosition(cursor.MoveOperation.End)
                self.editor.setTextCursor(cursor)
            self.note_toggle.setChecked(internal)
        finally:
            self._filling = False
        self._show_note_style(internal)

    def set_locked(self, message: str | None, can_unlock: bool = False) -> None:
        """Lock the text with ``message`` shown above it, or unlock it (``None``)."""
        locked = message is not None
        self._lock_message = message
        self.editor.setReadOnly(locked)
        self.note_toggle.setEnabled(not locked)
        self.canned_picker.setEnabled(not locked)
        self.send_button.setEnabled(not locked)
        self.lock_label.setText(message or "")
        self.lock_label.setVisible(locked)
        self.unlock_button.setVisible(locked and can_unlock)

    def show_notice(self, message: str | None) -> None:
        """Show a notice above the editor without locking it (e.g. why a reply was rejected)."""
        self.lock_label.setText(message or "")
        self.lock_label.setVisible(message is not None)
        self.unlock_button.hide()

    def set_canned(self, replies: Sequence[CannedReply], fill: Callable[[str], str]) -> None:
        """Offer ``replies``; ``fill`` fills a reply's placeholders when it is inserted."""
        self._replies = tuple(replies)
        self._fill = fill
        self.template_picker.set_replies(self._replies)
        self.canned_picker.clear()
        self.canned_picker.addItem(self.tr("Choose…"))
        for reply in self._replies:
            self.canned_picker.addItem(reply.title, reply.reply_id)

    def insert_canned(self, reply_id: str) -> bool:
        """Insert a canned reply at the cursor, placeholders filled; False if unknown."""
        reply = next((item for item in self._replies if item.reply_id == reply_id), None)
        if reply is None or self.is_locked():
            return False
        self.editor.insertPlainText(self._fill(reply.body))
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def open_templates(self) -> None:
        """Open the quick template picker (as Ctrl+Space in the text does)."""
        self._open_templates(False)

    def request_send(self) -> None:
        """Ask to send the text (ignored when empty or locked)."""
        if self.is_locked() or not self.text().strip():
            return
        self.send_requested.emit(self.text(), self.is_internal())

    def focus_editor(self) -> None:
        """Put the keyboard focus in the text."""
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---------------------------------------------------------------- reactions
    def _on_changed(self) -> None:
        if not self._filling:
            self.edited.emit()

    def _on_typed_while_locked(self) -> None:
        if self._lock_message is None:
            return
        hint = self.tr("This text cannot change while it waits: what you type is ignored.")
        self.lock_label.setText(f"{self._lock_message}\n{hint}")

    def _on_note_toggled(self, internal: bool) -> None:
        self._show_note_style(internal)
        if not self._filling:
            self.edited.emit()

    def _on_canned(self, index: int) -> None:
        reply_id = self.canned_picker.itemData(index)
        self.canned_picker.setCurrentIndex(0)
        if isinstance(reply_id, str):
            self.insert_canned(reply_id)

    def _open_templates(self, typed: bool) -> None:
        if self.is_locked() or not self.isEnabled() or not self._replies:
            return
        self._trigger_end = self.editor.textCursor().position() if typed else None
        host = self.parentWidget()
        if host is not None and self.template_picker.parentWidget() is not host:
            self.template_picker.setParent(host)  # over the conversation, in no layout
        self.template_picker.open_picker()
        self._place_templates()

    def _place_templates(self) -> None:
        picker = self.template_picker
        host = picker.parentWidget()
        if not picker.isVisible() or host is None or host is self:
            return
        top = self.editor.mapTo(host, QPoint(0, 0)).y()
        left = self.mapTo(host, QPoint(0, 0)).x()
        x, y, width, height = overlay_box(top, left, self.width(), picker.sizeHint().height())
        picker.setGeometry(x, y, width, height)
        picker.raise_()

    def _on_template_chosen(self, reply_id: str) -> None:
        end, self._trigger_end = self._trigger_end, None
        if end is not None and self.text()[max(0, end - 2) : end] == TEMPLATE_TRIGGER:
            cursor = self.editor.textCursor()
            cursor.setPosition(end - len(TEMPLATE_TRIGGER))
            cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
            self.editor.setTextCursor(cursor)  # the reply replaces the "::"
        self.insert_canned(reply_id)
        self.focus_editor()

    def _on_templates_closed(self) -> None:
        self._trigger_end = None  # the "::" stays as typed
        self.focus_editor()

    def _show_note_style(self, internal: bool) -> None:
        palette = QPalette(self._normal_palette)
        if internal:
            palette.setColor(QPalette.ColorRole.Base, QColor(NOTE_BACKGROUND))
            self.editor.setPlaceholderText(self.tr("Write an internal note… (Ctrl+Enter adds it)"))
        else:
            self.editor.setPlaceholderText(self.tr("Write a reply… (Ctrl+Enter sends)"))
        self.editor.setPalette(palette)
        self.send_button.setText(self.tr("A&dd note") if internal else self.tr("Sen&d"))
        self._fit_send_button()

    def _fit_send_button(self) -> None:
        """As wide as the wider of its two texts: toggling Note must not move the split."""
        button, shown = self.send_button, self.send_button.text()
        widths = []
        for text in (self.tr("A&dd note"), self.tr("Sen&d")):
            button.setText(text)
            widths.append(button.sizeHint().width())
        button.setText(shown)
        button.setMinimumWidth(max(widths))
