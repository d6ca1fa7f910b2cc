"""Guided mode: the ticket that opens after resolving or setting pending."""

from __future__ import annotations

from console.viewstate.next_ticket import next_in_view


def test_the_next_one_is_the_ticket_after_it_in_the_view() -> None:
    assert next_in_view(["a", "b", "c"], "b", 1) == "c"


def test_after_the_last_one_the_top_of_the_view_opens() -> None:
    assert next_in_view(["a", "b", "c"], "c", 2) == "a"


def test_a_ticket_that_left_the_view_gives_its_place_to_the_one_now_there() -> None:
    assert next_in_view(["a", "c", "d"], "b", 1) == "c"
    assert next_in_view(["a"], "b", 5) == "a"
    assert next_in_view(["a", "c"], "b", None) == "a"


def test_an_empty_view_or_a_lone_ticket_has_no_next() -> None:
    assert next_in_view([], "b", 0) is None
    assert next_in_view(["b"], "b", 0) is None


def test_a_colleague_s_ticket_is_passed_over() -> None:
    colleagues = {"b", "c"}

    def workable(ticket_id: str) -> bool:
        return ticket_id not in colleagues

    assert next_in_view(["a", "b", "c", "d"], "a", 0, workable) == "d"
    assert next_in_view(["b", "c", "d"], "a", 0, workable) == "d"  # "a" left the view
    assert next_in_view(["a", "b", "c"], "a", 0, workable) is None  # only colleagues' left
