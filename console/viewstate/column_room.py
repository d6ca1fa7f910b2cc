"""Share a table's width between its columns: names readable, figures fitted, nothing hidden.

A small table of names and figures (the dashboard's) gets the widths of
``share_width``: each figure column is as wide as its widest cell and its
title; a text column (a name, a list of queues) as wide as its text up to
``cap``, elided beyond with the whole text in its tooltip. When that is wider
than the viewport the figure titles go on two lines first (``two_lines``);
then lists (text columns after the first) give up room down to ``floor``;
then figure titles are elided down to ``title_floor`` (never below the
cells); then the first text column, which names the row, down to ``floor``;
then the figure titles down to their cells; only then is the table wider
than its viewport. Room left over goes to the text columns, so the columns
always end at the viewport's edge (never under the vertical scroll bar).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnNeed:
    """What one column would need, in pixels."""

    content: int
    """Its widest cell."""
    title: int
    """Its title on one line."""
    title_wrapped: int
    """Its title on two lines (the same as ``title`` for a one-word title)."""
    text: bool = False
    """Free text: capped, elided beyond, and given the room left over."""


@dataclass(frozen=True)
class ColumnRoom:
    """The widths given and the columns whose title is on two lines."""

    widths: tuple[int, ...]
    wrapped: frozenset[int]


def two_lines(title: str, measure: Callable[[str], int]) -> str:
    """``title`` broken at the space that makes its wider line the narrowest.

    A title without a space is returned as it is.
    """
    words = title.split(" ")
    if len(words) < 2:  # noqa: PLR2004 - two words make two lines
        return title
    breaks = [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
    first, second = min(breaks, key=lambda lines: max(measure(lines[0]), measure(lines[1])))
    return f"{first}\n{second}"


def shown_title(
    title: str,
    room: int,
    *,
    wrapped: bool,
    measure: Callable[[str], int],
    elide: Callable[[str, int], str],
) -> str:
    """``title`` as shown in ``room`` px: on two lines if ``wrapped``, each line elided to fit."""
    lines = two_lines(title, measure).split("\n") if wrapped else [title]
    return "\n".join(line if measure(line) <= room else elide(line, room) for line in lines)


def wanted_width(needs: Sequence[ColumnNeed], cap: int) -> int:
    """The width at which every title is on one line and every text is whole (up to ``cap``)."""
    return sum(_wanted(need, cap) for need in needs)


def _wanted(need: ColumnNeed, cap: int) -> int:
    widest = max(need.content, need.title)
    return min(widest, max(cap, need.title)) if need.text else widest


def _shrink(widths: list[int], floors: Sequence[int], columns: Sequence[int], excess: int) -> int:
    """Take up to ``excess`` px from ``columns`` (not below their floors), widest first."""
    while excess > 0:
        slack = [c for c in columns if widths[c] > floors[c]]
        if not slack:
            break
        widest = max(widths[c] for c in slack)
        at_top = [c for c in slack if widths[c] == widest]
        below = max([widths[c] for c in slack if widths[c] < widest] + [floors[c] for c in at_top])
        step = min(widest - below, -(-excess // len(at_top)))
        for column in at_top:
            if excess <= 0:
                break
            taken = min(step, excess)
            widths[column] -= taken
            excess -= taken
    return excess


def share_width(
    available: int, needs: Sequence[ColumnNeed], *, cap: int, floor: int, title_floor: int
) -> ColumnRoom:
    """Widths for ``needs`` in ``available`` px (see the module's docstring for the order)."""
    widths = [_wanted(need, cap) for need in needs]
    texts = [c for c, need in enumerate(needs) if need.text]
    figures = [c for c, need in enumerate(needs) if not need.text]
    wrapped: frozenset[int] = frozenset()
    if sum(widths) > available:
        wrapped = frozenset(c for c in figures if needs[c].title_wrapped < needs[c].title)
        for column in wrapped:
            widths[column] = max(needs[column].content, needs[column].title_wrapped)
    excess = sum(widths) - available
    if excess > 0:
        floors = [min(width, floor) for width in widths]
        title_floors = [
            max(need.content, min(width, title_floor))
            for need, width in zip(needs, widths, strict=True)
        ]
        excess = _shrink(widths, floors, texts[1:], excess)  # lists before the row's name
        excess = _shrink(widths, title_floors, figures, excess)  # titles elided before it too
        excess = _shrink(widths, floors, texts[:1], excess)
        excess = _shrink(widths, [need.content for need in needs], figures, excess)
    spare = max(-excess, 0)
    takers = texts or list(range(len(needs)))[-1:]
    for position, column in enumerate(takers):
        widths[column] += spare // len(takers) + (position < spare % len(takers))
    return ColumnRoom(tuple(widths), wrapped)
