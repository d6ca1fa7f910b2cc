"""The console applies what the bridge sends at most once per frame, and at once when idle.

A backlog larger than a slice goes on at the next turn of the event loop.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from console.gc_pacing import GcPacing
from console.models.ticket_queue_model import TicketQueueModel
from console.store_feed import FramePacedFeed
from console.viewstate.apply_budget import ApplyBudget
from console.viewstate.seen import SeenTracker
from console.viewstate.store import StoreUpdate, ViewStore
from tests.helpers.clock import Clock as WallClock
from tests.helpers.entities import many_tickets, ticket
from tests.helpers.protocol import delta, snapshot, ticket_change
from tests.helpers.qt import check_model

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

WAIT_MS = 5000


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _recording(store: ViewStore) -> list[StoreUpdate]:
    updates: list[StoreUpdate] = []
    store.subscribe(updates.append)
    return updates


def test_deltas_that_arrive_within_a_frame_reach_the_store_as_one_update(qtbot: QtBot) -> None:
    store = ViewStore()
    feed = FramePacedFeed(store, freeze_after_snapshot=False)
    feed.add_snapshot(snapshot([ticket("t0")], seq=1))
    qtbot.waitUntil(lambda: store.seq == 1, timeout=WAIT_MS)
    updates = _recording(store)
    for seq in range(2, 52):  # fifty deltas in one event-loop turn
        feed.add_delta(delta(seq, ticket_change(ticket(f"t{seq}"))))
    qtbot.waitUntil(lambda: store.seq == 51, timeout=WAIT_MS)
    assert len(updates) == 1
    assert len(updates[0].tickets.added) == 50


def test_an_idle_console_applies_at_once_a_busy_one_when_its_frame_is_over(qtbot: QtBot) -> None:
    clock = Clock()
    store = ViewStore()
    feed = FramePacedFeed(store, frame_ms=60_000, freeze_after_snapshot=False, clock=clock)
    with qtbot.waitSignal(feed.applied, timeout=WAIT_MS):  # a minute of frame: not waited
        feed.add_snapshot(snapshot([ticket("t0")], seq=1))
    clock.now += 1.0  # one second into a one-minute frame
    feed.add_delta(delta(2, ticket_change(ticket("t2"))))
    QCoreApplication.processEvents()  # a turn of the event loop: not the end of the frame
    assert store.seq == 1
    clock.now += 60.0
    feed.flush()  # what the timer does at the end of the frame
    assert store.seq == 2
    clock.now += 120.0  # idle since: the next change goes out on the next turn
    with qtbot.waitSignal(feed.applied, timeout=WAIT_MS):
        feed.add_delta(delta(3, ticket_change(ticket("t3"))))
    assert store.seq == 3


def test_the_heap_is_frozen_after_a_snapshot(qtbot: QtBot) -> None:
    gc.unfreeze()
    store = ViewStore()
    feed = FramePacedFeed(store)
    try:
        with qtbot.waitSignal(feed.applied, timeout=WAIT_MS):
            feed.add_snapshot(snapshot([ticket("t0")], seq=1))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


class CostlyStore:
    """A store whose every update moves ``clock`` on by ``per_entity_s`` for each entity."""

    def __init__(self, clock: Clock, per_entity_s: float) -> None:
        self.store = ViewStore()
        self.sizes: list[int] = []

        def costs(update: StoreUpdate) -> None:
            kinds = (update.tickets, update.orders, update.agents)
            size = sum(len(ids.added | ids.changed | ids.removed) for ids in kinds)
            self.sizes.append(size)
            clock.now += size * per_entity_s

        self.store.subscribe(costs)


def test_a_large_backlog_is_applied_over_several_short_frames_in_order(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    clock = Clock()
    costly = CostlyStore(clock, per_entity_s=0.0005)  # 0.5 ms an entity: these 351 take 175 ms
    store = costly.store
    model = TicketQueueModel(store, SeenTracker(), WallClock())
    check_model(qtmodeltester, model)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    budget = ApplyBudget(0.008, first_guess_s=0.0001)
    feed = FramePacedFeed(
        store, frame_ms=1, freeze_after_snapshot=False, budget=budget, clock=clock
    )
    tickets = many_tickets(300)  # due a minute apart: each part lands after the last
    feed.add_snapshot(snapshot(tickets, seq=1))
    feed.add_delta(delta(2, *(ticket_change(t) for t in many_tickets(50, start=300))))
    qtbot.waitUntil(lambda: store.seq == 2, timeout=WAIT_MS)
    assert feed.backlog == 0
    assert len(costly.sizes) > 15  # many frames, not one long stall
    assert costly.sizes[0] == 80  # the first guess: 8 ms at 0.1 ms an entity (agent included)
    assert max(costly.sizes[4:]) <= 20  # soon about what 8 ms hold at the measured 0.5 ms
    assert [model.ticket_id(r) for r in range(model.rowCount())] == [
        t.ticket_id for t in [*tickets, *many_tickets(50, start=300)]
    ]
    assert len(inserted) == len(costly.sizes)  # one range of rows per update, never a row each


def test_the_rest_of_a_backlog_goes_on_at_the_next_turn_not_at_the_end_of_the_frame(
    qtbot: QtBot,
) -> None:
    clock = Clock()  # moves 1 ms an entity applied: the frame (a minute) does not end
    costly = CostlyStore(clock, per_entity_s=0.001)
    store = costly.store
    budget = ApplyBudget(0.008, first_guess_s=0.001)  # 8 entities a slice: 16, the least
    feed = FramePacedFeed(
        store, frame_ms=60_000, freeze_after_snapshot=False, budget=budget, clock=clock
    )
    feed.add_snapshot(snapshot(many_tickets(100), seq=1))
    qtbot.waitUntil(lambda: store.seq == 1, timeout=WAIT_MS)  # slices, turn after turn
    assert len(costly.sizes) >= 100 // 16
    assert max(costly.sizes) <= 16
    feed.add_delta(delta(2, ticket_change(ticket("t-new"))))  # news waits for the frame's end
    QCoreApplication.processEvents()
    assert store.seq == 1
    clock.now += 60.0
    feed.flush()
    assert store.seq == 2


def test_changes_that_keep_arriving_merge_into_the_backlog_and_the_last_wins(
    qtbot: QtBot,
) -> None:
    clock = Clock()
    costly = CostlyStore(clock, per_entity_s=0.001)
    store = costly.store
    feed = FramePacedFeed(
        store, frame_ms=1, freeze_after_snapshot=False, budget=ApplyBudget(0.004), clock=clock
    )
    feed.add_snapshot(snapshot(many_tickets(200), seq=1))
    qtbot.waitUntil(lambda: store.seq == 1, timeout=WAIT_MS)
    for seq in range(2, 12):  # every ticket changes ten times while the backlog drains
        feed.add_delta(
            delta(seq, *(ticket_change(t) for t in many_tickets(200, subject=f"v{seq}")))
        )
        QCoreApplication.processEvents()
    qtbot.waitUntil(lambda: store.seq == 11, timeout=WAIT_MS)
    assert {t.subject for t in store.tickets.values()} == {"v11"}
    assert sum(costly.sizes[1:]) < 10 * 200  # merged: far fewer entities applied than sent


def test_after_a_quiet_spell_the_whole_heap_is_collected_once(qtbot: QtBot) -> None:
    gc.unfreeze()
    pacing = GcPacing()
    pacing.install()
    try:
        store = ViewStore()
        feed = FramePacedFeed(store, gc_pacing=pacing, idle_collect_s=0.05)
        feed.add_snapshot(snapshot([ticket("t0")], seq=1))
        gc.collect(1)  # streaming: survivors frozen
        qtbot.waitUntil(lambda: pacing.idle_collections == 1, timeout=WAIT_MS)
        feed.add_delta(delta(2, ticket_change(ticket("t1"))))
        gc.collect(1)
        qtbot.waitUntil(lambda: pacing.idle_collections == 2, timeout=WAIT_MS)
    finally:
        pacing.uninstall()
        gc.unfreeze()
