"""A snapshot's pages, each inserted as a few runs of rows, give the queue of one-by-one changes.

The queue model and its proxy insert a page's tickets as runs of contiguous rows
(``shown_rows.insertion_runs``) instead of one insertion each. Whatever the
pages, the view, the search and the sort, the model and the proxy end with the
rows (and order) the same tickets give when they come one delta at a time, and
the proxy shows what the plain predicate accepts; Qt's model tester checks every
insertion's signals on the way.
"""

from __future__ import annotations

import bisect
import itertools
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from bridge.wire.protocol import SnapshotBegin, SnapshotEnd, SnapshotPage
from console.models.queue_filter_proxy import QueueFilterProxy
from console.models.ticket_queue_model import TicketQueueModel
from console.viewstate.saved_views import SavedView
from console.viewstate.seen import SeenTracker
from console.viewstate.shown_rows import insertion_runs
from console.viewstate.store import ViewStore
from tests.helpers.clock import Clock
from tests.helpers.protocol import delta, status, ticket_change, ticket_removal
from tests.helpers.qt import check_model
from tests.ui.test_queue_filter_proxy import SEARCHES, SORTS, VIEWS, expected, tickets

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester

    from bridge.wire.entities import Ticket


def _queue(store: ViewStore, clock: Clock) -> tuple[TicketQueueModel, QueueFilterProxy]:
    model = TicketQueueModel(store, SeenTracker(), clock)
    return model, QueueFilterProxy(model)


def _rows(model: TicketQueueModel | QueueFilterProxy) -> list[str]:
    return [model.ticket_id(r) for r in range(model.rowCount())]


def _load(store: ViewStore, seq: int, pages: list[list[Ticket]]) -> None:
    count = sum(len(page) for page in pages)
    begin = SnapshotBegin(session="s", seq=seq, tickets=count, orders=0, agents=0, status=status())
    store.load_snapshot(begin)
    for page in pages:
        store.load_snapshot(page=SnapshotPage(seq=seq, tickets=page, orders=[], agents=[]))
    store.load_snapshot(end=SnapshotEnd(seq=seq))


@st.composite
def snapshots(draw: st.DrawFn, size: int) -> list[Ticket]:
    """Some of tickets t00..t(size-1), each once, in any order."""
    ids = draw(st.lists(st.integers(0, size - 1), unique=True, max_size=size))
    return [draw(tickets(f"t{n:02d}")) for n in ids]


def _pages(data: st.DataObject, items: list[Ticket]) -> list[list[Ticket]]:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), max_size=4)))
    return [items[low:high] for low, high in itertools.pairwise([0, *cuts, len(items)])]


@pytest.mark.usefixtures("qapp")  # the proxy's timer needs an event dispatcher
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    view=st.sampled_from(VIEWS),
    needle=st.sampled_from(SEARCHES),
    sort=st.sampled_from(SORTS),
)
def test_pages_inserted_in_runs_give_the_rows_of_one_change_at_a_time(
    qtmodeltester: ModelTester,
    data: st.DataObject,
    view: SavedView,
    needle: str,
    sort: tuple[int, Qt.SortOrder],
) -> None:
    clock = Clock()
    paged, one_by_one = ViewStore(), ViewStore()
    model, proxy = _queue(paged, clock)
    reference_model, reference_proxy = _queue(one_by_one, clock)
    check_model(qtmodeltester, proxy)
    for target in (proxy, reference_proxy):
        target.set_saved_view(view)
        target.set_search_text(needle)
        target.sort(*sort)
    seq = 0
    for paged_seq in (1, 2):  # a first snapshot, then one after a reconnect
        items = data.draw(snapshots(30))
        _load(paged, paged_seq, _pages(data, items))
        carried = {item.ticket_id for item in items}
        for item in items:
            seq += 1
            one_by_one.apply_delta(delta(seq, ticket_change(item)))
        for tid in sorted(set(one_by_one.tickets) - carried):
            seq += 1
            one_by_one.apply_delta(delta(seq, ticket_removal(tid)))
        assert set(paged.tickets) == carried
        assert _rows(model) == _rows(reference_model)
        assert _rows(proxy) == _rows(reference_proxy)
        assert _rows(proxy) == expected(model, view, needle, sort)


@given(
    held=st.lists(st.integers(0, 50), unique=True).map(sorted),
    fresh=st.lists(st.integers(0, 50), unique=True).map(sorted),
)
def test_insertion_runs_put_each_key_where_a_search_puts_it(
    held: list[int], fresh: list[int]
) -> None:
    fresh = [key for key in fresh if key not in held]  # keys are unique (they end in an id)
    runs = insertion_runs(held, fresh)
    positions = [position for position, count in runs for _ in range(count)]
    assert positions == [bisect.bisect_left(held, key) for key in fresh]
    assert len({position for position, _ in runs}) == len(runs)  # one run per position
