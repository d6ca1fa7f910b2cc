"""The ticket header on real widgets: it never jumps, and it shows the live first-response SLA."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from console.models.ticket_queue_model import SLA_COLOURS
from console.viewstate.queue_rows import SlaState
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from tests.helpers import entities
from tests.helpers.clock import Clock, at
from tests.helpers.protocol import ME

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Ticket

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LONG_NAME = "Ana Lucía Quispe Huamán de la Torre Villanueva"


def make_ticket(**fields: object) -> Ticket:
    values: dict[str, object] = {
        "customer_name": "María Rojas",
        "subject": "Mi pedido no llega y ya pasó más de una hora desde que lo pedí",
        "sla_due_at": at(30),
    }
    values.update(fields)
    return entities.ticket("T-100", **values)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path, clock: Clock) -> TicketWorkspace:
    widget = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=clock
    )
    qtbot.addWidget(widget)
    widget.resize(640, 700)  # the ticket pane of a 1024 px wide window
    return widget


def conversation_top(workspace: TicketWorkspace) -> int:
    """Where the conversation starts, once the layout has settled."""
    QApplication.processEvents()
    layout = workspace.layout()
    assert layout is not None
    layout.activate()
    return workspace.conversation.mapTo(workspace, QPoint(0, 0)).y()


@pytest.mark.parametrize("width", [500, 640, 900, 1000])
def test_the_header_keeps_its_height_when_status_priority_or_assignee_change(
    qtbot: QtBot, workspace: TicketWorkspace, width: int
) -> None:
    workspace.resize(width, 700)
    ticket = make_ticket()
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    workspace.show()
    qtbot.waitExposed(workspace)
    top = conversation_top(workspace)

    changes: list[dict[str, object]] = [
        {"assignee": "a-ana", "assignee_name": LONG_NAME},
        {"assignee": "a-ana", "assignee_name": LONG_NAME, "priority": "urgent"},
        {"assignee": "a-ana", "assignee_name": LONG_NAME, "status": "pending", "queue": "payments"},
        {"assignee": "a-bo", "assignee_name": "Bo", "status": "open", "priority": "low"},
        {"assignee": None, "assignee_name": None, "status": "open"},
    ]
    for change in changes:
        workspace.update_ticket(make_ticket(**change), None, [], [], ME)
        assert conversation_top(workspace) == top, change
    # The full line is one hover away.
    workspace.update_ticket(make_ticket(**changes[2]), None, [], [], ME)
    assert LONG_NAME in workspace.meta_label.full_text()
    if workspace.meta_label.is_elided():
        assert LONG_NAME in workspace.meta_label.toolTip()


def test_a_colleague_arriving_or_leaving_does_not_move_the_conversation(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = make_ticket()
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    workspace.show()
    qtbot.waitExposed(workspace)
    top = conversation_top(workspace)
    ana = entities.presence("a-ana", name=LONG_NAME, viewing="T-100", expires_at=at(5))
    workspace.set_agents([ana])
    assert workspace.colleagues_label.isVisible()
    assert conversation_top(workspace) == top
    workspace.set_agents([])
    assert not workspace.colleagues_label.isVisible()
    assert conversation_top(workspace) == top


def rect_in(workspace: TicketWorkspace, widget: QWidget) -> QRect:
    """Where ``widget`` is drawn, in the workspace's coordinates."""
    return QRect(widget.mapTo(workspace, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("width", [640, 1000])
def test_no_empty_line_between_the_state_line_and_the_tags(
    qtbot: QtBot, workspace: TicketWorkspace, width: int
) -> None:
    workspace.resize(width, 700)
    ticket = make_ticket()
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    workspace.show()
    qtbot.waitExposed(workspace)
    conversation_top(workspace)  # the layout settled
    layout = workspace.layout()
    assert layout is not None
    spacing = max(layout.spacing(), 0)
    meta = rect_in(workspace, workspace.meta_label)
    tags = rect_in(workspace, workspace.tag_editor)
    # Nothing but the layout's spacing between the two lines (a line is ~17 px).
    assert tags.top() - meta.bottom() - 1 <= spacing, (meta, tags, spacing)
    top = conversation_top(workspace)

    # Who else is here shows on the state line, at its right, not on a line of its own.
    ana = entities.presence("a-ana", name="Ana Quispe", viewing="T-100", expires_at=at(5))
    workspace.set_agents([ana])
    assert conversation_top(workspace) == top
    colleagues = rect_in(workspace, workspace.colleagues_label)
    meta = rect_in(workspace, workspace.meta_label)
    assert workspace.colleagues_label.isVisible()
    assert colleagues.top() == meta.top()
    assert colleagues.left() >= meta.right()
    assert colleagues.right() < workspace.width()
    assert rect_in(workspace, workspace.tag_editor) == tags
    if width >= 1000:  # room for both: neither is cut
        assert not workspace.colleagues_label.is_elided()
        assert not workspace.meta_label.is_elided()


def sla_colour(workspace: TicketWorkspace) -> QColor:
    return workspace.sla_label.palette().color(QPalette.ColorRole.WindowText)


def test_the_header_shows_the_live_sla_in_the_queues_colours(
    qtbot: QtBot, tmp_path: Path, clock: Clock
) -> None:
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=clock, sla_tick_ms=20
    )
    qtbot.addWidget(workspace)
    ticket = make_ticket(sla_due_at=at(30))  # due at 12:30
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    label = workspace.sla_label
    assert label.property("sla_state") == SlaState.RUNNING.value
    assert "30 min left" in label.text()
    assert "12:30" in label.text()
    assert sla_colour(workspace) == SLA_COLOURS[SlaState.RUNNING]

    clock.advance(20 * 60)  # ten minutes left: due soon, ticking without any update
    qtbot.waitUntil(lambda: "10 min left" in label.text(), timeout=2000)
    assert label.property("sla_state") == SlaState.WARNING.value
    assert sla_colour(workspace) == SLA_COLOURS[SlaState.WARNING]
    clock.advance(60)
    qtbot.waitUntil(lambda: "9 min left" in label.text(), timeout=2000)

    clock.advance(9 * 60 + 5 * 60)  # five minutes past the due time: breached, red
    qtbot.waitUntil(lambda: label.property("sla_state") == SlaState.BREACHED.value, timeout=2000)
    assert "overdue by 5 min" in label.text()
    assert sla_colour(workspace) == SLA_COLOURS[SlaState.BREACHED]


def test_the_sla_line_stays_after_the_first_reply(workspace: TicketWorkspace, clock: Clock) -> None:
    ticket = make_ticket(sla_due_at=at(30))
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    answered = make_ticket(sla_due_at=at(30), first_response_at=at(12))
    workspace.update_ticket(answered, None, [], [], ME)
    label = workspace.sla_label
    assert label.property("sla_state") == SlaState.MET.value
    assert label.text() == "First response met at 12:12"
    assert sla_colour(workspace) == SLA_COLOURS[SlaState.MET]
    clock.advance(45 * 60)
    late = make_ticket(sla_due_at=at(30), first_response_at=at(41))
    workspace.update_ticket(late, None, [], [], ME)
    assert label.property("sla_state") == SlaState.BREACHED.value
    assert label.text() == "First response late: sent at 12:41, due 12:30"
    assert sla_colour(workspace) == SLA_COLOURS[SlaState.BREACHED]
