"""A second bridge on a data dir says which process holds it, and leaves it alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bridge.paths import DataLayout
from bridge.wire.exit_codes import RunExit
from tests.helpers.processes import die_with_parent

HOLD_LOCK = """
import sys
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
print("locked" if lock.tryLock(0) else "busy", flush=True)
sys.stdin.read()
"""


def test_second_bridge_names_the_pid_of_the_one_running(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    layout = DataLayout(data_dir)
    layout.ensure()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(layout.lock_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=die_with_parent(),  # noqa: PLW1509  (only prctl, async-signal-safe)
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        argv = [sys.executable, "-m", "bridge", "run", "--data-dir", str(data_dir)]
        argv += ["--bootstrap-servers", "127.0.0.1:9", "--agent-id", "a-1"]
        second = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        holder.communicate(input="", timeout=10)
    assert second.returncode == RunExit.ALREADY_RUNNING
    assert f"another bridge (pid {holder.pid}) is already running" in second.stderr
