"""Cache saves that never stall serving: slices of encoding here, the writing on a thread.

The thread that owns the State (the bridge's Qt thread, which also serves the
consoles) starts a save with the keys the fold touched since the last one
(``BackgroundSaver.begin``) and then encodes it a slice at a time between its
other work (``step``, about ``SLICE_S`` each). The encoded parts are bytes, not
references into the State (the fold changes entities in place), and go to the
``CacheWriter`` thread, which runs the save's single SQLite transaction: the
checksums, the inserts and the commit's fsync happen there. At most
``MAX_PARTS_IN_FLIGHT`` parts holding at most ``MAX_BYTES_IN_FLIGHT`` of encoded
rows wait for it (``step`` says ``waiting`` past either): what a save adds to the
process's memory is that, plus the part being written.

The fold goes on between slices. When every queued key has been encoded, the
keys the fold touched meanwhile are queued too (another round). Once few are
left (``FINAL_KEYS``), or after ``MAX_ROUNDS`` rounds, the rest is encoded in
one go together with the offsets of that very moment, and committed. Each
entity's last row in the transaction is therefore its state at that moment, and
the offsets saved are the ones it reflects, as with a save done all at once.

A failed save hands its keys back (``SaveResult.keys``) so the next one writes
them; the writer thread logs what it cannot write and goes on.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from bridge.cache import (
    AgentRows,
    EntityRows,
    IdSegment,
    IdSegments,
    Key,
    NotOurFileError,
    SaveBuilder,
    SaveCommit,
    SaveFailure,
    SavePart,
    SaveStart,
    StateCache,
    UnusableCacheError,
    check_kinds,
)
from bridge.fold.state import State

_log = logging.getLogger(__name__)

SLICE_S = 0.005  # encoding per step on the serving thread
FINAL_KEYS = 2000  # keys touched meanwhile that the commit's step encodes in one go
MAX_ROUNDS = 8  # rounds of "keys touched meanwhile" before the save is committed anyway
MAX_PARTS_IN_FLIGHT = 16  # encoded parts waiting for the writer
MAX_BYTES_IN_FLIGHT = 1 << 20  # and their encoded rows: the memory a save adds (plus one part)
JOIN_TIMEOUT_S = 60.0

StepOutcome = Literal["idle", "more", "waiting", "committing"]
"""What ``step`` did: nothing to do; encoded a slice, more to come; the writer is behind
(try again a little later); sent the commit (the result comes through ``poll``)."""


@dataclass(frozen=True)
class SaveResult:
    """How a save ended."""

    saved: bool
    failure: SaveFailure | Literal["not_ours"] | None
    """Why not: ``not_ours`` (the file is not the one this bridge wrote) and ``unusable``
    (discarded) call for a save of everything."""
    keys: Collection[Key] | None
    """What the save covered (``None``: everything); a failed save's keys are to be saved."""
    seconds: float
    """From ``begin`` to the commit."""


class _Abort:
    """Ends a save without committing it."""


class _Stop:
    """Ends the writer thread."""


_ABORT = _Abort()
_STOP = _Stop()
_Item = SaveStart | SavePart | SaveCommit | _Abort | _Stop
_Outcome = Literal["saved", "aborted", "not_ours"] | SaveFailure


class CacheWriter:
    """The thread that writes saves into the cache file, one transaction at a time.

    ``send`` a ``SaveStart``, its parts, then a ``SaveCommit`` (or ``abort``);
    each save's outcome comes out of ``outcomes`` in order, and ``on_outcome``
    (called on the writer thread) says one is there.
    """

    def __init__(self, cache: StateCache, on_outcome: Callable[[], None]) -> None:
        self._cache = cache
        self._on_outcome = on_outcome
        self._inbox: queue.Queue[_Item] = queue.Queue()
        self._bytes_lock = threading.Lock()
        self._bytes_waiting = 0  # encoded bytes of the parts sent and not yet taken
        self.outcomes: queue.Queue[_Outcome] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._save_ended = False  # the save's commit or abort was taken from the inbox

    @property
    def backlog(self) -> int:
        """Items sent and not yet written."""
        return self._inbox.qsize()

    @property
    def bytes_waiting(self) -> int:
        """Encoded bytes of the parts sent and not yet taken up by the thread."""
        return self._bytes_waiting

    def send(self, item: SaveStart | SavePart | SaveCommit) -> None:
        """Hand the next item of a save to the thread (started at the first)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cache-writer", daemon=True)
            self._thread.start()
        size = _size_of(item)
        if size:
            with self._bytes_lock:
                self._bytes_waiting += size
        self._inbox.put(item)

    def abort(self) -> None:
        """End the save under way without committing it."""
        self._inbox.put(_ABORT)

    def stop(self) -> None:
        """Write what was sent, then end the thread."""
        if self._thread is not None:
            self._inbox.put(_STOP)
            self._thread.join(JOIN_TIMEOUT_S)
            if self._thread.is_alive():
                _log.error("the cache writer did not finish within %.0f s", JOIN_TIMEOUT_S)
            self._thread = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._take()
            if isinstance(item, _Stop):
                return
            if not isinstance(item, SaveStart):
                continue  # the rest of a save that already ended
            self._save_ended = False
            try:
                outcome = self._write(item)
            except (UnusableCacheError, sqlite3.Error, OSError) as error:
                outcome = self._cache.failure(error)
            except Exception:  # noqa: BLE001  (logged and retried: the writer never dies)
                _log.exception("the cache writer failed; the save is dropped and retried")
                outcome = "failed"
            if not self._save_ended:
                stopping = self._skip_save()
            self.outcomes.put(outcome)
            with contextlib.suppress(Exception):  # the owner may be gone at exit
                self._on_outcome()

    def _write(self, start: SaveStart) -> _Outcome:
        """Write one save (rolled back unless its commit comes)."""
        try:
            with self._cache.transaction(start) as transaction:
                while True:
                    item = self._take()
                    if isinstance(item, SaveCommit):
                        self._save_ended = True
                        transaction.commit(item)
                        return "saved"
                    if isinstance(item, _Abort):
                        self._save_ended = True
                        return "aborted"
                    if isinstance(item, _Stop | SaveStart):  # not sent by BackgroundSaver
                        self._inbox.put(item)
                        self._save_ended = True
                        return "aborted"
                    transaction.apply(item)
        except NotOurFileError:
            return "not_ours"

    def _take(self) -> _Item:
        """The next item sent (waiting for it); its bytes no longer count as waiting."""
        item = self._inbox.get()
        size = _size_of(item)
        if size:
            with self._bytes_lock:
                self._bytes_waiting -= size
        return item

    def _skip_save(self) -> bool:
        """Drop the rest of a save that failed; return whether the thread is to stop."""
        while True:
            item = self._take()
            if isinstance(item, SaveCommit | _Abort):
                return False
            if isinstance(item, _Stop):
                return True


class BackgroundSaver:
    """Runs saves of ``cache``: encoding in slices on the calling thread, writing on a thread.

    One save at a time. ``wake`` is called (on the writer thread) when a result
    is ready: the owner then calls ``poll`` on its own thread.
    """

    def __init__(
        self,
        cache: StateCache,
        *,
        wake: Callable[[], None],
        slice_s: float = SLICE_S,
        final_keys: int = FINAL_KEYS,
        max_rounds: int = MAX_ROUNDS,
        max_bytes_in_flight: int = MAX_BYTES_IN_FLIGHT,
    ) -> None:
        self._cache = cache
        self._max_bytes = max_bytes_in_flight
        self._writer = CacheWriter(cache, wake)
        self._slice_s = slice_s
        self._final_keys = final_keys
        self._max_rounds = max_rounds
        self._builder: SaveBuilder | None = None
        self._touched: Callable[[], Collection[Key] | None] = lambda: None
        self._offsets: Callable[[], Mapping[tuple[str, int], int]] = dict
        self._fingerprint = ""
        self._covered: list[Collection[Key] | None] = []
        self._rounds = 0
        self._started = 0.0
        self._committing: tuple[list[Collection[Key] | None], IdSegments, float] | None = None

    @property
    def busy(self) -> bool:
        """Whether a save is under way (being encoded, or written)."""
        return self._builder is not None or self._committing is not None

    def begin(
        self,
        state: State,
        changed: Collection[Key] | None,
        *,
        touched: Callable[[], Collection[Key] | None],
        offsets: Callable[[], Mapping[tuple[str, int], int]],
        fingerprint: str,
    ) -> None:
        """Start a save of ``changed`` (``None``: everything).

        ``touched`` hands over (and forgets) the keys the fold touched since it was
        last called; ``offsets`` gives the offsets the State reflects now.
        """
        if self.busy:
            raise RuntimeError("a save is already under way")
        check_kinds(changed)
        if not self._cache.knows_file:
            changed = None  # a new or discarded file: everything
        builder = SaveBuilder(state, changed, self._cache.id_segments)
        self._builder = builder
        self._touched, self._offsets, self._fingerprint = touched, offsets, fingerprint
        self._covered = [changed]
        self._rounds = 0
        self._started = time.monotonic()
        self._writer.send(builder.start)

    def step(self) -> StepOutcome:
        """Encode one slice of the save under way (about ``slice_s``)."""
        if self._builder is None:
            return "idle"
        writer = self._writer
        if writer.backlog >= MAX_PARTS_IN_FLIGHT or writer.bytes_waiting >= self._max_bytes:
            return "waiting"
        return self._advance(self._builder, self._slice_s)

    def _advance(self, builder: SaveBuilder, slice_s: float | None) -> StepOutcome:
        for part in builder.parts(slice_s):
            self._writer.send(part)
        if not builder.done:
            return "more"
        touched = self._touched()
        self._covered.append(touched)
        builder.add(touched)
        self._rounds += 1
        small = touched is not None and len(touched) <= self._final_keys
        if not (small or slice_s is None or self._rounds >= self._max_rounds):
            return "more"
        parts, commit = builder.finish(self._offsets(), self._fingerprint)
        for part in parts:
            self._writer.send(part)
        self._writer.send(commit)
        self._committing = (self._covered, builder.ids_after, time.monotonic() - self._started)
        self._builder = None
        return "committing"

    def poll(self) -> SaveResult | None:
        """The result of the save that ended, if it has (on the owner's thread)."""
        if self._committing is None:
            return None
        try:
            outcome = self._writer.outcomes.get_nowait()
        except queue.Empty:
            return None
        return self._result(outcome)

    def finish(self, timeout_s: float = JOIN_TIMEOUT_S) -> SaveResult | None:
        """Complete the save under way now, waiting for the writer (at shutdown)."""
        if self._builder is not None:
            self._advance(self._builder, None)
        if self._committing is None:
            return None
        try:
            outcome = self._writer.outcomes.get(timeout=timeout_s)
        except queue.Empty:
            _log.error("the cache save did not complete within %.0f s", timeout_s)
            return None
        return self._result(outcome)

    def close(self) -> None:
        """Abandon a save still being encoded and end the writer thread."""
        if self._builder is not None:
            self._writer.abort()
            self._builder = None
        self._writer.stop()

    def _result(self, outcome: _Outcome) -> SaveResult:
        assert self._committing is not None  # noqa: S101  (checked by the callers)
        covered, ids_after, seconds = self._committing
        self._committing = None
        keys = _merged(covered)
        if outcome == "saved":
            self._cache.saved(ids_after)
            return SaveResult(saved=True, failure=None, keys=keys, seconds=seconds)
        failure = "failed" if outcome == "aborted" else outcome
        return SaveResult(saved=False, failure=failure, keys=keys, seconds=seconds)


def _merged(covered: list[Collection[Key] | None]) -> Collection[Key] | None:
    """Every key of the rounds of a save, first-touched first (``None``: everything)."""
    if any(keys is None for keys in covered):
        return None
    return dict.fromkeys(itertools.chain.from_iterable(k for k in covered if k is not None))


def _size_of(item: _Item) -> int:
    """The encoded bytes a part holds (0 for the other items)."""
    if isinstance(item, EntityRows | AgentRows):
        return sum(len(blob) for _kind, _key, blob in item.rows if blob is not None)
    if isinstance(item, IdSegment):
        return len(item.blob)
    return 0
