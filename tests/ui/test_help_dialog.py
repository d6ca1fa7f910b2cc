"""The shortcut help: lists what it is given, opens with F1 or "?", closes from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QMainWindow, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from console.help_dialog import ShortcutHelpDialog, default_shortcuts, install_help_shortcuts

SHORTCUTS = [
    ("J / K", "Next / previous ticket"),
    ("C", "Claim the ticket"),
    ("R", "Write a reply"),
    ("/", "Search the queue"),
    ("Ctrl+Return", "Send the reply"),
    ("F1 / ?", "This help"),
    ("Ctrl+1", "Show the ticket"),
]


def test_lists_every_shortcut_it_is_given(qtbot: QtBot) -> None:
    dialog = ShortcutHelpDialog(SHORTCUTS)
    qtbot.addWidget(dialog)
    assert dialog.shortcuts() == SHORTCUTS
    assert dialog.table.rowCount() == len(SHORTCUTS)
    header = dialog.table.horizontalHeaderItem(0)
    assert header is not None
    assert header.text() == "Keys"
    assert dialog.table.accessibleName()
    assert dialog.close_button.accessibleName()
    item = dialog.table.item(0, 1)
    assert item is not None
    assert not item.flags() & Qt.ItemFlag.ItemIsEditable


def test_default_shortcuts_cover_the_console(qtbot: QtBot) -> None:
    keys = " ".join(keys for keys, _ in default_shortcuts())
    for expected in ("J", "K", "C", "R", "/", "Ctrl+Return", "F1", "?", "Ctrl+1", "Ctrl+2"):
        assert expected in keys


def test_escape_closes_it(qtbot: QtBot) -> None:
    dialog = ShortcutHelpDialog(SHORTCUTS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.rejected):
        QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_close_button_is_reachable_by_keyboard(qtbot: QtBot) -> None:
    dialog = ShortcutHelpDialog(SHORTCUTS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.close_button.setFocus()
    with qtbot.waitSignal(dialog.rejected):
        QTest.keyClick(dialog.close_button, Qt.Key.Key_Space)


def test_f1_and_question_mark_open_it_but_not_while_typing(qtbot: QtBot) -> None:
    window = QMainWindow()
    central = QWidget(window)
    search = QLineEdit(central)
    search.setAccessibleName("Search")
    QVBoxLayout(central).addWidget(search)
    window.setCentralWidget(central)
    qtbot.addWidget(window)
    opened: list[str] = []
    shortcuts = install_help_shortcuts(window, lambda: opened.append("help"))
    assert len(shortcuts) == 2
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    central.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    central.setFocus()
    QTest.keyClick(central, Qt.Key.Key_F1)
    assert opened == ["help"]
    QTest.keyClick(central, Qt.Key.Key_Question)
    assert opened == ["help", "help"]
    search.setFocus()
    QTest.keyClick(search, Qt.Key.Key_Question)
    assert opened == ["help", "help"]
    assert search.text() == "?"
