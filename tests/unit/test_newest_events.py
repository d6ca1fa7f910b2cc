"""``NewestEvents`` keeps exactly what ranking every event would keep, whatever drops it early.

Its floor drops most events without parsing their time (the floor's own time
text; a UTC text of the same length that sorts before it): the times drawn here
mix those with other lengths, offsets, lowercase separators, unreadable texts
and ties of time and id, taken in over any number of calls.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.wire.entities import Order
from bridge.wire.timestamps import epoch_of
from console.viewstate.newest_events import NewestEvents
from tests.helpers.entities import order, order_event

_SECONDS = [f"2024-05-06T12:0{m}:{s:02d}" for m in range(3) for s in (0, 5, 59)]
_TAILS = ["Z", ".5Z", ".50Z", ".123456Z", ".1234567Z", "+00:00", "-05:00", ".5+01:00", "z"]

times = st.one_of(
    st.builds(lambda base, tail: base + tail, st.sampled_from(_SECONDS), st.sampled_from(_TAILS)),
    st.builds(lambda base: base.replace("T", "t") + "Z", st.sampled_from(_SECONDS)),
    st.sampled_from(["", "not a time", "2024-13-06T12:00:00Z", "2024-05-06 12:01:00Z"]),
    st.sampled_from(["1970-01-01T00:00:00Z", "1970-00-01T00:00:00Z"]),  # epoch 0; unreadable
    # a float of epoch seconds this late does not tell these microseconds apart: a tie
    st.sampled_from(["9999-12-31T23:59:59.000001Z", "9999-12-31T23:59:59.000002Z"]),
)
events = st.tuples(times, st.sampled_from(["e1", "e2", "e3", "e4"]))  # ids repeat: ties


def _brute_force(orders: list[Order], capacity: int) -> list[tuple[str, int]]:
    """Rank every event: time, then id, then the first taken in; keep the best, oldest first."""
    ranked = []
    arrival = itertools.count()
    for held in orders:
        for index, event in enumerate(held.timeline):
            ranked.append((epoch_of(event.at) or 0.0, event.event_id, -next(arrival), held, index))
    kept = sorted(ranked, key=lambda c: c[:3])[-capacity:]
    return [(c[3].order_id, c[4]) for c in kept]


@settings(max_examples=300, deadline=None)
@given(
    timelines=st.lists(st.lists(events, min_size=1, max_size=4), max_size=40),
    capacity=st.integers(1, 6),
    cuts=st.lists(st.integers(0, 40), max_size=5),
)
def test_what_it_keeps_is_what_ranking_every_event_keeps(
    timelines: list[list[tuple[str, str]]], capacity: int, cuts: list[int]
) -> None:
    orders = []
    for n, timeline in enumerate(timelines):
        held = order(f"o{n}")
        held.timeline = [order_event(event_id, "paid", when) for when, event_id in timeline]
        orders.append(held)
    taken: dict[str, int] = {}
    newest = NewestEvents(capacity)
    bounds = sorted({0, len(orders), *(min(cut, len(orders)) for cut in cuts)})
    for low, high in itertools.pairwise(bounds):
        part = orders[low:high]
        assert newest.take(part, taken) == sum(len(o.timeline) for o in part)
    kept = [(c[3].order_id, c[4]) for c in newest.oldest_first()]
    assert kept == _brute_force(orders, capacity)


def test_an_order_counts_only_the_events_after_those_taken_before() -> None:
    taken: dict[str, int] = {}
    newest = NewestEvents(10)
    assert newest.take([order("o1", ("placed", "paid"))], taken) == 2
    assert newest.take([order("o1", ("placed", "paid", "delivered"))], taken) == 1
    assert newest.take([order("o1", ("placed", "paid", "delivered"))], taken) == 0
    assert newest.take([order("o1", ("placed",))], taken) == 1  # shorter: a new state
    assert taken == {"o1": 1}


def test_a_tie_of_time_and_id_keeps_the_first_taken_in() -> None:
    taken: dict[str, int] = {}
    newest = NewestEvents(2)
    twins = [order(f"o{n}") for n in range(6)]
    for twin in twins:
        twin.timeline = [order_event("same", "paid", "2024-05-06T12:00:00Z")]
    for twin in twins:  # one at a time: the floor drops the later twins
        newest.take([twin], taken)
    assert [c[3].order_id for c in newest.oldest_first()] == ["o1", "o0"]
    assert newest.kept < len(twins)


def test_an_unreadable_time_ranks_as_epoch_zero_even_against_a_floor_at_epoch_zero() -> None:
    taken: dict[str, int] = {}
    newest = NewestEvents(1)
    floor = order("o0")
    floor.timeline = [order_event(f"e{n}", "paid", "1970-01-01T00:00:00Z") for n in range(2)]
    newest.take([floor], taken)  # two for a capacity of one: trimmed, the floor set
    unreadable = order("o1")  # sorts before the floor's text, reads as 0.0: its id decides
    unreadable.timeline = [order_event("e9", "paid", "1970-00-01T00:00:00Z")]
    newest.take([unreadable], taken)
    assert [c[3].order_id for c in newest.oldest_first()] == ["o1"]
