"""bench_catchup's console child tells when it holds every entity in its final form.

Its deltas come from the bridge's own ``BatchLog``: an entity flushed in two
batches goes out whole, then as the tail of its lists (protocol 4). The child
must count what the console then holds (the entries it kept plus the tail),
not the tail alone, or it waits for ever for a size it already has.
"""

from __future__ import annotations

from bridge.server.batches import BatchLog
from bridge.wire.framing import bridge_message_decoder
from bridge.wire.protocol import Change, DeltaBatch
from tests.helpers import entities
from tests.perf.bench_catchup import _Progress


def _sent(log: BatchLog, *changes: Change) -> DeltaBatch:
    """Flush ``changes`` as the next batch and decode it as the console does."""
    log.add(changes, None)
    batch = log.flush()
    assert batch is not None
    decoder = bridge_message_decoder(1 << 20)
    decoder.feed(batch.frame)
    message = decoder.pop()
    assert isinstance(message, DeltaBatch)
    return message


def test_an_entity_whose_last_change_is_a_tail_counts_as_held_whole() -> None:
    messages = [entities.message(f"m-{n}") for n in range(4)]
    progress = _Progress({"t:T-1": 5, "o:O-1": 3})
    log = BatchLog(history=8, history_bytes=1 << 20)

    first = _sent(
        log,
        Change(kind="ticket", key="T-1", ticket=entities.ticket("T-1", messages=messages[:1])),
        Change(kind="order", key="O-1", order=entities.order("O-1")),
    )
    progress.add(first)
    assert progress.complete_at is None
    claim = entities.ticket_action("claim-1")
    last = _sent(
        log,
        Change(
            kind="ticket",
            key="T-1",
            ticket=entities.ticket("T-1", messages=messages, actions=[claim]),
        ),
        Change(
            kind="order", key="O-1", order=entities.order("O-1", ("placed", "paid", "dispatched"))
        ),
    )
    progress.add(last)

    tails = {(c.key, c.messages_from, c.timeline_from) for c in last.changes}
    assert tails == {("T-1", 1, 0), ("O-1", 0, 1)}, "the bridge sent tails"
    assert progress.complete_at is not None
