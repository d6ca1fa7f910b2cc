"""Does the bridge's memory grow with the history? The fold with and without eviction.

Each variant runs in a process of its own (RSS is per process) and folds
generated records (``tests.helpers.samples``) with the real ``fold_record``:

- an active set of ATP_BENCH_HISTORY_ACTIVE (100,000) open tickets (opened, a
  customer message, a reply) and as many moving orders (placed, paid), each
  pair of its own customer;
- a history of ATP_BENCH_HISTORY_SIZE (1,000,000) entities: half closed
  tickets (opened, a message, closed), half delivered orders (placed,
  delivered), each pair of a customer with nothing active, dated long ago.

Variants: ``active_only`` (the active set, no history: the floor);
``history_evicted`` (history then the active set, into a ``history.sqlite``
with the bridge's eviction every ATP_BENCH_HISTORY_EVICT_EVERY (20,000)
history pairs, as the service does after each cache save); and the reference
``history_in_memory`` (the same without eviction, over
ATP_BENCH_HISTORY_REFERENCE (200,000) history entities: memory per entity).
Reported: RSS after each quarter of the history (just after an eviction
round: between rounds up to ATP_BENCH_HISTORY_EVICT_EVERY pairs wait) and at the end, the entities
and event ids held in memory, records folded per second, the eviction rounds'
time, the history file's size. Nothing is asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import msgspec

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.archive import evict, evictable
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.history import HistoryStore
from tests.helpers import samples
from tests.perf import stack

TOPICS = Topics()
OLD = "2024-01-0{}T10:00:00Z"
NOW = "2026-01-01T10:0{}:00Z"


class Records:
    """Keyed records with offsets per topic, as the log would hold them."""

    def __init__(self) -> None:
        self._offsets: dict[str, int] = {}
        self.count = 0

    def record(self, topic: str, event: dict[str, object]) -> RawRecord:
        offset = self._offsets.get(topic, 0)
        self._offsets[topic] = offset + 1
        self.count += 1
        return RawRecord(
            topic=topic,
            partition=0,
            offset=offset,
            key=str(event["subject"]).encode(),
            value=msgspec.json.encode(event),
        )

    def history_pair(self, n: int) -> Iterator[RawRecord]:
        """A closed ticket and a delivered order of a customer with nothing active."""
        tickets, orders = TOPICS.tickets, TOPICS.orders
        customer = {"id": f"h{n}", "name": "Rosa Quispe"}
        ticket, order = f"ht{n}", f"ho{n}"
        yield self.record(
            tickets,
            samples.ticket_opened(
                ticket,
                event_id=f"{ticket}-o",
                time=OLD.format(1),
                customer=customer,
                order_id=order,
            ),
        )
        yield self.record(
            tickets, samples.message_added(ticket, event_id=f"{ticket}-m", time=OLD.format(2))
        )
        yield self.record(
            tickets,
            samples.ticket_action(
                "status_changed",
                ticket,
                event_id=f"{ticket}-c",
                time=OLD.format(3),
                status="closed",
            ),
        )
        placed = samples.order_placed(
            order, event_id=f"{order}-p", time=OLD.format(1), customer={**customer, "phone": None}
        )
        yield self.record(orders, placed)
        yield self.record(
            orders,
            samples.order_event("delivered", order, event_id=f"{order}-d", time=OLD.format(4)),
        )

    def active_pair(self, n: int) -> Iterator[RawRecord]:
        """An open ticket with two messages and a paid order of its own customer."""
        tickets, orders = TOPICS.tickets, TOPICS.orders
        customer = {"id": f"a{n}", "name": "Luis Pérez"}
        ticket, order = f"at{n}", f"ao{n}"
        yield self.record(
            tickets,
            samples.ticket_opened(
                ticket,
                event_id=f"{ticket}-o",
                time=NOW.format(1),
                customer=customer,
                order_id=order,
            ),
        )
        yield self.record(
            tickets,
            samples.message_added(
                ticket, event_id=f"{ticket}-m", time=NOW.format(2), author_kind="customer"
            ),
        )
        yield self.record(
            tickets, samples.message_added(ticket, event_id=f"{ticket}-r", time=NOW.format(3))
        )
        placed = samples.order_placed(
            order, event_id=f"{order}-p", time=NOW.format(1), customer={**customer, "phone": None}
        )
        yield self.record(orders, placed)
        yield self.record(
            orders, samples.order_event("paid", order, event_id=f"{order}-y", time=NOW.format(2))
        )


def _variant(name: str, active: int, history: int, every: int, out: Queue[dict[str, Any]]) -> None:
    """The child: fold the history (evicting or not), then the active set; report."""
    with tempfile.TemporaryDirectory(prefix="atp-bench-history-") as tmp:
        path = Path(tmp) / "history.sqlite"
        store = HistoryStore(path) if name == "history_evicted" else None
        state = State()
        records = Records()
        figures: dict[str, Any] = {"variant": name, "rss_start_mib": stack.rss_mib()}
        quarters: list[dict[str, float]] = []
        evict_s: list[float] = []
        pairs = history // 2
        started = time.perf_counter()
        for n in range(pairs):
            for record in records.history_pair(n):
                fold_record(state, record, TOPICS, archive=store)
            if (n + 1) % every == 0:
                if store is not None:
                    begun = time.perf_counter()
                    evict(state, store, evictable(state))
                    evict_s.append(time.perf_counter() - begun)
                if 4 * (n + 1) >= pairs * (len(quarters) + 1):  # just after a round
                    quarters.append({"history": 2 * (n + 1), "rss_mib": stack.rss_mib()})
        if store is not None:
            begun = time.perf_counter()
            evict(state, store, evictable(state))
            evict_s.append(time.perf_counter() - begun)
        for n in range(active):
            for record in records.active_pair(n):
                fold_record(state, record, TOPICS, archive=store)
        seconds = time.perf_counter() - started
        figures.update(
            {
                "history_entities": 2 * pairs,
                "active_tickets": active,
                "active_orders": active,
                "rss_by_history": quarters,
                "rss_end_mib": stack.rss_mib(),
                "in_memory": {
                    "tickets": len(state.tickets),
                    "orders": len(state.orders),
                    "event_ids": len(state.applied_event_ids),
                },
                "records": records.count,
                "records_per_s": round(records.count / seconds),
            }
        )
        if store is not None:
            figures["history_file_mib"] = round(path.stat().st_size / 2**20, 1)
            figures["archived"] = store.count()
            figures["eviction_rounds"] = len(evict_s)
            figures["eviction_round_ms_max"] = round(1000 * max(evict_s), 1)
            figures["eviction_ms_per_1000"] = round(1000 * sum(evict_s) / (2 * pairs) * 1000, 1)
            store.close()
        out.put(figures)


def _run_variant(name: str, active: int, history: int, every: int) -> dict[str, Any]:
    ctx = stack.context()
    out: Queue[dict[str, Any]] = ctx.Queue()
    child = stack.spawn(_variant, name, active, history, every, out)
    try:
        return out.get(timeout=3600)
    finally:
        child.join(60)


def run() -> dict[str, object]:
    """The three variants, one process each, with the load average around them."""
    active = stack.setting("HISTORY_ACTIVE", 100_000)
    history = stack.setting("HISTORY_SIZE", 1_000_000)
    reference = stack.setting("HISTORY_REFERENCE", 200_000)
    every = stack.setting("HISTORY_EVICT_EVERY", 20_000)
    load_before = stack.load_average()
    floor = _run_variant("active_only", active, 0, every)
    evicted = _run_variant("history_evicted", active, history, every)
    in_memory = _run_variant("history_in_memory", active, reference, every)
    per_100k = (in_memory["rss_end_mib"] - floor["rss_end_mib"]) / max(reference, 1) * 100_000
    return {
        "active_only": floor,
        "history_evicted": evicted,
        "history_in_memory": in_memory,
        "summary": {
            "rss_active_only_mib": floor["rss_end_mib"],
            "rss_with_history_evicted_mib": evicted["rss_end_mib"],
            "history_entities_evicted": evicted["history_entities"],
            "rss_growth_evicted_mib": round(evicted["rss_end_mib"] - floor["rss_end_mib"], 1),
            "rss_growth_in_memory_mib_per_100k_history": round(per_100k, 1),
        },
        "load_average_before": load_before,
        "load_average_after": stack.load_average(),
        "cpus": os.cpu_count(),
    }
