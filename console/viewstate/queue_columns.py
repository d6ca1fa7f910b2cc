"""Which of the queue's columns to leave out when the queue is too narrow for them all.

The subject always keeps its minimum (about 20 characters); the columns of
``drop_order`` give way before the table scrolls sideways: first those with
nothing to show on screen (no tags, nobody else on the tickets), then the
others in the order given (the least useful first). A column left out comes
back as soon as the room for it is there again. Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set


def dropped_columns(
    widths: Mapping[int, int], empty: Set[int], drop_order: Sequence[int], room: int
) -> frozenset[int]:
    """The columns of ``drop_order`` to leave out so that ``widths`` fit in ``room``.

    ``widths`` are the shown columns but the subject (their fitted widths);
    ``room`` is the viewport's width less the subject's minimum. Empty columns
    go first, then the rest in ``drop_order``; none when all fit already. A
    column dropped on the way that fits in the room left (the most useful
    first) is kept after all.
    """
    candidates = [column for column in drop_order if column in widths]
    order = [c for c in candidates if c in empty] + [c for c in candidates if c not in empty]
    total = sum(widths.values())
    dropped: set[int] = set()
    for column in order:
        if total <= room:
            break
        dropped.add(column)
        total -= widths[column]
    for column in reversed(order):  # a narrow, more useful column may fit again
        if column in dropped and total + widths[column] <= room:
            dropped.discard(column)
            total += widths[column]
    return frozenset(dropped)
