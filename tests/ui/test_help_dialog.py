"""The shortcut help: lists what it is given, opens with F1 or "?", closes from the keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from console.help_dialog import ShortcutHelpDialog, help_rows
from console.keyboard import KeyboardModel
from console.keymap import KEYMAP

if TYPE_CHECKING:
    from console.i18n import Language, Translations

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


def every_row_shows(dialog: ShortcutHelpDialog) -> None:
    """Every cell inside the viewport, each text on one line, nothing to scroll to."""
    table = dialog.table
    viewport = table.viewport().rect()
    for row in range(table.rowCount()):
        for column in (0, 1):
            cell = table.visualRect(table.model().index(row, column))
            assert viewport.contains(cell), (row, column, cell, viewport)
    for column in (0, 1):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column), column
    assert table.verticalScrollBar().maximum() == 0
    assert table.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("language", ["es", "en"])
def test_it_opens_showing_every_row_of_the_real_keymap(
    qtbot: QtBot,
    language: Language,
    translations: Translations,
) -> None:
    assert translations.install(language)
    window = QWidget()
    qtbot.addWidget(window)
    keyboard = KeyboardModel(window)
    for item in KEYMAP:  # every action bound, as in the console
        keyboard.bind(item.action, lambda: None)
    rows = help_rows(keyboard)
    assert len(rows) > 20
    dialog = ShortcutHelpDialog(rows, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: every_row_shows(dialog))
    available = dialog.screen().availableGeometry()
    assert dialog.height() <= available.height()
    assert dialog.width() <= available.width()


def test_a_list_taller_than_the_screen_stays_within_it_and_scrolls(qtbot: QtBot) -> None:
    many = [(f"Ctrl+{n}", f"Action number {n}") for n in range(200)]
    dialog = ShortcutHelpDialog(many)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    available = dialog.screen().availableGeometry()
    assert dialog.height() <= available.height()
    assert dialog.table.verticalScrollBar().maximum() > 0
    table = dialog.table
    assert table.columnWidth(1) >= table.sizeHintForColumn(1)  # not under the scroll bar
