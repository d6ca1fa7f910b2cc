"""Run real ``atp-bridge run`` processes against the test broker, and talk to them."""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bridge.blocking_client import BlockingBridgeClient
from bridge.contract.topics import Topics
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import (
    BridgeMessage,
    BridgeStatus,
    CommandOutcome,
    DeltaBatch,
    StateSnapshot,
)
from bridge.wire.splices import spliced_order, spliced_ticket
from tests.helpers.processes import die_with_parent

T = TypeVar("T")

STARTUP_TIMEOUT_S = 30.0


def write_config(path: Path, *, bootstrap_servers: str, topics: Topics) -> Path:
    """Write a minimal configuration file naming the test's topics."""
    path.write_text(
        "schema_version = 1\n"
        "[kafka]\n"
        f'bootstrap_servers = "{bootstrap_servers}"\n'
        "[topics]\n"
        f'orders = "{topics.orders}"\n'
        f'tickets = "{topics.tickets}"\n'
        f'agents = "{topics.agents}"\n',
        encoding="utf-8",
    )
    return path


@dataclass
class BridgeProcess:
    """One bridge process with its own data dir (and so its own socket and cache)."""

    data_dir: Path
    config: Path
    agent_id: str
    agent_name: str
    role: str = "agent"
    queues: str = "deliveries,payments,general"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None
    log_tail: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))
    _ready: threading.Event = field(default_factory=threading.Event)
    _logged: threading.Condition = field(default_factory=threading.Condition)
    _lines: list[str] = field(default_factory=list)

    @property
    def argv(self) -> list[str]:
        """The command line (the fixed surface of the bridge issue)."""
        return [
            sys.executable,
            "-m",
            "bridge",
            "run",
            "--config",
            str(self.config),
            "--data-dir",
            str(self.data_dir),
            "--agent-id",
            self.agent_id,
            "--agent-name",
            self.agent_name,
            "--role",
            self.role,
            "--queues",
            self.queues,
        ]

    def start(self) -> None:
        """Start the process and wait for its "bridge running" log line."""
        env = {**os.environ, **self.extra_env}
        self.process = subprocess.Popen(
            self.argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=die_with_parent(),  # noqa: PLW1509  (only prctl, async-signal-safe)
        )
        self._ready.clear()
        threading.Thread(target=self._drain_stderr, args=(self.process,), daemon=True).start()
        if not self._ready.wait(STARTUP_TIMEOUT_S):
            self.kill()
            tail = "\n".join(self.log_tail)
            raise RuntimeError(
                f"the bridge did not start within {STARTUP_TIMEOUT_S:.0f} s:\n{tail}"
            )

    def _drain_stderr(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.log_tail.append(line.rstrip())
            with self._logged:
                self._lines.append(line)
                self._logged.notify_all()
            if "bridge running" in line:
                self._ready.set()
        self._ready.set()  # exited: start() reports the tail

    def stop(self) -> None:
        """SIGTERM: the bridge says offline, folds what it read, saves its cache."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
                raise
        self.process = None

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)
        self.process = None

    def wait_for_log(self, text: str, *, after: int = 0, timeout_s: float = 30.0) -> int:
        """Wait until a log line from the ``after``-th on holds ``text``; return its number."""

        def found() -> int | None:
            return next(
                (n for n, line in enumerate(self._lines) if n >= after and text in line), None
            )

        with self._logged:
            if not self._logged.wait_for(lambda: found() is not None, timeout_s):
                tail = "\n".join(self.log_tail)
                raise AssertionError(f"no log line with {text!r} within {timeout_s} s:\n{tail}")
            number = found()
            assert number is not None
            return number

    def log_line(self, number: int) -> str:
        """The ``number``-th line the process logged (as ``wait_for_log`` counts them)."""
        with self._logged:
            return self._lines[number]

    @contextlib.contextmanager
    def client(self) -> Iterator[BlockingBridgeClient]:
        """A connected blocking client (its first snapshot in ``.snapshot``)."""
        with BlockingBridgeClient(self.data_dir, client="tests") as client:
            client.connect()
            yield client

    def snapshot(self) -> StateSnapshot:
        """Return the bridge's current state."""
        with self.client() as client:
            assert client.snapshot is not None
            return client.snapshot

    def wait_until(self, condition: Callable[[Mirror], bool], timeout_s: float = 30.0) -> Mirror:
        """Follow the bridge's deltas until ``condition`` holds on the mirrored state."""
        with self.client() as client:
            assert client.snapshot is not None
            return follow(client, Mirror(client.snapshot), condition, timeout_s)


def follow(
    client: BlockingBridgeClient,
    mirror: Mirror,
    condition: Callable[[Mirror], bool],
    timeout_s: float = 30.0,
) -> Mirror:
    """Apply the client's messages to ``mirror`` until ``condition`` holds (or fail)."""
    deadline = time.monotonic() + timeout_s
    while not condition(mirror):
        remaining = deadline - time.monotonic()
        message = client.read(remaining) if remaining > 0 else None
        if message is None:
            raise AssertionError(
                f"condition not met within {timeout_s} s: {len(mirror.tickets)} tickets, "
                f"{len(mirror.orders)} orders, status {mirror.status}"
            )
        mirror.apply(message)
    return mirror


class Mirror:
    """The bridge's state as a console sees it: the snapshot plus every delta since."""

    def __init__(self, snapshot: StateSnapshot) -> None:
        self.tickets: dict[str, Ticket] = {t.ticket_id: t for t in snapshot.tickets}
        self.orders: dict[str, Order] = {o.order_id: o for o in snapshot.orders}
        self.agents: dict[str, Presence] = {a.agent_id: a for a in snapshot.agents}
        self.status: BridgeStatus = snapshot.status
        self.outcomes: dict[str, list[CommandOutcome]] = {}

    def apply(self, message: BridgeMessage) -> None:
        """Apply a delta batch or record a command outcome."""
        if isinstance(message, CommandOutcome):
            self.outcomes.setdefault(message.command_id, []).append(message)
        elif isinstance(message, DeltaBatch):
            if message.status is not None:
                self.status = message.status
            for change in message.changes:
                if change.kind == "ticket":
                    _put(
                        self.tickets,
                        change.key,
                        spliced_ticket(self.tickets.get(change.key), change),
                    )
                elif change.kind == "order":
                    _put(
                        self.orders, change.key, spliced_order(self.orders.get(change.key), change)
                    )
                else:
                    _put(self.agents, change.key, change.agent)

    def final_outcome(self, command_id: str) -> CommandOutcome | None:
        """Return the command's confirmed/rejected/invalid outcome, if it arrived."""
        for outcome in self.outcomes.get(command_id, []):
            if outcome.state in ("confirmed", "rejected", "invalid"):
                return outcome
        return None


def _put(table: dict[str, T], key: str, value: T | None) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
