"""The empty queue's remedy is a step that would show tickets, whatever the step size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st

from console.viewstate.no_match import Remedy, RemedyScan
from console.viewstate.saved_views import SavedView, ViewKind, matches_search
from tests.helpers.clock import T0, at
from tests.helpers.entities import ticket
from tests.unit.test_shown_rows_job import Rows

if TYPE_CHECKING:
    from bridge.wire.entities import Ticket

NOW = T0.timestamp()
VIEWS = [
    SavedView(ViewKind.ALL_OPEN),
    SavedView(ViewKind.UNASSIGNED),
    SavedView(ViewKind.MINE, agent_id="a-lucia"),
    SavedView(ViewKind.BREACHED),
]

tickets = st.lists(
    st.builds(
        lambda number, status, assignee, subject, due: ticket(
            f"t{number:02d}", status=status, assignee=assignee, subject=subject, sla_due_at=at(due)
        ),
        st.integers(0, 30),
        st.sampled_from(["open", "pending", "solved"]),
        st.sampled_from([None, "a-lucia", "a-marta"]),
        st.sampled_from(["Late order", "Refund", "Cold soup"]),
        st.integers(-5, 5),
    ),
    unique_by=lambda item: item.ticket_id,
    max_size=20,
)


def _scanned(rows: Rows, view: SavedView, needle: str, chunk: int) -> Remedy:
    scan = RemedyScan(rows, view, needle, NOW, chunk=chunk)
    for _ in range(len(rows.ticket_ids()) + 1):  # a step per row at most, and the end
        scan.step()
    assert scan.done
    return scan.remedy


@given(
    items=tickets,
    view=st.sampled_from(VIEWS),
    needle=st.sampled_from(["refund", "soup", "zzz", "t0"]),
    chunk=st.integers(1, 8),
)
def test_the_remedy_would_show_tickets_and_none_is_missed(
    items: list[Ticket], view: SavedView, needle: str, chunk: int
) -> None:
    rows = Rows(items)
    all_rows = rows.queue_rows_of(rows.ticket_ids())
    open_matches = [
        r
        for r in all_rows
        if SavedView(ViewKind.ALL_OPEN).accepts(r, NOW) and matches_search(r, needle)
    ]
    in_view = [r for r in all_rows if view.accepts(r, NOW)]
    if view.kind is not ViewKind.ALL_OPEN and open_matches:
        wanted = Remedy.ALL_OPEN  # another view would show a match
    elif in_view:
        wanted = Remedy.CLEAR_SEARCH  # this view has tickets the search hides
    else:
        wanted = Remedy.NONE
    assert _scanned(rows, view, needle, chunk) is wanted


def test_in_all_open_the_remedy_is_never_all_open() -> None:
    rows = Rows([ticket("t1", subject="Refund")])
    assert _scanned(rows, SavedView(ViewKind.ALL_OPEN), "zzz", 1) is Remedy.CLEAR_SEARCH
    assert _scanned(Rows([]), SavedView(ViewKind.ALL_OPEN), "zzz", 1) is Remedy.NONE
