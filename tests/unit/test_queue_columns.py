"""Which queue columns give way when the queue is narrow (Qt-free)."""

from __future__ import annotations

from console.viewstate.queue_columns import dropped_columns

TAGS, STATUS, ASSIGNEE, UNREAD = 3, 6, 7, 11
ORDER = (TAGS, STATUS, ASSIGNEE, UNREAD)
WIDTHS = {0: 50, TAGS: 80, STATUS: 40, ASSIGNEE: 80, UNREAD: 20}


def test_nothing_goes_when_everything_fits() -> None:
    assert dropped_columns(WIDTHS, set(), ORDER, 270) == frozenset()


def test_empty_columns_go_first_then_the_least_useful() -> None:
    assert dropped_columns(WIDTHS, {ASSIGNEE}, ORDER, 200) == {ASSIGNEE}
    assert dropped_columns(WIDTHS, set(), ORDER, 200) == {TAGS}
    assert dropped_columns(WIDTHS, set(), ORDER, 150) == {TAGS, STATUS}


def test_a_narrow_column_dropped_on_the_way_comes_back_when_it_fits() -> None:
    # tags, status and assignee go (70 left); unread then fits beside the rest
    assert dropped_columns(WIDTHS, set(), ORDER, 70) == {TAGS, STATUS, ASSIGNEE}


def test_columns_not_in_the_order_never_go() -> None:
    assert dropped_columns(WIDTHS, set(), ORDER, 10) == set(ORDER)
