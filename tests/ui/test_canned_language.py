"""Canned replies in the customer's language, with only facts true now (issue 10, defect 4).

Through the composition root, the way the console builds its workspace: the
agent's interface is in English while the customer writes in Spanish, or the
other way round.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from tests.helpers import entities
from tests.helpers.clock import iso
from tests.helpers.protocol import snapshot

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from bridge.wire.entities import Order, Ticket

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def minutes_from_now(minutes: float) -> str:
    return iso(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes))


def lima_clock(stamp: str) -> str:
    """``HH:MM`` of ``stamp`` in the local time zone (as the reply shows it)."""
    moment = dt.datetime.fromisoformat(stamp)
    return moment.astimezone().strftime("%H:%M")


def customer_ticket(body: str, subject: str, *, order_id: str = "O-1") -> Ticket:
    return entities.ticket(
        "T-1",
        customer_id="c-1",
        customer_name="María José Rojas",
        order_id=order_id,
        subject=subject,
        body=body,
        messages=[entities.customer_message(body)],
    )


def linked_order(status: str, eta: str | None) -> Order:
    return entities.order("O-1", ("placed", status), customer_id="c-1", status=status, eta=eta)


@pytest.fixture
def windows(qtbot: QtBot, tmp_path: Path) -> Iterator[ConsoleWindowSet]:
    made = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",  # the agent's interface language
        order_feed_limit=100,
        queues=("deliveries",),
    )
    qtbot.addWidget(made.window)
    yield made
    made.shutdown()


def open_ticket(windows: ConsoleWindowSet, ticket: Ticket, order: Order) -> None:
    windows.store.apply_snapshot(snapshot([ticket], [order]))
    windows.open_ticket(ticket.ticket_id)
    assert windows.workspace.ticket_id == ticket.ticket_id


def titles(windows: ConsoleWindowSet) -> list[str]:
    picker = windows.workspace.composer.canned_picker
    return [picker.itemText(row) for row in range(1, picker.count())]


def insert(windows: ConsoleWindowSet, reply_id: str) -> str:
    composer = windows.workspace.composer
    composer.editor.clear()
    assert composer.insert_canned(reply_id)
    return composer.text()


def test_a_spanish_customer_gets_spanish_replies_in_an_english_console(
    windows: ConsoleWindowSet,
) -> None:
    eta = minutes_from_now(25)
    open_ticket(
        windows,
        customer_ticket("Hola, pedí hace una hora y todavía no llega", "Mi pedido no llega"),
        linked_order("delayed", eta),
    )
    assert "Pedido demorado" in titles(windows)
    assert "Order delayed" not in titles(windows)
    text = insert(windows, "order-delayed")
    assert text.startswith("Hola, María.")  # greeted by first name
    assert "María José Rojas" not in text
    assert lima_clock(eta) in text  # a future ETA is a fact
    assert "{" not in text


def test_an_english_customer_gets_english_replies(windows: ConsoleWindowSet) -> None:
    open_ticket(
        windows,
        customer_ticket("Hi, where is my order? It has not arrived yet", "Order not here"),
        linked_order("dispatched", minutes_from_now(10)),
    )
    assert "Order delayed" in titles(windows)
    assert insert(windows, "greeting").startswith("Hi María!")


@pytest.mark.parametrize(
    ("status", "says"), [("delivered", "entregado"), ("cancelled", "cancelado")]
)
def test_a_finished_order_is_never_on_the_way(
    windows: ConsoleWindowSet, status: str, says: str
) -> None:
    open_ticket(
        windows,
        customer_ticket("¿Dónde está mi pedido?", "Pedido demorado"),
        linked_order(status, minutes_from_now(-4)),  # delivered after its (past) ETA
    )
    for reply_id in ("order-delayed", "order-on-the-way"):
        text = insert(windows, reply_id)
        assert says in text
        assert "en camino" not in text
        assert "{eta}" not in text


def test_a_past_eta_stays_unfilled_and_the_reply_is_held_back(
    qtbot: QtBot, windows: ConsoleWindowSet
) -> None:
    open_ticket(
        windows,
        customer_ticket("Mi pedido sigue sin llegar", "Pedido demorado"),
        linked_order("dispatched", minutes_from_now(-4)),  # the ETA already passed
    )
    text = insert(windows, "order-on-the-way")
    assert "{eta}" in text
    sent: list[object] = []
    windows.workspace.command_requested.connect(sent.append)
    QTest.keyClick(
        windows.workspace.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert sent == []
    notice = windows.workspace.composer.lock_label
    qtbot.waitUntil(lambda: "{eta}" in notice.text())
    assert "before sending" in notice.text()
