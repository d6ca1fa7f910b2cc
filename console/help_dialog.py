"""The keyboard shortcut help (F1 or "?"): every shortcut of the console in one table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

HELP_KEYS = ("F1", "?")


def _native(portable: str) -> str:
    """Return a portable key sequence (``Ctrl+Return``) as this platform writes it."""
    return QKeySequence(portable).toString(QKeySequence.SequenceFormat.NativeText)


def default_shortcuts() -> list[tuple[str, str]]:
    """Return the console's shortcuts as (keys, what they do), translated.

    Keep it in step with the bindings: main window (J, K, /), queue (Return),
    workspace (C, R), composer (Ctrl+Return), the shell (Ctrl+1/2/3, F1, ?).
    """
    return [
        (
            f"{_native('J')} / {_native('K')}",
            QCoreApplication.translate("ShortcutHelp", "Next / previous ticket in the queue"),
        ),
        (_native("Return"), QCoreApplication.translate("ShortcutHelp", "Open the selected ticket")),
        (_native("/"), QCoreApplication.translate("ShortcutHelp", "Search the queue")),
        (_native("C"), QCoreApplication.translate("ShortcutHelp", "Claim the open ticket")),
        (_native("R"), QCoreApplication.translate("ShortcutHelp", "Write a reply")),
        (
            _native("Ctrl+Return"),
            QCoreApplication.translate("ShortcutHelp", "Send the reply or note"),
        ),
        (
            " / ".join(_native(f"Ctrl+{n}") for n in (1, 2, 3)),
            QCoreApplication.translate("ShortcutHelp", "Switch to saved view 1, 2 or 3"),
        ),
        (
            f"{_native('F1')} / ?",
            QCoreApplication.translate("ShortcutHelp", "Show the keyboard shortcuts"),
        ),
        (_native("Esc"), QCoreApplication.translate("ShortcutHelp", "Close a dialog")),
    ]


class ShortcutHelpDialog(QDialog):
    """A read-only two-column table: keys and what they do; Esc or Close closes it."""

    def __init__(self, shortcuts: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcut-help")
        self.table = QTableWidget(len(shortcuts), 2, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (keys, action) in enumerate(shortcuts):
            for column, text in enumerate((keys, action)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.resize(520, 420)
        self.retranslate()
        self.table.setFocus()

    def shortcuts(self) -> list[tuple[str, str]]:
        """Return the (keys, action) rows as shown."""
        rows: list[tuple[str, str]] = []
        for row in range(self.table.rowCount()):
            keys, action = (self.table.item(row, column) for column in (0, 1))
            rows.append((keys.text() if keys else "", action.text() if action else ""))
        return rows

    def retranslate(self) -> None:
        """Re-read the dialog's own texts (the rows come translated from the caller)."""
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the shortcut help"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def install_help_shortcuts(window: QWidget, open_help: Callable[[], None]) -> list[QShortcut]:
    """Bind F1 and "?" in ``window`` to ``open_help``; keep the returned shortcuts alive.

    "?" is window-wide, so it would also fire while typing in a text field:
    it is ignored when a text input has the focus.
    """
    shortcuts: list[QShortcut] = []
    for key in HELP_KEYS:
        shortcut = QShortcut(QKeySequence(key), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        if key == "F1":
            shortcut.activated.connect(open_help)
        else:
            shortcut.activated.connect(lambda: _unless_typing(window, open_help))
        shortcuts.append(shortcut)
    return shortcuts


_TEXT_INPUTS = ("QLineEdit", "QTextEdit", "QPlainTextEdit", "QAbstractSpinBox")


def _unless_typing(window: QWidget, open_help: Callable[[], None]) -> None:
    focus = window.focusWidget()
    if focus is not None and any(focus.inherits(name) for name in _TEXT_INPUTS):
        return
    open_help()
