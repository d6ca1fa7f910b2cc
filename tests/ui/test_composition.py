"""The composition root on real widgets: what the bridge client emits reaches every view."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QListWidget
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Ticket
from bridge.wire.protocol import CommandOutcome, SnapshotBegin
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.workspace.order_timeline import OrderPanel
from tests.helpers.clock import at
from tests.helpers.entities import order, ticket
from tests.helpers.protocol import (
    ME,
    delta,
    emit_snapshot,
    order_change,
    snapshot,
    status,
    stream,
    ticket_change,
    ticket_removal,
)


@pytest.fixture
def windows(qtbot: QtBot, tmp_path: Path) -> Iterator[ConsoleWindowSet]:
    made = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=100,
        queues=("deliveries", "payments"),
    )
    qtbot.addWidget(made.window)
    yield made
    made.shutdown()


def test_snapshots_and_deltas_from_the_client_reach_the_store_and_the_queue(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    with qtbot.waitSignal(windows.data_seen, timeout=1000):
        emit_snapshot(windows.client, snapshot([ticket("t1")], [order("o1")]))
    assert set(windows.store.tickets) == {"t1"}
    windows.client.delta.emit(delta(2, ticket_change(ticket("t2"))))  # applied by the next frame
    qtbot.waitUntil(lambda: set(windows.store.tickets) == {"t1", "t2"}, timeout=1000)
    queue = windows.window.queue_view
    assert sorted(queue.visible_ticket_ids()) == ["t1", "t2"]


def listed(widget: QListWidget) -> list[str]:
    return [widget.item(row).data(Qt.ItemDataRole.UserRole) for row in range(widget.count())]


HISTORY = snapshot(
    [
        ticket("t1", customer_id="c1", order_id="o1", opened_at=at(-30)),
        ticket("t2", customer_id="c1", opened_at=at(-20)),
        ticket("t3", customer_id="c2"),
    ],
    [
        order("o1", customer_id="c1"),
        order("o2", customer_id="c1", placed_at=at(-60)),
        order("o3", customer_id="c2"),
    ],
)


def test_an_opened_ticket_shows_the_customers_other_tickets_and_orders(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):  # applied on the next frame
        emit_snapshot(windows.client, HISTORY)
    windows.open_ticket("t1")
    panel = windows.workspace.order_panel
    assert windows.workspace.ticket_id == "t1"
    assert panel.timeline_model.rowCount() == 1  # o1, the linked order: placed
    assert listed(panel.other_tickets) == ["t2"]
    assert listed(panel.other_orders) == ["o2"]


def _opened_order(windows: ConsoleWindowSet, order_id: str) -> tuple[QDialog, OrderPanel]:
    """Open ``order_id`` as the feed does; its window (a child of the main one) and panel."""
    windows.open_order(order_id)
    dialog = windows.window.findChild(QDialog)
    assert dialog is not None
    panel = dialog.findChild(OrderPanel)
    assert panel is not None
    return dialog, panel


def test_an_opened_order_shows_the_customers_tickets_and_orders(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):  # applied on the next frame
        emit_snapshot(windows.client, HISTORY)
    dialog, panel = _opened_order(windows, "o2")
    assert sorted(listed(panel.other_tickets)) == ["t1", "t2"]
    assert listed(panel.other_orders) == ["o1"]
    dialog.close()


def test_an_order_window_follows_the_order_as_its_events_arrive(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    """A walk opened o-RMTH911T from the feed: its window kept "Registrado" and one event
    while the feed already said "Pagado"."""
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):
        emit_snapshot(windows.client, HISTORY)
    dialog, panel = _opened_order(windows, "o2")
    assert panel.timeline_model.rowCount() == 1  # placed
    paid = order("o2", ("placed", "paid"), customer_id="c1", placed_at=at(-60))
    windows.client.delta.emit(delta(2, order_change(paid)))
    qtbot.waitUntil(lambda: panel.timeline_model.rowCount() == 2, timeout=2000)
    assert "Paid" in panel.summary_label.text()
    newer = ticket("t4", customer_id="c1")  # the customer's history follows too
    windows.client.delta.emit(delta(3, ticket_change(newer)))
    qtbot.waitUntil(lambda: "t4" in listed(panel.other_tickets), timeout=2000)
    dialog.close()
    qtbot.waitUntil(lambda: not windows.order_windows(), timeout=2000)


def test_the_shown_ticket_follows_changes_of_its_order_and_the_customers_history(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):  # applied on the next frame
        emit_snapshot(windows.client, HISTORY)
    windows.open_ticket("t1")
    panel = windows.workspace.order_panel
    windows.client.delta.emit(
        delta(
            2,
            order_change(order("o1", ("placed", "paid", "delayed"), customer_id="c1")),
            ticket_change(ticket("t4", customer_id="c1")),
            ticket_change(ticket("t3", customer_id="c1")),  # moved to this customer
        )
    )
    qtbot.waitUntil(lambda: panel.timeline_model.rowCount() == 3, timeout=1000)
    assert sorted(listed(panel.other_tickets)) == ["t2", "t3", "t4"]
    windows.client.delta.emit(delta(3, ticket_removal("t2")))
    qtbot.waitUntil(lambda: sorted(listed(panel.other_tickets)) == ["t3", "t4"], timeout=1000)


def test_a_command_from_the_workspace_goes_to_the_client_and_its_outcome_comes_back(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    with qtbot.waitSignal(windows.feed.applied, timeout=1000):  # applied on the next frame
        emit_snapshot(windows.client, HISTORY)
    windows.open_ticket("t3")
    windows.workspace.action_bar.claim_button.click()
    assert windows.client.pending_commands == 1  # kept until its outcome, resent on reconnect
    (entry,) = windows.workspace.pending_model.entries()
    windows.client.outcome.emit(CommandOutcome(command_id=entry.command_id, state="queued"))
    assert [e.state for e in windows.workspace.pending_model.entries()] == ["queued"]


def test_diagnostics_is_a_supervisors_tab_that_anyone_opens_from_help(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    tabs = windows.window.work_area
    position = tabs.indexOf(windows.diagnostics)
    assert tabs.tabText(position) == "Diagnostics"
    emit_snapshot(windows.client, snapshot([ticket("t1")], [order("o1")]))  # ME is an agent
    qtbot.waitUntil(lambda: windows.store.status is not None, timeout=1000)
    assert not tabs.isTabVisible(position)
    windows.open_ticket("t1")
    windows.show_diagnostics()  # Help > Diagnostics
    assert tabs.isTabVisible(position)
    assert tabs.currentWidget() is windows.diagnostics
    assert windows.diagnostics.trace_key.text() == "t1"  # ready to trace the open ticket
    windows.client.delta.emit(delta(2, ticket_change(ticket("t2"))))
    qtbot.waitUntil(lambda: "t2" in windows.store.tickets, timeout=1000)
    assert tabs.isTabVisible(position)  # a status update does not hide it again


def test_a_supervisors_figures_wait_for_the_whole_snapshot(
    qtbot: QtBot, windows: ConsoleWindowSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass over part of a snapshot shows figures that are not true yet, and slows the load."""
    passes: list[int] = []
    update_data = windows.dashboard.update_data

    def counted(tickets: Iterable[Ticket], *args: Any) -> None:
        passes.append(len(list(tickets)))
        update_data(tickets, *args)

    monkeypatch.setattr(windows.dashboard, "update_data", counted)
    boss = msgspec.structs.replace(ME, role="supervisor")
    whole = snapshot([ticket(f"t{n}") for n in range(5)], bridge_status=status(agent=boss))
    *parts, end = stream(whole, page_size=2)
    for part in parts:
        if isinstance(part, SnapshotBegin):
            windows.client.snapshot_begin.emit(part)
        else:
            windows.client.snapshot_page.emit(part)
    qtbot.waitUntil(lambda: len(windows.store.tickets) == 5, timeout=1000)
    assert windows.store.loading is not None
    assert passes == []
    windows.client.snapshot_end.emit(end)
    qtbot.waitUntil(lambda: windows.dashboard.figures is not None, timeout=5000)
    assert passes == [5]
