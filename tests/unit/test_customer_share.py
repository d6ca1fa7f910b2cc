"""The customer panel's share of the column beside the conversation."""

from __future__ import annotations

from console.workspace.side_column import customer_share


def test_the_customer_panel_gets_what_it_needs_when_there_is_room() -> None:
    assert customer_share(needed=175, total=490, rest_minimum=274) == 175


def test_the_order_panel_keeps_its_minimum_and_the_customer_panel_scrolls() -> None:
    assert customer_share(needed=217, total=486, rest_minimum=274) == 212
    assert customer_share(needed=217, total=200, rest_minimum=274) == 0
