"""The worst gap between deltas while the bridge saves its cache, at 10k, 30k and 100k tickets.

For each size, a ``BridgeService`` (not started: no Kafka, no socket) is given a
State folded from the ``bench_cache`` workload (N tickets with 4 messages and a
claim, N orders placed, paid and dispatched). On its Qt thread, live traffic
arrives as it would from the reader: 5 new messages on random tickets every
5 ms (1,000 events/s), each batch folded and published by the service's own
drain. The benchmark timestamps every batch of changes a drain hands to the
local server for its consoles (with none connected nothing is encoded), and
meanwhile has the service save its cache as its 5 s timer would: first a save
of everything (a new cache file), then three saves of what the traffic
touched, then one of what it touched after an eviction round (the service
then calls ``StateCache.ids_removed``, so the save rewrites every event id;
here nothing is evicted: the call alone stands for the round). Per save: its
duration (start to committed) and the longest gap between two such batches that
overlaps it; and the longest gap outside saves (the baseline). Wall-clock
milliseconds; the load average is reported.

    python -m tests.perf.bench_save_gaps   (ATP_BENCH_SAVE_SIZES="10000,30000,100000")
"""

from __future__ import annotations

import gc
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.paths import DataLayout
from bridge.service import BridgeService
from tests.helpers.service import in_process_service
from tests.perf.bench_cache import TOPICS, Log

TRAFFIC_INTERVAL_MS = 5
RECORDS_PER_TICK = 5
INCREMENTAL_SAVES = 3
SETTLE_S = 1.0  # traffic before the first save and between saves


def _sizes() -> list[int]:
    raw = os.environ.get("ATP_BENCH_SAVE_SIZES", "10000,30000,100000")
    return [int(size) for size in raw.split(",") if size.strip()]


class _Recorder:
    """Delta batch times and save windows, hooked into one service."""

    def __init__(self, service: BridgeService) -> None:
        self.batches: list[float] = []
        self.saves: list[list[float]] = []  # [start, end]
        self.kinds: list[str] = []
        self._service = service
        server = service._server
        touch = server.touch

        def timed_touch(keys: Any) -> None:
            # With no console connected nothing is encoded: a drain's hand-over of what
            # it touched stands for the batch it would make.
            self.batches.append(time.perf_counter())
            touch(keys)

        server.touch = timed_touch  # type: ignore[method-assign]
        self.asynchronous = hasattr(service, "_saved")
        if self.asynchronous:
            saved = service._saved

            def timed_saved(result: Any) -> Any:
                if self.saves and len(self.saves[-1]) == 1:
                    self.saves[-1].append(time.perf_counter())
                return saved(result)

            service._saved = timed_saved  # type: ignore[method-assign]

    def save(self, kind: str) -> None:
        """Ask for a save as the service's timer does."""
        self.kinds.append(kind)
        self._service._dirty = True
        self.saves.append([time.perf_counter()])
        self._service._save_cache()
        if not self.asynchronous:
            self.saves[-1].append(time.perf_counter())

    @property
    def saving(self) -> bool:
        return bool(self.saves) and len(self.saves[-1]) == 1

    def figures(self) -> dict[str, object]:
        gaps = list(zip(self.batches, self.batches[1:], strict=False))

        def worst(start: float, end: float) -> float:
            inside = [b - a for a, b in gaps if b >= start and a <= end]
            return max(inside, default=0.0)

        per_save: list[dict[str, float | str]] = [
            {
                "kind": kind,
                "save_ms": round((end - start) * 1000, 1),
                "worst_gap_ms": round(worst(start, end) * 1000, 1),
            }
            for kind, (start, end) in zip(self.kinds, self.saves, strict=True)
        ]
        outside = [
            b - a for a, b in gaps if not any(b >= start and a <= end for start, end in self.saves)
        ]
        return {
            "saves": per_save,
            "worst_gap_during_saves_ms": max(float(s["worst_gap_ms"]) for s in per_save),
            "worst_gap_outside_saves_ms": round(max(outside, default=0.0) * 1000, 1),
            "delta_batches": len(self.batches),
        }


def _wait(seconds: float, until: Callable[[], bool] | None = None) -> None:
    """Run the event loop for ``seconds`` (or until ``until()``, checked every 5 ms)."""
    deadline = time.perf_counter() + seconds
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(5)
    check.timeout.connect(
        lambda: (
            loop.quit()
            if time.perf_counter() >= deadline or (until is not None and until())
            else None
        )
    )
    check.start()
    loop.exec()
    check.stop()


def one_size(tickets: int) -> dict[str, object]:
    """Build the State, then time deltas across the saves."""
    log = Log()
    state = State()
    started = time.perf_counter()
    for record in log.workload(tickets, tickets):
        fold_record(state, record, TOPICS)
    fold_s = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # as the bridge does after loading its cache
    with tempfile.TemporaryDirectory(prefix="atp-bench-gaps-", dir=Path.cwd()) as tmp:
        layout = DataLayout(Path(tmp) / "data")
        layout.ensure()
        service = in_process_service(layout, topics=TOPICS, agent="bench", agent_name="Bench")
        service._state = state
        recorder = _Recorder(service)
        rng = random.Random(7)
        ids = list(state.tickets)
        sequence = iter(range(10**9))

        def traffic() -> None:
            batch = [log.message(rng.choice(ids), next(sequence)) for _ in range(RECORDS_PER_TICK)]
            service._accept_batch(batch)

        feeder = QTimer()
        feeder.setInterval(TRAFFIC_INTERVAL_MS)
        feeder.timeout.connect(traffic)
        feeder.start()
        _wait(SETTLE_S)
        kinds = ["everything", *["touched"] * INCREMENTAL_SAVES, "ids rewritten"]
        for kind in kinds:
            if kind == "ids rewritten":
                service._cache.ids_removed()  # as after an eviction round that moved some
            recorder.save(kind)
            _wait(120.0, until=lambda: not recorder.saving)
            _wait(SETTLE_S)
        feeder.stop()
        figures = recorder.figures()
        service.stop()
    gc.unfreeze()
    return {"tickets": tickets, "orders": tickets, "fold_s": round(fold_s, 1), **figures}


def run() -> dict[str, object]:
    """Every size, smallest first."""
    app = QCoreApplication.instance() or QCoreApplication([])
    assert app is not None
    report: dict[str, object] = {"load_average": os.getloadavg()}
    for size in _sizes():
        report[f"tickets_{size}"] = one_size(size)
        gc.collect()
    return report


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
