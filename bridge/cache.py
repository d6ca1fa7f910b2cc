"""The state cache: the folded State and the offsets it reflects, so a restart resumes exactly.

One SQLite file: each ticket and each order in its own row (MessagePack), the
rest of the State in one row with the topics fingerprint and the save time, and
per (topic, partition) the next offset to read. A save is one transaction and
writes only the tickets and orders whose encoding changed since the last save,
so saving every few seconds stays cheap with tens of thousands of tickets.

The cache is only an optimization: a file that cannot be used (not SQLite,
corrupt, another format version, a State that does not decode, other topics)
is logged, deleted and reported as absent, and the bridge rebuilds its state
from the log. One writer per file (the bridge's data-dir lock). See docs/STORAGE.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import msgspec

from bridge.contract.envelope import rfc3339
from bridge.fold.state import Order, State, Ticket

_log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Offsets = dict[tuple[str, int], int]
EntityKind = Literal["ticket", "order"]
FORMAT_VERSION = 1
_SIDE_FILES = ("-wal", "-shm", "-journal")
_SCHEMA = (
    """CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL,
    saved_at TEXT NOT NULL, writer TEXT NOT NULL, rest BLOB NOT NULL)""",
    """CREATE TABLE entities (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    UNIQUE (kind, key))""",
    """CREATE TABLE offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL,
    next_offset INTEGER NOT NULL, PRIMARY KEY (topic, partition))""",
)
_UPSERT = (
    "INSERT INTO entities (kind, key, value) VALUES (?, ?, ?)"
    " ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value"
)


@dataclass(frozen=True)
class CachedState:
    """What a load returns: the State, where to resume reading, and when it was saved."""

    state: State
    offsets: Offsets
    saved_at: str


class _UnusableCacheError(Exception):
    """The cache file exists but cannot be used; the message says why."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StateCache:
    """The cache file at ``path``; each call opens and closes its own connection.

    It remembers a hash of every ticket and order it last wrote (or loaded), and a
    writer token stored in the file; when the file is not the one it wrote (new,
    discarded, replaced), it writes everything.
    """

    def __init__(self, path: Path, *, clock: Clock = _utc_now) -> None:
        self._path = path
        self._clock = clock
        self._encoder = msgspec.msgpack.Encoder()
        self._rest_decoder = msgspec.msgpack.Decoder(State)
        self._ticket_decoder = msgspec.msgpack.Decoder(Ticket)
        self._order_decoder = msgspec.msgpack.Decoder(Order)
        self._token = uuid.uuid4().hex
        self._written: dict[tuple[EntityKind, str], int] = {}  # what the file holds: hashes

    @property
    def path(self) -> Path:
        """Where the cache lives."""
        return self._path

    def save(self, state: State, offsets: Mapping[tuple[str, int], int], fingerprint: str) -> bool:
        """Replace the cached snapshot in one transaction; return whether it was saved.

        A file that cannot be used is discarded and written anew. Other failures
        (e.g. a full disk) are logged, not raised: the cache is an optimization.
        """
        rows = [(topic, partition, offset) for (topic, partition), offset in offsets.items()]
        try:
            try:
                self._write(state, rows, fingerprint)
            except (_UnusableCacheError, sqlite3.DatabaseError) as error:
                self._discard(str(error))
                self._write(state, rows, fingerprint)  # on a fresh file
        except (_UnusableCacheError, sqlite3.Error, OSError) as error:
            _log.warning("state cache %s not saved: %s", self._path, error)
            return False
        return True

    def load(self, expected_fingerprint: str) -> CachedState | None:
        """Return the cached snapshot, or ``None`` (no cache, or an unusable one, now discarded)."""
        if not self._path.exists():
            return None
        try:
            return self._read(expected_fingerprint)
        except _UnusableCacheError as error:
            self._discard(str(error))
        except (sqlite3.DatabaseError, OSError) as error:
            self._discard(f"it cannot be read ({error})")
        return None

    # ------------------------------------------------------------------ reading
    def _read(self, expected_fingerprint: str) -> CachedState | None:
        with self._connect() as db:
            _check_version(db)
            meta = db.execute("SELECT fingerprint, saved_at, writer, rest FROM meta").fetchone()
            if meta is None:
                return None
            fingerprint, saved_at, writer, rest = meta
            if fingerprint != expected_fingerprint:
                raise _UnusableCacheError(
                    f"it was folded from other topics: {fingerprint!r}, "
                    f"the bridge now reads {expected_fingerprint!r}"
                )
            state = _decode(self._rest_decoder, rest, "its state")
            written: dict[tuple[EntityKind, str], int] = {}
            for kind, key, value in db.execute(
                "SELECT kind, key, value FROM entities ORDER BY rowid"
            ):
                written[kind, key] = hash(value)
                if kind == "ticket":
                    state.tickets[key] = _decode(self._ticket_decoder, value, f"ticket {key}")
                elif kind == "order":
                    state.orders[key] = _decode(self._order_decoder, value, f"order {key}")
                else:
                    raise _UnusableCacheError(f"it holds an entity of unknown kind {kind!r}")
            offsets = {
                (str(topic), int(partition)): int(offset)
                for topic, partition, offset in db.execute(
                    "SELECT topic, partition, next_offset FROM offsets"
                )
            }
        self._token, self._written = str(writer), written
        return CachedState(state=state, offsets=offsets, saved_at=str(saved_at))

    # ------------------------------------------------------------------ writing
    def _write(self, state: State, rows: list[tuple[str, int, int]], fingerprint: str) -> None:
        encode = self._encoder.encode
        current: dict[tuple[EntityKind, str], int] = {}
        changed: list[tuple[EntityKind, str, bytes]] = []
        entities: list[tuple[EntityKind, dict[str, Ticket] | dict[str, Order]]] = [
            ("ticket", state.tickets),
            ("order", state.orders),
        ]
        for kind, table in entities:
            for key, entity in table.items():
                blob = encode(entity)
                digest = current[kind, key] = hash(blob)
                if self._written.get((kind, key)) != digest:
                    changed.append((kind, key, blob))
        rest = encode(msgspec.structs.replace(state, tickets={}, orders={}))
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # consistent after a crash; may lose the last
            db.execute("BEGIN IMMEDIATE")
            if int(db.execute("PRAGMA user_version").fetchone()[0]) == 0:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            _check_version(db)
            writer = db.execute("SELECT writer FROM meta").fetchone()
            if writer is None or writer[0] != self._token:  # not the file we wrote: write all
                db.execute("DELETE FROM entities")
                changed = [
                    (kind, key, encode(entity))
                    for kind, table in entities
                    for key, entity in table.items()
                ]
            else:
                gone = self._written.keys() - current.keys()
                db.executemany("DELETE FROM entities WHERE kind = ? AND key = ?", gone)
            db.executemany(_UPSERT, changed)
            db.execute("DELETE FROM offsets")
            db.executemany("INSERT INTO offsets VALUES (?, ?, ?)", rows)
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (1, ?, ?, ?, ?)",
                (fingerprint, rfc3339(self._clock()), self._token, rest),
            )
            db.execute("COMMIT")
        self._written = current

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
        self._written = {}
        for suffix in ("", *_SIDE_FILES):
            Path(f"{self._path}{suffix}").unlink(missing_ok=True)


_T = TypeVar("_T")


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
