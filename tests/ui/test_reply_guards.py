"""Replying to a ticket another agent holds asks first (issue 10, defect 12), on real widgets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from bridge.wire.protocol import Command, CommandOutcome, Note, Reply
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from tests.helpers import entities
from tests.helpers.protocol import ME

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Ticket

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def held_by(assignee: str | None, name: str | None = None) -> Ticket:
    return entities.ticket("T-7", assignee=assignee, assignee_name=name)


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> TicketWorkspace:
    widget = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def ctrl_enter(workspace: TicketWorkspace) -> None:
    QTest.keyClick(
        workspace.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )


def test_a_reply_on_another_agents_ticket_asks_first(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = held_by("a-ana", "Ana Quispe")
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    sent: list[Command] = []
    workspace.command_requested.connect(sent.append)
    QTest.keyClicks(workspace.composer.editor, "Ya lo reviso")
    ctrl_enter(workspace)
    banner = workspace.owner_banner
    assert banner.isVisible()
    assert "assigned to Ana Quispe" in banner.title_text()
    assert sent == []
    assert banner.cancel_button.hasFocus()  # Enter does the safe thing

    banner.cancel_button.click()
    assert not banner.isVisible()
    assert sent == []
    assert workspace.composer.text() == "Ya lo reviso"  # the text is kept

    ctrl_enter(workspace)
    qtbot.waitUntil(banner.isVisible)
    banner.reply_button.click()
    assert not banner.isVisible()
    assert [c.action for c in sent] == [Reply(ticket_id="T-7", body="Ya lo reviso")]

    # Confirmed once for this ticket and assignee: the next reply goes straight out.
    workspace.apply_outcome(
        CommandOutcome(command_id=sent[0].command_id, state="confirmed", ticket_id="T-7")
    )
    QTest.keyClicks(workspace.composer.editor, "Listo")
    ctrl_enter(workspace)
    assert not banner.isVisible()
    assert [c.action for c in sent][-1] == Reply(ticket_id="T-7", body="Listo")


def test_notes_my_own_and_unassigned_tickets_do_not_ask(workspace: TicketWorkspace) -> None:
    sent: list[Command] = []
    workspace.command_requested.connect(sent.append)
    for number, ticket in enumerate(
        [held_by(None), held_by(ME.agent_id, ME.name), held_by("a-ana", "Ana Quispe")]
    ):
        workspace.show_ticket(ticket, None, [ticket], [], ME)
        internal = number == 2  # a note on Ana's ticket is fine
        if internal:
            workspace.composer.note_toggle.click()
        QTest.keyClicks(workspace.composer.editor, f"texto {number}")
        ctrl_enter(workspace)
        assert not workspace.owner_banner.isVisible()
        action = sent[-1].action
        assert isinstance(action, Note if internal else Reply)
        workspace.apply_outcome(
            CommandOutcome(command_id=sent[-1].command_id, state="confirmed", ticket_id="T-7")
        )
    assert len(sent) == 3
