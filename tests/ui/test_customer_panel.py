"""The customer panel beside the conversation, on real widgets, with the links below it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bridge.wire.entities import OrderItem
from bridge.wire.protocol import AgentIdentity
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from tests.helpers import entities
from tests.helpers.clock import Clock, at

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ME = AgentIdentity(agent_id="a-lucia", name="Lucía", role="agent", queues=["deliveries"])


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> TicketWorkspace:
    widget = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def test_the_panel_shows_name_phone_address_district_items_and_courier(
    workspace: TicketWorkspace, qtbot: QtBot
) -> None:
    order = entities.order(
        "o-1",
        customer_id="c-1",
        customer_phone="+51 987 654 321",
        items=[
            OrderItem(sku="p", name="1/4 pollo", qty=2, unit_price_cents=1800),
            OrderItem(sku="c", name="Chicha <b>1 L</b>", qty=1, unit_price_cents=900),
        ],
        address="Av. Arequipa 1234",
        district="Lince",
        city="Lima",
        courier_name="Luis Paz",
    )
    earlier = entities.order("o-0", customer_id="c-1", placed_at=at(-900))
    ticket = entities.ticket("t-1", customer_id="c-1", customer_name="Rosa Quispe", order_id="o-1")
    other = entities.ticket("t-0", customer_id="c-1", subject="Cobro doble")
    workspace.show_ticket(ticket, order, [other], [order, earlier], ME)
    panel = workspace.customer_panel
    assert panel.isVisible()
    assert {name: panel.text_of(name) for name in ("name", "phone", "address", "district")} == {
        "name": "Rosa Quispe",
        "phone": "+51 987 654 321",
        "address": "Av. Arequipa 1234, Lince, Lima",
        "district": "Lince",
    }
    assert (
        panel.text_of("items")
        == "2 \N{MULTIPLICATION SIGN} 1/4 pollo, 1 \N{MULTIPLICATION SIGN} Chicha <b>1 L</b>"
    )
    assert panel.values["items"].textFormat() == Qt.TextFormat.PlainText
    assert panel.text_of("courier") == "Luis Paz"
    assert panel.source_label.text() == "From the ticket's order o-1."
    # The customer's other tickets and orders are links right below.
    tickets = workspace.order_panel.other_tickets
    assert tickets.count() == 1
    with qtbot.waitSignal(workspace.ticket_activated, timeout=1000) as opened:
        tickets.itemActivated.emit(tickets.item(0))
    assert opened.args == ["t-0"]
    orders = workspace.order_panel.other_orders
    with qtbot.waitSignal(workspace.order_activated, timeout=1000) as shown:
        orders.itemActivated.emit(orders.item(0))
    assert shown.args == ["o-0"]


def test_a_ticket_without_an_order_shows_the_latest_order_and_says_so(
    workspace: TicketWorkspace,
) -> None:
    order = entities.order("o-9", customer_id="c-1", address="Calle 2", customer_phone="+51 9")
    ticket = entities.ticket("t-1", customer_id="c-1", customer_name="Rosa", order_id=None)
    workspace.show_ticket(ticket, None, [], [order], ME)
    panel = workspace.customer_panel
    assert panel.text_of("address") == "Calle 2, Miraflores"
    assert panel.text_of("phone") == "+51 9"
    assert panel.text_of("courier") == "not dispatched yet"
    assert "latest order o-9" in panel.source_label.text()
    workspace.clear()
    assert panel.text_of("name") == "—"


def test_the_customers_other_orders_show_todays_time_without_a_date(
    qtbot: QtBot, tmp_path: Path
) -> None:
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=Clock()
    )
    qtbot.addWidget(workspace)
    linked = entities.order("o-1", customer_id="c-1")
    today = entities.order("o-2", customer_id="c-1", placed_at=at(-95))  # 10:25 on T0's day
    yesterday = entities.order("o-3", customer_id="c-1", placed_at=at(-24 * 60))
    ticket = entities.ticket("t-1", customer_id="c-1", order_id="o-1")
    workspace.show_ticket(ticket, linked, [], [linked, today, yesterday], ME)
    orders = workspace.order_panel.other_orders
    texts = [orders.item(row).text() for row in range(orders.count())]
    assert [text.split(" · ")[0] for text in texts] == ["o-2", "o-3"]  # newest first
    assert [text.split(" · ")[-1] for text in texts] == ["10:25", "2024-05-05 12:00"]


def test_a_cancelled_order_promises_no_courier_and_no_eta(workspace: TicketWorkspace) -> None:
    order = entities.order("o-7", customer_id="c-1", status="cancelled", eta=at(10))
    ticket = entities.ticket("t-1", customer_id="c-1", order_id="o-7")
    workspace.show_ticket(ticket, order, [], [order], ME)
    assert workspace.customer_panel.text_of("courier") == "—"
    assert workspace.order_panel.summary_label.text().endswith("· ETA —")

    on_its_way = entities.order("o-8", customer_id="c-1", status="paid", eta=at(10))
    workspace.show_ticket(ticket, on_its_way, [], [on_its_way], ME)
    assert workspace.customer_panel.text_of("courier") == "not dispatched yet"
    assert workspace.order_panel.summary_label.text().endswith("· ETA 12:10")
