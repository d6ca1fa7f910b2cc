"""What saving a draft at every keystroke costs the console's UI thread, and how soon it is durable.

Types drafts of 300 and 5,000 characters one keystroke at a time into a
``DraftStore`` in a temporary folder on the data disk (the repository's
filesystem, not tmpfs): per keystroke the time ``put`` takes on the calling
thread (the journal append; compaction included when it happens), and the time
until the store's sync thread has made the change durable (``fdatasync``), as
median, p99 and worst. Also a compaction on its own and the cost of opening
a store whose journal holds 1 MiB of changes (the start after a crash).

    python -m tests.perf.bench_drafts
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from console.viewstate.drafts import COMPACT_BYTES, Draft, DraftStore

KEYSTROKES = 2000
REPO_ROOT = Path(__file__).resolve().parents[2]


def _percentiles(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "median_us": round(statistics.median(ordered) * 1e6, 1),
        "p99_us": round(ordered[int(len(ordered) * 0.99)] * 1e6, 1),
        "max_us": round(ordered[-1] * 1e6, 1),
    }


def _durable_after(store: DraftStore) -> float:
    """Wait until the sync thread is idle again (the change is durable); return how long."""
    started = time.perf_counter()
    syncer = store._syncer
    while syncer._fd is not None:
        time.sleep(0.0001)
    # The sync under way: ``fdatasync`` of an already synced file returns at once.
    os.fdatasync(store._fd)  # type: ignore[arg-type]
    return time.perf_counter() - started


def typing(folder: Path, length: int) -> dict[str, object]:
    """Type a draft of ``length`` characters, then keep typing in a new one, per keystroke."""
    store = DraftStore(folder)
    put_s: list[float] = []
    durable_s: list[float] = []
    text = ""
    for n in range(KEYSTROKES):
        text = text + "abcdefghij "[n % 11] if len(text) < length else text[:-1]
        started = time.perf_counter()
        store.put("T-1", Draft(body=text))
        put_s.append(time.perf_counter() - started)
        if n % 10 == 0:  # a keystroke every ~100 ms: the sync runs between keystrokes
            durable_s.append(put_s[-1] + _durable_after(store))
    store.close()
    return {
        "draft_chars": length,
        "keystrokes": KEYSTROKES,
        "put": _percentiles(put_s),
        "durable_after": _percentiles(durable_s),
    }


def opening(folder: Path) -> dict[str, object]:
    """Open a store whose journal holds about ``COMPACT_BYTES`` of keystrokes."""
    store = DraftStore(folder, compact_bytes=COMPACT_BYTES * 4)
    text = ""
    while store._journal_bytes < COMPACT_BYTES:
        text += "x"
        store.put("T-1", Draft(body=text[-2000:]))
    store.close()
    started = time.perf_counter()
    DraftStore(folder)
    return {
        "journal_bytes": (folder / "drafts.journal").stat().st_size,
        "open_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def compaction(folder: Path) -> dict[str, object]:
    """Compact a store holding 50 drafts of 2,000 characters (median of 20)."""
    store = DraftStore(folder, compact_bytes=1)  # every put compacts
    times = []
    for n in range(70):
        started = time.perf_counter()
        store.put(f"T-{n % 50}", Draft(body=f"{n}" + "y" * 2000))
        if n >= 50:
            times.append(time.perf_counter() - started)
    store.close()
    return {"drafts": 50, "median_ms": round(statistics.median(times) * 1000, 2)}


def run() -> dict[str, object]:
    """Every figure of this benchmark."""
    with tempfile.TemporaryDirectory(prefix=".bench-drafts-", dir=REPO_ROOT) as tmp:
        root = Path(tmp)
        return {
            "typing_300": typing(root / "a", 300),
            "typing_5000": typing(root / "b", 5000),
            "compaction": compaction(root / "c"),
            "open_after_crash": opening(root / "d"),
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
