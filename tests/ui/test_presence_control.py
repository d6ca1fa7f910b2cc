"""The agent's own presence on real widgets: the status bar button, the shortcut, idling."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.presence_control import PresenceButton, PresenceControl

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def focused_field(qtbot: QtBot) -> QLineEdit:
    """A line edit in a window of its own, with the focus (its input comes through the window)."""
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    field.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is field.windowHandle())
    return field


def type_into_window(field: QLineEdit, text: str) -> None:
    """Keys as the platform delivers them: to the focus window, which hands them to the field."""
    window = field.windowHandle()
    assert window is not None
    for char in text:
        QTest.keyClick(window, Qt.Key(ord(char.upper())), Qt.KeyboardModifier.NoModifier)


def test_choosing_away_in_the_status_bar_reports_it_and_shows_it(qtbot: QtBot) -> None:
    button = PresenceButton()
    qtbot.addWidget(button)
    reports: list[str] = []
    control = PresenceControl(reports.append, button, idle_s=None)
    assert button.text() == "● Online"
    button.away_action.trigger()
    assert (reports, button.text()) == (["away"], "● Away")
    field = focused_field(qtbot)
    type_into_window(field, "hola")  # input does not undo a chosen away
    assert field.text() == "hola"
    assert reports == ["away"]
    button.online_action.trigger()
    assert (reports, button.text()) == (["away", "online"], "● Online")
    control.close()


def test_an_idle_agent_turns_away_and_the_next_key_brings_them_back(qtbot: QtBot) -> None:
    button = PresenceButton()
    qtbot.addWidget(button)
    reports: list[str] = []
    control = PresenceControl(reports.append, button, idle_s=0.2)
    qtbot.waitUntil(lambda: reports == ["away"], timeout=3000)
    assert button.text() == "● Away (idle)"
    field = focused_field(qtbot)
    type_into_window(field, "a")
    assert (reports, button.text()) == (["away", "online"], "● Online")
    qtbot.waitUntil(lambda: reports == ["away", "online", "away"], timeout=3000)  # idle again
    control.close()


def test_the_window_has_the_button_and_ctrl_shift_a_toggles_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    windows = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path,
        canned_language="en",
        order_feed_limit=10,
        queues=("deliveries",),
        idle_away_minutes=0,
    )
    qtbot.addWidget(windows.window)
    windows.window.show()
    qtbot.waitExposed(windows.window)
    windows.window.activateWindow()
    qtbot.waitUntil(windows.window.isActiveWindow)
    button = windows.presence_button
    assert button.parent() is windows.window.status_bar
    windows.window.queue_view.setFocus()
    handle = windows.window.windowHandle()
    assert handle is not None
    QTest.keyClick(
        handle,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert windows.presence.tracker.status == "away"
    assert button.text() == "● Away"
    windows.shutdown()
