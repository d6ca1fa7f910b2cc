"""A table's width is shared so names stay whole and figures fit their cells."""

from __future__ import annotations

from console.viewstate.column_room import ColumnNeed, share_width, shown_title, two_lines


def measure(text: str) -> int:
    return 10 * len(text)


NAME = ColumnNeed(content=150, title=60, title_wrapped=60, text=True)
QUEUES = ColumnNeed(content=200, title=60, title_wrapped=60, text=True)
FIRST_RESPONSE = ColumnNeed(content=40, title=220, title_wrapped=120)
LOAD = ColumnNeed(content=20, title=110, title_wrapped=60)


def test_room_left_over_goes_to_the_text_columns_and_titles_stay_on_one_line() -> None:
    room = share_width(1000, [NAME, LOAD, QUEUES], cap=300, floor=60, title_floor=50)
    assert room.wrapped == frozenset()
    assert sum(room.widths) == 1000
    assert room.widths[1] == 110  # the figure: its title, no more


def test_narrow_tables_wrap_titles_then_shorten_lists_before_names() -> None:
    needs = [NAME, LOAD, QUEUES, FIRST_RESPONSE]
    room = share_width(420, needs, cap=300, floor=60, title_floor=50)
    assert room.wrapped == frozenset({1, 3})
    assert room.widths == (150, 60, 90, 120)  # the name whole, the list elided


def test_titles_are_elided_before_the_name_and_figures_never_below_their_cells() -> None:
    needs = [NAME, LOAD, QUEUES, FIRST_RESPONSE]
    room = share_width(310, needs, cap=300, floor=60, title_floor=50)
    assert room.widths == (150, 50, 60, 50)
    assert share_width(300, needs, cap=300, floor=60, title_floor=50).widths[0] == 140
    tiny = share_width(100, needs, cap=300, floor=60, title_floor=50)
    assert tiny.widths[1] >= LOAD.content
    assert tiny.widths[3] >= FIRST_RESPONSE.content  # wider than the viewport: it scrolls


def test_a_title_breaks_where_its_wider_line_is_narrowest_and_is_elided_per_line() -> None:
    assert two_lines("First response today (median)", measure) == "First response\ntoday (median)"
    assert two_lines("Queue", measure) == "Queue"
    shown = shown_title(
        "First response today (median)", 100, wrapped=True, measure=measure,
        elide=lambda text, width: text[: width // 10 - 1] + "…",
    )  # fmt: skip
    assert shown == "First res…\ntoday (me…"
