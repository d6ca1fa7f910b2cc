"""Qt test helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QAbstractItemModel
    from pytestqt.modeltest import ModelTester


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """Run pytest-qt's model tester (Qt's QAbstractItemModelTester) on ``model``; it keeps
    checking every later change of the model for the rest of the test."""
    check: Callable[[QAbstractItemModel], None] = tester.check  # pytest-qt ships no types
    check(model)
