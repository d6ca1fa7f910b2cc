"""Install the keyboard model (console/keymap.py) on a window as QActions.

Each key of each binding is one window-wide ``QAction``. Whether it is enabled
follows the focus: a disabled action does not take the key, so a letter typed
in a text field stays a letter, and Enter on a list or a button keeps its own
meaning. Handlers are bound by action id (``bind``); an action nobody bound is
disabled, so the help (``rows``) lists only what works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from console.keymap import CONTEXT, KEYMAP, ActionId, Binding, Scope

ENTER_KEYS = frozenset({"Return", "Enter"})


@dataclass(frozen=True)
class HelpRow:
    """One line of the shortcut help: the action, its keys as this platform writes them, what."""

    action: ActionId
    keys: str
    description: str


def native(portable: str) -> str:
    """Return a portable key sequence (``Ctrl+Return``) as this platform writes it."""
    return QKeySequence(portable).toString(QKeySequence.SequenceFormat.NativeText)


def is_typing(widget: QWidget | None) -> bool:
    """True when ``widget`` is an editable text field (keys there type text)."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QAbstractSpinBox)


def _types_text(key: str) -> bool:
    """A key without a modifier that produces a character (``C``, ``/``, ``?``)."""
    return len(key) == 1


class KeyboardModel(QObject):
    """The window's shortcuts, enabled by where the focus is."""

    def __init__(
        self,
        window: QWidget,
        bindings: tuple[Binding, ...] = KEYMAP,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._bindings = bindings
        self._handlers: dict[ActionId, Callable[[], object]] = {}
        self._actions: dict[ActionId, list[QAction]] = {}
        self._enter_target: QWidget | None = None
        self._composer: QWidget | None = None
        for item in bindings:
            actions = []
            for key in item.keys:
                action = QAction(window)
                action.setShortcut(QKeySequence(key))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                action.setProperty("keymap_key", key)
                action.triggered.connect(
                    lambda _checked=False, name=item.action: self.trigger(name)
                )
                action.setEnabled(False)
                window.addAction(action)
                actions.append(action)
            self._actions[item.action] = actions
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        self.retranslate()

    # ------------------------------------------------------------------ binding
    def bind(self, action: ActionId, handler: Callable[[], object]) -> None:
        """Run ``handler`` when the keys of ``action`` are pressed."""
        self._handlers[action] = handler
        self.refresh()

    def set_composer(self, editor: QWidget) -> None:
        """The reply editor: where the composer's bindings (send) apply."""
        self._composer = editor
        self.refresh()

    def set_enter_target(self, widget: QWidget) -> None:
        """The list Enter opens tickets from (the queue table).

        Other lists, buttons and combo boxes keep their own Enter.
        """
        self._enter_target = widget
        self.refresh()

    def trigger(self, action: ActionId) -> bool:
        """Run the handler of ``action`` now; False when nothing is bound."""
        handler = self._handlers.get(action)
        if handler is None:
            return False
        handler()
        return True

    def is_bound(self, action: ActionId) -> bool:
        """True when a handler is bound to ``action``."""
        return action in self._handlers

    def actions_of(self, action: ActionId) -> list[QAction]:
        """The QActions of ``action`` (one per key)."""
        return list(self._actions[action])

    # ------------------------------------------------------------------ help
    def rows(self) -> list[HelpRow]:
        """What the help shows: every bound action with its keys, translated."""
        return [
            HelpRow(
                action=item.action,
                keys=" / ".join(native(key) for key in item.keys),
                description=QCoreApplication.translate(CONTEXT, item.description),
            )
            for item in self._bindings
            if item.action in self._handlers
        ]

    def retranslate(self) -> None:
        """Re-read the actions' texts (they show in accessibility tools)."""
        for item in self._bindings:
            for action in self._actions[item.action]:
                action.setText(QCoreApplication.translate(CONTEXT, item.description))

    # ------------------------------------------------------------------ enabling
    def refresh(self) -> None:
        """Enable each key for where the focus is now."""
        focus = QApplication.focusWidget()
        if focus is not None and focus.window() is not self._window.window():
            focus = None
        for item in self._bindings:
            bound = item.action in self._handlers
            for action in self._actions[item.action]:
                key = str(action.property("keymap_key"))
                action.setEnabled(bound and self._applies(item, key, focus))

    def _applies(self, item: Binding, key: str, focus: QWidget | None) -> bool:
        in_composer = focus is not None and focus is self._composer
        if item.scope is Scope.COMPOSER:
            return in_composer
        # The reply editor is a text field even while it is locked (read-only): letters
        # typed there are the agent's text, never a Release or a menu.
        typing = in_composer or is_typing(focus)
        if (item.scope is Scope.NOT_TYPING or _types_text(key)) and typing:
            return False
        if key in ENTER_KEYS and focus is not None:
            return not self._owns_enter(focus)
        return True

    def _owns_enter(self, focus: QWidget) -> bool:
        if focus is self._enter_target:
            return False
        return isinstance(focus, QAbstractItemView | QAbstractButton | QComboBox)

    def _on_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.refresh()


class WorkspaceSlots(Protocol):
    """What the ticket workspace offers the keyboard model (its public slots)."""

    def claim(self) -> None:
        """Claim the shown ticket."""

    def release(self) -> None:
        """Release the shown ticket."""

    def start_reply(self) -> None:
        """Focus the composer in reply mode."""

    def start_note(self) -> None:
        """Focus the composer in note mode."""

    def open_status_menu(self) -> None:
        """Open the status menu."""

    def open_priority_menu(self) -> None:
        """Open the priority menu."""

    def open_queue_menu(self) -> None:
        """Open the queue menu."""

    def open_assign_menu(self) -> None:
        """Open the assign menu."""

    def send(self) -> None:
        """Send what the composer holds."""

    def open_templates(self) -> None:
        """Open the composer's quick template picker."""

    def open_macros_menu(self) -> None:
        """Open the Macros menu."""

    def start_tag(self) -> None:
        """Focus the tag field."""

    def composer_editor(self) -> QWidget:
        """The reply editor widget."""
        ...


def bind_workspace(keyboard: KeyboardModel, workspace: WorkspaceSlots) -> None:
    """Bind the ticket actions of the keymap to the workspace's public slots."""
    keyboard.set_composer(workspace.composer_editor())
    for action, handler in (
        (ActionId.CLAIM, workspace.claim),
        (ActionId.RELEASE, workspace.release),
        (ActionId.REPLY, workspace.start_reply),
        (ActionId.NOTE, workspace.start_note),
        (ActionId.STATUS, workspace.open_status_menu),
        (ActionId.PRIORITY, workspace.open_priority_menu),
        (ActionId.QUEUE, workspace.open_queue_menu),
        (ActionId.ASSIGN, workspace.open_assign_menu),
        (ActionId.SEND, workspace.send),
        (ActionId.TEMPLATES, workspace.open_templates),
        (ActionId.MACROS, workspace.open_macros_menu),
        (ActionId.TAG, workspace.start_tag),
    ):
        keyboard.bind(action, handler)
