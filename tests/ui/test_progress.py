"""While state is still arriving the status bar says how far it is, then says nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from bridge.wire.protocol import CatchUp, SnapshotBegin, SnapshotEnd, SnapshotPage
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.views.status_bar import ConsoleStatusBar
from tests.helpers.entities import many_tickets
from tests.helpers.protocol import delta, snapshot, status, stream

WAIT_MS = 2000


class Clock:
    def __call__(self) -> float:
        return 1_767_261_600.0


@pytest.fixture(autouse=True)
def english_numbers() -> Iterator[None]:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(QLocale.c())


@pytest.fixture
def bar(qtbot: QtBot) -> ConsoleStatusBar:
    made = ConsoleStatusBar(Clock())
    qtbot.addWidget(made)
    made.set_connected()
    return made


def catching_up(done: int, total: int, rate: float) -> CatchUp:
    return CatchUp(records_done=done, records_total=total, records_per_s=rate)


def test_the_bridge_catching_up_shows_records_and_the_time_left(bar: ConsoleStatusBar) -> None:
    bar.set_status(status(catching_up=catching_up(120_000, 300_000, 15_000.0)))
    assert bar.progress_label.text() == "Catching up: 120,000 of 300,000 records, about 12 s left"
    assert not bar.progress_label.isHidden()
    bar.set_status(status(catching_up=catching_up(0, 9_000_000, 20_000.0)))
    assert bar.progress_label.text().endswith("about 8 min left")
    bar.set_status(status(catching_up=catching_up(0, 300_000, 0.0)))  # no rate measured yet
    assert bar.progress_label.text() == "Catching up: 0 of 300,000 records"
    bar.set_status(status())  # caught up
    assert bar.progress_label.text() == ""
    assert bar.progress_label.isHidden()


def test_a_stale_catch_up_is_not_shown_while_the_bridge_is_away(bar: ConsoleStatusBar) -> None:
    bar.set_status(status(catching_up=catching_up(1, 300_000, 10.0)))
    bar.set_reconnecting("the bridge closed")
    assert bar.progress_label.text() == ""


@pytest.fixture
def windows(qtbot: QtBot, tmp_path: Path) -> Iterator[ConsoleWindowSet]:
    made = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=100,
        queues=("deliveries",),
    )
    qtbot.addWidget(made.window)
    yield made
    made.shutdown()


def test_a_snapshot_arriving_in_pages_shows_its_progress_and_what_came(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    client = windows.client
    label = windows.window.status_bar.progress_label
    begin, *pages, end = stream(snapshot(many_tickets(300)), page_size=100)
    assert isinstance(begin, SnapshotBegin)
    assert isinstance(end, SnapshotEnd)
    client.snapshot_begin.emit(begin)
    for page in pages[:3]:  # the agent, then 200 tickets
        assert isinstance(page, SnapshotPage)
        client.snapshot_page.emit(page)
    qtbot.waitUntil(lambda: label.text() == "Loading from the bridge: 201 of 301", timeout=WAIT_MS)
    assert len(windows.window.queue_view.visible_ticket_ids()) == 200  # shows what it has
    for page in pages[3:]:
        assert isinstance(page, SnapshotPage)
        client.snapshot_page.emit(page)
    client.snapshot_end.emit(end)
    qtbot.waitUntil(lambda: label.text() == "", timeout=WAIT_MS)
    assert len(windows.window.queue_view.visible_ticket_ids()) == 300
    client.delta.emit(delta(2))
    qtbot.waitUntil(lambda: windows.store.seq == 2, timeout=WAIT_MS)
