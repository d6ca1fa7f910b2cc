"""Placeholder fallbacks: ``{name|fallback}`` writes the fallback when the value is unknown."""

from __future__ import annotations

from console.viewstate.placeholders import fill, unfilled

VALUES: dict[str, str | None] = {"customer_name": "Rosa", "order_id": None, "eta": None}


def test_a_known_value_wins_over_the_fallback() -> None:
    assert fill("Hola {customer_name|cliente}", VALUES) == "Hola Rosa"


def test_an_unknown_value_takes_the_fallback_and_leaves_nothing_unfilled() -> None:
    text = fill("Tu pedido {order_id|} llega {eta|pronto}.", VALUES)
    assert text == "Tu pedido  llega pronto."
    assert unfilled(text) == []


def test_without_a_fallback_an_unknown_value_stays_to_be_completed() -> None:
    text = fill("Llega a las {eta}", VALUES)
    assert text == "Llega a las {eta}"
    assert unfilled(text) == ["eta"]


def test_unknown_names_and_braces_in_the_fallback_are_left_alone() -> None:
    assert fill("{nombre|x} {eta|{x}}", VALUES) == "{nombre|x} {eta|{x}}"
