"""The history store: evicted closed tickets and terminal orders, on disk (``history.sqlite``).

An ``Archive`` (``bridge.fold.archive``) in one SQLite file of its own: per
entity its kind and key, its customer (indexed: a customer's history is one
query), the MessagePack of the ``Ticket`` / ``Order``, the event ids judged on
it, and a CRC-32 of all that. It is the other half of the bridge's State, so
it is not a cache: it is written durably (``synchronous=FULL``) before the
entities leave memory, and kept across restarts. Its ``generation`` (a random
id in the file) is recorded in the State that evicted into it
(``State.archive``): a State whose archive is gone is not used (the bridge then
folds the log again). A row that fails its checksum raises ``HistoryError``
(the fold quarantines the record that needed it).

Most lookups miss (every new ticket and order asks whether it or its customer
is archived): a ``KeyFilter`` of fixed size in memory, stored in the file with
the rows it describes, answers those without a query, and without hashing
while the history is empty (a catch-up from an empty data dir, until its first
eviction).

One connection, used by the thread that owns the State. See docs/STORAGE.md.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
import zlib
from pathlib import Path

import msgspec

from bridge.fold.archive import ArchivedKey, ArchivedKind, ArchiveEntry
from bridge.fold.interning import intern_order, intern_ticket
from bridge.paths import create_private_file
from bridge.wire.entities import Order, Ticket

_log = logging.getLogger(__name__)

FORMAT_VERSION = 1
_SIDE_FILES = ("-wal", "-shm", "-journal")
FILTER_BITS = 1 << 25  # 4 MiB: ~0.5% false positives at 2 million keys and customers
FILTER_HASHES = 3
_MASK = FILTER_BITS - 1
_SEED = 0x9E3779B9
_SCHEMA = (
    """CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), generation TEXT NOT NULL,
    filter BLOB)""",
    """CREATE TABLE archived (kind TEXT NOT NULL, key TEXT NOT NULL, customer_id TEXT NOT NULL,
    value BLOB NOT NULL, ids BLOB NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (kind, key))
    WITHOUT ROWID""",
    "CREATE INDEX archived_customer ON archived (customer_id)",
)
_PUT = (
    "INSERT OR REPLACE INTO archived (kind, key, customer_id, value, ids, crc)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


class HistoryError(Exception):
    """The history file cannot be used as it is (a row failing its checksum, not SQLite)."""


def _crc(kind: str, key: str, customer_id: str, value: bytes, ids: bytes) -> int:
    crc = 0
    for part in (kind, key, customer_id):
        crc = zlib.crc32(part.encode("utf-8") + b"\x00", crc)
    return zlib.crc32(ids, zlib.crc32(value, crc))


class KeyFilter:
    """A Bloom filter over strings: ``might_hold`` is false only for one never ``add``-ed.

    Deterministic (CRC-32 double hashing), so it can be stored and read back.
    """

    def __init__(self, bits: bytes | None = None) -> None:
        self._bits = bytearray(bits) if bits is not None else bytearray(FILTER_BITS // 8)
        self.empty = bits is None or bits == bytes(len(bits))
        """Whether nothing was added: every answer is ``False`` (a history being started)."""

    @property
    def bits(self) -> bytes:
        """The filter as stored."""
        return bytes(self._bits)

    def add(self, text: str) -> None:
        """Remember ``text``."""
        self.empty = False
        bits = self._bits
        data = text.encode("utf-8", "surrogatepass")
        first, step = zlib.crc32(data), zlib.crc32(data, _SEED) | 1
        for i in range(FILTER_HASHES):
            index = (first + i * step) & _MASK
            bits[index >> 3] |= 1 << (index & 7)

    def might_hold(self, text: str) -> bool:
        """Whether ``text`` may have been added (``False``: surely not)."""
        bits = self._bits
        data = text.encode("utf-8", "surrogatepass")
        first = zlib.crc32(data)
        index = first & _MASK
        if not bits[index >> 3] & (1 << (index & 7)):
            return False  # the usual answer, after one hash
        step = zlib.crc32(data, _SEED) | 1
        for i in range(1, FILTER_HASHES):
            index = (first + i * step) & _MASK
            if not bits[index >> 3] & (1 << (index & 7)):
                return False
        return True


class HistoryStore:
    """The history file at ``path`` (created 0600 if absent; one of another format is replaced)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._encode = msgspec.msgpack.Encoder().encode
        self._ticket = msgspec.msgpack.Decoder(Ticket)
        self._order = msgspec.msgpack.Decoder(Order)
        self._ids = msgspec.msgpack.Decoder(tuple[list[str], str | None])
        self._db = self._open()
        generation, bits = self._db.execute("SELECT generation, filter FROM meta").fetchone()
        self.generation: str = generation
        self._filter = self._read_filter(bits)

    @property
    def path(self) -> Path:
        """Where the history lives."""
        return self._path

    def get(self, kind: ArchivedKind, key: str) -> ArchiveEntry | None:
        """The archived copy of an entity, if any."""
        known = self._filter
        if known.empty or not known.might_hold(f"{kind}:{key}"):
            return None
        row = self._db.execute(
            "SELECT customer_id, value, ids, crc FROM archived WHERE kind = ? AND key = ?",
            (kind, key),
        ).fetchone()
        if row is None:
            return None
        customer_id, value, ids, crc = row
        if _crc(kind, key, customer_id, value, ids) != crc:
            raise HistoryError(f"history {self._path}: {kind} {key!r} fails its checksum")
        try:
            entity: Ticket | Order = (
                intern_ticket(self._ticket.decode(value))
                if kind == "ticket"
                else intern_order(self._order.decode(value))
            )
            event_ids, opened_id = self._ids.decode(ids)
            return ArchiveEntry(kind, key, customer_id, entity, event_ids, opened_id)
        except msgspec.DecodeError as error:
            raise HistoryError(f"history {self._path}: {kind} {key!r}: {error}") from None

    def keys_of_customer(self, customer_id: str) -> list[ArchivedKey]:
        """Every archived entity of a customer."""
        known = self._filter
        if known.empty or not known.might_hold(f"customer:{customer_id}"):
            return []
        rows = self._db.execute(
            "SELECT kind, key FROM archived WHERE customer_id = ? ORDER BY kind, key",
            (customer_id,),
        ).fetchall()
        return [(kind, key) for kind, key in rows]

    def customer_history(self, customer_id: str) -> list[Ticket | Order]:
        """Every archived ticket and order of a customer (checked like ``get``)."""
        found = []
        for kind, key in self.keys_of_customer(customer_id):
            entry = self.get(kind, key)
            if entry is not None:
                found.append(entry.entity)
        return found

    def put(self, entries: list[ArchiveEntry]) -> None:
        """Store ``entries`` (replacing older copies) in one durable transaction."""
        encode = self._encode
        rows = []
        for entry in entries:
            value, ids = encode(entry.entity), encode((entry.event_ids, entry.opened_id))
            crc = _crc(entry.kind, entry.key, entry.customer_id, value, ids)
            rows.append((entry.kind, entry.key, entry.customer_id, value, ids, crc))
            self._filter.add(f"{entry.kind}:{entry.key}")
            self._filter.add(f"customer:{entry.customer_id}")
        with self._db:
            self._db.executemany(_PUT, rows)
            self._db.execute("UPDATE meta SET filter = ?", (self._filter.bits,))

    def count(self) -> int:
        """How many entities the history holds."""
        return int(self._db.execute("SELECT count(*) FROM archived").fetchone()[0])

    def clear(self) -> None:
        """Forget every entity and start a new generation (the State is folded anew)."""
        with self._db:
            self._db.execute("DELETE FROM archived")
            self.generation = uuid.uuid4().hex
            self._db.execute("UPDATE meta SET generation = ?, filter = NULL", (self.generation,))
        self._filter = KeyFilter()

    def _read_filter(self, bits: object) -> KeyFilter:
        """The stored filter, or one rebuilt from the rows (a file without a usable one)."""
        if isinstance(bits, bytes) and len(bits) == FILTER_BITS // 8:
            return KeyFilter(bits)
        rebuilt = KeyFilter()
        for kind, key, customer_id in self._db.execute(
            "SELECT kind, key, customer_id FROM archived"
        ):
            rebuilt.add(f"{kind}:{key}")
            rebuilt.add(f"customer:{customer_id}")
        return rebuilt

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def _open(self) -> sqlite3.Connection:
        create_private_file(self._path)
        try:
            return self._connect()
        except (HistoryError, sqlite3.DatabaseError) as error:
            _log.warning("history %s is unusable (%s); starting a new one", self._path, error)
            for suffix in ("", *_SIDE_FILES):
                Path(f"{self._path}{suffix}").unlink(missing_ok=True)
            create_private_file(self._path)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, isolation_level="DEFERRED")  # ``with db``: commit
        try:
            _prepare(db)
        except BaseException:
            db.close()
            raise
        return db


def _prepare(db: sqlite3.Connection) -> None:
    """Set the journal, create the schema in a new file, check the version of another."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # the other half of the State: durable
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version == 0:
        with db:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO meta (id, generation) VALUES (1, ?)", (uuid.uuid4().hex,))
            db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    elif version != FORMAT_VERSION:
        raise HistoryError(f"format version {version}, this bridge uses {FORMAT_VERSION}")
