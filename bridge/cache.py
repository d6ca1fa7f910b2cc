"""The state cache: the folded State and the offsets it reflects, so a restart resumes exactly.

One SQLite file: each ticket, order and agent presence in its own row
(MessagePack), each applied event id in its own row, the rest of the State
(quarantine, counters, next offsets) in one row with the topics fingerprint and
the save time, and per (topic, partition) the next offset to read. A save is one
transaction. Every row carries a CRC-32 of its content, checked on load: SQLite
does not checksum its pages, so without it a flipped byte would be served as
the truth. Given the keys the fold touched since the last save (``changed``,
see ``UnsavedChanges``) it writes only those rows; without them it re-encodes
every entity to find what changed. Either way saving every few seconds stays
cheap with tens of thousands of tickets.

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
import logging
import sqlite3
import uuid
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import msgspec

from bridge.contract.envelope import rfc3339
from bridge.fold.result import FoldResult
from bridge.fold.state import State
from bridge.storage_errors import is_disk_full, is_transient
from bridge.wire.entities import Order, Presence, Ticket

_log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Offsets = dict[tuple[str, int], int]
Entity = Ticket | Order | Presence
ENTITY_KINDS = ("ticket", "order", "agent")
# What ``save(changed=...)`` lists: an entity the fold touched, or an event id it judged.
CHANGE_KINDS = frozenset({"ticket", "order", "agent", "event_id"})
FORMAT_VERSION = 4  # 3: Ticket.tags, Presence.viewing/composing (contract 1.1); 4: row CRCs
UNSAVED_LIMIT = 200_000  # keys UnsavedChanges tracks before it asks for a comparing save
_SIDE_FILES = ("-wal", "-shm", "-journal")
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
ID_SEGMENT_LIMIT = 256  # appended segments of event ids before they are merged into one


@dataclass(frozen=True)
class CachedState:
    """What a load returns: the State, where to resume reading, and when it was saved."""

    state: State
    offsets: Offsets
    saved_at: str


class UnsavedChanges:
    """The keys the fold touched since the last save: the ``changed`` of ``StateCache.save``.

    ``note`` every FoldResult; ``clear`` after a successful save (after a failed one
    keep them: the next save writes them too). Past ``limit`` keys it stops
    tracking and ``keys`` is ``None``, so the next save compares everything:
    memory stays bounded while saves fail or the fold catches up on a long backlog.
    """

    def __init__(self, limit: int = UNSAVED_LIMIT) -> None:
        self._limit = limit
        self._keys: set[tuple[str, str]] | None = set()

    def note(self, result: FoldResult) -> None:
        """Remember the entities ``result`` touched and the event id it judged."""
        if self._keys is None:
            return
        self._keys.update(result.touched)
        if result.event_id is not None:
            self._keys.add(("event_id", result.event_id))
        if len(self._keys) > self._limit:
            self._keys = None

    @property
    def keys(self) -> Collection[tuple[str, str]] | None:
        """What to pass as ``changed``: the touched keys, or ``None`` (too many: compare all)."""
        return self._keys

    def clear(self) -> None:
        """Forget everything: the State as it is now has been saved."""
        self._keys = set()


@dataclass(frozen=True)
class _IdSegments:
    """What the file holds of ``applied_event_ids``: how many it covers, in how many rows.

    Segments may repeat an id; a load unions them.
    """

    covered: int
    segments: int


class _UnusableCacheError(Exception):
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
        raise _UnusableCacheError(f"{what} fails its checksum (the file was altered or damaged)")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StateCache:
    """The cache file at ``path``; each call opens and closes its own connection.

    It remembers the checksum of every entity row it last wrote (or loaded), how many
    applied event ids the file holds, and a writer token stored in the file; when
    the file is not the one it wrote (new, discarded, replaced), it writes everything.
    """

    def __init__(self, path: Path, *, clock: Clock = _utc_now) -> None:
        self._path = path
        self._clock = clock
        self._encoder = msgspec.msgpack.Encoder()
        self._rest_decoder = msgspec.msgpack.Decoder(State)
        self._ids_decoder = msgspec.msgpack.Decoder(list[str])
        self._ticket_decoder = msgspec.msgpack.Decoder(Ticket)
        self._order_decoder = msgspec.msgpack.Decoder(Order)
        self._agent_decoder = msgspec.msgpack.Decoder(Presence)
        self._token = uuid.uuid4().hex
        self._written: dict[tuple[str, str], int] = {}  # what the file holds: checksums
        self._ids = _IdSegments(covered=0, segments=0)
        self._disk_full = False

    @property
    def path(self) -> Path:
        """Where the cache lives."""
        return self._path

    @property
    def disk_full(self) -> bool:
        """Whether the last save failed for want of disk space (the file is kept as it was)."""
        return self._disk_full

    def save(
        self,
        state: State,
        offsets: Mapping[tuple[str, int], int],
        fingerprint: str,
        changed: Collection[tuple[str, str]] | None = None,
    ) -> bool:
        """Replace the cached snapshot in one transaction; return whether it was saved.

        ``changed`` lists every (kind, key) the fold touched since the last
        successful save: kinds ``ticket``, ``order``, ``agent`` (a key no longer in
        the State is deleted) and ``event_id`` (written if the State holds it as
        applied). Only those rows are written; an entity changed but not listed is
        not. ``None`` re-encodes every entity to find the changes. When the file is
        not the one this instance wrote, everything is written either way.

        A file that cannot be used (corrupt, not SQLite, another format) is
        discarded and written anew. Other failures are logged, not raised: the
        cache is an optimization. A full disk leaves the file as it was and sets
        ``disk_full`` until a save succeeds.
        """
        if changed is not None:
            unknown = {kind for kind, _ in changed} - CHANGE_KINDS
            if unknown:
                raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
        rows = [(topic, partition, offset) for (topic, partition), offset in offsets.items()]
        try:
            try:
                self._write(state, rows, fingerprint, changed)
            except (_UnusableCacheError, sqlite3.DatabaseError) as error:
                if not isinstance(error, _UnusableCacheError) and is_transient(
                    error, self._path.parent
                ):
                    raise
                self._discard(str(error))
                self._write(state, rows, fingerprint, changed)  # on a fresh file: everything
        except (_UnusableCacheError, sqlite3.Error, OSError) as error:
            full = is_disk_full(error, self._path.parent)
            if full and not self._disk_full:
                _log.warning(
                    "state cache %s not saved: the disk is full; kept as it was", self._path
                )
            elif not full:
                _log.warning("state cache %s not saved: %s", self._path, error)
            self._disk_full = full
            return False
        self._disk_full = False
        return True

    def load(self, expected_fingerprint: str) -> CachedState | None:
        """Return the cached snapshot, or ``None`` (no cache, or an unusable one, now discarded)."""
        if not self._path.exists():
            return None
        try:
            with _gc_paused():  # decoding 40,000 entities: collections would double the time
                return self._read(expected_fingerprint)
        except _UnusableCacheError as error:
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
                raise _UnusableCacheError(
                    f"it was folded from other topics: {fingerprint!r}, "
                    f"the bridge now reads {expected_fingerprint!r}"
                )
            state = _decode(self._rest_decoder, rest, "its state")
            written: dict[tuple[str, str], int] = {}
            for kind, key, value, crc in db.execute(
                "SELECT kind, key, value, crc FROM entities ORDER BY rowid"
            ):
                written[kind, key] = _check_entity(kind, key, value, crc)
                if kind == "ticket":
                    state.tickets[key] = _decode(self._ticket_decoder, value, f"ticket {key}")
                elif kind == "order":
                    state.orders[key] = _decode(self._order_decoder, value, f"order {key}")
                elif kind == "agent":
                    state.agents[key] = _decode(self._agent_decoder, value, f"agent {key}")
                else:
                    raise _UnusableCacheError(f"it holds an entity of unknown kind {kind!r}")
            segments = 0
            for blob, crc in db.execute("SELECT ids, crc FROM applied_ids ORDER BY seq"):
                _check_crc(crc, _crc(blob), "a segment of event ids")
                ids: list[str] = _decode(self._ids_decoder, blob, "event ids")
                state.applied_event_ids.update(ids)
                segments += 1
            offsets: Offsets = {}
            for topic, partition, offset, crc in db.execute(
                "SELECT topic, partition, next_offset, crc FROM offsets"
            ):
                _check_crc(crc, _crc(topic, partition, offset), f"offset row {topic}/{partition}")
                offsets[str(topic), int(partition)] = int(offset)
        self._token, self._written = str(writer), written
        self._ids = _IdSegments(covered=len(state.applied_event_ids), segments=segments)
        return CachedState(state=state, offsets=offsets, saved_at=str(saved_at))

    # ------------------------------------------------------------------ writing
    def _write(
        self,
        state: State,
        rows: list[tuple[str, int, int]],
        fingerprint: str,
        changed: Collection[tuple[str, str]] | None,
    ) -> None:
        rest = self._encoder.encode(
            msgspec.structs.replace(
                state, tickets={}, orders={}, agents={}, applied_event_ids=set()
            )
        )
        with self._connect() as db:
            _begin(db)
            writer = db.execute("SELECT writer FROM meta").fetchone()
            if writer is None or writer[0] != self._token:  # not the file we wrote: write all
                written, ids = self._write_all(db, state)
            else:
                dirty = self._diff(state) if changed is None else _entity_keys(changed)
                written = self._write_dirty(db, state, dirty)
                listed = (
                    None if changed is None else [k for kind, k in changed if kind == "event_id"]
                )
                ids = self._write_ids(db, state, listed)
            db.execute("DELETE FROM offsets")
            db.executemany(
                "INSERT INTO offsets VALUES (?, ?, ?, ?)",
                [(topic, part, offset, _crc(topic, part, offset)) for topic, part, offset in rows],
            )
            saved_at = rfc3339(self._clock())
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (1, ?, ?, ?, ?, ?)",
                (
                    fingerprint,
                    saved_at,
                    self._token,
                    rest,
                    _crc(fingerprint, saved_at, self._token, rest),
                ),
            )
            db.execute("COMMIT")
        self._written, self._ids = written, ids

    def _write_all(
        self, db: sqlite3.Connection, state: State
    ) -> tuple[dict[tuple[str, str], int], _IdSegments]:
        """Replace every entity and event id; return the new bookkeeping."""
        db.execute("DELETE FROM entities")
        written: dict[tuple[str, str], int] = {}
        db.executemany(_UPSERT, self._encoded(state, written, _all_keys(state)))
        return written, self._rewrite_ids(db, state)

    def _diff(self, state: State) -> dict[str, set[str]]:
        """Every entity whose encoding differs from what the file holds, or that is gone."""
        encode = self._encoder.encode
        dirty: dict[str, set[str]] = {kind: set() for kind in ENTITY_KINDS}
        for kind, table in _tables(state).items():
            for key, entity in table.items():
                if self._written.get((kind, key)) != _crc(kind, key, encode(entity)):
                    dirty[kind].add(key)
        for kind, key in self._written.keys() - _all_keys(state):
            dirty[kind].add(key)
        return dirty

    def _write_dirty(
        self, db: sqlite3.Connection, state: State, dirty: Mapping[str, set[str]]
    ) -> dict[tuple[str, str], int]:
        """Write (or delete) the dirty entity rows, keeping the State's order; new bookkeeping."""
        tables = _tables(state)
        written = self._written
        if any(dirty.values()):
            written = dict(written)  # committed to self._written only after COMMIT
        if dirty.get("agent"):
            # Few agents; a tombstone then a new presence moves one to the end: rewrite all.
            db.execute("DELETE FROM entities WHERE kind = 'agent'")
            for key in [k for k in written if k[0] == "agent"]:
                del written[key]
            db.executemany(_UPSERT, self._encoded(state, written, _keys(state, "agent")))
        for kind in ("ticket", "order"):
            keys = dirty.get(kind, set())
            table = tables[kind]
            gone = [(kind, key) for key in keys if key not in table]
            db.executemany("DELETE FROM entities WHERE kind = ? AND key = ?", gone)
            for pair in gone:
                written.pop(pair, None)
            update = [(kind, key) for key in keys if key in table and (kind, key) in written]
            new = {key for key in keys if key in table and (kind, key) not in written}
            if new:  # appended in the State's order, which a load keeps (rowid)
                update += [(kind, key) for key in table if key in new]
            db.executemany(_UPSERT, self._encoded(state, written, update))
        return written

    def _write_ids(
        self, db: sqlite3.Connection, state: State, listed: list[str] | None
    ) -> _IdSegments:
        """Append the listed applied event ids as one segment; return the new bookkeeping.

        The fold only ever adds ids: the file is complete when it covers as many
        as the State holds. All ids are written again as one segment when that
        cannot be vouched for (``None``, or fewer listed than the State gained:
        logged, the caller missed some), and every ``ID_SEGMENT_LIMIT`` saves.
        """
        applied = state.applied_event_ids
        gained = len(applied) - self._ids.covered
        if gained == 0:
            return self._ids
        if listed is None or gained < 0:
            return self._rewrite_ids(db, state)
        new = [event_id for event_id in listed if event_id in applied]
        if len(new) < gained:
            _log.warning(
                "state cache %s: %d applied event ids were not listed as changed;"
                " writing all of them",
                self._path,
                gained - len(new),
            )
            return self._rewrite_ids(db, state)
        if self._ids.segments >= ID_SEGMENT_LIMIT:
            return self._rewrite_ids(db, state)
        blob = self._encoder.encode(new)
        db.execute(_INSERT_IDS, (blob, _crc(blob)))
        return _IdSegments(covered=len(applied), segments=self._ids.segments + 1)

    def _rewrite_ids(self, db: sqlite3.Connection, state: State) -> _IdSegments:
        db.execute("DELETE FROM applied_ids")
        blob = self._encoder.encode(state.applied_event_ids)
        db.execute(_INSERT_IDS, (blob, _crc(blob)))
        return _IdSegments(covered=len(state.applied_event_ids), segments=1)

    def _encoded(
        self,
        state: State,
        written: dict[tuple[str, str], int],
        keys: Iterable[tuple[str, str]],
    ) -> Iterator[tuple[str, str, bytes, int]]:
        """Rows for ``keys`` (all in ``state``), recording their checksums in ``written``."""
        tables = _tables(state)
        encode = self._encoder.encode
        for kind, key in keys:
            blob = encode(tables[kind][key])
            crc = _crc(kind, key, blob)
            written[kind, key] = crc
            yield kind, key, blob, crc

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
        self._written, self._ids = {}, _IdSegments(covered=0, segments=0)
        for suffix in ("", *_SIDE_FILES):
            Path(f"{self._path}{suffix}").unlink(missing_ok=True)


_T = TypeVar("_T")


def _check_entity(kind: str, key: str, value: bytes, stored: object) -> int:
    """Return the row's checksum, or raise if it is not the one stored."""
    crc = _crc(kind, key, value)
    _check_crc(stored, crc, f"{kind} {key!r}")
    return crc


def _tables(state: State) -> dict[str, Mapping[str, Entity]]:
    """The State's entity tables by kind (the State's own dicts, not copies)."""
    return {"ticket": state.tickets, "order": state.orders, "agent": state.agents}


def _keys(state: State, kind: str) -> list[tuple[str, str]]:
    return [(kind, key) for key in _tables(state)[kind]]


def _all_keys(state: State) -> list[tuple[str, str]]:
    return [pair for kind in ENTITY_KINDS for pair in _keys(state, kind)]


def _entity_keys(changed: Collection[tuple[str, str]]) -> dict[str, set[str]]:
    """The listed entity keys by kind (event ids are written apart)."""
    dirty: dict[str, set[str]] = {kind: set() for kind in ENTITY_KINDS}
    for kind, key in changed:
        if kind in dirty:
            dirty[kind].add(key)
    return dirty


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
        raise _UnusableCacheError(f"{what} does not decode ({error})") from None


def _check_version(db: sqlite3.Connection) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version != FORMAT_VERSION:
        raise _UnusableCacheError(
            f"it has format version {version}, this bridge uses {FORMAT_VERSION}"
        )
