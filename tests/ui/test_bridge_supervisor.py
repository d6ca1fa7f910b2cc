"""The bridge supervisor restarts a dying bridge and attaches to one that already runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.bridge_supervisor import BridgeSupervisor


@pytest.mark.allow_log("console.bridge_supervisor", "WARNING", match="ended unexpectedly")
def test_a_bridge_that_dies_is_restarted_with_backoff(qtbot: QtBot, tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    program = f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(1)"
    supervisor = BridgeSupervisor([sys.executable, "-c", program])
    exits: list[str] = []
    supervisor.bridge_exited.connect(lambda _code, reason: exits.append(reason))
    supervisor.start()
    try:
        qtbot.waitUntil(lambda: supervisor.restarts >= 2, timeout=10_000)
    finally:
        supervisor.stop()
    assert exits[:2] == ["exited with code 1", "exited with code 1"]
    assert len(starts.read_text()) >= 2


def test_an_already_running_bridge_is_used_not_fought(qtbot: QtBot) -> None:
    supervisor = BridgeSupervisor([sys.executable, "-c", "raise SystemExit(3)"])
    states: list[str] = []
    supervisor.state_changed.connect(states.append)
    with qtbot.waitSignal(
        supervisor.state_changed, check_params_cb=lambda s: s == "attached", timeout=10_000
    ):
        supervisor.start()
    supervisor.stop()
    assert supervisor.restarts == 0
    assert "restarting" not in states
