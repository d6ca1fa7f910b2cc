"""The state cache: the folded State and the offsets it reflects, so a restart resumes exactly.

One SQLite file: each ticket, order and agent presence in its own row
(MessagePack), the applied event ids in segments of rows, the rest of the State
(quarantine, counters, next offsets) in one row with the topics fingerprint and
the save time, and per (topic, partition) the next offset to read. A save is one
transaction, offsets included. Every row carries a CRC-32 of its content,
checked on load: SQLite does not checksum its pages, so without it a flipped
byte would be served as the truth.

A save is built in parts (``SaveBuilder``, on the thread that owns the State)
and written through a ``SaveTransaction`` (on any one thread: the bridge's cache
writer, ``bridge.cache_writer``, or the caller's for ``StateCache.save``). The
parts are bytes, never references into the State, so the fold may go on while
they are written. Given the keys the fold touched since the last save
(``UnsavedChanges``) a save writes only those rows; without them it writes
everything anew.

The cache is only an optimization: a file that cannot be used (not SQLite,
corrupt, a row failing its checksum, another format version, a State that does
not decode, other topics) is logged, deleted and reported as absent, and the
bridge rebuilds its state from the log. A full disk is not a damaged file: the
save fails, the file is kept, and ``disk_full`` says so until a save succeeds.
One writer per file (the bridge's data-dir lock). See docs/STORAGE.md.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import logging
import sqlite3
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import msgspec

from bridge.contract.envelope import rfc3339
from bridge.fold.interning import OneCopy, intern_order, intern_ticket
from bridge.fold.result import FoldResult
from bridge.fold.state import State
from bridge.storage_errors import is_disk_full, is_transient
from bridge.wire.entities import Order, Presence, Ticket

_log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Offsets = dict[tuple[str, int], int]
Entity = Ticket | Order | Presence
Key = tuple[str, str]
"""(kind, key): an entity the fold touched (``ticket``, ``order``, ``agent``) or an event id
it judged (``event_id``)."""
Row = tuple[str, str, bytes | None]
"""(kind, key, MessagePack of the entity); ``None``: the entity is gone, delete its row."""
ENTITY_KINDS = ("ticket", "order", "agent")
# What ``save(changed=...)`` lists: an entity the fold touched, or an event id it judged.
CHANGE_KINDS = frozenset({"ticket", "order", "agent", "event_id"})
FORMAT_VERSION = 6  # 3: Ticket.tags, Presence.viewing/composing (contract 1.1); 4: row CRCs
# 5: State.archive (closed tickets and terminal orders evicted to bridge.history)
# 6: State.applied_event_ids ordered (a map in the meta row; segments hold them in order)
UNSAVED_LIMIT = 200_000  # keys UnsavedChanges tracks before it asks for a full save
_SIDE_FILES = ("-wal", "-shm", "-journal")
SET_ASIDE_KEPT = 3  # copies of caches set aside after a log reset, the newest kept
_SCHEMA = (
    """CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL,
    saved_at TEXT NOT NULL, writer TEXT NOT NULL, rest BLOB NOT NULL, crc INTEGER NOT NULL)""",
    """CREATE TABLE entities (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    crc INTEGER NOT NULL, UNIQUE (kind, key))""",
    "CREATE TABLE applied_ids (seq INTEGER PRIMARY KEY, ids BLOB NOT NULL, crc INTEGER NOT NULL)",
    """CREATE TABLE offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL,
    next_offset INTEGER NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (topic, partition))""",
)
_UPSERT = (
    "INSERT INTO entities (kind, key, value, crc) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, crc = excluded.crc"
)
_INSERT_IDS = "INSERT INTO applied_ids (ids, crc) VALUES (?, ?)"
ID_SEGMENT_LIMIT = 256  # appended segments of event ids before they are merged
ID_SEGMENT_SIZE = 50_000  # event ids per segment a slice writes (~15 ms at 900,000 ids)
_ROWS_PER_PART = 2048  # entity rows in one part (a budget ends a part earlier)

SaveFailure = Literal["disk_full", "unusable", "failed"]
"""Why a save failed: a full disk (file kept), a file that cannot be used (discarded: the
next save writes everything), anything else (logged; the file is kept)."""


@dataclass(frozen=True)
class CachedState:
    """What a load returns: the State, where to resume reading, and when it was saved."""

    state: State
    offsets: Offsets
    saved_at: str


class UnsavedChanges:
    """The keys the fold touched since the last save: the ``changed`` of a save.

    ``note`` every FoldResult. Keys keep the order in which they were first
    touched, which for new entities is the State's order (a save appends them in
    that order). ``take`` hands them to a save and starts afresh; after a failed
    save ``restore`` puts them back in front. Past ``limit`` keys it stops
    tracking and ``keys`` is ``None``, so the next save writes everything:
    memory stays bounded while saves fail or the fold catches up on a long backlog.
    """

    def __init__(self, limit: int = UNSAVED_LIMIT) -> None:
        self._limit = limit
        self._keys: dict[Key, None] | None = {}

    def note(self, result: FoldResult) -> None:
        """Remember the entities ``result`` touched.

        Not the event id it judged: a save writes the ids by position, from the
        State (``SaveBuilder``), so they would only count towards ``limit``.
        """
        if self._keys is None:
            return
        for key in result.touched:
            self._keys[key] = None
        if len(self._keys) > self._limit:
            self._keys = None

    @property
    def keys(self) -> Collection[Key] | None:
        """What to pass as ``changed``: the touched keys, or ``None`` (too many: write all)."""
        return None if self._keys is None else self._keys.keys()

    def __len__(self) -> int:
        """How many keys are tracked (the limit plus one once it stopped tracking)."""
        return self._limit + 1 if self._keys is None else len(self._keys)

    def take(self) -> Collection[Key] | None:
        """Return ``keys`` and start afresh (a save is under way with them)."""
        keys = self.keys
        self._keys = {}
        return keys

    def restore(self, keys: Collection[Key] | None) -> None:
        """Put back the keys of a save that failed, ahead of those touched since."""
        if keys is None or self._keys is None:
            self._keys = None
            return
        merged = dict.fromkeys(keys)
        merged.update(self._keys)
        self._keys = merged if len(merged) <= self._limit else None

    def clear(self) -> None:
        """Forget everything: the State as it is now has been saved."""
        self._keys = {}

    def note_drain(self, touched: Iterable[Key]) -> None:
        """Remember what several results touched (``note`` of each, in one go).

        ``touched``: the entities, in the order the results first touched them.
        For a loop that folds many records (a catch-up): a call per record costs
        about 6% of folding one.
        """
        keys = self._keys
        if keys is None:
            return
        keys.update(dict.fromkeys(touched))
        if len(keys) > self._limit:
            self._keys = None

    def note_keys(self, keys: Collection[Key]) -> None:
        """Remember entities changed outside the fold (moved to the history file)."""
        if self._keys is None:
            return
        for key in keys:
            self._keys[key] = None
        if len(self._keys) > self._limit:
            self._keys = None


@dataclass(frozen=True)
class IdSegments:
    """What the file holds of ``applied_event_ids``: the first ``covered`` in ``segments`` rows.

    The file holds a prefix of the State's ids in their order (``State.applied_event_ids``
    keeps the order they were applied in); ``last`` is the last id of it, which a save
    checks to tell that the prefix is still the State's (no id was dropped from it).
    """

    covered: int
    segments: int
    last: str | None = None


# ---------------------------------------------------------------------- the parts of a save
@dataclass(frozen=True)
class SaveStart:
    """Opens a save: what it replaces as a whole."""

    full: bool
    """Every entity row is deleted first (the parts then hold every entity)."""
    rewrite_ids: bool
    """Every event-id segment is deleted first (the parts then hold every applied id)."""


@dataclass(frozen=True)
class EntityRows:
    """Tickets and orders to write (upsert) or delete; new ones are appended in this order."""

    rows: list[Row]


@dataclass(frozen=True)
class AgentRows:
    """Every agent's presence: the agent rows are replaced by these."""

    rows: list[Row]


@dataclass(frozen=True)
class IdSegment:
    """One segment of applied event ids (a MessagePack list), appended."""

    blob: bytes
    replace_all: bool = False
    """The file's segments are deleted first (ids were dropped from those written: they are
    written anew, from the first, in this segment and the next)."""


@dataclass(frozen=True)
class SaveCommit:
    """Ends a save: the rest of the State, the offsets it reflects, the topics it belongs to."""

    rest: bytes
    offsets: Offsets
    fingerprint: str


SavePart = EntityRows | AgentRows | IdSegment


class NotOurFileError(Exception):
    """The file holds another writer's save (new, replaced): write everything instead."""


class SaveTransaction:
    """The SQLite transaction of one save, on the thread that opened it."""

    def __init__(self, db: sqlite3.Connection, token: str, clock: Clock) -> None:
        self._db = db
        self._token = token
        self._clock = clock

    def apply(self, part: SavePart) -> None:
        """Write one part."""
        db = self._db
        if isinstance(part, EntityRows):
            gone = [(kind, key) for kind, key, blob in part.rows if blob is None]
            if gone:
                db.executemany("DELETE FROM entities WHERE kind = ? AND key = ?", gone)
            db.executemany(_UPSERT, _with_crcs(part.rows))
        elif isinstance(part, AgentRows):
            db.execute("DELETE FROM entities WHERE kind = 'agent'")
            db.executemany(_UPSERT, _with_crcs(part.rows))
        else:
            if part.replace_all:
                db.execute("DELETE FROM applied_ids")
            db.execute(_INSERT_IDS, (part.blob, _crc(part.blob)))

    def commit(self, commit: SaveCommit) -> None:
        """Write the offsets and the meta row, and commit everything."""
        db = self._db
        db.execute("DELETE FROM offsets")
        db.executemany(
            "INSERT INTO offsets VALUES (?, ?, ?, ?)",
            [
                (topic, part, offset, _crc(topic, part, offset))
                for (topic, part), offset in commit.offsets.items()
            ],
        )
        saved_at = rfc3339(self._clock())
        db.execute(
            "INSERT OR REPLACE INTO meta VALUES (1, ?, ?, ?, ?, ?)",
            (
                commit.fingerprint,
                saved_at,
                self._token,
                commit.rest,
                _crc(commit.fingerprint, saved_at, self._token, commit.rest),
            ),
        )
        db.execute("COMMIT")


def _with_crcs(rows: list[Row]) -> Iterator[tuple[str, str, bytes, int]]:
    for kind, key, blob in rows:
        if blob is not None:
            yield kind, key, blob, _crc(kind, key, blob)


class SaveBuilder:
    """Builds one save of ``state`` as parts, a bounded amount of work at a time.

    On the thread that owns the State, between folds. It holds keys (strings),
    never entities: each row is encoded when its turn comes, as the entity is
    then. ``add`` queues keys the fold touched meanwhile; they are encoded again,
    later in the same transaction, and the last row written wins. ``finish``
    encodes what is left plus the agents, the event ids and the rest of the
    State, so the committed save is the State exactly as it is at that moment,
    with the offsets of that moment.

    New entities are appended in the order their keys come (``UnsavedChanges``
    keeps the fold's order, which is the State's); everything (``None``) goes in
    the State's order.

    Event ids are not taken from ``changed``: the file holds the first of the
    State's ids in their order (``IdSegments``) and a save writes those after
    them (all, from the first, when ``rewrite_ids``), by position, a segment of
    ``ID_SEGMENT_SIZE`` at a time once the rows are encoded and the rest at
    ``finish``. The set is never copied whole (at 900,000 ids that took 50-175 ms
    in one piece); the fold only appends to it meanwhile, and a drop from the
    part written is noticed and the ids written anew (``_id_segment``).
    """

    def __init__(self, state: State, changed: Collection[Key] | None, ids: IdSegments) -> None:
        check_kinds(changed)
        full = changed is None
        applied = state.applied_event_ids
        rewrite = (
            full
            or ids.segments >= ID_SEGMENT_LIMIT
            or not _holds_prefix(applied, ids.covered, ids.last)
        )
        self.start = SaveStart(full=full, rewrite_ids=rewrite)
        self._state = state
        self._encode = msgspec.msgpack.Encoder().encode
        # Keys to encode, consumed lazily.
        self._runs: deque[Iterator[Key]] = deque()
        self._agents = False
        # The event ids are written by position in the State's order, never copied whole:
        # those from ``_id_pos`` on are still to be written (the file then holds the first
        # ``_id_pos``, ending with ``_id_last``). The fold only appends to them meanwhile.
        self._id_pos = 0 if rewrite else ids.covered
        self._id_last = None if rewrite else ids.last
        self._id_segments = 0 if rewrite else ids.segments
        self._replace_ids = False  # the next segment replaces the file's (see _restart_ids)
        self._restarted = False
        # A round writes the ids there were when it began; those the fold appends meanwhile
        # wait for the next round or ``finish``, so a fold faster than the writer cannot
        # keep the save from ever being done.
        self._id_target = len(applied)
        self._add(changed)

    @property
    def done(self) -> bool:
        """Whether everything queued is encoded (only ``finish`` is left)."""
        return not self._runs and (self._restarted or self._round_ids_waiting() < ID_SEGMENT_SIZE)

    @property
    def ids_after(self) -> IdSegments:
        """What the file holds of the event ids once this save is committed (after ``finish``)."""
        return IdSegments(covered=self._id_pos, segments=self._id_segments, last=self._id_last)

    def add(self, changed: Collection[Key] | None) -> None:
        """Queue keys the fold touched (``None``: every entity, in the State's order).

        ``changed`` must not change while the save runs (it is read lazily).
        """
        check_kinds(changed)
        self._id_target = len(self._state.applied_event_ids)  # a new round
        self._add(changed)

    def _add(self, changed: Collection[Key] | None) -> None:
        if changed is None:  # key lists are copied now (cheap), rows encoded later
            tickets = zip(itertools.repeat("ticket"), list(self._state.tickets), strict=False)
            orders = zip(itertools.repeat("order"), list(self._state.orders), strict=False)
            self._runs.append(itertools.chain(tickets, orders))
            self._agents = True
        elif changed:
            self._runs.append(iter(changed))

    def parts(self, budget_s: float | None = None) -> list[SavePart]:
        """Encode queued rows and ids (for about ``budget_s``; ``None``: all of them)."""
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        parts: list[SavePart] = []
        while True:
            if self._runs:
                rows = self._rows(_ROWS_PER_PART, deadline)
                if rows:
                    parts.append(EntityRows(rows))
            elif not self._restarted and self._round_ids_waiting() >= ID_SEGMENT_SIZE:
                parts.append(self._id_segment())
            else:
                break
            if deadline is not None and time.perf_counter() > deadline:
                break
        return parts

    def finish(
        self, offsets: Mapping[tuple[str, int], int], fingerprint: str
    ) -> tuple[list[SavePart], SaveCommit]:
        """Encode everything left: the last parts and the commit (the State as it is now)."""
        state = self._state
        parts = self.parts(None)
        if self._agents:
            encode = self._encode
            parts.append(
                AgentRows([("agent", key, encode(agent)) for key, agent in state.agents.items()])
            )
        if not _holds_prefix(state.applied_event_ids, self._id_pos, self._id_last):
            self._restart_ids()
        while self._ids_waiting() > 0:
            parts.append(self._id_segment())
        if self._replace_ids:  # every id was dropped: the file is to hold none
            parts.append(IdSegment(self._encode([]), replace_all=True))
            self._replace_ids = False
            self._id_segments = 1
        rest = self._encode(
            msgspec.structs.replace(state, tickets={}, orders={}, agents={}, applied_event_ids={})
        )
        return parts, SaveCommit(rest=rest, offsets=dict(offsets), fingerprint=fingerprint)

    def _rows(self, limit: int, deadline: float | None) -> list[Row]:
        """Encode up to ``limit`` rows from the runs (listing event ids, noting agents)."""
        tables: dict[str, Mapping[str, Entity]] = {
            "ticket": self._state.tickets,
            "order": self._state.orders,
        }
        encode = self._encode
        rows: list[Row] = []
        for kind, key in self._runs[0]:
            if kind == "event_id":  # written by position (see _id_segment)
                continue
            if kind == "agent":
                self._agents = True
                continue
            entity = tables[kind].get(key)
            rows.append((kind, key, None if entity is None else encode(entity)))
            if len(rows) >= limit or (
                deadline is not None and len(rows) % 64 == 0 and time.perf_counter() > deadline
            ):
                return rows
        self._runs.popleft()  # this run is exhausted
        return rows

    def _ids_waiting(self) -> int:
        """How many of the State's event ids are still to be written."""
        return len(self._state.applied_event_ids) - self._id_pos

    def _round_ids_waiting(self) -> int:
        """How many of the ids there were when this round began are still to be written."""
        return min(self._id_target, len(self._state.applied_event_ids)) - self._id_pos

    def _id_segment(self) -> IdSegment:
        """The next ``ID_SEGMENT_SIZE`` ids at most, from ``_id_pos``, as a segment.

        If the id before ``_id_pos`` is no longer the last one written, ids were
        dropped from the part already written (an eviction while the save was under
        way, or since the file's last save without ``StateCache.ids_removed``): the
        ids are then written anew from the first, replacing the file's.
        """
        applied = self._state.applied_event_ids
        pos = self._id_pos
        if pos:
            chunk = _ids_between(applied, pos - 1, pos + ID_SEGMENT_SIZE)
            if chunk[:1] == [self._id_last]:
                del chunk[0]
            else:
                self._restart_ids()
                pos = 0
        if not pos:
            chunk = _ids_between(applied, 0, ID_SEGMENT_SIZE)
        segment = IdSegment(self._encode(chunk), replace_all=self._replace_ids)
        self._replace_ids = False
        self._id_pos = pos + len(chunk)
        if chunk:
            self._id_last = chunk[-1]
        self._id_segments += 1
        return segment

    def _restart_ids(self) -> None:
        """Write every id anew from the first; its first segment replaces the file's.

        What the slice under way has not written waits for ``finish``, in one piece
        (a slice at a time, drops that go on would start it again and again); the
        bridge drops none while a save is under way.
        """
        _log.debug("state cache: event ids were dropped during the save; writing them anew")
        self._id_pos, self._id_last, self._id_segments = 0, None, 0
        self._replace_ids = self._restarted = True


def _ids_between(ids: dict[str, None], start: int, stop: int) -> list[str]:
    """The ids at positions ``start`` to ``stop`` of ``ids`` (walked from the nearer end).

    Reaching position ``start`` walks the keys before it (or after ``stop``, from the
    end), in C: 5-6 ms a million ids on our VM when they lie in memory in that order,
    about twice that among the State's other objects.
    """
    size = len(ids)
    stop = min(stop, size)
    if start >= stop:
        return []
    if start <= size - stop:
        return list(itertools.islice(ids, start, stop))
    chunk = list(itertools.islice(reversed(ids), size - stop, size - start))
    chunk.reverse()
    return chunk


def _holds_prefix(ids: dict[str, None], covered: int, last: str | None) -> bool:
    """Whether the first ``covered`` of ``ids`` still end with ``last`` (none dropped, it seems).

    Dropping ids from that prefix moves later ids into it, so the id at its end changes;
    the check misses only a drop that also removed ``last`` and added it again at
    exactly that position. ``StateCache.ids_removed`` is how a drop is to be reported.
    """
    if covered == 0:
        return True
    return _ids_between(ids, covered - 1, covered) == [last]


def check_kinds(changed: Collection[Key] | None) -> None:
    """Raise ``ValueError`` for a kind of change a save does not know (a programming error)."""
    if changed is not None:
        unknown = {kind for kind, _ in changed} - CHANGE_KINDS
        if unknown:
            raise ValueError(f"unknown kinds of change: {sorted(unknown)}")


class UnusableCacheError(Exception):
    """The cache file exists but cannot be used; the message says why."""


def _crc(*parts: str | bytes | int) -> int:
    """CRC-32 of the parts, each followed by a NUL (so ("ab", "c") differs from ("a", "bc"))."""
    crc = 0
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        crc = zlib.crc32(b"\0", zlib.crc32(data, crc))
    return crc


def _check_crc(stored: object, actual: int, what: str) -> None:
    if stored != actual:
        raise UnusableCacheError(f"{what} fails its checksum (the file was altered or damaged)")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StateCache:
    """The cache file at ``path``; each load, save or transaction opens its own connection.

    It remembers how many applied event ids the file holds and a writer token
    stored in the file; a save that lists what changed onto a file this instance
    did not write (new, discarded, replaced) writes everything instead.
    Transactions run one at a time (one thread writes).
    """

    def __init__(self, path: Path, *, clock: Clock = _utc_now) -> None:
        self._path = path
        self._clock = clock
        self._rest_decoder = msgspec.msgpack.Decoder(State)
        self._ids_decoder = msgspec.msgpack.Decoder(list[str])
        self._ticket_decoder = msgspec.msgpack.Decoder(Ticket)
        self._order_decoder = msgspec.msgpack.Decoder(Order)
        self._agent_decoder = msgspec.msgpack.Decoder(Presence)
        self._token = uuid.uuid4().hex
        self._ids = IdSegments(covered=0, segments=0)
        self._disk_full = False
        self._knows_file = False  # the file holds this instance's last save (or load)

    @property
    def knows_file(self) -> bool:
        """Whether the file holds what this instance last loaded or saved (else: save all)."""
        return self._knows_file

    @property
    def path(self) -> Path:
        """Where the cache lives."""
        return self._path

    @property
    def disk_full(self) -> bool:
        """Whether the last save failed for want of disk space (the file is kept as it was)."""
        return self._disk_full

    @property
    def id_segments(self) -> IdSegments:
        """What the file holds of the applied event ids (as of the last save or load)."""
        return self._ids

    def save(
        self,
        state: State,
        offsets: Mapping[tuple[str, int], int],
        fingerprint: str,
        changed: Collection[Key] | None = None,
    ) -> bool:
        """Write a save now, on this thread, in one transaction; return whether it was saved.

        ``changed`` lists every (kind, key) the fold touched since the last
        successful save, in the order it touched them: kinds ``ticket``,
        ``order``, ``agent`` (a key no longer in the State is deleted) and
        ``event_id`` (accepted; the ids are written by position, see
        ``SaveBuilder``). Only those rows are written; an entity changed but not
        listed is not. ``None`` writes everything anew. When the file is not the
        one this instance wrote, everything is written either way.

        A file that cannot be used (corrupt, not SQLite, another format) is
        discarded and written anew. Other failures are logged, not raised: the
        cache is an optimization. A full disk leaves the file as it was and sets
        ``disk_full`` until a save succeeds.
        """
        check_kinds(changed)
        builder = SaveBuilder(state, changed if self._knows_file else None, self._ids)
        try:
            try:
                builder = self._write_now(state, offsets, fingerprint, builder)
            except (UnusableCacheError, sqlite3.DatabaseError) as error:
                if not isinstance(error, UnusableCacheError) and is_transient(
                    error, self._path.parent
                ):
                    raise
                self._discard(str(error))
                builder = SaveBuilder(state, None, self._ids)  # on a fresh file: everything
                self._write_now(state, offsets, fingerprint, builder)
        except (UnusableCacheError, sqlite3.Error, OSError) as error:
            self.failure(error)
            return False
        self.saved(builder.ids_after)
        return True

    @contextmanager
    def transaction(self, start: SaveStart) -> Iterator[SaveTransaction]:
        """Open a save's transaction (rolled back unless ``commit`` is reached).

        Raises ``NotOurFileError`` for a save that is not ``full`` onto a file
        this instance did not write, and whatever SQLite raises (see ``failure``).
        """
        with self._connect() as db:
            _begin(db)
            writer = db.execute("SELECT writer FROM meta").fetchone()
            if not start.full and (writer is None or writer[0] != self._token):
                raise NotOurFileError
            if start.full:
                db.execute("DELETE FROM entities")
            if start.rewrite_ids:
                db.execute("DELETE FROM applied_ids")
            yield SaveTransaction(db, self._token, self._clock)

    def failure(self, error: BaseException) -> SaveFailure:
        """Say (and log) why a save failed; a file that cannot be used is discarded."""
        if isinstance(error, UnusableCacheError) or (
            isinstance(error, sqlite3.DatabaseError) and not is_transient(error, self._path.parent)
        ):
            self._discard(str(error))
            self._disk_full = False
            return "unusable"
        full = is_disk_full(error, self._path.parent)
        if full and not self._disk_full:
            _log.warning("state cache %s not saved: the disk is full; kept as it was", self._path)
        elif not full:
            _log.warning("state cache %s not saved: %s", self._path, error)
        self._disk_full = full
        return "disk_full" if full else "failed"

    def ids_removed(self) -> None:
        """The State dropped event ids (with evicted entities): the next save rewrites them all."""
        self._ids = IdSegments(covered=self._ids.covered, segments=ID_SEGMENT_LIMIT, last=None)

    def discard(self, why: str) -> None:
        """Delete the file (its State is not to be used): the next save writes everything."""
        self._discard(why)

    def set_aside(self, why: str, *, keep: int = SET_ASIDE_KEPT) -> Path | None:
        """Move the file aside for support (owner-only): the next save writes a new one.

        For a cache whose State no longer matches the log (the log was recreated):
        not damaged, so it is kept as ``state-cache.reset-<UTC time>.sqlite``, with
        the ``keep`` newest such copies (older ones are deleted). Returns the copy's
        path, or ``None`` when there was no file (or it could not be moved: then it
        is deleted).
        """
        self._ids = IdSegments(covered=0, segments=0)
        self._knows_file = False
        if not self._path.exists():
            return None
        stamp = self._clock().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self._path.with_name(f"{self._path.stem}.reset-{stamp}{self._path.suffix}")
        try:
            for suffix in ("", *_SIDE_FILES):
                source = Path(f"{self._path}{suffix}")
                if source.exists():
                    moved = Path(f"{target}{suffix}")
                    source.replace(moved)
                    moved.chmod(0o600)
        except OSError as error:
            self._discard(f"{why}; it could not be kept as {target.name} ({error})")
            return None
        _log.warning("state cache %s set aside as %s: %s", self._path, target.name, why)
        self._prune_set_aside(keep)
        return target

    def _prune_set_aside(self, keep: int) -> None:
        """Delete all but the ``keep`` newest copies ``set_aside`` made."""
        pattern = f"{self._path.stem}.reset-*{self._path.suffix}"
        copies = sorted(self._path.parent.glob(pattern), reverse=True)  # the time sorts them
        for old in copies[keep:]:
            for suffix in ("", *_SIDE_FILES):
                Path(f"{old}{suffix}").unlink(missing_ok=True)

    def saved(self, ids: IdSegments) -> None:
        """Record a committed save (what the file now holds of the event ids)."""
        self._ids = ids
        self._disk_full = False
        self._knows_file = True

    def load(self, expected_fingerprint: str) -> CachedState | None:
        """Return the cached snapshot, or ``None`` (no cache, or an unusable one, now discarded)."""
        if not self._path.exists():
            return None
        try:
            with _gc_paused():  # decoding 40,000 entities: collections would double the time
                return self._read(expected_fingerprint)
        except UnusableCacheError as error:
            self._discard(str(error))
        except (sqlite3.DatabaseError, OSError) as error:
            if not is_transient(error, self._path.parent):
                self._discard(f"it cannot be read ({error})")
            else:  # e.g. a full disk: the file may be fine; it is kept, the log is re-read
                _log.warning("state cache %s not read (%s); kept, not used", self._path, error)
        return None

    # ------------------------------------------------------------------ reading
    def _read(self, expected_fingerprint: str) -> CachedState | None:
        with self._connect() as db:
            _check_version(db)
            meta = db.execute(
                "SELECT fingerprint, saved_at, writer, rest, crc FROM meta"
            ).fetchone()
            if meta is None:
                return None
            fingerprint, saved_at, writer, rest, crc = meta
            _check_crc(crc, _crc(fingerprint, saved_at, writer, rest), "its meta row")
            if fingerprint != expected_fingerprint:
                raise UnusableCacheError(
                    f"it was folded from other topics: {fingerprint!r}, "
                    f"the bridge now reads {expected_fingerprint!r}"
                )
            state = _decode(self._rest_decoder, rest, "its state")
            # Ids the State holds in several places decode as copies: keep one of each.
            ids_once = OneCopy()
            for kind, key, value, crc in db.execute(
                "SELECT kind, key, value, crc FROM entities ORDER BY rowid"
            ):
                _check_entity(kind, key, value, crc)
                if kind == "ticket":
                    ticket = intern_ticket(_decode(self._ticket_decoder, value, f"ticket {key}"))
                    if ticket.ticket_id == key:
                        ticket.ticket_id = key
                    ids_once.of(key)  # the key of its opening id
                    ids_once.event_ids(ticket)
                    state.tickets[key] = ticket
                elif kind == "order":
                    order = intern_order(_decode(self._order_decoder, value, f"order {key}"))
                    if order.order_id == key:
                        order.order_id = key
                    ids_once.event_ids(order)
                    state.orders[key] = order
                elif kind == "agent":
                    state.agents[key] = _decode(self._agent_decoder, value, f"agent {key}")
                else:
                    raise UnusableCacheError(f"it holds an entity of unknown kind {kind!r}")
            state.opened_ids = {
                ids_once.known(ticket_id): ids_once.of(event_id)
                for ticket_id, event_id in state.opened_ids.items()
            }
            segments = 0
            for blob, crc in db.execute("SELECT ids, crc FROM applied_ids ORDER BY seq"):
                _check_crc(crc, _crc(blob), "a segment of event ids")
                ids: list[str] = _decode(self._ids_decoder, blob, "event ids")
                state.applied_event_ids.update(dict.fromkeys(ids_once.known_all(ids)))
                segments += 1
            del ids_once
            offsets: Offsets = {}
            for topic, partition, offset, crc in db.execute(
                "SELECT topic, partition, next_offset, crc FROM offsets"
            ):
                _check_crc(crc, _crc(topic, partition, offset), f"offset row {topic}/{partition}")
                offsets[str(topic), int(partition)] = int(offset)
        self._token = str(writer)
        self._knows_file = True
        applied = state.applied_event_ids
        last = next(reversed(applied)) if applied else None
        self._ids = IdSegments(covered=len(applied), segments=segments, last=last)
        return CachedState(state=state, offsets=offsets, saved_at=str(saved_at))

    # ------------------------------------------------------------------ writing
    def _write_now(
        self,
        state: State,
        offsets: Mapping[tuple[str, int], int],
        fingerprint: str,
        builder: SaveBuilder,
    ) -> SaveBuilder:
        """Write the whole save in one transaction; return the builder that did."""
        try:
            self._write_parts(builder, offsets, fingerprint)
        except NotOurFileError:
            builder = SaveBuilder(state, None, self._ids)
            self._write_parts(builder, offsets, fingerprint)
        return builder

    def _write_parts(
        self, builder: SaveBuilder, offsets: Mapping[tuple[str, int], int], fingerprint: str
    ) -> None:
        with self.transaction(builder.start) as transaction:
            for part in builder.parts():
                transaction.apply(part)
            parts, commit = builder.finish(offsets, fingerprint)
            for part in parts:
                transaction.apply(part)
            transaction.commit(commit)

    # ------------------------------------------------------------------ files
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._path, isolation_level=None)) as db:
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")

    def _discard(self, why: str) -> None:
        _log.warning(
            "state cache %s is unusable: %s; discarding it, the state is rebuilt from the log",
            self._path,
            why,
        )
        self._ids = IdSegments(covered=0, segments=0)
        self._knows_file = False
        for suffix in ("", *_SIDE_FILES):
            Path(f"{self._path}{suffix}").unlink(missing_ok=True)


_T = TypeVar("_T")


def _check_entity(kind: str, key: str, value: bytes, stored: object) -> None:
    """Raise if the row's checksum is not the one stored."""
    _check_crc(stored, _crc(kind, key, value), f"{kind} {key!r}")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for a burst of allocations."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _begin(db: sqlite3.Connection) -> None:
    """Start the write transaction, creating the schema in a new file."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # consistent after a crash; may lose the last
    db.execute("BEGIN IMMEDIATE")
    if int(db.execute("PRAGMA user_version").fetchone()[0]) == 0:
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    _check_version(db)


def _decode(decoder: msgspec.msgpack.Decoder[_T], blob: bytes, what: str) -> _T:
    try:
        return decoder.decode(blob)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise UnusableCacheError(f"{what} does not decode ({error})") from None


def _check_version(db: sqlite3.Connection) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version != FORMAT_VERSION:
        raise UnusableCacheError(
            f"it has format version {version}, this bridge uses {FORMAT_VERSION}"
        )
