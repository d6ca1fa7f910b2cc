"""A full disk under the bridge (a real small tmpfs): nothing lost, nothing misjudged, it resumes.

The bridge's data dir lives on a 8 MB tmpfs that the test fills with a file;
Kafka is down while actions are queued, so their verdicts arrive while the disk
is full. Figures are printed for the closing note (``-s`` shows them).
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.contract.topics import Topics
from bridge.wire.protocol import Claim, Command, Reply
from tests.e2e.conftest import EventProducer
from tests.e2e.log_counts import count_event_ids
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow, write_config
from tests.helpers.small_disk import fill, free_up, small_disk
from tests.kafka_harness import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
CLAIMS = 10
TICKETS = 30
MORE_TICKETS = 300


def test_a_full_disk_loses_nothing_misjudges_nothing_and_the_bridge_resumes(  # noqa: PLR0915
    tmp_path: Path,
) -> None:
    broker = KafkaBroker(data_root=tmp_path / "kafka")
    broker.start()
    bridge: BridgeProcess | None = None
    try:
        topics = Topics(orders="o", tickets="t", agents="a")
        admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
        created = admin.create_topics([NewTopic(n, num_partitions=3) for n in topics.all()])
        for future in created.values():
            future.result(timeout=30)
        produce = EventProducer(broker.bootstrap_servers, topics)
        for i in range(TICKETS):
            produce.event(topics.tickets, samples.ticket_opened(f"t-{i}", event_id=f"open-{i}"))
        produce.flush()
        config = write_config(
            tmp_path / "config.toml", bootstrap_servers=broker.bootstrap_servers, topics=topics
        )
        with small_disk(tmp_path / "disk", size="8m") as disk:
            bridge = BridgeProcess(disk / "bridge", config, "ana", "Ana Quispe")
            bridge.start()
            claims = [
                Command(command_id=f"claim-{i}", action=Claim(ticket_id=f"t-{i}"))
                for i in range(CLAIMS)
            ]
            while_full = Command(
                command_id="reply-while-full",
                action=Reply(ticket_id="t-20", body="Hola, revisamos su caso"),
            )
            with bridge.client() as client:
                assert client.snapshot is not None
                mirror = Mirror(client.snapshot)
                follow(client, mirror, lambda m: len(m.tickets) == TICKETS)
                cache = bridge.data_dir / "state-cache.sqlite"
                deadline = time.monotonic() + 30  # the first save (every 5 s)
                while not cache.exists():
                    assert time.monotonic() < deadline, "the cache was never saved"
                    if (message := client.read(0.2)) is not None:
                        mirror.apply(message)
                broker.stop()  # the verdicts will arrive once the disk is full
                follow(client, mirror, lambda m: not m.status.kafka_up)
                for command in claims:
                    client.send(command)
                follow(client, mirror, lambda m: all(c.command_id in m.outcomes for c in claims))
                filled = fill(disk)
                client.send(while_full)
                follow(client, mirror, lambda m: "reply-while-full" in m.outcomes)
                refused = mirror.outcomes["reply-while-full"][0]
                follow(client, mirror, lambda m: "disk_full" in m.status.degraded)
                # From here the bridge saves nothing (a save in flight when the disk
                # filled may still have landed before: saves run on their own thread).
                saved_before = cache.stat().st_mtime_ns

                broker.start()
                more = EventProducer(broker.bootstrap_servers, topics)
                for i in range(TICKETS, TICKETS + MORE_TICKETS):
                    more.event(
                        topics.tickets, samples.ticket_opened(f"t-{i}", event_id=f"open-{i}")
                    )
                more.flush()
                follow(
                    client,
                    mirror,
                    lambda m: (
                        len(m.tickets) == TICKETS + MORE_TICKETS
                        and all(m.final_outcome(c.command_id) for c in claims)
                    ),
                    timeout_s=90,
                )
                verdicts_while_full = {
                    c.command_id: mirror.final_outcome(c.command_id) for c in claims
                }
                degraded_while_full = list(mirror.status.degraded)
                cache_kept = cache.exists() and cache.stat().st_mtime_ns == saved_before

                free_up(disk)
                follow(client, mirror, lambda m: not m.status.degraded, timeout_s=60)
                client.send(while_full)  # the agent sends it again: now it is queued
                follow(
                    client,
                    mirror,
                    lambda m: any(
                        o.state == "confirmed" for o in m.outcomes.get("reply-while-full", [])
                    ),
                )
            bridge.kill()
            bridge.start()  # restarts on the same disk: cache and outbox intact
            state = bridge.wait_until(
                lambda m: (
                    len(m.tickets) == TICKETS + MORE_TICKETS and bool(m.tickets["t-20"].messages)
                )
            )
            bridge.stop()
            with closing(sqlite3.connect(bridge.data_dir / "outbox.sqlite")) as db:
                outbox = dict(db.execute("SELECT event_id, state FROM outbox").fetchall())
            bridge = None
        counts = count_event_ids(broker.bootstrap_servers, topics.tickets)
    finally:
        if bridge is not None:
            bridge.kill()
        broker.stop()

    assert filled > 0
    assert refused.state == "invalid"
    assert refused.retryable
    assert (refused.reason or "").startswith("disk full: actions cannot be queued")
    assert "disk_full" in degraded_while_full
    assert cache_kept
    states = {e: o.state for e, o in verdicts_while_full.items() if o is not None}
    assert states == {c.command_id: "confirmed" for c in claims}  # never "rejected"
    assert all(state.tickets[f"t-{i}"].assignee == "ana" for i in range(CLAIMS))
    assert [m.body for m in state.tickets["t-20"].messages] == ["Hola, revisamos su caso"]
    assert outbox == {
        **{c.command_id: "confirmed" for c in claims},
        "reply-while-full": "confirmed",
    }
    actions = [c.command_id for c in claims] + ["reply-while-full"]
    lost = [a for a in actions if counts[a] == 0]
    copies = sum(counts[a] - 1 for a in actions if counts[a] > 1)
    print(  # the figures of the full-disk run
        f"full disk: {len(actions)} actions, lost {len(lost)}, copies {copies}, "
        f"stuck 0, misjudged 0, records folded {TICKETS + MORE_TICKETS}"
    )
    assert lost == []
    assert copies == 0
