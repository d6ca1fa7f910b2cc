"""Another local user poses as the bridge (issue 12, item 11): real processes, real uids.

We run as root, so "another user" is uid 65534 (nobody): folders are chowned to
it and the fake bridge is a process that runs as it. The fake welcomes whoever
connects at once, as an impostor would, and reports how many bytes it received.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bridge.wire.endpoint import Endpoint
from bridge.wire.exit_codes import RunExit
from bridge.wire.framing import encode_frame
from bridge.wire.protocol import PROTOCOL_VERSION, StateSnapshot, Welcome
from console.bridge_client import BridgeClient
from tests.helpers.local_server import STATUS, TOKEN, WAIT_MS
from tests.helpers.protocol import snapshot_frames

NOBODY = 65534
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin")

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or SYSTEM_PYTHON is None,
    reason="needs root (to act as another uid) and a system python3 that uid can run",
)

FAKE_BRIDGE = """
import socket, sys
path, frames = sys.argv[1], bytes.fromhex(sys.argv[2])
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(8)
print("ready", flush=True)
while True:
    connection, _ = server.accept()
    connection.settimeout(2)
    received = b""
    try:
        connection.sendall(frames)
        while chunk := connection.recv(65536):
            received += chunk
    except (TimeoutError, OSError):
        pass
    print(f"received {len(received)}", flush=True)
    connection.close()
"""


class FakeBridge:
    """A process of uid 65534 that listens on ``path`` and welcomes everyone."""

    def __init__(self, path: Path) -> None:
        assert SYSTEM_PYTHON is not None
        snapshot = StateSnapshot(
            session="fake", seq=0, tickets=[], orders=[], agents=[], status=STATUS
        )
        frames = encode_frame(
            Welcome(v=PROTOCOL_VERSION, bridge_version="evil", session="fake")
        ) + snapshot_frames(snapshot)
        self.process = subprocess.Popen(
            [SYSTEM_PYTHON, "-I", "-S", "-c", FAKE_BRIDGE, str(path), frames.hex()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            user=NOBODY,
            group=NOBODY,
            extra_groups=[],
            cwd="/",
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == "ready\n", line + (self.process.stderr.read() if self.process.stderr else "")

    def received(self) -> list[int]:
        """Bytes received per connection: waits for the first report, then stops the fake."""
        assert self.process.stdout is not None
        first = self.process.stdout.readline()  # the fake reports within its 2 s recv timeout
        self.process.terminate()
        out, _ = self.process.communicate(timeout=10)
        lines = [first, *out.splitlines()]
        return [int(line.split()[1]) for line in lines if line.startswith("received")]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)


@pytest.fixture
def nobodys_folder() -> Iterator[Path]:
    """A folder under /tmp that uid 65534 owns (its parents are open to it)."""
    folder = Path(tempfile.mkdtemp(prefix="atp-nobody-"))
    os.chown(folder, NOBODY, NOBODY)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def console(qtbot: QtBot) -> Iterator[BridgeClient]:
    client = BridgeClient("spoof-test", min_backoff_ms=50, max_backoff_ms=200)
    yield client
    client.close()


def long_data_dir(tmp_path: Path) -> Path:
    """A data dir whose ipc/bridge.sock would not fit in sun_path: the temp-dir fallback."""
    return tmp_path / ("d" * 90)


def test_the_bridge_refuses_a_socket_folder_another_user_created(
    tmp_path: Path, nobodys_folder: Path
) -> None:
    """The attacker pre-creates the predictable atp-<hash> folder; the bridge says so and exits."""
    data_dir = long_data_dir(tmp_path)
    expected = Endpoint.for_data_dir(data_dir, environ={"XDG_RUNTIME_DIR": str(nobodys_folder)})
    planted = expected.token_file.parent
    planted.mkdir(mode=0o755)
    os.chown(planted, NOBODY, NOBODY)
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env["TMPDIR"] = str(nobodys_folder)  # the temp dir the attacker can write into
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bridge",
            "run",
            "--data-dir",
            str(data_dir),
            "--bootstrap-servers",
            "127.0.0.1:9",
            "--agent-id",
            "ana",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == RunExit.UNSAFE_DIR, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{planted} belongs to uid {NOBODY} (nobody)" in result.stderr
    assert "posing as your bridge" in result.stderr
    assert list(planted.iterdir()) == []  # no token, no socket in the attacker's folder


@pytest.mark.allow_log("console.bridge_client", "WARNING", match="refused the local server")
def test_the_console_refuses_a_bridge_in_a_folder_of_another_user(
    qtbot: QtBot, console: BridgeClient, nobodys_folder: Path
) -> None:
    """The spoof of the issue: the fake listens in its own folder where the console looks."""
    fake = FakeBridge(nobodys_folder / "bridge.sock")
    try:
        errors: list[str] = []
        console.protocol_error.connect(errors.append)
        console.connect_to(str(nobodys_folder / "bridge.sock"), TOKEN)
        qtbot.waitUntil(lambda: len(errors) >= 2, timeout=WAIT_MS)  # refused, and again
        assert not console.is_connected
        assert f"belongs to uid {NOBODY} (nobody), not to you" in errors[0]
        assert "posing as your bridge" in errors[0]
    finally:
        console.close()
        received = fake.received()
        fake.stop()
    assert set(received) <= {0}  # the console never even said Hello


@pytest.mark.allow_log("console.bridge_client", "WARNING", match="refused the local server")
def test_the_console_refuses_a_peer_of_another_user_in_its_own_folder(
    qtbot: QtBot, console: BridgeClient, tmp_path: Path, nobodys_folder: Path
) -> None:
    """Folder and socket file look right; the process behind the socket is someone else's."""
    endpoint = Endpoint.for_data_dir(tmp_path / "data")
    endpoint.prepare()  # ours, 0700
    fake = FakeBridge(nobodys_folder / "fake.sock")
    try:
        planted = Path(endpoint.server_name)
        (nobodys_folder / "fake.sock").rename(planted)
        os.chown(planted, os.getuid(), os.getgid(), follow_symlinks=False)
        errors: list[str] = []
        console.protocol_error.connect(errors.append)
        console.connect_to(endpoint.server_name, TOKEN)
        qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
        assert not console.is_connected
        assert f"the process behind it runs as uid {NOBODY} (nobody)" in errors[0]
    finally:
        console.close()
        received = fake.received()
        fake.stop()
    assert received
    assert set(received) == {0}


def test_atp_bridge_status_refuses_a_bridge_of_another_user(
    tmp_path: Path, nobodys_folder: Path
) -> None:
    data_dir = long_data_dir(tmp_path)
    expected = Endpoint.for_data_dir(data_dir, environ={"XDG_RUNTIME_DIR": str(nobodys_folder)})
    folder = expected.token_file.parent
    folder.mkdir(mode=0o700)
    os.chown(folder, NOBODY, NOBODY)
    expected.token_file.write_text("stolen?", encoding="ascii")
    fake = FakeBridge(Path(expected.server_name))
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env["TMPDIR"] = str(nobodys_folder)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bridge", "status", "--data-dir", str(data_dir)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        received = fake.received()
        fake.stop()
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"belongs to uid {NOBODY} (nobody)" in result.stderr
    assert "Traceback" not in result.stderr
    assert set(received) <= {0}
