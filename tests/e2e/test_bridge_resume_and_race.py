"""Exact resume and the claim race, on real bridge processes and the real broker."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

import pytest
from confluent_kafka import Consumer, TopicPartition

from bridge.blocking_client import BlockingBridgeClient
from bridge.contract.topics import Topics
from bridge.wire.protocol import Claim, Command, CommandOutcome, StateSnapshot
from tests.conftest import KafkaEnv
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def _log_end_total(kafka: KafkaEnv, names: Iterable[str]) -> int:
    """Sum of the high watermarks of every partition of these topics."""
    consumer = Consumer({"bootstrap.servers": kafka.bootstrap_servers, "group.id": "probe"})
    try:
        total = 0
        for topic in names:
            partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            for number in partitions:
                _, high = consumer.get_watermark_offsets(TopicPartition(topic, number), timeout=10)
                total += high
        return total
    finally:
        consumer.close()


def _comparable(mirror: Mirror) -> tuple[object, object]:
    return (
        sorted(mirror.tickets.items()),
        sorted(mirror.orders.items()),
    )


def _produce_tickets(produce: EventProducer, first: int, count: int) -> None:
    for i in range(first, first + count):
        ticket = f"t-{i:05d}"
        produce.event(produce.topics.tickets, samples.ticket_opened(ticket, event_id=f"open-{i}"))
        produce.event(
            produce.topics.tickets,
            samples.message_added(
                ticket, event_id=f"msg-{i}", author_kind="customer", author_id="c-1"
            ),
        )
    produce.flush()


def test_restarted_bridge_reads_only_new_records_and_equals_a_fresh_fold(
    kafka: KafkaEnv, topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    # Only the bridge writes to the agents topic (its own presence); the test writes tickets.
    data_topics = [topics.tickets, topics.orders]
    presence_before = _log_end_total(kafka, [topics.agents])
    resumed = bridges("ana", "Ana Quispe")
    _produce_tickets(produce, 0, 50)
    resumed.wait_until(lambda m: len(m.tickets) == 50)
    resumed.stop()  # SIGTERM: folds what it read, saves the cache with its offsets
    data_end_at_stop = _log_end_total(kafka, data_topics)

    _produce_tickets(produce, 50, 500)  # 1,000 new events
    resumed.start()
    caught_up = resumed.wait_until(lambda m: len(m.tickets) == 550, timeout_s=60)
    new_records = _log_end_total(kafka, data_topics) - data_end_at_stop
    status = resumed.wait_until(lambda m: m.status.records_read >= new_records).status
    # Besides the new tickets it reads its own presence records written since its last
    # save (the "offline" of its stop comes after it, "online" and renewals after the
    # restart): at most every presence record it ever wrote. A re-read of the tickets
    # folded before the stop (100 records) would exceed that.
    own_presence = _log_end_total(kafka, [topics.agents]) - presence_before

    assert new_records == 1000
    assert own_presence < 100
    assert new_records <= status.records_read <= new_records + own_presence, (
        "a resumed bridge must not re-read"
    )

    fresh = bridges("beto", "Beto Huamán")
    folded_from_scratch = fresh.wait_until(lambda m: len(m.tickets) == 550, timeout_s=60)
    assert _comparable(folded_from_scratch) == _comparable(caught_up)
    assert fresh.snapshot().status.records_read >= new_records + 100  # the whole log


def test_two_bridges_agree_on_the_winner_of_a_claim_race(
    bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    ana, beto = bridges("ana", "Ana Quispe"), bridges("beto", "Beto Huamán")
    produce.event(produce.topics.tickets, samples.ticket_opened("t-race", event_id="open-race"))
    produce.flush()
    claims = {"ana": f"claim-{uuid.uuid4()}", "beto": f"claim-{uuid.uuid4()}"}
    names = {"ana": "Ana Quispe", "beto": "Beto Huamán"}
    outcomes: dict[str, CommandOutcome] = {}

    with ana.client() as ana_client, beto.client() as beto_client:
        sides = {
            "ana": (ana_client, Mirror(_first(ana_client))),
            "beto": (beto_client, Mirror(_first(beto_client))),
        }
        for client, mirror in sides.values():
            follow(client, mirror, lambda m: "t-race" in m.tickets)
        for agent, (client, _) in sides.items():  # both claims leave before either is folded
            client.send(Command(command_id=claims[agent], action=Claim(ticket_id="t-race")))
        for agent, (client, mirror) in sides.items():
            command_id = claims[agent]

            def decided(m: Mirror, command_id: str = command_id) -> bool:
                return m.final_outcome(command_id) is not None

            outcome = follow(client, mirror, decided).final_outcome(command_id)
            assert outcome is not None
            outcomes[agent] = outcome
            follow(client, mirror, lambda m: m.tickets["t-race"].assignee is not None)

        assert sorted(o.state for o in outcomes.values()) == ["confirmed", "rejected"]
        winner = next(agent for agent, o in outcomes.items() if o.state == "confirmed")
        loser = "beto" if winner == "ana" else "ana"
        assert outcomes[loser].reason == f"claimed by {names[winner]}"
        for _, mirror in sides.values():  # both bridges hold the same assignee
            assert mirror.tickets["t-race"].assignee == winner
            assert mirror.tickets["t-race"].assignee_name == names[winner]


def _first(client: BlockingBridgeClient) -> StateSnapshot:
    assert client.snapshot is not None
    return client.snapshot
