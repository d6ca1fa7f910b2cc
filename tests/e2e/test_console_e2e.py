"""The console on real widgets, a real bridge process and the real broker."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bridge.wire.endpoint import Endpoint
from console.bridge_client import BridgeClient
from console.bridge_supervisor import BridgeSupervisor
from console.composition import ConsoleWindowSet
from console.main_window import DASHBOARD_TAB
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
FINAL = ("confirmed", "rejected", "invalid")


@pytest.fixture
def consoles(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[Path], ConsoleWindowSet]]:
    """Factory of console window sets connected to the bridge of a data dir."""
    made: list[ConsoleWindowSet] = []

    def make(data_dir: Path) -> ConsoleWindowSet:
        windows = ConsoleWindowSet(
            BridgeClient(),
            drafts_dir=tmp_path / f"drafts-{len(made)}",
            canned_language="es",
            order_feed_limit=500,
            queues=("deliveries", "payments", "general"),
        )
        qtbot.addWidget(windows.window)
        endpoint = Endpoint.for_data_dir(data_dir)
        windows.client.connect_to(endpoint.server_name, endpoint.read_token)
        made.append(windows)
        return windows

    yield make
    for windows in made:
        windows.shutdown()


def _states(windows: ConsoleWindowSet) -> list[str]:
    return [entry.state for entry in windows.workspace.pending_model.entries()]


def _has_ticket(windows: ConsoleWindowSet, ticket_id: str) -> Callable[[], bool]:
    return lambda: ticket_id in windows.store.tickets and windows.me is not None


def _decided(windows: ConsoleWindowSet) -> Callable[[], bool]:
    return lambda: bool(_states(windows)) and _states(windows)[0] in FINAL


def _send_text(qtbot: QtBot, windows: ConsoleWindowSet, text: str, *, note: bool) -> None:
    composer = windows.workspace.composer
    if composer.note_toggle.isChecked() != note:
        composer.note_toggle.click()
    composer.editor.setFocus()
    composer.editor.insertPlainText(text)  # QTest.keyClicks only types ASCII
    QTest.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_agent_claims_replies_notes_and_resolves_and_sees_each_confirmed(
    qtbot: QtBot,
    bridges: Callable[..., BridgeProcess],
    produce: EventProducer,
    consoles: Callable[[Path], ConsoleWindowSet],
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    windows = consoles(bridge.data_dir)
    produce.event(produce.topics.tickets, samples.ticket_opened("t-1", event_id="open-1"))
    produce.flush()
    qtbot.waitUntil(
        lambda: "t-1" in windows.store.tickets and windows.me is not None, timeout=30_000
    )
    windows.open_ticket("t-1")
    workspace = windows.workspace
    assert not windows.window.work_area.isTabVisible(DASHBOARD_TAB), "dashboard: supervisors only"

    workspace.action_bar.claim_button.click()
    qtbot.waitUntil(lambda: _states(windows) == ["confirmed"], timeout=30_000)
    qtbot.waitUntil(lambda: windows.store.tickets["t-1"].assignee == "ana", timeout=10_000)

    _send_text(qtbot, windows, "Hola Rosa, su pedido ya salió.", note=False)
    qtbot.waitUntil(lambda: _states(windows)[-1] == "confirmed", timeout=30_000)
    _send_text(qtbot, windows, "Cliente frecuente, ofrecer cupón.", note=True)
    qtbot.waitUntil(lambda: _states(windows)[-1] == "confirmed", timeout=30_000)
    workspace.action_bar.status_actions["resolved"].trigger()
    qtbot.waitUntil(lambda: _states(windows) == ["confirmed"] * 4, timeout=30_000)

    qtbot.waitUntil(lambda: windows.store.tickets["t-1"].status == "resolved", timeout=10_000)
    messages = windows.store.tickets["t-1"].messages
    assert [(m.body, m.internal) for m in messages] == [
        ("Hola Rosa, su pedido ya salió.", False),
        ("Cliente frecuente, ofrecer cupón.", True),
    ]
    assert windows.store.tickets["t-1"].first_response_at is not None
    assert workspace.composer.text() == ""


def test_two_consoles_race_for_a_claim_and_the_loser_sees_the_winner(
    qtbot: QtBot,
    bridges: Callable[..., BridgeProcess],
    produce: EventProducer,
    consoles: Callable[[Path], ConsoleWindowSet],
) -> None:
    ana = consoles(bridges("ana", "Ana Quispe").data_dir)
    beto = consoles(bridges("beto", "Beto Huamán").data_dir)
    produce.event(produce.topics.tickets, samples.ticket_opened("t-race", event_id="open-race"))
    produce.flush()
    for windows in (ana, beto):
        qtbot.waitUntil(_has_ticket(windows, "t-race"), timeout=30_000)
        windows.open_ticket("t-race")

    ana.workspace.action_bar.claim_button.click()
    beto.workspace.action_bar.claim_button.click()
    for windows in (ana, beto):
        qtbot.waitUntil(_decided(windows), timeout=30_000)

    results = {"ana": _states(ana)[0], "beto": _states(beto)[0]}
    assert sorted(results.values()) == ["confirmed", "rejected"]
    loser = beto if results["ana"] == "confirmed" else ana
    winner_name = "Ana Quispe" if results["ana"] == "confirmed" else "Beto Huamán"
    model = loser.workspace.pending_model
    shown = str(model.data(model.index(0, 0)))
    assert f"claimed by {winner_name}" in shown


@pytest.mark.allow_log("console.bridge_supervisor", "WARNING", match="ended unexpectedly")
def test_killed_bridge_is_reported_restarted_and_resumed_without_reset_or_lost_draft(
    qtbot: QtBot,
    bridges: Callable[..., BridgeProcess],
    produce: EventProducer,
    consoles: Callable[[Path], ConsoleWindowSet],
) -> None:
    template = bridges("ana", "Ana Quispe", start=False)
    supervisor = BridgeSupervisor(template.argv)
    supervisor.start()
    windows = consoles(template.data_dir)
    try:
        for i in range(20):
            produce.event(produce.topics.tickets, samples.ticket_opened(f"t-{i}", event_id=f"o{i}"))
        produce.flush()
        qtbot.waitUntil(
            lambda: len(windows.store.tickets) == 20 and windows.me is not None, timeout=30_000
        )
        windows.open_ticket("t-3")
        QTest.keyClicks(windows.workspace.composer.editor, "Borrador a medio escribir")
        resets: list[int] = []
        windows.window.queue_model.modelReset.connect(lambda: resets.append(1))
        bridge_label = windows.window.status_bar.bridge_label
        pid = supervisor.pid
        assert pid is not None

        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        qtbot.waitUntil(lambda: "reconnecting" in bridge_label.text(), timeout=2_000)
        noticed_after = time.monotonic() - killed_at

        qtbot.waitUntil(lambda: supervisor.pid not in (None, pid), timeout=30_000)
        qtbot.waitUntil(
            lambda: (
                "connected" in bridge_label.text() and "reconnecting" not in bridge_label.text()
            ),
            timeout=30_000,
        )
        produce.event(produce.topics.tickets, samples.ticket_opened("t-new", event_id="o-new"))
        produce.flush()
        qtbot.waitUntil(lambda: "t-new" in windows.store.tickets, timeout=30_000)

        assert noticed_after < 2.0
        assert supervisor.restarts == 1
        assert resets == [], "the queue must update in place, never reset"
        assert windows.workspace.composer.text() == "Borrador a medio escribir"
        assert windows.workspace.ticket_id == "t-3"
    finally:
        supervisor.stop()
