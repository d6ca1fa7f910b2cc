"""Guided mode on real widgets: resolving or setting pending opens the view's next ticket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bridge.resources import resource_path
from bridge.wire.protocol import Command, CommandOutcome
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.viewstate.macros import MacroLibrary
from tests.helpers.clock import at
from tests.helpers.entities import ticket
from tests.helpers.protocol import emit_snapshot, snapshot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def make(
    qtbot: QtBot, tmp_path: Path, *, open_next: bool, assignees: tuple[str | None, ...] = ()
) -> ConsoleWindowSet:
    windows = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=100,
        queues=("deliveries",),
        macros=MacroLibrary.load(resource_path("macros", "macros.toml")),
        open_next_ticket=open_next,
    )
    qtbot.addWidget(windows.window)
    owners = [*assignees, None, None, None]
    tickets = [
        ticket(f"t{n}", sla_due_at=at(10 * n), assignee=owners[n - 1], assignee_name=owners[n - 1])
        for n in (1, 2, 3)
    ]
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):
        emit_snapshot(windows.client, snapshot(tickets, []))
    assert windows.window.queue_view.set_saved_view("open")
    return windows


@pytest.fixture
def guided(qtbot: QtBot, tmp_path: Path) -> Iterator[ConsoleWindowSet]:
    windows = make(qtbot, tmp_path, open_next=True)
    yield windows
    windows.shutdown()


def order_of(windows: ConsoleWindowSet) -> list[str]:
    proxy = windows.window.queue_view.proxy
    return [proxy.ticket_id(row) for row in range(proxy.rowCount())]


def test_resolving_opens_the_next_ticket_of_the_view_and_selects_it(
    guided: ConsoleWindowSet,
) -> None:
    order = order_of(guided)
    assert len(order) == 3
    guided.open_ticket(order[1])
    assert guided.workspace.next_ticket_box.isChecked()
    guided.workspace.action_bar.status_actions["resolved"].trigger()
    assert guided.workspace.ticket_id == order[2]
    assert guided.window.queue_view.current_ticket_id() == order[2]


def test_pending_on_the_last_ticket_goes_back_to_the_top(guided: ConsoleWindowSet) -> None:
    order = order_of(guided)
    guided.open_ticket(order[2])
    guided.workspace.action_bar.status_actions["pending"].trigger()
    assert guided.workspace.ticket_id == order[0]


def test_other_actions_and_an_unticked_box_stay_on_the_ticket(guided: ConsoleWindowSet) -> None:
    order = order_of(guided)
    guided.open_ticket(order[0])
    guided.workspace.action_bar.priority_actions["urgent"].trigger()
    assert guided.workspace.ticket_id == order[0]
    guided.workspace.next_ticket_box.setChecked(False)
    guided.workspace.action_bar.status_actions["resolved"].trigger()
    assert guided.workspace.ticket_id == order[0]


def test_by_default_the_box_is_unticked(qtbot: QtBot, tmp_path: Path) -> None:
    windows = make(qtbot, tmp_path, open_next=False)
    assert not windows.workspace.next_ticket_box.isChecked()
    windows.shutdown()


def test_a_resolving_macro_moves_on_once_its_last_step_is_queued(
    guided: ConsoleWindowSet,
) -> None:
    order = order_of(guided)
    guided.open_ticket(order[0])
    sent: list[Command] = []
    guided.workspace.command_requested.connect(sent.append)
    assert guided.workspace.run_macro("resolve-with-thanks")  # reply, then resolved
    guided.workspace.apply_outcome(CommandOutcome(command_id=sent[0].command_id, state="queued"))
    assert guided.workspace.ticket_id == order[0]  # the resolve is not queued yet
    guided.workspace.apply_outcome(CommandOutcome(command_id=sent[1].command_id, state="queued"))
    assert guided.workspace.ticket_id == order[1]


def test_a_colleague_s_ticket_is_passed_over(qtbot: QtBot, tmp_path: Path) -> None:
    """In All open the next ticket may be a colleague's: guided mode opens the next one to take."""
    windows = make(qtbot, tmp_path, open_next=True, assignees=(None, "a-colleague", None))
    order = order_of(windows)
    assert order == ["t1", "t2", "t3"]
    windows.open_ticket("t1")
    windows.workspace.action_bar.status_actions["resolved"].trigger()
    assert windows.workspace.ticket_id == "t3"
    windows.workspace.action_bar.status_actions["pending"].trigger()
    assert windows.workspace.ticket_id == "t1"  # wrapped past the colleague's again
    windows.shutdown()
