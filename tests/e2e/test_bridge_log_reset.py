"""A log recreated behind the bridge's cache: the bridge starts anew, never mixes the two.

The demo restarted on an empty broker, or IT recreating the topics, leaves a
data dir whose cached state and offsets belong to a log that no longer exists:
the cached next offset of some partition is past the new log's end. The bridge
must then say so, set the old cache aside and fold the new log from its start,
and an action it had queued for the old log on a ticket the new one does not
hold must end rejected, with a reason, instead of pending for ever.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from bridge.actions import event_for_action
from bridge.contract.topics import Topics
from bridge.outbox import Outbox
from bridge.paths import DataLayout
from bridge.wire.protocol import AgentIdentity, Claim, CommandStatusQuery
from tests.conftest import KafkaEnv
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow
from tests.helpers.topics import recreate_topic

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

OLD_TICKETS = 9  # over 3 partitions: one of them holds at least 3 ...
NEW_TICKETS = 2  # ... and the new log at most 2 anywhere: its end is below a cached offset
PARTITIONS = 3  # each topic, as tests/e2e/conftest.py makes them


def _recreate(admin: AdminClient, topics: Topics) -> None:
    """Delete the three topics and create them again, empty, under the same names."""
    recreate_topic(admin, topics.orders, partitions=PARTITIONS)
    recreate_topic(admin, topics.tickets, partitions=PARTITIONS)
    recreate_topic(
        admin, topics.agents, partitions=PARTITIONS, config={"cleanup.policy": "compact"}
    )


def _queue_claim_of_the_old_run(data_dir: Path, ticket_id: str) -> str:
    """An action queued in the old run that never reached its log (the broker went away)."""
    command_id = f"claim-{uuid.uuid4()}"
    agent = AgentIdentity(agent_id="ana", name="Ana Quispe", role="agent", queues=[])
    topic_kind, key, value = event_for_action(
        Claim(ticket_id=ticket_id), event_id=command_id, agent=agent, time=samples.T0
    )
    with Outbox(DataLayout(data_dir).outbox_db) as outbox:
        outbox.enqueue(event_id=command_id, ticket_id=key, topic_kind=topic_kind, value=value)
    return command_id


def _open_tickets(produce: EventProducer, stem: str, count: int) -> None:
    for n in range(count):
        ticket_id = f"{stem}-{n}"
        produce.event(
            produce.topics.tickets,
            samples.ticket_opened(ticket_id, event_id=f"open-{stem}-{n}", subject=stem),
        )
    produce.flush()


def test_a_recreated_log_replaces_the_cached_state_and_rejects_what_it_lost(
    kafka: KafkaEnv,
    topics: Topics,
    bridges: Callable[..., BridgeProcess],
    produce: EventProducer,
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    _open_tickets(produce, "old", OLD_TICKETS)
    bridge.wait_until(lambda m: len(m.tickets) == OLD_TICKETS)
    bridge.stop()  # the cache holds the old log's state and offsets
    claim = _queue_claim_of_the_old_run(bridge.data_dir, "old-1")

    _recreate(kafka.admin, topics)
    _open_tickets(produce, "new", NEW_TICKETS)
    bridge.start()
    warning = bridge.log_line(bridge.wait_for_log("the log was reset"))
    assert "partition" in warning
    assert "ends at offset" in warning
    assert "had read it up to" in warning

    with bridge.client() as client:
        assert client.snapshot is not None
        mirror = Mirror(client.snapshot)
        client.send(CommandStatusQuery(command_ids=[claim]))
        mirror = follow(client, mirror, lambda m: m.final_outcome(claim) is not None)
        follow(client, mirror, lambda m: len(m.tickets) == NEW_TICKETS)
    outcome = mirror.final_outcome(claim)
    assert outcome is not None
    assert outcome.state == "rejected"
    assert outcome.reason is not None
    assert "old-1" in outcome.reason
    assert "log" in outcome.reason

    fresh = bridges("beto", "Beto Huamán")  # an empty data dir: a fresh fold of the new log
    expected = fresh.wait_until(lambda m: len(m.tickets) == NEW_TICKETS)
    assert sorted(mirror.tickets) == ["new-0", "new-1"]
    assert mirror.tickets == expected.tickets
    assert bridge.snapshot().status.outbox_pending == 0


def test_a_log_recreated_under_a_running_bridge_replaces_what_its_console_shows(
    kafka: KafkaEnv,
    topics: Topics,
    bridges: Callable[..., BridgeProcess],
    produce: EventProducer,
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    _open_tickets(produce, "old", OLD_TICKETS)
    with bridge.client() as client:
        assert client.snapshot is not None
        mirror = follow(client, Mirror(client.snapshot), lambda m: len(m.tickets) == OLD_TICKETS)
        _recreate(kafka.admin, topics)
        _open_tickets(produce, "new", NEW_TICKETS)
        follow(client, mirror, lambda m: sorted(m.tickets) == ["new-0", "new-1"])
    bridge.wait_for_log("the log was reset")  # its first start had no cache: this one

    fresh = bridges("beto", "Beto Huamán")
    expected = fresh.wait_until(lambda m: len(m.tickets) == NEW_TICKETS)
    assert mirror.tickets == expected.tickets
