"""Faults on the bridge's data path: hostile records, judged entries, resends, a damaged cache.

Each test runs real bridge processes on the real broker and counts event ids in
the log where copies or losses are the question.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from bridge.actions import event_for_action
from bridge.contract.topics import Topics
from bridge.outbox import Outbox
from bridge.wire.protocol import Action, AgentIdentity, Claim, Command, Reply
from tests.conftest import KafkaEnv
from tests.e2e.conftest import EventProducer
from tests.e2e.log_counts import count_event_ids
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
ANA = AgentIdentity(agent_id="ana", name="Ana Quispe", role="agent", queues=[])
NOW = "2024-05-01T10:30:00.000Z"


def test_a_deeply_nested_record_is_quarantined_and_the_records_after_it_are_folded(
    topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    nested = b'{"specversion": "1.0", "data": ' + b"[" * 3000 + b"]" * 3000 + b"}"  # ~6 KB
    produce.event(topics.tickets, samples.ticket_opened("t-before", event_id="o-before"))
    produce.raw(topics.tickets, b"t-after-0", nested)
    for i in range(200):  # the rest of the batch the old drain loop abandoned
        produce.event(topics.tickets, samples.ticket_opened(f"t-after-{i}", event_id=f"o-{i}"))
    produce.flush()

    state = bridge.wait_until(lambda m: len(m.tickets) == 201 and m.status.quarantined == 1)

    assert state.status.quarantined == 1
    assert "t-before" in state.tickets
    assert "t-after-199" in state.tickets


def _store_entry(outbox_path: Path, event_id: str, ticket_id: str, *, sent: bool) -> None:
    """Put an entry in a stopped bridge's outbox as a killed bridge would have left it."""
    kind, key, value = event_for_action(
        Claim(ticket_id=ticket_id), event_id=event_id, agent=ANA, time=NOW
    )
    with Outbox(outbox_path) as outbox:  # another session than the next bridge's
        outbox.enqueue(event_id=event_id, ticket_id=key, topic_kind=kind, value=value)
        if sent:
            outbox.mark_sent(event_id)


def test_entries_the_log_already_holds_are_judged_at_start_and_never_produced_again(
    kafka: KafkaEnv, topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    for i in range(3):
        produce.event(topics.tickets, samples.ticket_opened(f"t-{i}", event_id=f"open-{i}"))
    produce.flush()
    bridge.wait_until(lambda m: len(m.tickets) == 3)
    # Claims a killed bridge had produced and folded (in the cache) but never recorded.
    in_cache = {"claim-0": "t-0", "claim-1": "t-1"}
    for event_id, ticket_id in in_cache.items():
        produce.event(
            topics.tickets,
            samples.ticket_action("claimed", ticket_id, event_id=event_id, agent_id="ana"),
        )
    produce.flush()
    bridge.wait_until(lambda m: m.tickets["t-1"].assignee == "ana")
    bridge.stop()  # the cache now holds both claims as judged
    for event_id, ticket_id in in_cache.items():
        _store_entry(bridge.data_dir / "outbox.sqlite", event_id, ticket_id, sent=True)
    # A claim delivered but not acknowledged, behind a backlog the restarted bridge must read.
    for i in range(3, 2003):
        produce.event(topics.tickets, samples.ticket_opened(f"t-{i}", event_id=f"open-{i}"))
    produce.event(
        topics.tickets, samples.ticket_action("claimed", "t-2", event_id="claim-2", agent_id="ana")
    )
    produce.flush()
    _store_entry(bridge.data_dir / "outbox.sqlite", "claim-2", "t-2", sent=False)

    bridge.start()
    resumed = bridge.wait_for_log("resumed from cache")
    with bridge.client() as client:
        assert client.snapshot is not None
        mirror = Mirror(client.snapshot)
        follow(client, mirror, lambda m: len(m.tickets) == 2003 and m.status.outbox_pending == 0)
        # Commands are judged against the log once the fold has caught up with it (until
        # then one on an unknown ticket waits in the outbox): the records above can all be
        # folded a moment before the reader has seen that they were the last ones.
        bridge.wait_for_log("folded the log as it was at start-up", after=resumed)
        # Resending them (as a console does after a reconnect) only returns their verdicts.
        for event_id, ticket_id in {**in_cache, "claim-2": "t-2"}.items():
            client.send(Command(command_id=event_id, action=Claim(ticket_id=ticket_id)))
        follow(client, mirror, lambda m: all(m.final_outcome(e) for e in (*in_cache, "claim-2")))
        finals = {e: mirror.final_outcome(e) for e in (*in_cache, "claim-2")}
        assert {e: o.state for e, o in finals.items() if o is not None} == dict.fromkeys(
            finals, "confirmed"
        )

        # A command id that is already some event's id would never be judged: refused.
        client.send(Command(command_id="open-5", action=Claim(ticket_id="t-5")))
        # Garbage is refused before the outbox, with the reason; the connection stays.
        garbage: dict[str, Action] = {
            "unknown": Claim(ticket_id="t-nope"),
            "newline": Claim(ticket_id="t-1\nt-2"),
            "long": Claim(ticket_id="t" * 200_000),
            "invisible": Reply(ticket_id="t-7", body="\x00\x07\x1b[31m\u202e\u200b "),
        }
        for name, action in garbage.items():
            client.send(Command(command_id=f"bad-{name}", action=action))
        follow(
            client,
            mirror,
            lambda m: all(m.final_outcome(f"bad-{n}") for n in garbage) and "open-5" in m.outcomes,
        )
        client.send(Command(command_id="good", action=Reply(ticket_id="t-7", body="Hola")))
        follow(client, mirror, lambda m: m.final_outcome("good") is not None)
    assert mirror.final_outcome("good").state == "confirmed"  # type: ignore[union-attr]
    assert mirror.outcomes["open-5"][0].state == "invalid"
    assert "already the id of an event" in (mirror.outcomes["open-5"][0].reason or "")
    reasons = {n: mirror.final_outcome(f"bad-{n}") for n in garbage}
    assert {n: o.state for n, o in reasons.items() if o} == dict.fromkeys(garbage, "invalid")
    assert "there is no ticket" in (reasons["unknown"].reason or "")  # type: ignore[union-attr]
    assert "U+000A" in (reasons["newline"].reason or "")  # type: ignore[union-attr]
    assert "the limit is 128" in (reasons["long"].reason or "")  # type: ignore[union-attr]
    assert "U+0000" in (reasons["invisible"].reason or "")  # type: ignore[union-attr]

    counts = count_event_ids(kafka.bootstrap_servers, topics.tickets)
    assert {e: counts[e] for e in (*in_cache, "claim-2")} == dict.fromkeys(
        (*in_cache, "claim-2"), 1
    )
    assert not any(counts[f"bad-{n}"] for n in garbage)
    with closing(sqlite3.connect(bridge.data_dir / "outbox.sqlite")) as db:
        states = dict(db.execute("SELECT event_id, state FROM outbox").fetchall())
    assert states == dict.fromkeys((*in_cache, "claim-2", "good"), "confirmed")


def test_a_flipped_byte_in_the_cache_is_detected_and_the_state_rebuilt_from_the_log(
    topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    produce.event(topics.tickets, samples.ticket_opened("t-1", event_id="open-1"))
    produce.event(
        topics.tickets,
        samples.message_added("t-1", event_id="m-1", body="Hola, revisamos su caso"),
    )
    produce.flush()
    bridge.wait_until(lambda m: "t-1" in m.tickets and len(m.tickets["t-1"].messages) == 1)
    bridge.stop()
    cache = bridge.data_dir / "state-cache.sqlite"
    data = cache.read_bytes()
    assert data.count(b"Hola, revisamos") == 1
    cache.write_bytes(data.replace(b"Hola, revisamos", b"Jola, revisamos"))

    bridge.start()
    state = bridge.wait_until(lambda m: "t-1" in m.tickets and len(m.tickets["t-1"].messages) == 1)

    assert [m.body for m in state.tickets["t-1"].messages] == ["Hola, revisamos su caso"]
    assert any("fails its checksum" in line for line in bridge.log_tail)
