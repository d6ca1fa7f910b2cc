"""Fault runs: SIGKILL the bridge, or the broker, again and again under load; count every action.

A console's behaviour is played by this script: it sends actions, keeps every
command until it hears a final outcome, and after each reconnect resends the
unanswered ones (same command ids). Meanwhile a producer writes other events at
``rate`` per second. At the end every action's event id is counted in the log.

Full runs (about 3 minutes each; own broker)::

    .venv/bin/python -m tests.e2e.fault_runs --kills 10 --actions 200 --rate 120
    .venv/bin/python -m tests.e2e.fault_runs --target broker --kills 10 --actions 200 --rate 120

With ``--target broker`` one bridge runs throughout while the broker's JVM is
SIGKILLed and restarted on the same data (actions queue in the outbox meanwhile).

A small version runs in the suite (tests/e2e/test_fault_runs.py).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import random
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.contract.envelope import KAFKA_HEADERS, encode_event
from bridge.contract.topics import Topics
from bridge.wire.protocol import Action, Claim, Command, CommandOutcome, Note, Reply
from tests.e2e.log_counts import count_event_ids
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, write_config

if TYPE_CHECKING:
    from bridge.blocking_client import BlockingBridgeClient
    from tests.kafka_harness import KafkaBroker

FINAL = ("confirmed", "rejected", "invalid")


@dataclass(frozen=True)
class FaultFigures:
    """What a run found."""

    kills: int
    actions: int
    lost: int  # actions with no record in the log
    copies: int  # records beyond the first, over all actions
    stuck: int  # actions without a final outcome at the end
    not_confirmed: int  # final outcomes other than confirmed (every action here is valid)
    crashes: int  # bridge exits nobody asked for, and tracebacks in its log
    load_events: int
    load_rate: float  # events per second produced while the bridge was killed
    target: str = "bridge"  # what was killed: the bridge or the broker

    def line(self) -> str:
        """One line for the closing note."""
        return (
            f"{self.target} kill x{self.kills}: {self.actions} actions, lost {self.lost}, "
            f"copies in the log {self.copies}, stuck {self.stuck}, "
            f"not confirmed {self.not_confirmed}, crashes {self.crashes}; "
            f"load {self.load_events} events at {self.load_rate:.0f}/s"
        )


class Load(threading.Thread):
    """Produces order and customer-message events at ``rate`` per second until stopped."""

    def __init__(self, bootstrap_servers: str, topics: Topics, tickets: int, rate: int) -> None:
        super().__init__(name="load", daemon=True)
        self._producer = Producer({"bootstrap.servers": bootstrap_servers, "linger.ms": 20})
        self._topics = topics
        self._tickets = tickets
        self._rate = rate
        self._stop_requested = threading.Event()
        self.produced = 0
        self.seconds = 0.0

    def run(self) -> None:
        started = time.monotonic()
        for n in itertools.count():
            if self._stop_requested.is_set():
                break
            if n % 2:
                event = samples.order_placed(f"load-o-{n}", event_id=f"load-{n}")
                topic = self._topics.orders
            else:
                ticket = f"t-{n % self._tickets:03d}"
                event = samples.message_added(
                    ticket, event_id=f"load-{n}", author_kind="customer", author_id="c-1"
                )
                topic = self._topics.tickets
            self._producer.produce(
                topic,
                key=str(event["subject"]).encode(),
                value=encode_event(event),
                headers=KAFKA_HEADERS,
            )
            self._producer.poll(0)
            self.produced += 1
            pause = started + (n + 1) / self._rate - time.monotonic()  # pacing, not syncing
            if pause > 0:
                self._stop_requested.wait(pause)
        self._producer.flush(30)
        self.seconds = time.monotonic() - started

    def stop(self) -> None:
        self._stop_requested.set()


def _action(i: int) -> Action:
    ticket = f"t-{i:03d}"
    if i % 3 == 0:
        return Claim(ticket_id=ticket)
    if i % 3 == 1:
        return Reply(ticket_id=ticket, body=f"Hola, su pedido {i} ya salió.")
    return Note(ticket_id=ticket, body=f"Cliente llamó {i} veces.")


def _finished(outcomes: dict[str, list[CommandOutcome]], command_id: str) -> bool:
    return any(o.state in FINAL for o in outcomes.get(command_id, []))


def _open_tickets(bootstrap_servers: str, topics: Topics, actions: int) -> None:
    opener = Producer({"bootstrap.servers": bootstrap_servers})
    for i in range(actions):
        event = samples.ticket_opened(f"t-{i:03d}", event_id=f"open-{i}")
        opener.produce(
            topics.tickets, key=str(event["subject"]).encode(), value=encode_event(event)
        )
    assert opener.flush(30) == 0


def _bridge_and_commands(
    bootstrap_servers: str, topics: Topics, work: Path, actions: int
) -> tuple[BridgeProcess, list[Command]]:
    """The agent's bridge (not started) and one fresh command per opened ticket."""
    config = write_config(work / "config.toml", bootstrap_servers=bootstrap_servers, topics=topics)
    bridge = BridgeProcess(work / "bridge", config, "ana", "Ana Quispe")
    commands = [
        Command(command_id=f"act-{i}-{uuid.uuid4().hex[:8]}", action=_action(i))
        for i in range(actions)
    ]
    return bridge, commands


def _collect(
    client: BlockingBridgeClient,
    outcomes: dict[str, list[CommandOutcome]],
    commands: list[Command],
    wait_s: float,
    *,
    until_all_final: bool,
) -> None:
    """Record outcomes for ``wait_s`` (or until every command has a final one, if asked)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if until_all_final and all(_finished(outcomes, c.command_id) for c in commands):
            return
        message = client.read(max(0.0, deadline - time.monotonic()))
        if isinstance(message, CommandOutcome):
            outcomes.setdefault(message.command_id, []).append(message)


def _figures(
    target: str,
    kills: int,
    *,
    commands: list[Command],
    outcomes: dict[str, list[CommandOutcome]],
    crashes: int,
    load: Load,
    counts: collections.Counter[str],
) -> FaultFigures:
    ids = [c.command_id for c in commands]
    finals = [next((o for o in outcomes.get(i, []) if o.state in FINAL), None) for i in ids]
    return FaultFigures(
        kills=kills,
        actions=len(commands),
        lost=sum(counts[i] == 0 for i in ids),
        copies=sum(max(0, counts[i] - 1) for i in ids),
        stuck=sum(final is None for final in finals),
        not_confirmed=sum(final is not None and final.state != "confirmed" for final in finals),
        crashes=crashes,
        load_events=load.produced,
        load_rate=load.produced / load.seconds if load.seconds else 0.0,
        target=target,
    )


def run_broker_fault_run(
    broker: KafkaBroker,
    topics: Topics,
    work: Path,
    *,
    kills: int,
    actions: int,
    rate: int,
    seed: int = 12,
) -> FaultFigures:
    """Open ``actions`` tickets, then act on them while SIGKILLing the broker ``kills`` times."""
    chance = random.Random(seed)
    servers = broker.bootstrap_servers
    _open_tickets(servers, topics, actions)
    bridge, commands = _bridge_and_commands(servers, topics, work, actions)
    outcomes: dict[str, list[CommandOutcome]] = {}
    load = Load(servers, topics, actions, rate)
    load.start()
    per_round = -(-actions // kills)
    bridge.start()
    try:
        with bridge.client() as client:
            for round_number in range(kills + 1):
                for command in commands[round_number * per_round : (round_number + 1) * per_round]:
                    client.send(command)
                last = round_number == kills
                wait_s = 180 if last else chance.uniform(0.2, 1.5)
                _collect(client, outcomes, commands, wait_s, until_all_final=last)
                if not last:
                    pid = broker.pid
                    assert pid is not None
                    os.killpg(pid, signal.SIGKILL)  # the whole JVM group, no goodbye
                    broker.stop()  # reaps it; the data root is kept
                    broker.start()  # same ports, same log
        assert bridge.process is not None
        crashes = int(bridge.process.poll() is not None)
        bridge.stop()
    finally:
        load.stop()
        load.join(60)
        bridge.kill()
    crashes += sum("Traceback" in line for line in bridge.log_tail)
    counts = count_event_ids(broker.bootstrap_servers, topics.tickets)
    return _figures(
        "broker",
        kills,
        commands=commands,
        outcomes=outcomes,
        crashes=crashes,
        load=load,
        counts=counts,
    )


def run_fault_run(
    bootstrap_servers: str,
    topics: Topics,
    work: Path,
    *,
    kills: int,
    actions: int,
    rate: int,
    seed: int = 12,
) -> FaultFigures:
    """Open ``actions`` tickets, then act on them while killing the bridge ``kills`` times."""
    chance = random.Random(seed)
    _open_tickets(bootstrap_servers, topics, actions)
    bridge, commands = _bridge_and_commands(bootstrap_servers, topics, work, actions)
    outcomes: dict[str, list[CommandOutcome]] = {}
    crashes = 0
    load = Load(bootstrap_servers, topics, actions, rate)
    load.start()
    per_round = -(-actions // kills)
    try:
        for round_number in range(kills + 1):
            bridge.start()
            batch = commands[round_number * per_round : (round_number + 1) * per_round]
            with bridge.client() as client:
                for command in commands[: round_number * per_round]:  # resend unanswered
                    if not _finished(outcomes, command.command_id):
                        client.send(command)
                for command in batch:
                    client.send(command)
                last = round_number == kills
                wait_s = 120 if last else chance.uniform(0.2, 1.5)
                _collect(client, outcomes, commands, wait_s, until_all_final=last)
            assert bridge.process is not None
            if bridge.process.poll() is not None:
                crashes += 1
            if last:
                bridge.stop()
            else:
                bridge.kill()
    finally:
        load.stop()
        load.join(60)
        bridge.kill()
    crashes += sum("Traceback" in line for line in bridge.log_tail)
    counts = count_event_ids(bootstrap_servers, topics.tickets)
    return _figures(
        "bridge",
        kills,
        commands=commands,
        outcomes=outcomes,
        crashes=crashes,
        load=load,
        counts=counts,
    )


def main() -> int:
    """Run the fault run on a broker of its own and print the figures."""
    from tests.kafka_harness import KafkaBroker  # noqa: PLC0415  (only for the script)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--rate", type=int, default=120, help="load events per second")
    parser.add_argument("--target", choices=("bridge", "broker"), default="bridge")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atp-fault-run-") as scratch:
        work = Path(scratch)
        broker = KafkaBroker(data_root=work / "kafka")
        broker.start()
        try:
            topics = Topics(orders="o", tickets="t", agents="a")
            admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
            created = admin.create_topics([NewTopic(n, num_partitions=3) for n in topics.all()])
            for future in created.values():
                future.result(timeout=30)
            if args.target == "broker":
                figures = run_broker_fault_run(
                    broker, topics, work, kills=args.kills, actions=args.actions, rate=args.rate
                )
            else:
                figures = run_fault_run(
                    broker.bootstrap_servers,
                    topics,
                    work,
                    kills=args.kills,
                    actions=args.actions,
                    rate=args.rate,
                )
        finally:
            broker.stop()
    print(figures.line())
    ok = figures.lost == figures.copies == figures.stuck == figures.crashes == 0
    return 0 if ok and figures.not_confirmed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
