"""The order feed model and view: newest first, bounded, pause/resume, filter, search, open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.models.order_feed_model import OrderFeedModel
from console.models.roles import EVENT_ID_ROLE, ID_ROLE
from console.views.order_feed_view import OrderFeedView
from console.viewstate.order_feed import OrderFeed
from console.viewstate.store import ViewStore
from tests.helpers.entities import order
from tests.helpers.protocol import delta, order_change, snapshot
from tests.helpers.qt import check_model, type_text

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

# The offscreen platform plugin warns when a top-level window with a layout publishes its size
# hints; it is an artefact of the test platform, nothing else.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class Feed:
    def __init__(self, capacity: int = 5000) -> None:
        self.store = ViewStore()
        self.model = OrderFeedModel(self.store, OrderFeed(capacity))
        self.log: list[tuple[Any, ...]] = []
        self.model.modelAboutToBeReset.connect(lambda: self.log.append(("reset",)))
        self.model.rowsInserted.connect(lambda _p, a, b: self.log.append(("inserted", a, b)))
        self.model.rowsRemoved.connect(lambda _p, a, b: self.log.append(("removed", a, b)))

    def event_ids(self) -> list[str]:
        return [self.model.index(r).data(EVENT_ID_ROLE) for r in range(self.model.rowCount())]


@pytest.fixture
def view(qtbot: QtBot) -> tuple[Feed, OrderFeedView]:
    feed = Feed()
    widget = OrderFeedView(feed.model, search_delay_ms=0)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return feed, widget


def shown(widget: OrderFeedView) -> list[str]:
    proxy = widget.proxy
    return [proxy.index(r, 0).data(EVENT_ID_ROLE) for r in range(proxy.rowCount())]


def test_feed_model_inserts_new_events_at_the_top_and_passes_the_model_tester(
    qtmodeltester: ModelTester,
) -> None:
    feed = Feed()
    feed.store.apply_snapshot(snapshot(orders=[order("o1", ("placed", "paid")), order("o2")]))
    check_model(qtmodeltester, feed.model)
    assert feed.event_ids() == ["o1-1", "o2-0", "o1-0"]
    feed.store.apply_delta(delta(2, order_change(order("o2", ("placed", "paid", "delivered")))))
    assert feed.event_ids() == ["o2-2", "o2-1", "o1-1", "o2-0", "o1-0"]
    assert feed.log == [("inserted", 0, 2), ("inserted", 0, 1)]
    first = feed.model.index(0)
    assert first.data(ID_ROLE) == "o2"
    text = first.data()
    assert "o2" in text
    assert "Delivered" in text
    assert "S/ 45.90" in text
    assert "Miraflores" in text


def test_feed_model_is_bounded_by_its_capacity(qtmodeltester: ModelTester) -> None:
    feed = Feed(capacity=4)
    check_model(qtmodeltester, feed.model)
    feed.store.apply_snapshot(snapshot(orders=[order("o1", ("placed", "paid", "dispatched"))]))
    feed.store.apply_delta(delta(2, order_change(order("o2", ("placed", "paid")))))
    assert feed.model.rowCount() == 4
    assert feed.event_ids() == ["o2-1", "o2-0", "o1-2", "o1-1"]
    assert feed.log == [("inserted", 0, 2), ("removed", 2, 2), ("inserted", 0, 1)]
    assert ("reset",) not in feed.log


def test_pause_holds_events_back_and_resume_shows_them(
    qtbot: QtBot, view: tuple[Feed, OrderFeedView], qtmodeltester: ModelTester
) -> None:
    feed, widget = view
    check_model(qtmodeltester, widget.proxy)
    feed.store.apply_snapshot(snapshot(orders=[order("o1")]))
    assert widget.pause_button.text() == "Pause"
    QTest.mouseClick(widget.pause_button, Qt.MouseButton.LeftButton)
    feed.store.apply_delta(delta(2, order_change(order("o2")), order_change(order("o3"))))
    assert shown(widget) == ["o1-0"]
    assert widget.pause_button.text() == "Resume (2 new)"
    assert widget.pause_button.accessibleName() == "Resume the order feed"
    QTest.mouseClick(widget.pause_button, Qt.MouseButton.LeftButton)
    assert widget.pause_button.text() == "Pause"
    assert sorted(shown(widget)[:2]) == ["o2-0", "o3-0"]
    assert shown(widget)[2] == "o1-0"


def test_status_filter_and_search(qtbot: QtBot, view: tuple[Feed, OrderFeedView]) -> None:
    feed, widget = view
    feed.store.apply_snapshot(
        snapshot(
            orders=[
                order("o1", ("placed", "paid"), customer_name="Rosa Quispe"),
                order("o2", ("placed", "cancelled"), district="Surco"),
            ]
        )
    )
    labels = [widget.kind_filter.itemText(i) for i in range(widget.kind_filter.count())]
    assert labels[:3] == ["All events", "Placed", "Paid"]
    widget.set_kind("cancelled")
    assert shown(widget) == ["o2-1"]
    widget.set_kind(None)
    QTest.keyClicks(widget.search, "quispe")
    qtbot.waitUntil(lambda: shown(widget) == ["o1-1", "o1-0"])
    feed.store.apply_delta(delta(2, order_change(order("o2", ("placed", "cancelled", "paid")))))
    assert shown(widget) == ["o1-1", "o1-0"]  # o2's new event does not match the search
    widget.search.clear()
    qtbot.waitUntil(lambda: len(shown(widget)) == 5)


def test_the_search_ignores_accents(qtbot: QtBot, view: tuple[Feed, OrderFeedView]) -> None:
    feed, widget = view
    feed.store.apply_snapshot(
        snapshot(
            orders=[
                order("o1", customer_name="Sofía Quispe", district="Miraflores"),
                order("o2", customer_name="Rosa Peña", district="Jesús María"),
                order("o3", customer_name="Ana Torres", district="Surco"),
            ]
        )
    )

    def search_finds(typed: str, wanted: list[str]) -> None:
        widget.search.clear()
        type_text(widget.search, typed)
        qtbot.waitUntil(lambda: shown(widget) == wanted, timeout=2000)

    search_finds("sofia", ["o1-0"])
    search_finds("SOFÍA", ["o1-0"])
    search_finds("jesus maria", ["o2-0"])
    search_finds("pena", ["o2-0"])  # ñ is searched as n


def test_opening_an_order_emits_its_id(qtbot: QtBot, view: tuple[Feed, OrderFeedView]) -> None:
    feed, widget = view
    feed.store.apply_snapshot(snapshot(orders=[order("o7")]))
    widget.list.setCurrentIndex(widget.proxy.index(0, 0))
    with qtbot.waitSignal(widget.order_opened, timeout=1000) as opened:
        widget.list.activated.emit(widget.proxy.index(0, 0))
    assert opened.args == ["o7"]
    widget.list.setFocus()
    with qtbot.waitSignal(widget.order_opened, timeout=1000) as opened:
        QTest.keyClick(widget.list, Qt.Key.Key_Return)
    assert opened.args == ["o7"]


def test_every_control_has_an_accessible_name(view: tuple[Feed, OrderFeedView]) -> None:
    _, widget = view
    for control in (widget.pause_button, widget.kind_filter, widget.search, widget.list):
        assert control.accessibleName()
