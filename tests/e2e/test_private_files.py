"""Every file the app writes is owner-only (issue 12, item 10): real processes, real broker.

The processes start under the usual umask 022, as from a desktop session. After a
normal first run (the console creates the data dir, starts its bridge, the bridge
folds, queues an action and saves its cache), no folder or file under the data dir
is open to group or others.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bridge.contract.topics import Topics
from bridge.wire.exit_codes import RunExit
from bridge.wire.protocol import Claim, Command
from tests.conftest import KafkaEnv
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow, write_config

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
NOBODY = 65534
BRIDGE_RUN = (sys.executable, "-m", "bridge", "run")
CONSOLE = (sys.executable, "-m", "console.app")


@contextlib.contextmanager
def desktop_umask() -> Iterator[None]:
    """Children inherit the usual umask 022 (what makes files 0644 by default)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def readable_by_others(root: Path) -> list[str]:
    """Every entry under ``root`` (and root itself) that group or others may access."""
    found = []
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {stat.S_IMODE(info.st_mode):04o}")
    return found


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s} s")
        time.sleep(0.05)  # polling what another process does


def test_a_bridge_on_a_new_data_dir_writes_only_owner_only_files(
    topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    produce.event(topics.tickets, samples.ticket_opened("t-1", event_id="open-1"))
    produce.flush()
    bridge = bridges("ana", "Ana Quispe", start=False)
    assert not bridge.data_dir.exists()
    with desktop_umask():
        bridge.start()
    with bridge.client() as client:
        assert client.snapshot is not None
        mirror = follow(client, Mirror(client.snapshot), lambda m: "t-1" in m.tickets)
        client.send(Command(command_id="claim-1", action=Claim(ticket_id="t-1")))
        follow(client, mirror, lambda m: m.final_outcome("claim-1") is not None)
    bridge.stop()  # SIGTERM: the cache is saved, the logs closed
    assert (bridge.data_dir / "state-cache.sqlite").exists()
    assert (bridge.data_dir / "outbox.sqlite").exists()
    assert readable_by_others(bridge.data_dir) == []


def test_a_bridge_tightens_what_an_older_version_left_readable(
    bridges: Callable[..., BridgeProcess],
) -> None:
    bridge = bridges("ana", "Ana Quispe", start=False)
    (bridge.data_dir / "logs").mkdir(parents=True)
    old_log = bridge.data_dir / "logs" / "bridge.log.1"
    old_log.write_text("an agent's internal note\n")
    for path, mode in ((bridge.data_dir, 0o755), (old_log.parent, 0o755), (old_log, 0o644)):
        path.chmod(mode)
    with desktop_umask():
        bridge.start()
    assert readable_by_others(bridge.data_dir) == []
    assert any("owner-only" in line for line in bridge.log_tail)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown to another uid")
def test_a_bridge_refuses_a_data_dir_another_user_owns(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> None:
    data_dir = tmp_path / "theirs"
    data_dir.mkdir(mode=0o755)
    os.chown(data_dir, NOBODY, NOBODY)
    config = write_config(
        tmp_path / "config.toml", bootstrap_servers=kafka.bootstrap_servers, topics=topics
    )
    result = subprocess.run(
        [*BRIDGE_RUN, "--config", str(config), "--data-dir", str(data_dir), "--agent-id", "ana"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == RunExit.UNSAFE_DIR, result.stderr
    assert f"{data_dir} belongs to uid {NOBODY} (nobody), not to you" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(data_dir.iterdir()) == []


def test_the_console_first_run_creates_an_owner_only_data_dir(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> None:
    """The normal first run: the console creates the data dir, then starts its bridge."""
    config = write_config(
        tmp_path / "config.toml", bootstrap_servers=kafka.bootstrap_servers, topics=topics
    )
    with config.open("a", encoding="utf-8") as extra:
        extra.write('[agent]\nid = "ana"\nname = "Ana Quispe"\n')
    data_dir = tmp_path / "first-run" / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with desktop_umask():
        console = subprocess.Popen(
            [*CONSOLE, "--config", str(config), "--data-dir", str(data_dir)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        token = data_dir / "ipc" / "bridge.token"
        wait_for(token.exists, 60, "the console's bridge did not start serving")
        wait_for((data_dir / "logs" / "console.log").exists, 10, "no console log")
        umask = _umask_of(console.pid)
        console.send_signal(signal.SIGTERM)
        output, _ = console.communicate(timeout=60)
    finally:
        if console.poll() is None:
            console.kill()
            console.communicate(timeout=10)
    assert console.returncode == 0, output[-3000:]
    assert umask == 0o077
    assert (data_dir / "outbox.sqlite").exists()
    assert readable_by_others(data_dir) == []


def _umask_of(pid: int) -> int | None:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    return None
