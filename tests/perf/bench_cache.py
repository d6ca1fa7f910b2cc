"""What the state cache and the fold cost the bridge with 20,000 tickets and 20,000 orders.

Builds the State by folding generated records (``tests.helpers.samples``): per
ticket an ``opened``, 4 messages and a claim; per order ``placed``, ``paid`` and
``dispatched``. Reports

- fold throughput: records per second folding 100,000 such records into a fresh State,
- memory: what that State holds (tracemalloc, records generated lazily) and the
  process RSS growth while building it, plus the cache's bookkeeping after a save,
- cache: a first (full) save, a save after 50 tickets changed with the fold's
  touched keys (``changed``, the bridge's periodic save) and without them (every
  entity written anew); 300 saves of 10 changed tickets (median
  and worst: every 256th merges the event-id segments); a load; file size.

Times are wall-clock milliseconds (median of a few runs where repeated).

    python -m tests.perf.bench_cache [--tickets 20000] [--orders 20000]
        [--fold-records 100000] [--out bench-report-cache.json]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from bridge.cache import StateCache, UnsavedChanges
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from tests.helpers import samples

TOPICS = Topics()
FINGERPRINT = "|".join(TOPICS.all())
MESSAGES_PER_TICKET = 4
CHANGED_TICKETS = 50
REPEATS = 5
PERIODIC_SAVES = 300  # more than ID_SEGMENT_LIMIT: one merge of the event-id segments
PERIODIC_CHANGED = 10


class Log:
    """Generates records as the log would hold them: real-looking event ids, offsets per topic."""

    def __init__(self) -> None:
        self._ids = 0
        self._offsets: dict[str, int] = {}

    def event_id(self) -> str:
        """A fresh UUID-shaped event id (deterministic)."""
        self._ids += 1
        return str(uuid.UUID(int=self._ids * 0x9E3779B97F4A7C15 % 2**128))

    def record(self, topic: str, event: dict[str, object]) -> RawRecord:
        """The next record of ``topic`` carrying ``event``."""
        offset = self._offsets.get(topic, 0)
        self._offsets[topic] = offset + 1
        return samples.as_record(event, topic=topic, offset=offset)

    def ticket(self, n: int) -> Iterator[RawRecord]:
        """A ticket's life so far: opened, customer and agent messages, a claim."""
        ticket_id = f"T-{n:06d}"
        yield self.record(
            TOPICS.tickets,
            samples.ticket_opened(ticket_id, event_id=self.event_id(), order_id=f"O-{n:06d}"),
        )
        for m in range(MESSAGES_PER_TICKET):
            yield self.message(ticket_id, m)
        yield self.record(
            TOPICS.tickets, samples.ticket_action("claimed", ticket_id, event_id=self.event_id())
        )

    def message(self, ticket_id: str, m: int) -> RawRecord:
        """One message on ``ticket_id``, alternately from the customer and an agent."""
        kind = "customer" if m % 2 == 0 else "agent"
        return self.record(
            TOPICS.tickets,
            samples.message_added(
                ticket_id,
                event_id=self.event_id(),
                author_kind=kind,
                author_id="c-1" if kind == "customer" else "ana",
                body=f"Message {m} about the delivery, with a few words of detail.",
            ),
        )

    def order(self, n: int) -> Iterator[RawRecord]:
        """An order placed, paid and dispatched."""
        order_id = f"O-{n:06d}"
        yield self.record(TOPICS.orders, samples.order_placed(order_id, event_id=self.event_id()))
        for kind in ("paid", "dispatched"):
            yield self.record(
                TOPICS.orders, samples.order_event(kind, order_id, event_id=self.event_id())
            )

    def workload(self, tickets: int, orders: int) -> Iterator[RawRecord]:
        """Every order and ticket, interleaved as live traffic would be."""
        for n in range(max(tickets, orders)):
            if n < orders:
                yield from self.order(n)
            if n < tickets:
                yield from self.ticket(n)


def fold_throughput(records: int) -> dict[str, float]:
    """Records per second folding ``records`` pre-generated records into a fresh State."""
    batch = list(itertools.islice(Log().workload(records, records), records))
    state = State()
    started = time.perf_counter()
    for record in batch:
        fold_record(state, record, TOPICS)
    elapsed = time.perf_counter() - started
    return {
        "records": records,
        "seconds": round(elapsed, 3),
        "records_per_s": round(records / elapsed),
    }


def rss_bytes() -> int:
    """The current resident set size (Linux ``/proc``; 0 where unavailable)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def build_state(log: Log, tickets: int, orders: int) -> tuple[State, dict[str, float]]:
    """Fold the workload into a State, measuring what the State holds in memory."""
    mib = 2**20
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    state = State()
    for record in log.workload(tickets, orders):
        fold_record(state, record, TOPICS)
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "records_folded": sum(len(t.messages) + len(t.actions) + 1 for t in state.tickets.values())
        + sum(len(o.timeline) for o in state.orders.values()),
        "state_mib": round(held / mib, 1),
        "fold_peak_mib": round(peak / mib, 1),
        "rss_growth_mib": round((rss_bytes() - rss_before) / mib, 1),
    }
    return state, figures


def offsets_of(state: State) -> dict[tuple[str, int], int]:
    """Where a bridge holding ``state`` resumes (as ``BridgeService`` saves them)."""
    return {
        (topic, partition): offset
        for topic, partitions in state.next_offsets.items()
        for partition, offset in partitions.items()
    }


def timed_ms(work: Callable[[], object]) -> float:
    """Wall-clock milliseconds of one call."""
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def change_tickets(
    log: Log, state: State, round_: int, count: int = CHANGED_TICKETS
) -> UnsavedChanges:
    """Fold one new message into each of ``count`` tickets; return what it touched."""
    unsaved = UnsavedChanges()
    step = max(1, len(state.tickets) // count)
    for ticket_id in list(state.tickets)[round_ % step :: step][:count]:
        unsaved.note(fold_record(state, log.message(ticket_id, round_), TOPICS))
    return unsaved


def cache_figures(log: Log, state: State, path: Path) -> dict[str, float]:
    """Full save, 50-ticket saves with and without ``changed``, load, file size."""
    cache = StateCache(path)
    save = partial(cache.save, state)
    full = timed_ms(partial(save, offsets_of(state), FINGERPRINT))
    with_changed: list[float] = []
    without_changed: list[float] = []
    for round_ in range(REPEATS):
        keys = change_tickets(log, state, 2 * round_).keys
        with_changed.append(timed_ms(partial(save, offsets_of(state), FINGERPRINT, keys)))
        change_tickets(log, state, 2 * round_ + 1)
        without_changed.append(timed_ms(partial(save, offsets_of(state), FINGERPRINT)))
    periodic: list[float] = []
    for round_ in range(PERIODIC_SAVES):  # the bridge's 5 s saves, merges of event ids included
        keys = change_tickets(log, state, round_, PERIODIC_CHANGED).keys
        periodic.append(timed_ms(partial(save, offsets_of(state), FINGERPRINT, keys)))
    loads = [timed_ms(partial(StateCache(path).load, FINGERPRINT)) for _ in range(3)]
    loaded = StateCache(path).load(FINGERPRINT)
    if loaded is None or loaded.state != state:
        raise AssertionError("the cache did not load the State it saved")
    return {
        "full_save_ms": round(full, 1),
        "save_50_changed_with_keys_ms": round(statistics.median(with_changed), 1),
        "save_50_changed_without_keys_ms": round(statistics.median(without_changed), 1),
        f"periodic_save_{PERIODIC_CHANGED}_changed_p50_ms": round(statistics.median(periodic), 1),
        f"periodic_save_{PERIODIC_CHANGED}_changed_max_ms": round(max(periodic), 1),
        "load_ms": round(statistics.median(loads), 1),
        "file_mib": round(sum(f.stat().st_size for f in path.parent.iterdir()) / 2**20, 1),
    }


def cache_bookkeeping_mib(state: State, path: Path) -> float:
    """What a cache instance keeps in memory after a full save."""
    gc.collect()
    tracemalloc.start()
    cache = StateCache(path)
    cache.save(state, offsets_of(state), FINGERPRINT)
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del cache
    return round(held / 2**20, 1)


def run(
    tickets: int = 20_000, orders: int = 20_000, fold_records: int = 100_000
) -> dict[str, object]:
    """Run every measurement; return the figures."""
    report: dict[str, object] = {
        "benchmark": "cache",
        "tickets": tickets,
        "messages_per_ticket": MESSAGES_PER_TICKET,
        "orders": orders,
        "fold": fold_throughput(fold_records),
    }
    log = Log()
    state, memory = build_state(log, tickets, orders)
    with tempfile.TemporaryDirectory(prefix="atp-bench-cache-") as tmp:
        memory["cache_bookkeeping_mib"] = cache_bookkeeping_mib(state, Path(tmp) / "first.sqlite")
        report["memory"] = memory
        (Path(tmp) / "second").mkdir()
        report["cache"] = cache_figures(log, state, Path(tmp) / "second" / "state-cache.sqlite")
    report["applied_event_ids"] = len(state.applied_event_ids)
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the figures and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--fold-records", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench-report-cache.json"))
    args = parser.parse_args(argv)
    report = run(args.tickets, args.orders, args.fold_records)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(f"report written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
