"""A ``ShownRowsJob`` in any step size ends where a one-shot filter and sort ends."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from console.viewstate.queue_rows import OrderKey, QueueRow, order_key, queue_row
from console.viewstate.shown_rows import ShownRows
from console.viewstate.shown_rows_job import RowOrder, ShownRowsJob
from tests.helpers.clock import at
from tests.helpers.entities import ticket

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from bridge.wire.entities import Ticket


class Rows:
    """A source of rows in the default order, as the queue's model holds them."""

    def __init__(self, tickets: Iterable[Ticket]) -> None:
        self._rows: dict[str, QueueRow] = {}
        self._keys: dict[str, OrderKey] = {}
        self._ordered: list[tuple[OrderKey, str]] = []
        for item in tickets:
            self.put(item)

    def put(self, item: Ticket) -> None:
        self.drop(item.ticket_id)
        key = order_key(item)
        self._rows[item.ticket_id] = queue_row(item, 0)
        self._keys[item.ticket_id] = key
        bisect.insort(self._ordered, (key, item.ticket_id))

    def drop(self, ticket_id: str) -> None:
        key = self._keys.pop(ticket_id, None)
        if key is not None:
            self._ordered.remove((key, ticket_id))
            del self._rows[ticket_id]

    def ticket_ids(self) -> list[str]:
        return [tid for _, tid in self._ordered]

    def rows_after(self, key: OrderKey | None, count: int) -> tuple[list[str], list[OrderKey]]:
        start = 0 if key is None else bisect.bisect_right(self._ordered, (key, "\uffff"))
        part = self._ordered[start : start + count]
        return [tid for _, tid in part], [key for key, _ in part]

    def order_keys(self) -> Mapping[str, OrderKey]:
        return self._keys

    def queue_rows_of(self, ticket_ids: Iterable[str]) -> list[QueueRow]:
        return [self._rows[tid] for tid in ticket_ids]


def _ticket(number: int, priority: str, assignee: str | None) -> Ticket:
    return ticket(
        f"t{number:02d}",
        priority=priority,
        assignee=assignee,
        sla_due_at=at(number % 5),
        subject=f"Order {number % 4}",
    )


tickets = st.builds(
    _ticket,
    st.integers(0, 30),
    st.sampled_from(["low", "normal", "high", "urgent"]),
    st.sampled_from([None, "a-lucia"]),
)
orders = st.sampled_from(
    [
        RowOrder(),
        RowOrder(lambda row: row.priority_rank),
        RowOrder(lambda row: row.priority_rank, descending=True),
        RowOrder(lambda row: row.subject, descending=True),
    ]
)


def unassigned() -> Callable[[QueueRow], bool]:
    return lambda row: row.assignee_id is None


def one_shot(rows: Rows, order: RowOrder) -> list[str]:
    """Filter and sort in one go: ``sorted`` by each accepted row's key."""
    keys = rows.order_keys()
    test = unassigned()
    kept = [
        (order.key(row, keys[tid]), tid)
        for tid, row in zip(rows.ticket_ids(), rows.queue_rows_of(rows.ticket_ids()), strict=True)
        if test(row)
    ]
    return [tid for _, tid in sorted(kept)]


def finish(job: ShownRowsJob) -> ShownRows:
    while not job.done:
        job.step()
    return job.result()


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(tickets, max_size=30),
    changes=st.lists(st.one_of(tickets, st.integers(0, 30)), max_size=8),
    order=orders,
    chunk=st.integers(1, 7),
    steps_first=st.integers(0, 12),
)
def test_a_job_ends_where_a_one_shot_filter_and_sort_ends(
    before: list[Ticket],
    changes: list[Ticket | int],
    order: RowOrder,
    chunk: int,
    steps_first: int,
) -> None:
    rows = Rows(before)
    job = ShownRowsJob.refilter(rows, unassigned, order, chunk=chunk)
    for _ in range(steps_first):
        job.step()
    for change in changes:  # rows arrive, change and leave while the job runs
        if isinstance(change, int):
            rows.drop(f"t{change:02d}")
            job.touch([f"t{change:02d}"])
        else:
            rows.put(change)
            job.touch([change.ticket_id])
    result = finish(job)
    assert result.ids() == one_shot(rows, order)
    assert [result.position(tid) for tid in result.ids()] == list(range(len(result)))


@given(shown=st.lists(tickets, max_size=30), chunk=st.integers(1, 7))
def test_narrowing_keeps_the_rows_shown_that_still_pass_in_their_order(
    shown: list[Ticket], chunk: int
) -> None:
    rows = Rows(shown)
    everything = finish(ShownRowsJob.refilter(rows, lambda: lambda _row: True, RowOrder()))
    narrowed = finish(ShownRowsJob.narrow(rows, everything, unassigned, chunk=chunk))
    assert narrowed.ids() == one_shot(rows, RowOrder())


def test_each_step_handles_at_most_a_chunk_of_rows() -> None:
    rows = Rows(_ticket(n, "normal", None) for n in range(31))
    job = ShownRowsJob.refilter(rows, unassigned, RowOrder(lambda row: row.subject), chunk=4)
    handled = []
    while not job.done:
        handled.append(job.step())
    assert max(handled[:8]) == 4  # the tests, a chunk at a time
    assert len(handled) > len(rows.ticket_ids()) // 4
    assert job.result().ids() == one_shot(rows, RowOrder(lambda row: row.subject))
