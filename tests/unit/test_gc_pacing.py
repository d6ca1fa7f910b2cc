"""No full collection walks the whole state while data streams; an idle console collects it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from console.gc_pacing import GcPacing


class Node:
    """An object that can sit in a reference cycle and be watched with a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def pacing() -> Iterator[GcPacing]:
    gc.unfreeze()
    gc.disable()  # only the collections the test runs
    pacing = GcPacing()
    pacing.install()
    try:
        yield pacing
    finally:
        pacing.uninstall()
        gc.unfreeze()
        gc.enable()


@pytest.mark.parametrize("generation", [1, 2])
def test_what_survives_an_older_collection_is_frozen(pacing: GcPacing, generation: int) -> None:
    kept = [Node() for _ in range(100)]
    gc.collect(0)  # a young collection freezes nothing
    assert gc.get_freeze_count() == 0
    gc.collect(generation)
    assert gc.get_freeze_count() >= len(kept)
    fresh = Node()
    walked = gc.get_objects()  # what a collection walks now
    assert any(o is fresh for o in walked)
    assert not any(o is kept[0] for o in walked)
    assert pacing.idle_collections == 0


def test_a_cycle_that_became_garbage_while_frozen_is_collected_when_idle(
    pacing: GcPacing,
) -> None:
    first, second = Node(), Node()
    first.other, second.other = second, first
    watch = weakref.ref(first)
    gc.collect()  # both alive: frozen
    del first, second
    gc.collect()
    assert watch() is not None  # a frozen cycle: left alone by the automatic collections
    pacing.collect_idle()
    assert watch() is None
    assert pacing.idle_collections == 1
    assert gc.get_freeze_count() > 0  # what survived is frozen again
    pacing.collect_idle()  # nothing frozen since: no second walk of the whole heap
    assert pacing.idle_collections == 1


def test_without_pacing_nothing_is_frozen() -> None:
    gc.unfreeze()
    pacing = GcPacing()
    gc.collect()
    assert gc.get_freeze_count() == 0
    pacing.collect_idle()
    assert pacing.idle_collections == 0
