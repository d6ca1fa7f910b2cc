"""A paged snapshot reaches the order feed's list as a few changes, not one per page.

Through the real store, model, filter proxy and list (Qt's model tester on the
proxy): the pages of a snapshot change the rows at most once per publishing
interval and at the end, and the feed then shows what a snapshot applied at
once shows; a delta after it still shows at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
import pytest

from bridge.wire.protocol import SnapshotBegin, SnapshotEnd, SnapshotPage
from console.models.order_feed_model import OrderFeedModel
from console.models.roles import EVENT_ID_ROLE
from console.views.order_feed_view import OrderFeedView
from console.viewstate.order_feed import PUBLISH_EVERY_S, OrderFeed
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock, at
from tests.helpers.entities import order
from tests.helpers.protocol import delta, order_change, snapshot, status
from tests.helpers.qt import check_model

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Order

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

CAPACITY = 50


class Shown:
    """A feed view over its own store, counting the changes its list gets."""

    def __init__(self, qtbot: QtBot, clock: Clock) -> None:
        self.store = ViewStore()
        self.model = OrderFeedModel(self.store, OrderFeed(CAPACITY, clock=clock))
        self.view = OrderFeedView(self.model, search_delay_ms=0)
        qtbot.addWidget(self.view)
        self.changes = 0
        proxy = self.view.proxy
        for signal in (proxy.rowsInserted, proxy.rowsRemoved):
            signal.connect(self._count)
        proxy.modelReset.connect(self._count)
        self.source_changes = 0
        for signal in (self.model.rowsAboutToBeInserted, self.model.rowsAboutToBeRemoved):
            signal.connect(self._count_source)

    def _count(self, *_: object) -> None:
        self.changes += 1

    def _count_source(self, *_: object) -> None:
        self.source_changes += 1

    def event_ids(self) -> list[str]:
        proxy = self.view.proxy
        return [proxy.index(row, 0).data(EVENT_ID_ROLE) for row in range(proxy.rowCount())]


def _orders(count: int) -> list[Order]:
    """Orders whose event times go back and forth from page to page."""
    orders = []
    for n in range(count):
        held = order(f"o{n:03d}", ("placed", "paid"))
        minute = n * 37 % count
        held.timeline[0].at, held.timeline[1].at = at(minute), at(minute + 0.5)
        orders.append(held)
    return orders


def _load(shown: Shown, orders: list[Order], page_size: int, clock: Clock, step_s: float) -> None:
    store = shown.store
    begin = SnapshotBegin(session="s", seq=1, tickets=0, orders=len(orders), agents=0,
                          status=status())  # fmt: skip
    store.load_snapshot(begin)
    for low in range(0, len(orders), page_size):
        page = orders[low : low + page_size]
        store.load_snapshot(page=SnapshotPage(seq=1, tickets=[], orders=page, agents=[]))
        clock.advance(step_s)
    store.load_snapshot(end=SnapshotEnd(seq=1))


def _at_once(qtbot: QtBot, orders: list[Order]) -> list[str]:
    reference = Shown(qtbot, Clock())
    reference.store.apply_snapshot(snapshot(orders=orders))
    return reference.event_ids()


def test_a_paged_snapshot_changes_the_list_once_and_ends_as_one_applied_at_once(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    clock = Clock()
    shown = Shown(qtbot, clock)
    check_model(qtmodeltester, shown.view.proxy)
    orders = _orders(200)  # 400 events, 40 pages
    _load(shown, orders, 5, clock, step_s=0.0)
    assert shown.changes == 1  # one insertion (40 before: one per page, and evictions)
    assert shown.event_ids() == _at_once(qtbot, orders)
    assert len(shown.event_ids()) == CAPACITY


def test_a_long_paged_snapshot_fills_the_list_in_at_most_once_per_interval(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    clock = Clock()
    shown = Shown(qtbot, clock)
    check_model(qtmodeltester, shown.view.proxy)
    orders = _orders(200)
    store = shown.store
    begin = SnapshotBegin(session="s", seq=1, tickets=0, orders=200, agents=0, status=status())
    store.load_snapshot(begin)
    store.load_snapshot(page=SnapshotPage(seq=1, tickets=[], orders=orders[:10], agents=[]))
    assert shown.event_ids() == []  # not yet an interval into the load
    clock.advance(PUBLISH_EVERY_S)
    store.load_snapshot(page=SnapshotPage(seq=1, tickets=[], orders=orders[10:20], agents=[]))
    assert shown.event_ids() == _at_once(qtbot, orders[:20])
    for low in range(20, 200, 10):  # 18 pages, a quarter of an interval apart
        clock.advance(PUBLISH_EVERY_S / 4)
        store.load_snapshot(page=SnapshotPage(seq=1, tickets=[], orders=orders[low : low + 10],
                                              agents=[]))  # fmt: skip
    store.load_snapshot(end=SnapshotEnd(seq=1))
    assert shown.event_ids() == _at_once(qtbot, orders)
    # each publication: the load's rows shown out, the new best in (one insertion, one removal)
    assert shown.changes <= 2 * (1 + 18 // 4 + 1)
    store.apply_delta(delta(2, order_change(order("o000", ("placed", "paid", "delivered")))))
    assert shown.event_ids()[0] == "o000-2"  # a delta: at once


def test_a_snapshot_without_new_events_changes_no_rows(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    clock = Clock()
    shown = Shown(qtbot, clock)
    check_model(qtmodeltester, shown.view.proxy)
    orders = _orders(10)
    _load(shown, orders, 4, clock, step_s=0.0)
    before = shown.event_ids()
    changes, source_changes = shown.changes, shown.source_changes
    moved_on = [msgspec.structs.replace(held, status="delivered") for held in orders]
    begin = SnapshotBegin(session="s", seq=2, tickets=0, orders=10, agents=0, status=status())
    shown.store.load_snapshot(begin)
    shown.store.load_snapshot(page=SnapshotPage(seq=2, tickets=[], orders=moved_on, agents=[]))
    shown.store.load_snapshot(end=SnapshotEnd(seq=2))
    assert (shown.changes, shown.source_changes) == (changes, source_changes)
    assert shown.event_ids() == before
