"""The quick template picker on real widgets: ``::`` or Ctrl+Space, filter, Enter, Esc."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bridge.wire.protocol import AgentIdentity
from console.viewstate.template_filter import matching
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from console.workspace.canned import CannedReply
from tests.helpers import entities

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ME = AgentIdentity(agent_id="a-lucia", name="Lucía", role="agent", queues=["deliveries"])


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> TicketWorkspace:
    widget = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    ticket = entities.ticket("t-1", customer_name="Rosa Quispe", order_id="o-1")
    order = entities.order("o-1", status="dispatched")
    widget.show_ticket(ticket, order, [], [order], ME)
    widget.composer.focus_editor()
    qtbot.waitUntil(widget.composer.editor.hasFocus, timeout=1000)
    return widget


def test_typing_two_colons_opens_a_filterable_list_and_enter_inserts_the_reply(
    workspace: TicketWorkspace, qtbot: QtBot
) -> None:
    composer = workspace.composer
    QTest.keyClicks(composer.editor, "Hola. ::")
    picker = composer.template_picker
    qtbot.waitUntil(picker.filter_edit.hasFocus, timeout=1000)
    assert picker.isVisible()
    assert len(picker.shown_ids()) == len(CannedLibrary.load("en").replies)
    QTest.keyClicks(picker.filter_edit, "on the way")
    assert picker.shown_ids() == ["order-on-the-way"]
    QTest.keyClick(picker.filter_edit, Qt.Key.Key_Return)
    assert not picker.isVisible()
    text = composer.text()
    assert text.startswith("Hola. Good news, Rosa! Your order o-1 has left the store")
    assert "::" not in text
    assert composer.editor.hasFocus()


def test_esc_closes_and_leaves_the_colons_as_typed(
    workspace: TicketWorkspace, qtbot: QtBot
) -> None:
    composer = workspace.composer
    QTest.keyClicks(composer.editor, "a las 10::")
    picker = composer.template_picker
    qtbot.waitUntil(picker.filter_edit.hasFocus, timeout=1000)
    QTest.keyClick(picker.filter_edit, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    assert composer.text() == "a las 10::"
    qtbot.waitUntil(composer.editor.hasFocus, timeout=1000)


def test_ctrl_space_opens_it_and_down_chooses_the_second_match(
    workspace: TicketWorkspace, qtbot: QtBot
) -> None:
    composer = workspace.composer
    QTest.keyClick(composer.editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    picker = composer.template_picker
    qtbot.waitUntil(picker.filter_edit.hasFocus, timeout=1000)
    QTest.keyClicks(picker.filter_edit, "order")
    first, second = picker.shown_ids()[:2]
    assert (first, second) == ("order-delayed", "order-on-the-way")  # title prefixes first
    QTest.keyClick(picker.filter_edit, Qt.Key.Key_Down)
    QTest.keyClick(picker.filter_edit, Qt.Key.Key_Enter)
    assert composer.text().startswith("Good news, Rosa!")


def test_a_filter_that_matches_nothing_says_so(workspace: TicketWorkspace, qtbot: QtBot) -> None:
    workspace.composer.open_templates()
    picker = workspace.composer.template_picker
    qtbot.waitUntil(picker.filter_edit.hasFocus, timeout=1000)
    QTest.keyClicks(picker.filter_edit, "zzz")
    assert picker.shown_ids() == []
    assert picker.empty_label.isVisible()
    QTest.keyClick(picker.filter_edit, Qt.Key.Key_Return)  # nothing to insert
    assert workspace.composer.text() == ""


def test_the_filter_ignores_case_and_accents_and_puts_title_prefixes_first() -> None:
    replies = [
        CannedReply("refund", "Devolución iniciada", "…"),
        CannedReply("late", "Pedido demorado", "…"),
        CannedReply("dem", "Demora en el pago", "…"),
    ]
    assert [r.reply_id for r in matching(replies, "DEVOLUCION")] == ["refund"]
    assert [r.reply_id for r in matching(replies, "demor")] == ["dem", "late"]
    assert [r.reply_id for r in matching(replies, "")] == ["refund", "late", "dem"]
    assert [r.reply_id for r in matching(replies, "pedido demo")] == ["late"]
