"""Canned replies: the shipped files, loading errors and placeholder filling."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import msgspec
import pytest

from bridge.wire.entities import Order, Ticket
from bridge.wire.timestamps import epoch_of
from console.viewstate.customer_language import customer_language, language_of
from console.viewstate.placeholders import PLACEHOLDERS, fill, placeholder_values, unfilled
from console.workspace.canned import CannedLibrary, CannedRepliesError
from tests.helpers import entities

LIMA = dt.timezone(dt.timedelta(hours=-5))


def make_ticket(order_id: str | None = "O-77") -> Ticket:
    return entities.ticket(
        "T-1", customer_id="c1", customer_name="Carmen Vílchez", order_id=order_id, subject="s",
        body="b", opened_at="2025-03-01T15:00:00Z", sla_due_at="2025-03-01T15:30:00Z",
        updated_at="2025-03-01T15:00:00Z",
    )  # fmt: skip


def make_order(eta: str | None = "2025-03-01T18:25:00Z") -> Order:
    return entities.order(
        "O-77", status="dispatched", customer_id="c1", customer_name="Carmen Vílchez",
        total_cents=3250, currency="PEN", eta=eta, district="Surco",
        placed_at="2025-03-01T17:30:00Z", updated_at="2025-03-01T17:50:00Z", timeline=[],
    )  # fmt: skip


@pytest.mark.parametrize("language", ["es", "en"])
def test_shipped_files_have_eight_replies_with_known_placeholders(language: str) -> None:
    library = CannedLibrary.load(language)
    assert library.language == language
    assert len(library.replies) >= 8
    ids = [reply.reply_id for reply in library.replies]
    assert len(set(ids)) == len(ids)
    for reply in library.replies:
        for body in (reply.body, *(text for _status, text in reply.by_order_status)):
            used = set(re.findall(r"\{([^}]*)\}", body))
            assert used <= set(PLACEHOLDERS), (reply.reply_id, used)
    assert any("{eta}" in reply.body for reply in library.replies)


def test_both_languages_offer_the_same_replies() -> None:
    spanish = [r.reply_id for r in CannedLibrary.load("es").replies]
    english = [r.reply_id for r in CannedLibrary.load("en").replies]
    assert spanish == english


def test_placeholders_are_filled_from_the_ticket_and_order() -> None:
    library = CannedLibrary.load("es")
    reply = library.get("order-delayed")
    assert reply is not None
    text = fill(reply.body, placeholder_values(make_ticket(), make_order(), LIMA))
    assert "Hola, Carmen." in text  # greeted by first name
    assert "O-77" in text
    assert "13:25" in text  # 18:25 UTC is 13:25 in Lima
    assert unfilled(text) == []


def test_unknown_values_stay_visible() -> None:
    values = placeholder_values(make_ticket(order_id=None), None, LIMA)
    text = fill("Hola {customer_name}, tu pedido {order_id} llega a las {eta}.", values)
    assert text == "Hola Carmen Vílchez, tu pedido {order_id} llega a las {eta}."
    assert fill("{first_name}", values) == "Carmen"
    assert unfilled(text) == ["order_id", "eta"]
    # The ticket's order id is used when the order itself is not loaded.
    assert placeholder_values(make_ticket(), None, LIMA)["order_id"] == "O-77"
    assert placeholder_values(make_ticket(), make_order(eta=None), LIMA)["eta"] is None


def test_only_the_known_placeholders_are_touched() -> None:
    values: dict[str, str | None] = {"customer_name": "{eta}", "order_id": "O-1", "eta": "10:00"}
    text = fill("{customer_name} {order_id.__class__} {other} {{eta}}", values)
    assert text == "{eta} {order_id.__class__} {other} {10:00}"  # replaced once, no format()


def test_malformed_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "es.json").write_text(json.dumps({"replies": [{"id": "x", "title": ""}]}))
    with pytest.raises(CannedRepliesError, match=r"es\.json: replies\[0\]"):
        CannedLibrary.load("es", tmp_path)
    with pytest.raises(CannedRepliesError, match=r"qu\.json"):
        CannedLibrary.load("qu", tmp_path)


def test_only_an_eta_still_ahead_of_an_order_on_its_way_is_filled() -> None:
    eta = epoch_of("2025-03-01T18:25:00Z")
    assert eta is not None
    ahead = placeholder_values(make_ticket(), make_order(), LIMA, now=eta - 60)
    assert ahead["eta"] == "13:25"
    assert placeholder_values(make_ticket(), make_order(), LIMA, now=eta)["eta"] is None
    for status in ("delivered", "cancelled"):
        finished = msgspec.structs.replace(make_order(), status=status)
        assert placeholder_values(make_ticket(), finished, LIMA, now=eta - 60)["eta"] is None


def test_a_reply_has_a_body_per_order_status() -> None:
    reply = CannedLibrary.load("es").get("order-delayed")
    assert reply is not None
    assert "en camino" in reply.body_for("delayed")
    assert "entregado" in reply.body_for("delivered")
    assert "cancelado" in reply.body_for("cancelled")
    assert reply.body_for(None) == reply.body
    assert reply.for_order_status("delivered").body == reply.body_for("delivered")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mi pedido no llega", "es"),
        ("¿Y?", "es"),
        ("Hola, pedí hace una hora", "es"),
        ("My order has not arrived", "en"),
        ("Where is my order? It's late", "en"),
        ("ok", "es"),  # nothing to go on: Spanish
        ("", "es"),
    ],
)
def test_the_customers_language_is_read_from_what_they_wrote(text: str, language: str) -> None:
    assert language_of(text) == language


def test_the_customers_messages_count_and_agent_messages_do_not() -> None:
    english = make_ticket()
    english = msgspec.structs.replace(
        english,
        subject="Order late",
        body="Where is it?",
        messages=[
            entities.message("m1", "agent", body="Hola, ¿en qué te ayudo? Estamos revisando."),
            entities.message("m2", "customer", body="My order has not arrived yet"),
        ],
    )
    assert customer_language(english) == "en"
