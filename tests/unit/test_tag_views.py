"""Tags in the queue's view state: saved views per tag and search by tag."""

from __future__ import annotations

from console.viewstate.queue_rows import queue_row
from console.viewstate.saved_views import matches_search, saved_views
from tests.helpers.clock import T0
from tests.helpers.entities import ticket

NOW = T0.timestamp()


def test_the_selector_offers_one_view_per_tag_in_use_after_the_queues() -> None:
    keys = [v.key for v in saved_views("a1", ["payments"], ["vip", "refund", "vip"])]
    assert keys == [
        "mine",
        "unassigned",
        "queue:payments",
        "tag:refund",
        "tag:vip",
        "breached",
        "open",
    ]


def test_a_tag_view_shows_the_open_tickets_with_exactly_that_tag() -> None:
    views = {v.key: v for v in saved_views("a1", [], ["vip"])}
    tagged = queue_row(ticket("t1", tags=["refund", "vip"]), 0)
    other_case = queue_row(ticket("t2", tags=["VIP"]), 0)
    untagged = queue_row(ticket("t3"), 0)
    closed = queue_row(ticket("t4", tags=["vip"], status="closed"), 0)
    assert views["tag:vip"].accepts(tagged, NOW)
    assert not views["tag:vip"].accepts(other_case, NOW)
    assert not views["tag:vip"].accepts(untagged, NOW)
    assert not views["tag:vip"].accepts(closed, NOW)


def test_search_finds_a_ticket_by_its_tag() -> None:
    row = queue_row(ticket("t1", tags=["Reembolso pendiente"]), 0)
    assert row.tags == ("Reembolso pendiente",)
    assert matches_search(row, "reembolso")
    assert not matches_search(queue_row(ticket("t2"), 0), "reembolso")
