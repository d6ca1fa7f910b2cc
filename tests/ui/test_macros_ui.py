"""Macros on real widgets: the menu, the M shortcut, steps sent in order, each state shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bridge.resources import resource_path
from bridge.wire.protocol import (
    AddTag,
    AgentIdentity,
    Claim,
    Command,
    CommandOutcome,
    Reply,
    SetPriority,
    SetStatus,
)
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.viewstate.macros import MacroLibrary, parse_macros
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from console.workspace.pending_actions import STATE_ROLE
from tests.helpers import entities
from tests.helpers.clock import T0
from tests.helpers.protocol import emit_snapshot, snapshot

# The offscreen platform warns on every top-level show and popup; it is not about our code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

ME = AgentIdentity(agent_id="a-lucia", name="Lucía", role="agent", queues=["deliveries"])
SHIPPED = MacroLibrary.load(resource_path("macros", "macros.toml"))


@pytest.fixture(autouse=True)
def english_locale() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale("en"))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def sent(qtbot: QtBot, tmp_path: Path) -> tuple[TicketWorkspace, list[Command]]:
    workspace = TicketWorkspace(
        DraftStore(tmp_path),
        CannedLibrary.load("en"),
        tz=dt.UTC,
        macros=SHIPPED,
        wall_clock=T0.timestamp,  # the order's ETA is still ahead
    )
    qtbot.addWidget(workspace)
    workspace.resize(1200, 800)
    workspace.show()
    commands: list[Command] = []
    workspace.command_requested.connect(commands.append)
    ticket = entities.ticket("t-1", customer_name="Rosa Quispe", order_id="o-1", tags=[])
    order = entities.order("o-1", status="delayed")
    workspace.show_ticket(ticket, order, [], [order], ME)
    return workspace, commands


def outcome(command: Command, state: str, reason: str | None = None) -> CommandOutcome:
    return CommandOutcome(
        command_id=command.command_id,
        state=state,  # type: ignore[arg-type]  # test data: one of the states
        reason=reason,
        ticket_id=command.action.ticket_id,
    )


def pending_states(workspace: TicketWorkspace) -> list[str]:
    model = workspace.pending_model
    return [model.data(model.index(row, 0), STATE_ROLE) for row in range(model.rowCount())]


def test_the_m_key_opens_the_menu_of_macros_named_in_the_interface_language(
    qtbot: QtBot, tmp_path: Path
) -> None:
    windows = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=10,
        queues=("deliveries",),
        macros=SHIPPED,
    )
    qtbot.addWidget(windows.window)
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):
        emit_snapshot(windows.client, snapshot([entities.ticket("t-1")], []))
    windows.window.show()
    qtbot.waitExposed(windows.window)
    windows.window.activateWindow()
    qtbot.waitUntil(windows.window.isActiveWindow)
    windows.open_ticket("t-1")
    table = windows.window.queue_view.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    menu = windows.workspace.macro_button.macro_menu
    QTest.keyClick(table, Qt.Key.Key_M)
    qtbot.waitUntil(menu.isVisible, timeout=1000)
    names = [action.text() for action in menu.actions()]
    assert names[:2] == ["Ask for the address and wait", "Delay: apologise, high priority"]
    menu.close()
    QLocale.setDefault(QLocale("es"))  # what Translations.install("es") does
    windows.workspace.macro_button.retranslate()
    assert menu.actions()[0].text() == "Pedir dirección y esperar"
    windows.shutdown()


def test_a_macro_sends_its_steps_one_after_another_each_after_the_previous_is_queued(
    sent: tuple[TicketWorkspace, list[Command]],
) -> None:
    workspace, commands = sent
    workspace.macro_button.macro_menu.actions()[1].trigger()  # claim, reply, priority, tag
    assert [type(c.action) for c in commands] == [Claim]
    assert "step 1 of 4" in workspace.macro_status.text()
    assert pending_states(workspace) == ["sending"]
    workspace.apply_outcome(outcome(commands[0], "queued"))
    assert [type(c.action) for c in commands] == [Claim, Reply]
    reply = commands[1].action
    assert isinstance(reply, Reply)
    assert reply.body.startswith("Hi Rosa, we're sorry your order o-1 is running late")
    workspace.apply_outcome(outcome(commands[1], "confirmed"))
    workspace.apply_outcome(outcome(commands[2], "queued"))
    assert [c.action for c in commands[2:]] == [
        SetPriority(ticket_id="t-1", priority="high"),
        AddTag(ticket_id="t-1", tag="demora"),
    ]
    assert pending_states(workspace) == ["queued", "confirmed", "queued", "sending"]
    workspace.apply_outcome(outcome(commands[3], "queued"))
    line = workspace.macro_status
    # the words of each count are the catalogs' (test_i18n): with or without the English one
    assert line.text().startswith("Macro “Delay: apologise, high priority”: ")
    assert "4 step" in line.text()
    assert line.text().endswith(" queued.")
    assert len(commands) == 4


def test_the_macro_line_says_done_once_the_log_has_every_step_then_goes_away(
    qtbot: QtBot, sent: tuple[TicketWorkspace, list[Command]]
) -> None:
    workspace, commands = sent
    line = workspace.macro_status
    line.done_timer.setInterval(200)
    workspace.macro_button.macro_menu.actions()[0].trigger()  # reply, then pending
    workspace.apply_outcome(outcome(commands[0], "queued"))
    workspace.apply_outcome(outcome(commands[1], "queued"))
    workspace.apply_outcome(outcome(commands[0], "confirmed"))
    assert " queued." in line.text()  # one step is not in the log yet
    workspace.apply_outcome(outcome(commands[1], "confirmed"))
    assert line.isVisible()
    assert line.text().startswith("Macro “Ask for the address and wait” done: ")
    assert "2 step" in line.text()
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=2000)
    assert line.text() == ""
    # opening the ticket again does not bring the finished run back
    ticket = entities.ticket("t-1", customer_name="Rosa Quispe", order_id="o-1", tags=[])
    workspace.show_ticket(ticket, None, [], [], ME)
    assert not line.isVisible()


def test_a_step_refused_after_it_was_queued_keeps_the_macro_line(
    sent: tuple[TicketWorkspace, list[Command]],
) -> None:
    workspace, commands = sent
    line = workspace.macro_status
    workspace.macro_button.macro_menu.actions()[0].trigger()
    workspace.apply_outcome(outcome(commands[0], "queued"))
    workspace.apply_outcome(outcome(commands[1], "queued"))
    workspace.apply_outcome(outcome(commands[0], "confirmed"))
    workspace.apply_outcome(outcome(commands[1], "rejected", "already resolved"))
    assert not line.done_timer.isActive()  # no done line: it stays
    assert line.isVisible()
    assert "Refused later: already resolved" in line.text()


def test_a_refused_step_stops_the_macro_and_says_what_was_not_sent(
    sent: tuple[TicketWorkspace, list[Command]],
) -> None:
    workspace, commands = sent
    workspace.macro_button.macro_menu.actions()[0].trigger()  # reply, then pending
    workspace.apply_outcome(outcome(commands[0], "invalid", "the disk is full"))
    assert len(commands) == 1
    assert workspace.macro_status.text() == (
        "Macro “Ask for the address and wait” stopped: step 1 was not accepted "
        "(the disk is full); 1 not sent."
    )
    assert pending_states(workspace) == ["invalid"]


def test_a_macro_waits_while_the_customer_wrote_something_unseen(
    sent: tuple[TicketWorkspace, list[Command]],
) -> None:
    workspace, commands = sent
    ticket = entities.ticket(
        "t-1", order_id="o-1", messages=[entities.message("m-new", "customer", body="¿Y?")]
    )
    workspace.update_ticket(ticket, None, [], [])
    assert not workspace.run_macro("resolve-with-thanks")
    assert commands == []
    assert "New messages arrived" in workspace.macro_status.text()
    assert workspace.run_macro("resolve-with-thanks")  # now seen
    assert isinstance(commands[0].action, Reply)


def test_a_macro_whose_reply_cannot_be_filled_does_not_start(qtbot: QtBot, tmp_path: Path) -> None:
    library = MacroLibrary(
        parse_macros(
            {
                "version": 1,
                "macro": [
                    {"id": "eta", "name": "ETA", "actions": [{"reply": "order-on-the-way"}]},
                    {"id": "noop", "name": "Abrir", "actions": [{"status": "open"}]},
                ],
            },
            "test",
        )
    )
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, macros=library
    )
    qtbot.addWidget(workspace)
    commands: list[Command] = []
    workspace.command_requested.connect(commands.append)
    workspace.show_ticket(entities.ticket("t-1", order_id=None), None, [], [], ME)
    assert not workspace.run_macro("eta")
    assert "{order_id}, {eta}" in workspace.macro_status.text()
    assert not workspace.run_macro("noop")
    assert "Nothing to change" in workspace.macro_status.text()
    assert commands == []


def test_while_a_macro_runs_another_one_does_not_start(
    sent: tuple[TicketWorkspace, list[Command]],
) -> None:
    workspace, commands = sent
    assert workspace.run_macro("wait-for-address")
    assert not workspace.run_macro("resolve-with-thanks")
    assert "still running" in workspace.macro_status.text()
    workspace.apply_outcome(outcome(commands[0], "queued"))
    assert commands[1].action == SetStatus(ticket_id="t-1", status="pending")


def test_a_macro_does_not_reply_on_a_ticket_another_agent_holds(
    qtbot: QtBot, tmp_path: Path
) -> None:
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, macros=SHIPPED
    )
    qtbot.addWidget(workspace)
    commands: list[Command] = []
    workspace.command_requested.connect(commands.append)
    held = entities.ticket("t-1", assignee="a-ana", assignee_name="Ana Quispe", order_id="o-1")
    order = entities.order("o-1", status="delayed")
    workspace.show_ticket(held, order, [], [order], ME)
    assert not workspace.run_macro("resolve-with-thanks")
    assert commands == []
    assert workspace.macro_status.text() == (
        "Ana Quispe holds this ticket: a macro does not reply for them."
    )
