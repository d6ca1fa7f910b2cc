"""The ticket's history in the conversation, on real widgets: quiet lines in log order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Message, TicketAction
from bridge.wire.protocol import AgentIdentity
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from console.workspace.conversation import HistoryLine, MessageBubble
from tests.helpers import entities

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ME = AgentIdentity(agent_id="a-lucia", name="Lucía", role="agent", queues=["deliveries"])


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> TicketWorkspace:
    widget = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    return widget


def _thread() -> tuple[list[Message], list[TicketAction]]:
    messages = [
        entities.message("m-1", "customer", body="¿Dónde está?", log_index=0),
        entities.message("m-2", "agent", body="Ya lo reviso", log_index=2),
    ]
    actions = [
        entities.ticket_action("claim", "atp.ticket.claimed", log_index=1),
        entities.ticket_action(
            "pend", "atp.ticket.status_changed", value="pending", log_index=3
        ),
        entities.ticket_action(
            "prio", "atp.ticket.priority_changed", value="urgent", log_index=4, agent_name=None,
            agent_id=None,
        ),
        entities.ticket_action(
            "asg", "atp.ticket.assigned", agent_name="Rosa", target_id="a-luis",
            target_name="Luis", log_index=5,
        ),
        entities.ticket_action("queue", "atp.ticket.queue_changed", value="payments", log_index=6),
        entities.ticket_action("rel", "atp.ticket.released", log_index=7),
    ]  # fmt: skip
    return messages, actions


def _texts(workspace: TicketWorkspace) -> list[str]:
    shown: list[str] = []
    for entry in workspace.conversation.entries():
        if isinstance(entry, HistoryLine):
            shown.append(f"history: {entry.text()}")
        elif isinstance(entry, MessageBubble):
            shown.append(f"{entry.kind.value}: {entry.body_label.text().splitlines()[0]}")
    return shown


def test_claims_status_priority_assignment_queue_and_release_read_in_log_order(
    workspace: TicketWorkspace,
) -> None:
    messages, actions = _thread()
    ticket = entities.ticket("t-1", subject="Pedido", messages=messages, actions=actions)
    workspace.show_ticket(ticket, None, [], [], ME)
    assert _texts(workspace) == [
        "opening: Pedido",
        "customer: ¿Dónde está?",
        "history: Lucía claimed the ticket · 2024-05-06 12:00",
        "agent: Ya lo reviso",
        "history: Lucía set the status to Pending · 2024-05-06 12:00",
        "history: Someone set the priority to Urgent · 2024-05-06 12:00",
        "history: Rosa assigned the ticket to Luis · 2024-05-06 12:00",
        "history: Lucía moved the ticket to the queue Payments · 2024-05-06 12:00",
        "history: Lucía released the ticket · 2024-05-06 12:00",
    ]
    line = workspace.conversation.history_lines()[0]
    assert line.textFormat() == Qt.TextFormat.PlainText
    assert line.font().italic()


def test_a_live_action_appends_one_quiet_line_and_keeps_the_rest(
    workspace: TicketWorkspace,
) -> None:
    messages, actions = _thread()
    ticket = entities.ticket("t-1", messages=messages, actions=actions[:1])
    workspace.show_ticket(ticket, None, [], [], ME)
    first_line = workspace.conversation.history_lines()[0]
    later = entities.ticket(
        "t-1", messages=messages, actions=[*actions[:1], entities.ticket_action(
            "res", "atp.ticket.status_changed", value="resolved", log_index=3)]
    )  # fmt: skip
    workspace.update_ticket(later, None, [], [])
    lines = workspace.conversation.history_lines()
    assert lines[0] is first_line
    assert [line.text() for line in lines] == [
        "Lucía claimed the ticket · 2024-05-06 12:00",
        "Lucía set the status to Resolved · 2024-05-06 12:00",
    ]
    assert _texts(workspace)[-1] == "history: Lucía set the status to Resolved · 2024-05-06 12:00"


def test_a_name_with_markup_is_shown_as_written(workspace: TicketWorkspace) -> None:
    action = entities.ticket_action("claim", agent_name="<b>Eve</b> %2")
    workspace.show_ticket(entities.ticket("t-1", actions=[action]), None, [], [], ME)
    line = workspace.conversation.history_lines()[0]
    assert line.text() == "<b>Eve</b> %2 claimed the ticket · 2024-05-06 12:00"
    assert line.textFormat() == Qt.TextFormat.PlainText
