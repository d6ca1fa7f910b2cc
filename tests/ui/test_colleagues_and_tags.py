"""Contract 1.1 in the console: who else is on a ticket (queue and header), and tags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Presence
from bridge.wire.protocol import AddTag, Change, Command, RemoveTag
from console.activity_reporter import ActivityReporter
from console.models.ticket_queue_model import Column, TicketQueueModel
from console.views.status_bar import ConsoleStatusBar
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from tests.helpers.clock import T0, Clock, at
from tests.helpers.entities import ticket
from tests.helpers.protocol import ME, delta, snapshot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def colleague(
    agent_id: str,
    name: str,
    *,
    viewing: str | None = None,
    composing: str | None = None,
    expires_in_min: float = 1.5,
    status: str = "online",
) -> Presence:
    return Presence(
        agent_id=agent_id,
        name=name,
        role="agent",
        status=status,  # type: ignore[arg-type]
        queues=["deliveries"],
        expires_at=at(expires_in_min),
        viewing=viewing,
        composing=composing,
    )


def agent_change(presence: Presence) -> Change:
    return Change(kind="agent", key=presence.agent_id, agent=presence)


# ------------------------------------------------------------------ the queue
class Queue:
    def __init__(self) -> None:
        self.clock = Clock()
        self.store = ViewStore()
        self.model = TicketQueueModel(self.store, SeenTracker(), self.clock)
        self.store.apply_snapshot(snapshot([ticket("t1"), ticket("t2", tags=["vip"])]))

    def cell(
        self, ticket_id: str, column: Column, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        row = self.model.row_of(ticket_id)
        assert row is not None
        return self.model.index(row, column).data(role)


def test_the_queue_row_shows_who_else_is_on_the_ticket_live() -> None:
    queue = Queue()
    changed: list[tuple[int, int]] = []
    queue.model.dataChanged.connect(lambda tl, br, _r=(): changed.append((tl.row(), tl.column())))
    queue.store.apply_delta(delta(2, agent_change(colleague("ana", "Ana Quispe", viewing="t1"))))
    assert queue.cell("t1", Column.OTHERS) == "Ana Quispe"
    assert queue.cell("t2", Column.OTHERS) == ""
    assert changed == [(queue.model.row_of("t1"), Column.OTHERS)]
    queue.store.apply_delta(
        delta(3, agent_change(colleague("ana", "Ana Quispe", viewing="t1", composing="t1")))
    )
    assert queue.cell("t1", Column.OTHERS) == "Ana Quispe (writing)"
    assert queue.cell("t1", Column.OTHERS, TOOLTIP) == "<qt>Ana Quispe is writing a reply</qt>"
    queue.store.apply_delta(delta(4, agent_change(colleague("ana", "Ana Quispe"))))
    assert queue.cell("t1", Column.OTHERS) == ""


def test_my_own_presence_is_not_someone_else_on_the_ticket() -> None:
    queue = Queue()
    queue.store.apply_delta(delta(2, agent_change(colleague(ME.agent_id, ME.name, viewing="t1"))))
    assert queue.cell("t1", Column.OTHERS) == ""


def test_a_colleague_whose_presence_expires_leaves_the_row() -> None:
    queue = Queue()
    queue.store.apply_delta(
        delta(2, agent_change(colleague("ana", "Ana", viewing="t1", expires_in_min=1)))
    )
    assert queue.cell("t1", Column.OTHERS) == "Ana"
    queue.clock.advance(61)
    queue.model.refresh_colleagues()  # the queue view calls it every tick
    assert queue.cell("t1", Column.OTHERS) == ""


def test_names_and_tags_in_tooltips_are_escaped_plain_text() -> None:
    queue = Queue()
    queue.store.apply_delta(
        delta(
            2,
            agent_change(colleague("x", "<b>Eve</b>", viewing="t2")),
            Change(kind="ticket", key="t2", ticket=ticket("t2", tags=["<i>vip</i>"])),
        )
    )
    assert queue.cell("t2", Column.OTHERS) == "<b>Eve</b>"
    assert queue.cell("t2", Column.OTHERS, TOOLTIP) == "<qt>&lt;b&gt;Eve&lt;/b&gt; is viewing</qt>"
    assert queue.cell("t2", Column.TAGS, TOOLTIP) == "<qt>&lt;i&gt;vip&lt;/i&gt;</qt>"


def test_the_tags_in_use_follow_the_tickets(qtbot: QtBot) -> None:
    queue = Queue()
    assert queue.model.tags() == ["vip"]
    with qtbot.waitSignal(queue.model.tags_changed, timeout=1000):
        queue.store.apply_delta(
            delta(2, Change(kind="ticket", key="t1", ticket=ticket("t1", tags=["refund"])))
        )
    assert queue.model.tags() == ["refund", "vip"]
    assert queue.cell("t1", Column.TAGS) == "refund"


# ------------------------------------------------------------------ the workspace
@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> TicketWorkspace:
    widget = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=T0.timestamp
    )
    qtbot.addWidget(widget)
    widget.show_ticket(ticket("t1", tags=["vip"]), None, [], [], ME)
    return widget


def commands_of(workspace: TicketWorkspace) -> list[Command]:
    sent: list[Command] = []
    workspace.command_requested.connect(sent.append)
    return sent


def test_the_header_says_who_is_viewing_and_who_is_writing(workspace: TicketWorkspace) -> None:
    label = workspace.colleagues_label
    assert label.isHidden()
    workspace.set_agents([colleague("ana", "Ana Quispe", viewing="t1")])
    assert not label.isHidden()
    assert label.full_text() == "Ana Quispe is viewing"
    assert label.textFormat() == Qt.TextFormat.PlainText
    workspace.set_agents(
        [
            colleague("ana", "Ana Quispe", viewing="t1", composing="t1"),
            colleague("beto", "Beto Huamán", viewing="t1"),
            colleague("caro", "Caro", viewing="t2"),  # another ticket
            colleague(ME.agent_id, ME.name, viewing="t1", composing="t1"),  # myself
        ]
    )
    assert label.full_text() == "Ana Quispe is writing a reply · Beto Huamán is viewing"
    workspace.set_agents([colleague("ana", "Ana Quispe", viewing="t1", status="offline")])
    assert label.isHidden()


def test_the_header_clears_when_the_colleague_presence_expires(
    qtbot: QtBot, tmp_path: Path
) -> None:
    now = [T0.timestamp()]
    widget = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=lambda: now[0]
    )
    qtbot.addWidget(widget)
    widget.show_ticket(ticket("t1"), None, [], [], ME)
    widget.set_agents([colleague("ana", "Ana", viewing="t1", expires_in_min=0.005)])  # 0.3 s
    assert widget.colleagues_label.full_text() == "Ana is viewing"
    now[0] += 1.0  # the timer set for the expiry re-reads the time
    qtbot.waitUntil(widget.colleagues_label.isHidden, timeout=3000)


def test_tags_are_added_and_removed_through_commands(workspace: TicketWorkspace) -> None:
    sent = commands_of(workspace)
    editor = workspace.tag_editor
    assert editor.tags == ("vip",)
    QTest.keyClicks(editor.field, "  refund ")
    QTest.keyClick(editor.field, Qt.Key.Key_Return)
    assert editor.field.text() == ""
    editor.tag_buttons()[0].click()
    assert [c.action for c in sent] == [
        AddTag(ticket_id="t1", tag="refund"),
        RemoveTag(ticket_id="t1", tag="vip"),
    ]
    assert editor.tags == ("vip",), "the tags change only when the fold says so"
    workspace.update_ticket(ticket("t1", tags=["refund"]), None, [], [])
    assert editor.tags == ("refund",)


def test_a_tag_already_there_or_empty_is_not_sent(workspace: TicketWorkspace) -> None:
    sent = commands_of(workspace)
    for text in ("vip", "   "):
        workspace.tag_editor.field.setText(text)
        QTest.keyClick(workspace.tag_editor.field, Qt.Key.Key_Return)
    assert sent == []


def test_the_tag_field_is_limited_to_40_characters_and_completes_tags_in_use(
    workspace: TicketWorkspace,
) -> None:
    field = workspace.tag_editor.field
    field.setText("x" * 60)
    assert len(field.text()) == 40
    workspace.set_known_tags(["refund", "vip", "refund"])
    completer = field.completer()
    assert completer is not None
    model = completer.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["refund", "vip"]


def test_a_tag_button_shows_an_ampersand_as_text_not_a_mnemonic(
    workspace: TicketWorkspace,
) -> None:
    workspace.update_ticket(ticket("t1", tags=["R&D"]), None, [], [])
    (button,) = workspace.tag_editor.tag_buttons()
    assert button.text() == "R&&D \u00d7"
    assert button.accessibleName() == "Remove tag R&D"


# ------------------------------------------------------------------ reporting activity
def test_the_workspace_reports_viewing_typing_sending_and_leaving(
    qtbot: QtBot, tmp_path: Path
) -> None:
    widget = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(widget)
    reports: list[tuple[str | None, str | None]] = []
    ActivityReporter(widget, lambda v, c: reports.append((v, c)), idle_s=0.3, parent=widget)
    widget.show_ticket(ticket("t1"), None, [], [], ME)
    QTest.keyClicks(widget.composer.editor, "Hola")
    assert reports == [("t1", None), ("t1", "t1")]
    qtbot.waitUntil(lambda: reports[-1] == ("t1", None), timeout=3000)  # idle: no longer writing
    QTest.keyClicks(widget.composer.editor, " Rosa")
    widget.composer.request_send()
    assert reports[-2:] == [("t1", "t1"), ("t1", None)]
    widget.show_ticket(ticket("t2"), None, [], [], ME)
    assert reports[-1:] == [("t2", None)]
    widget.clear()
    assert reports[-1:] == [(None, None)]


# ------------------------------------------------------------------ versions
def test_the_status_bar_says_versions_differ_and_to_reinstall(qtbot: QtBot) -> None:
    bar = ConsoleStatusBar(Clock())
    qtbot.addWidget(bar)
    bar.set_incompatible(2, 1)
    assert bar.bridge_label.text() == (
        "Console and bridge versions differ: the console speaks protocol 2, the bridge 1. "
        "Reinstall the console so both are the same version."
    )
    bar.set_reconnecting("the bridge closed")  # a later drop does not hide the reason
    assert "versions differ" in bar.bridge_label.text()
    bar.set_connected()
    assert bar.bridge_label.text() == "Bridge: connected"
