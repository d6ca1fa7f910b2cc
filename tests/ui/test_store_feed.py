"""The console applies what the bridge sends at most once per frame, and at once when idle."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from console.store_feed import FramePacedFeed
from console.viewstate.store import StoreUpdate, ViewStore
from tests.helpers.entities import ticket
from tests.helpers.protocol import delta, snapshot, ticket_change

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
