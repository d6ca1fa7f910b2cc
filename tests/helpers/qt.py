"""Qt test helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtWidgets import QWidget
    from pytestqt.modeltest import ModelTester


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """Run pytest-qt's model tester (Qt's QAbstractItemModelTester) on ``model``; it keeps
    checking every later change of the model for the rest of the test."""
    check: Callable[[QAbstractItemModel], None] = tester.check  # pytest-qt ships no types
    check(model)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` a key at a time, accented letters too ("Sofía").

    ``QTest.keyClicks`` knows key codes for ASCII only (Qt asserts on "í"): any
    other character is sent as a key event that carries it, as a keyboard
    layout with that key sends it.
    """
    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                widget,
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )
