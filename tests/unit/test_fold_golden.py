"""The fold's verdicts and state over fixed logs are pinned: a faster fold must fold the same.

Three logs, each folded record by record: the simulator's (agents, a fifth of it
malformed in its ways, unknown types, presence and presence tombstones), the same redelivered (every
record a second time, partitions re-read), and the catch-up benchmark's workload
(``tests/perf/bench_cache.Log``). Each is folded without an archive and with one
(entities evicted to a ``MemoryArchive`` every 500 records, as the bridge evicts
after its saves, and brought back by the fold). Pinned per log in
``tests/golden/fold.json``: the number of records of each outcome, a digest of
every record's ``FoldResult`` in order, and a digest of the State (with the
archive's entities merged back). A change of the fold's rules changes them on
purpose: write the file anew with ``ATP_WRITE_GOLDEN=1`` and say why in the commit.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
import itertools
import json
import os
from collections.abc import Iterable
from pathlib import Path

import msgspec
import pytest

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.demo.sim.scenario import Scenario
from bridge.fold.archive import MemoryArchive, evict, evictable, merged
from bridge.fold.reducer import FoldResult, fold_record
from bridge.fold.state import State
from tests.perf.bench_cache import TOPICS as BENCH_TOPICS
from tests.perf.bench_cache import Log

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "fold.json"
TOPICS = Topics()
EVICT_EVERY = 500
PARTITIONS = 3


def _sim_log(count: int) -> list[RawRecord]:
    """The simulator's records, spread over partitions by key, offsets per partition."""
    start = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    scenario = Scenario(seed=23, start=start, agents=3, malformed_share=0.2)
    offsets: collections.Counter[tuple[str, int]] = collections.Counter()
    records = []
    for n, sim in enumerate(itertools.islice(scenario.records(), count)):
        topic = getattr(TOPICS, sim.topic)
        partition = (sim.key[0] if sim.key else 0) % PARTITIONS
        offset = offsets[topic, partition]
        offsets[topic, partition] += 1
        stamp = None if n % 7 == 0 else 1_714_557_600_000 + n
        records.append(RawRecord(topic, partition, offset, sim.key, sim.value, stamp))
        if sim.topic == "agents" and n % 5 == 0:  # the agent's presence deleted (compaction)
            offsets[topic, partition] += 1
            records.append(RawRecord(topic, partition, offset + 1, sim.key, None, stamp))
    return records


def _redelivered(records: list[RawRecord]) -> list[RawRecord]:
    """Each record twice in a row, then the last quarter of the log read again."""
    doubled = [record for record in records for _ in range(2)]
    return doubled + records[len(records) * 3 // 4 :]


def _bench_log(count: int) -> list[RawRecord]:
    return list(itertools.islice(Log().workload(count, count), count))


class Pinned(msgspec.Struct, frozen=True):
    """What is pinned of one log's fold."""

    outcomes: dict[str, int]
    results_sha256: str
    state_sha256: str


def _fold(records: Iterable[RawRecord], topics: Topics, *, evicting: bool) -> Pinned:
    state = State()
    archive = MemoryArchive() if evicting else None
    outcomes: collections.Counter[str] = collections.Counter()
    results = hashlib.sha256()
    for n, record in enumerate(records, start=1):
        result = fold_record(state, record, topics, archive=archive)
        outcomes[result.outcome] += 1
        results.update(_canonical(result))
        if archive is not None and n % EVICT_EVERY == 0:
            evict(state, archive, evictable(state))
    final = state if archive is None else merged(state, archive)
    return Pinned(
        outcomes=dict(sorted(outcomes.items())),
        results_sha256=results.hexdigest(),
        state_sha256=hashlib.sha256(_canonical(final)).hexdigest(),
    )


def _canonical(value: State | FoldResult) -> bytes:
    """One encoding per value: dict keys and sets sorted (set order varies between runs).

    The applied event ids are encoded as the sorted list of them (as when they were a set).
    """
    if isinstance(value, State):
        value = msgspec.structs.replace(value, archive=None)  # a generation: random per archive
    plain = msgspec.to_builtins(value, str_keys=True, order="deterministic")
    if isinstance(plain, dict) and "applied_event_ids" in plain:  # an ordered set: its ids
        plain["applied_event_ids"] = sorted(plain["applied_event_ids"])
    return msgspec.json.encode(plain) + b"\n"


@functools.cache
def _figures() -> dict[str, Pinned]:
    sim = _sim_log(12_000)
    logs = {
        "simulator": (sim, TOPICS),
        "simulator_redelivered": (_redelivered(sim), TOPICS),
        "bench_catchup": (_bench_log(9_000), BENCH_TOPICS),
    }
    return {
        f"{name}{'_evicting' if evicting else ''}": _fold(records, topics, evicting=evicting)
        for name, (records, topics) in logs.items()
        for evicting in (False, True)
    }


def test_the_fold_of_fixed_logs_is_unchanged() -> None:
    figures = msgspec.to_builtins(_figures())
    text = json.dumps(figures, indent=1, sort_keys=True) + "\n"
    if os.environ.get("ATP_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN.name} is missing: write it with ATP_WRITE_GOLDEN=1")
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == figures


def test_the_logs_cover_every_outcome() -> None:
    """The pinned logs are worth pinning: each outcome occurs, and many records apply."""
    outcomes = {name: pinned.outcomes for name, pinned in _figures().items()}
    assert set(outcomes["simulator_redelivered_evicting"]) == {
        "applied",
        "duplicate",
        "quarantined",
        "rejected",
        "skipped",
    }
    assert outcomes["simulator"]["applied"] > 5_000
    assert outcomes["bench_catchup"] == {"applied": 9_000}
