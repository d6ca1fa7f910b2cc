"""The bridge's core: Kafka records in, folded state out to consoles, agent actions to Kafka.

Threads: the reader and writer threads do Kafka I/O; everything else (the fold,
the outbox's bookkeeping, the local server) runs on the Qt thread of the
bridge process, so the state has exactly one writer and needs no lock. Records
cross over through a bounded queue; when it is full the reader waits, which
keeps memory bounded while the fold catches up.

Nothing is lost: every record read is folded (the fold quarantines what it
cannot apply), and what follows the fold for one record (recording an
action's verdict) cannot stop the records after it: a verdict the outbox
cannot store (a full disk) is still reported to the consoles and is stored
when the disk allows. A full disk is a state of its own ("disk_full" in the
status): the cache is kept and not saved, new actions are refused with a
retryable outcome, and everything resumes when space returns.

A log that was reset behind the cache (recreated topics, a rebuilt cluster: the
reader finds a cached offset past a partition's end, ``LogReset``) is never
mixed with the cached state: the service sets the cache file aside, empties the
state and the history file and folds the new log from its start; once caught up
with it, queued actions on tickets it does not hold are rejected with a reason
instead of being sent (docs/STORAGE.md, "When the log was reset").
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Container, Mapping

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from bridge.actions import ActionRejected, event_for_action, verdict_from_state
from bridge.cache import StateCache, UnsavedChanges
from bridge.cache_writer import BackgroundSaver, SaveResult
from bridge.contract.envelope import encode_event, rfc3339
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.fold.archive import Archive, EvictionRound, bring_back
from bridge.fold.reducer import FoldResult, fold_record
from bridge.fold.state import State
from bridge.heap import HeapTrimmer
from bridge.history import HistoryError, HistoryStore
from bridge.kafka.catch_up import CatchUpMeter
from bridge.kafka.health import HealthTracker
from bridge.kafka.reader import LogReset, RecordReader
from bridge.kafka.trace import trace_entity
from bridge.kafka.writer import EventWriter
from bridge.outbox import FinalState, Outbox, OutboxEntry
from bridge.paths import DataLayout
from bridge.presence import PresenceThrottle, presence_event
from bridge.server.server import LocalServer
from bridge.storage_errors import LOW_SPACE_BYTES, free_bytes, is_disk_full
from bridge.wire.endpoint import Endpoint
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import (
    AgentIdentity,
    BridgeStatus,
    CatchUp,
    Change,
    Command,
    CommandOutcome,
    Diagnostics,
    DiagnosticsKind,
    PartitionLag,
    QuarantineEntry,
    ReportActivity,
    Trace,
    TraceQuery,
)
from bridge.wire.timestamps import moment_of

_log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
# Where a bridge without a usable cache gets its state (the snapshot topic), or None.
Bootstrap = Callable[[], State | None]
QUEUE_BATCHES = 64  # x 500 records at most in flight between the reader and the fold
DRAIN_BUDGET_S = 0.05
PRESENCE_TTL_S = 90
CACHE_INTERVAL_MS = 5000
STATUS_INTERVAL_MS = 500  # also how soon a change of Kafka health reaches consoles
OUTBOX_RETENTION = dt.timedelta(days=7)  # finished entries are kept a week for diagnostics
EVICT_AFTER = dt.timedelta(hours=1)  # closed / terminal this long (by updated_at): evictable
EVICT_INTERVAL_S = 60.0  # caught up: a round (a pass over the State) at most this often
EVICT_BATCH = 2_000  # entities moved per round at most (~20 us each on the serving thread)
EVICT_CATCH_UP_BATCH = 50_000  # the same while catching up: after every save, larger rounds
BIG_SAVE_KEYS = 10_000  # a save of this many keys or more (or everything) is a burst: trim after
CATCH_UP_TRIM_RECORDS = 20_000  # catching up: free heap memory back every this many records
EVICT_SLICE = 1_000  # entities a round moves per turn of the event loop (~20 ms), between drains
DISK_FULL = "disk_full"  # BridgeStatus.degraded: the data dir's disk is full
DISK_FULL_REASON = "disk full: actions cannot be queued; free some disk space, then send it again"
MAX_TRACES = 2  # traces read the log at the same time (each on a thread of its own)
TRACES_BUSY = "two traces are being made already; ask again when one has finished"


class _CaughtUp:
    """Queued after the records of the log as it was at start-up (see RecordReader)."""


CAUGHT_UP = _CaughtUp()


def utc_now() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def topics_fingerprint(topics: Topics) -> str:
    """Identify the topic set a cache belongs to (a cache of other topics is discarded)."""
    return "|".join(topics.all())


def partition_lags(
    folded: Mapping[tuple[str, int], int], ends: Mapping[tuple[str, int], int]
) -> list[PartitionLag]:
    """Each partition's folded offset, log end and lag, sorted by topic and partition.

    The lag is unknown (None), not 0, while the end is unknown and when the
    folded offset is past the end: the log was reset under the state (the
    reader sets the cache aside) or the end reported is older than the fold.
    """
    partitions = []
    for topic, partition in sorted(set(ends) | set(folded)):
        done = folded.get((topic, partition), 0)
        end = ends.get((topic, partition))
        partitions.append(
            PartitionLag(
                topic=topic,
                partition=partition,
                folded=done,
                end=end,
                lag=None if end is None or done > end else end - done,
            )
        )
    return partitions


class BridgeService(QObject):
    """Owns the state and wires Kafka, the outbox, the cache and the local server."""

    _records_ready = Signal()
    _entry_sent = Signal(str)
    _trace_done = Signal(object, object)  # (the reply callback, the Trace): to the Qt thread
    _cache_written = Signal()  # from the cache writer thread: a save's result is ready
    _log_was_reset = False  # this process set a cached state aside (LogReset); per instance

    def __init__(
        self,
        *,
        identity: AgentIdentity,
        topics: Topics,
        kafka_settings: Mapping[str, str | int | float | bool],
        layout: DataLayout,
        endpoint: Endpoint,
        token: str,
        clock: Clock = utc_now,
        bootstrap: Bootstrap | None = None,
        evict_after: dt.timedelta = EVICT_AFTER,
        evict_interval_s: float = EVICT_INTERVAL_S,
        heap: HeapTrimmer | None = None,
        evict_slice: int = EVICT_SLICE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._heap = heap if heap is not None else HeapTrimmer()  # after bursts (bridge.heap)
        self._evict_after = evict_after
        self._evict_interval_s = evict_interval_s
        self._evict_slice = evict_slice
        self._eviction: EvictionRound | None = None  # a round under way (moved in slices)
        self._stopping = False  # no new eviction round: the history closes
        self._last_eviction = -evict_interval_s  # the first round: after the first save
        self._bootstrap = bootstrap
        self._identity = identity
        self._topics = topics
        self._settings = dict(kafka_settings)
        self._layout = layout
        self._clock = clock
        self._health = HealthTracker(now=lambda: rfc3339(self._clock()))
        self._records: queue.Queue[list[RawRecord] | _CaughtUp | LogReset] = queue.Queue(
            maxsize=QUEUE_BATCHES
        )
        self._state = State()
        self._dirty = False
        self._cache = StateCache(layout.cache_db)
        self._history = HistoryStore(layout.history_db)  # closed tickets, terminal orders
        self._unsaved = UnsavedChanges()  # what the fold touched since the last cache save
        self._saver = BackgroundSaver(self._cache, wake=self._cache_written.emit)
        self._save_step_timer = QTimer(self)  # the next slice of a save under way
        self._save_step_timer.setSingleShot(True)
        self._save_step_timer.timeout.connect(self._save_step)
        self._evict_step_timer = QTimer(self)  # the next slice of an eviction round
        self._evict_step_timer.setSingleShot(True)
        self._evict_step_timer.timeout.connect(self._evict_step)
        self._outbox = Outbox(layout.outbox_db)
        self._awaiting_fold: set[str] = set()
        self._unrecorded: dict[str, tuple[FinalState, str | None]] = {}  # verdicts to store
        self._disk_full = False
        self._caught_up = False  # folded the log as it was at start-up
        self._resume_free_bytes = LOW_SPACE_BYTES
        self._last_status: BridgeStatus | None = None
        self._catch_up = CatchUpMeter()
        self._catching_up: CatchUp | None = None
        self._server = LocalServer(
            endpoint,
            token,
            self,
            self._on_command,
            on_activity=self._on_activity,
            command_status=self._command_status,
            diagnostics=self.diagnostics,
            trace=self._start_trace,
            resolve=self._change,
            parent=self,
        )
        self._presence = PresenceThrottle()
        self._presence_timer = QTimer(self)  # a deferred presence record (the rate limit)
        self._presence_timer.setSingleShot(True)
        # A bound method, not a lambda: a lambda held by a child's connection keeps the
        # service alive for ever (the collector cannot see that reference).
        self._presence_timer.timeout.connect(self._publish_deferred_presence)
        self._reader: RecordReader | None = None
        self._writer: EventWriter | None = None
        # Queued even when emitted on this thread: a drain over its budget must return to
        # the event loop (sockets, timers) before the next one, not call it from within.
        self._records_ready.connect(self._drain_records, Qt.ConnectionType.QueuedConnection)
        self._entry_sent.connect(self._on_entry_sent)
        self._trace_done.connect(lambda reply, trace: reply(trace))
        self._traces = 0
        self._cache_written.connect(self._on_cache_written)
        self._timers: list[QTimer] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Resume from the cache, start serving consoles, then start Kafka I/O."""
        cached = self._cache.load(topics_fingerprint(self._topics))
        if cached is not None and cached.state.archive not in (None, self._history.generation):
            _log.warning(
                "the history file is not the one the cached state evicted into;"
                " the state is rebuilt from the log"
            )
            self._cache.discard("its history file is gone")
            cached = None
        if cached is not None:
            self._state = cached.state
            # The loaded state lives as long as the process: keep the collector from
            # traversing it again and again (it holds no reference cycles).
            gc.freeze()
            self._heap.release(after="loading the cache")
            _log.info("resumed from cache", extra={"tickets": len(self._state.tickets)})
        else:
            self._history.clear()  # a state folded anew evicts anew
            self._start_from_bootstrap()
        pruned = self._outbox.prune(self._clock() - OUTBOX_RETENTION)
        if pruned:
            _log.info("pruned finished outbox entries", extra={"count": pruned})
        self._awaiting_fold = set(self._outbox.unfinished_ids())
        self._resolve_judged_before(list(self._awaiting_fold))
        self._server.start()
        group_id = f"atp-bridge-{self._identity.agent_id}-{uuid.uuid4().hex[:8]}"
        self._reader = RecordReader(
            self._settings,
            self._topics,
            self._resume_offsets(),
            self._accept_batch,
            health=self._health,
            group_id=group_id,
            on_caught_up=self._accept_caught_up,
            on_log_reset=self._accept_log_reset,
        )
        self._writer = EventWriter(
            self._settings,
            open_source=lambda: Outbox(self._layout.outbox_db).as_pending_source(self._topics),
            health=self._health,
            on_sent=self._entry_sent.emit,
            hold_outbox=True,
        )
        self._reader.start()
        self._writer.start()
        self._every(STATUS_INTERVAL_MS, self._publish_status)
        self._every(CACHE_INTERVAL_MS, self._save_cache)
        self._every(PRESENCE_TTL_S * 1000 // 3, self._renew_presence)
        self._publish_presence(self._presence.status)

    def _start_from_bootstrap(self) -> None:
        """No cache: take the snapshot topic's state (then fold only the tail), if configured."""
        state = None if self._bootstrap is None else self._bootstrap()
        if state is not None:
            self._state = state
            self._dirty = True  # the first cache save writes it all (a new file)
            gc.freeze()
            self._heap.release(after="reading the snapshot topic")
            _log.info("started from the snapshot topic", extra={"tickets": len(state.tickets)})

    def stop(self) -> None:
        """Say offline, stop the threads, fold what was read, save the cache, close."""
        for timer in self._timers:
            timer.stop()
        self._presence_timer.stop()
        self._save_step_timer.stop()
        self._stopping = True
        self._end_eviction()
        if self._writer is not None:
            self._publish_presence("offline")
        if self._reader is not None:
            self._reader.stop()
            self._reader.join(timeout=10)
        self._drain_records(budget_s=None)
        if self._writer is not None:
            self._writer.stop()
            self._writer.join(timeout=10)
        self._save_cache_now()
        self._server.close()
        self._outbox.close()
        self._history.close()

    # ------------------------------------------------------------------ StateSource
    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        """Return the whole state for a console's snapshot."""
        return (
            list(self._state.tickets.values()),
            list(self._state.orders.values()),
            list(self._state.agents.values()),
            self.status(),
        )

    def status(self) -> BridgeStatus:
        """Return the status-bar facts."""
        health = self._health.snapshot()
        degraded = list(health.degraded)
        if self._disk_full:
            degraded.append(DISK_FULL)
        return BridgeStatus(
            agent=self._identity,
            kafka_up=health.up,
            kafka_down_since=health.down_since,
            as_of=health.last_ok_at,
            lag=health.lag,
            outbox_pending=self._outbox.pending_count(),
            quarantined=self._state.quarantined_count,
            skipped_unknown_type=self._state.skipped_unknown_type,
            records_read=health.records_read,
            clients=self._server.client_count,
            kafka_error=None if health.up else health.error_kind,
            kafka_error_message=health.last_error if health.error_kind else None,
            degraded=sorted(degraded),
            catching_up=self._catching_up,
        )

    @property
    def state(self) -> State:
        """The folded state (read-only by convention; owned by this service)."""
        return self._state

    @property
    def records_read(self) -> int:
        """How many records this process read from Kafka (resume reads only new ones)."""
        return self._health.snapshot().records_read

    # ------------------------------------------------------------------ diagnostics
    def diagnostics(self, kind: DiagnosticsKind) -> Diagnostics:
        """The quarantined records (newest first) or each partition's lag, now."""
        as_of = rfc3339(self._clock())
        if kind == "quarantine":
            return Diagnostics(
                kind=kind,
                as_of=as_of,
                quarantined_total=self._state.quarantined_count,
                quarantined=[
                    QuarantineEntry(
                        topic=entry.topic,
                        partition=entry.partition,
                        offset=entry.offset,
                        reason=entry.reason,
                        event_id=entry.event_id,
                        at=entry.at,
                    )
                    for entry in reversed(self._state.quarantined)
                ],
            )
        ends = {position: high for position, (_low, high) in self._health.watermarks().items()}
        ends_at = self._health.watermarks_as_of()
        partitions = partition_lags(self._resume_offsets(), ends)
        return Diagnostics(kind=kind, as_of=as_of, partitions=partitions, ends_as_of=ends_at)

    def _start_trace(self, query: TraceQuery, reply: Callable[[Trace], None]) -> None:
        """Trace an entity on a thread of its own; ``reply`` gets the answer on this thread."""
        if self._traces >= MAX_TRACES:
            reply(Trace(kind=query.kind, key=query.key, error=TRACES_BUSY))
            return
        self._traces += 1

        def work() -> None:
            try:
                trace = trace_entity(self._settings, self._topics, query.kind, query.key)
            except Exception as error:  # noqa: BLE001  (logged and answered: never silent)
                _log.exception("trace failed", extra={"kind": query.kind})
                trace = Trace(kind=query.kind, key=query.key, error=f"the trace failed: {error}")
            self._trace_done.emit(self._finish_trace(reply), trace)

        threading.Thread(target=work, name="trace", daemon=True).start()

    def _finish_trace(self, reply: Callable[[Trace], None]) -> Callable[[Trace], None]:
        def finish(trace: Trace) -> None:
            self._traces -= 1
            reply(trace)

        return finish

    # ------------------------------------------------------------------ records -> state
    def _accept_batch(self, batch: list[RawRecord]) -> None:
        """Called on the reader thread: blocks while the queue is full, then wakes the fold."""
        self._records.put(batch)
        self._records_ready.emit()

    def _accept_caught_up(self) -> None:
        """Called on the reader thread after its last batch of the start-up log."""
        self._records.put(CAUGHT_UP)
        self._records_ready.emit()

    def _accept_log_reset(self, reset: LogReset) -> None:
        """Called on the reader thread: what follows in the queue is a new log, from its start."""
        self._records.put(reset)
        self._records_ready.emit()

    def _drain_records(self, budget_s: float | None = DRAIN_BUDGET_S) -> None:
        """Fold what the reader queued (within ``budget_s``), then publish what it touched.

        While catching up, the state grows by every record and holds no cycles (the
        fold makes no cyclic garbage): the collector is paused for the drain and
        what is alive after it is frozen, so it never traverses the growing state
        (its passes over each drain's new objects cost ~5% of the fold). Every
        ``CATCH_UP_TRIM_RECORDS`` records the heap's free pages (records and decoded
        events already folded) go back to the system (``bridge.heap``), so the RSS
        follows the State as it grows rather than the catch-up's garbage.
        """
        pause_gc = not self._caught_up and gc.isenabled()
        if pause_gc:
            gc.disable()
        try:
            touched = self._fold_queued(budget_s)
            if not self._caught_up and touched:
                gc.freeze()
        finally:
            if pause_gc:
                gc.enable()
        if self._eviction is not None:
            self._eviction.watch(self._state, touched)  # what the round's next slices keep
        if touched:
            self._server.touch(touched)  # their values are read once, when the batch goes

    def _fold_queued(self, budget_s: float | None) -> dict[tuple[str, str], None]:
        """Fold queued batches until none is left or the budget is spent; return what they touched.

        What is left waits for the next turn of the event loop. What the records
        touched is noted for the next cache save once, at the end.
        """
        started = time.monotonic()
        touched: dict[tuple[str, str], None] = {}
        # Per record only the fold and its bookkeeping: names bound once per drain.
        state, topics, awaiting, history = (
            self._state,
            self._topics,
            self._awaiting_fold,
            self._history,
        )
        try:
            while True:
                try:
                    batch = self._records.get_nowait()
                except queue.Empty:
                    break
                if isinstance(batch, _CaughtUp):
                    self._on_caught_up()
                    continue
                if isinstance(batch, LogReset):
                    self._start_anew(batch, touched)
                    state, history = self._state, self._history
                    continue
                if not self._caught_up:  # the records of a catch-up: a long burst
                    self._heap.count(len(batch), every=CATCH_UP_TRIM_RECORDS, after="records")
                for record in batch:
                    # fold_record never raises: what it cannot apply it quarantines.
                    result = fold_record(state, record, topics, archive=history)
                    for entity in result.touched:
                        touched[entity] = None
                    event_id = result.event_id
                    if event_id is not None and event_id in awaiting:
                        self._resolve_action(result)
                self._dirty = True
                elapsed = time.monotonic() - started
                if budget_s is not None and elapsed > budget_s:
                    self._records_ready.emit()  # yield to sockets; continue on the next turn
                    break
        finally:
            self._unsaved.note_drain(touched)
        return touched

    def _resume_offsets(self) -> dict[tuple[str, int], int]:
        """Where to read from: one past the last record the (cached) state reflects."""
        return {
            (topic, partition): offset
            for topic, partitions in self._state.next_offsets.items()
            for partition, offset in partitions.items()
        }

    def _change(self, kind: str, key: str) -> Change:
        if kind == "ticket":
            return Change(kind="ticket", key=key, ticket=self._state.tickets.get(key))
        if kind == "order":
            return Change(kind="order", key=key, order=self._state.orders.get(key))
        return Change(kind="agent", key=key, agent=self._state.agents.get(key))

    def _start_anew(self, reset: LogReset, touched: dict[tuple[str, str], None]) -> None:
        """The log was reset: set the cache aside and fold the new log into an empty State.

        Every entity of the old State goes into ``touched``, so consoles get each
        one's removal; the new log's entities follow as it is folded. Outbox entries
        wait for the new catch-up (``_on_caught_up`` judges them).
        """
        old = self._state
        for kind, entities in (
            ("ticket", old.tickets),
            ("order", old.orders),
            ("agent", old.agents),
        ):
            for key in entities:
                touched[kind, key] = None
        self._end_eviction()
        self._save_step_timer.stop()
        self._saver.finish()  # a save under way commits before its file is set aside
        self._cache.set_aside(f"the log was reset ({reset.describe()})")
        self._history.clear()  # its entities and ids came from the old log too
        self._state = State()
        self._unsaved.restore(None)  # the next save writes everything (a new file)
        self._dirty = True
        self._caught_up = False
        self._log_was_reset = True
        self._catch_up = CatchUpMeter()
        if self._writer is not None:
            self._writer.hold_outbox()
        # The old State is freed once the drain lets go of it; the catch-up's trim follows.
        _log.info("folding the new log from its start")

    def _on_caught_up(self) -> None:
        """The fold holds the log as it was at start-up: resends and the ticket check may start.

        Entries a killed bridge had produced are now confirmed or rejected (the fold
        met their first copy, or the cached state had judged them at start-up), so
        the writer produces only what is truly missing from the log.
        """
        self._caught_up = True
        self._heap.release(after="catching up")  # the records, events and Kafka buffers
        _log.info("folded the log as it was at start-up")
        self._resolve_judged_before(sorted(self._awaiting_fold))
        self._reject_actions_on_unknown_tickets()
        if self._writer is not None:
            self._writer.release_outbox()

    def _reject_actions_on_unknown_tickets(self) -> None:
        """Reject, unsent, the awaited entries whose ticket the log does not hold.

        Checked only once caught up (as new actions are): an entry queued while
        catching up, or for a log that was reset since, would otherwise go to the
        log only to be quarantined there on every workstation.
        """
        known = _KnownTickets(self._state, self._history)
        for event_id in sorted(self._awaiting_fold):
            entry = self._outbox.get(event_id)
            if entry is None or entry.finished or entry.ticket_id in known:
                continue
            reason = f"there is no ticket {entry.ticket_id!r} in the log"
            if self._log_was_reset:
                reason += " any more: the log was recreated after this action was queued"
            _log.info(
                "action on a ticket not in the log rejected, not sent",
                extra={"event_id": event_id, "ticket_id": entry.ticket_id},
            )
            self._finish(event_id, "rejected", reason, ticket_id=entry.ticket_id)

    def _resolve_action(self, result: FoldResult) -> None:
        event_id = result.event_id
        assert event_id is not None  # noqa: S101  (checked by the caller)
        if result.outcome == "duplicate":
            # Judged before this process awaited it (its first copy is in the cached state).
            self._resolve_judged_before([event_id])
            return
        state: FinalState = "confirmed" if result.outcome == "applied" else "rejected"
        reason = None if state == "confirmed" else (result.reason or result.outcome)
        self._finish(event_id, state, reason, ticket_id=None)

    def _resolve_judged_before(self, event_ids: list[str]) -> None:
        """Finish awaited entries whose event id the state already holds as judged."""
        for event_id in event_ids:
            if event_id not in self._state.applied_event_ids:
                # Its ticket may be in the history file (closed): bring it back and look.
                entry = self._outbox.get(event_id)
                if entry is None or not self._bring_back_ticket(entry.ticket_id):
                    continue
                if event_id not in self._state.applied_event_ids:
                    continue
            entry = self._outbox.get(event_id)
            if entry is None or entry.finished:
                self._awaiting_fold.discard(event_id)
                continue
            state, reason = verdict_from_state(self._state, event_id, entry.ticket_id)
            _log.info("verdict found in the state", extra={"event_id": event_id, "outcome": state})
            self._finish(event_id, state, reason, ticket_id=entry.ticket_id)

    def _bring_back_ticket(self, ticket_id: str) -> bool:
        """Bring an evicted ticket back into the State (not touched: it changed nothing)."""
        try:
            return bring_back(self._state, self._history, "ticket", ticket_id)
        except (HistoryError, sqlite3.Error) as error:
            _log.warning("ticket %r not read from the history file: %s", ticket_id, error)
            return False

    def _finish(
        self, event_id: str, state: FinalState, reason: str | None, *, ticket_id: str | None
    ) -> None:
        """Record a verdict and tell the consoles; a verdict the disk refuses is kept to retry."""
        self._awaiting_fold.discard(event_id)
        try:
            entry = self._outbox.finish(event_id, state, reason)
        except (sqlite3.Error, OSError) as error:
            self._storage_failed("verdict not recorded yet", error, event_id=event_id)
            self._unrecorded[event_id] = (state, reason)
        else:
            self._unrecorded.pop(event_id, None)
            if entry is not None:
                ticket_id = entry.ticket_id
        self._server.send_outcome(
            CommandOutcome(command_id=event_id, state=state, reason=reason, ticket_id=ticket_id)
        )

    def _record_unrecorded_verdicts(self) -> bool:
        """Store the verdicts the disk refused before; return whether all are stored."""
        for event_id, (state, reason) in list(self._unrecorded.items()):
            try:
                self._outbox.finish(event_id, state, reason)
            except (sqlite3.Error, OSError) as error:
                self._storage_failed("verdict still not recorded", error, event_id=event_id)
                return False
            del self._unrecorded[event_id]
        return True

    def _storage_failed(self, what: str, error: BaseException, **extra: str) -> None:
        full = is_disk_full(error, self._layout.root)
        if full and not self._disk_full:
            _log.error(
                "the disk is full: actions cannot be queued", extra={"path": str(self._layout.root)}
            )
        elif not full:
            _log.error(f"{what}: {error}", extra=extra)
        if full:
            self._disk_full = True

    # ------------------------------------------------------------------ commands
    def _on_command(self, command: Command) -> None:
        known = self._outbox.get(command.command_id)
        if known is not None:  # a resend (e.g. after a reconnect): its current state
            self._send_entry_outcome(known)
            return
        try:
            topic_kind, key, value = event_for_action(
                command.action,
                event_id=command.command_id,
                agent=self._identity,
                time=rfc3339(self._clock()),
                known_tickets=_KnownTickets(self._state, self._history)
                if self._caught_up
                else None,
                taken_ids=self._state.applied_event_ids,
            )
        except ActionRejected as rejected:
            self._server.send_outcome(
                CommandOutcome(command_id=command.command_id, state="invalid", reason=str(rejected))
            )
            return
        try:
            entry = self._outbox.enqueue(
                event_id=command.command_id, ticket_id=key, topic_kind=topic_kind, value=value
            )
        except (sqlite3.Error, OSError) as error:
            self._storage_failed("action not queued", error, command_id=command.command_id)
            reason = (
                DISK_FULL_REASON
                if self._disk_full
                else f"the outbox cannot store actions now ({error}); send it again later"
            )
            self._server.send_outcome(
                CommandOutcome(
                    command_id=command.command_id,
                    state="invalid",
                    reason=reason,
                    ticket_id=key,
                    retryable=True,
                )
            )
            self._publish_status()
            return
        if not entry.finished:
            self._awaiting_fold.add(entry.event_id)
        self._send_entry_outcome(entry)
        if self._writer is not None:
            self._writer.wake()

    def _send_entry_outcome(self, entry: OutboxEntry) -> None:
        self._server.send_outcome(
            CommandOutcome(
                command_id=entry.event_id,
                state=entry.state,
                reason=entry.reason,
                ticket_id=entry.ticket_id,
            )
        )

    def _command_status(self, command_id: str) -> CommandOutcome | None:
        """Where a command is now, as the outbox holds it (for a console that was away)."""
        entry = self._outbox.get(command_id)
        if entry is None:
            return None
        return CommandOutcome(
            command_id=entry.event_id,
            state=entry.state,
            reason=entry.reason,
            ticket_id=entry.ticket_id,
        )

    def _on_entry_sent(self, event_id: str) -> None:
        if event_id in self._awaiting_fold:
            self._server.send_outcome(CommandOutcome(command_id=event_id, state="sent"))

    # ------------------------------------------------------------------ periodic work
    def _every(self, interval_ms: int, work: Callable[[], None]) -> None:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(work)
        timer.start()
        self._timers.append(timer)

    def _publish_status(self) -> None:
        if self._server.client_count == 0 and self._presence.report(None, None):
            self._renew_presence()  # the last console went away: it views nothing any more
        if self._disk_full:
            self._check_disk_space()
        self._catching_up = self._catch_up.update(
            self._health.watermarks(), self._resume_offsets(), time.monotonic()
        )
        status = self.status()
        if status != self._last_status:
            self._last_status = status
            self._server.publish([], status)

    def _check_disk_space(self) -> None:
        """While the disk is full: once there is room again, store what waits and resume."""
        free = free_bytes(self._layout.root)
        if free is None or free < self._resume_free_bytes:
            return
        if not self._record_unrecorded_verdicts():
            return
        self._dirty = True
        self._disk_full = False  # saving may start again; a failure sets it anew
        _log.info("disk space is back: saving and queueing again")
        self._save_cache()

    def _save_cache(self) -> None:
        """Start saving what the fold touched since the last save (on the writer thread).

        Not while the disk is full (a save would only take the space the outbox
        needs), and not while a save is under way (the next one follows it).
        """
        if self._begin_save():
            self._save_step()

    def _begin_save(self) -> bool:
        if not self._dirty or self._disk_full or self._saver.busy:
            return False
        self._end_eviction()  # no slice while a save is under way; the save starts the next
        self._dirty = False
        self._saver.begin(
            self._state,
            self._unsaved.take(),
            touched=self._unsaved.take,
            offsets=self._resume_offsets,
            fingerprint=topics_fingerprint(self._topics),
        )
        return True

    def _save_step(self) -> None:
        """Encode the next slice of the save under way; come back on a later turn."""
        outcome = self._saver.step()
        if outcome == "more":
            self._save_step_timer.start(0)
        elif outcome == "waiting":  # the writer is behind: let it catch up
            self._save_step_timer.start(5)

    def _on_cache_written(self) -> None:
        result = self._saver.poll()
        if result is not None and self._saved(result):
            self._save_cache()

    def _save_cache_now(self) -> None:
        """At stop: complete the save under way, then save what is left, waiting for each."""
        for _ in range(3):  # a save that finds a new file is followed by one of everything
            result = self._saver.finish()
            if result is not None:
                self._saved(result)
            if not self._begin_save():
                break
        self._saver.close()

    def _saved(self, result: SaveResult) -> bool:
        """A save ended: a failed one's keys go back; return whether to save again now."""
        if result.saved:
            _log.debug("state cache saved", extra={"seconds": round(result.seconds, 3)})
            self._evict()
            if result.keys is None or len(result.keys) >= BIG_SAVE_KEYS:  # its rows: a burst
                self._heap.release(after="a large save")
            return False
        self._unsaved.restore(result.keys)
        if result.failure == "disk_full":
            if not self._disk_full:
                _log.error("the disk is full: the state cache is not saved")
            self._disk_full = True
            return False
        if result.failure in ("not_ours", "unusable"):
            self._unsaved.restore(None)  # a new or discarded file: everything, at once
            self._dirty = True
            return True
        return False  # logged by the cache; the next change tries again

    def _evict(self) -> None:
        """After a save: start moving settled closed tickets and terminal orders to the history.

        One pass over the State chooses them: only entities the save just written
        holds as they are (not touched since), so a restart from the cache never
        misses one. The pass and then the moves go a slice at a time
        (``_evict_step``, ``EvictionRound.scanning``), between drains of the record
        queue, so consoles are served meanwhile. The next save drops their rows and
        rewrites the event ids.
        """
        now = time.monotonic()
        if self._stopping or (
            self._caught_up and now - self._last_eviction < self._evict_interval_s
        ):
            return
        self._last_eviction = now
        before = self._clock() - self._evict_after
        unsaved = self._unsaved.keys

        def settled(entity: Ticket | Order) -> bool:
            moment = moment_of(entity.updated_at)
            return moment is not None and moment < before

        if unsaved is None:  # the next save writes everything anyway: wait for it
            return
        limit = EVICT_BATCH if self._caught_up else EVICT_CATCH_UP_BATCH
        self._eviction = EvictionRound.scanning(self._state, settled=settled, limit=limit)
        self._evict_step()

    def _evict_step(self) -> None:
        """Move the next slice of the round under way; come back on a later turn."""
        eviction = self._eviction
        keep = self._unsaved.keys
        if eviction is None:
            return
        if keep is None:  # too many changes to tell what was touched: the next save's round
            self._end_eviction()
            return
        gc_was_enabled = gc.isenabled()
        gc.disable()  # a burst of allocations: collections would pass over the whole State
        try:
            moved = eviction.move(self._state, self._history, keep=keep, limit=self._evict_slice)
        except (sqlite3.Error, OSError) as error:
            _log.warning("entities not moved to the history file: %s", error)
            self._end_eviction()
            return
        finally:
            if gc_was_enabled:
                gc.enable()
        if moved:
            self._unsaved.note_keys(moved)
            self._cache.ids_removed()
            self._dirty = True
        if eviction.done:
            self._end_eviction()
        else:
            self._evict_step_timer.start(0)

    def _end_eviction(self) -> None:
        """End the round under way (done, or cut short: a save, a stop, a failure)."""
        self._evict_step_timer.stop()
        eviction, self._eviction = self._eviction, None
        if eviction is not None and eviction.moved:
            _log.info("moved to the history file", extra={"count": eviction.moved})

    # ------------------------------------------------------------------ presence
    def _on_activity(self, activity: ReportActivity) -> None:
        """The console's open ticket, composing state or status changed: publish it (limited)."""
        if self._presence.report(activity.viewing, activity.composing, activity.status):
            self._renew_presence()

    def _renew_presence(self) -> None:
        """Publish "online" or "away" now, or when the rate limit allows (one record a second)."""
        if self._presence_timer.isActive():
            return  # the deferred record will carry the latest activity
        wait_ms = round(self._presence.wait_s() * 1000)
        if wait_ms > 0:
            self._presence_timer.start(wait_ms)
        else:
            self._publish_presence(self._presence.status)

    def _publish_deferred_presence(self) -> None:
        self._publish_presence(self._presence.status)

    def _publish_presence(self, status: str) -> None:
        """Produce the presence record now (``offline`` at stop bypasses the rate limit)."""
        if self._writer is None:
            return
        identity = self._identity
        event = presence_event(
            identity,
            status,
            self._clock(),
            dt.timedelta(seconds=PRESENCE_TTL_S),
            viewing=self._presence.viewing,
            composing=self._presence.composing,
        )
        self._presence.published()
        self._writer.send_now(self._topics.agents, identity.agent_id, encode_event(event))


class _KnownTickets(Container[str]):
    """The tickets the bridge knows: those in memory and those in the history file."""

    def __init__(self, state: State, history: Archive) -> None:
        self._state = state
        self._history = history

    def __contains__(self, ticket_id: object) -> bool:
        if not isinstance(ticket_id, str):
            return False
        if ticket_id in self._state.tickets:
            return True
        try:
            return self._history.get("ticket", ticket_id) is not None
        except (HistoryError, sqlite3.Error) as error:  # the fold would quarantine its events
            _log.warning("history lookup failed: %s", error)
            return False
