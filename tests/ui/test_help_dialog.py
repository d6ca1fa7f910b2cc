"""The shortcut help: lists what it is given, opens with F1 or "?", closes from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from console.help_dialog import ShortcutHelpDialog

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
