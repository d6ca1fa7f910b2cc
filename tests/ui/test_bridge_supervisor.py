"""The bridge supervisor restarts a dying bridge and attaches to one that already runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bridge.processes import DIE_WITH_PARENT_ENV
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


@pytest.mark.allow_log("console.bridge_supervisor", "WARNING", match="ended unexpectedly")
@pytest.mark.parametrize("die_with_console", [False, True])
def test_only_the_demo_bridge_is_asked_to_die_with_the_console(
    qtbot: QtBot, tmp_path: Path, die_with_console: bool
) -> None:
    # A bridge outlives a killed console (the next one attaches to it); the demo's
    # bridge does not, since its demo broker ends with the console.
    seen = tmp_path / "seen"
    program = (
        f"import os; open({str(seen)!r}, 'w').write(os.environ.get({DIE_WITH_PARENT_ENV!r}, '-'))"
    )
    supervisor = BridgeSupervisor(
        [sys.executable, "-c", program], die_with_console=die_with_console
    )
    supervisor.start()
    try:
        qtbot.waitUntil(lambda: seen.exists() and seen.read_text() != "", timeout=10_000)
    finally:
        supervisor.stop()
    assert seen.read_text() == (str(os.getpid()) if die_with_console else "-")
