"""The durable outbox: agent actions on disk from "queued" until the log confirms or rejects them.

One SQLite file (WAL journal, ``synchronous=FULL``): when :meth:`Outbox.enqueue`
returns, the entry is on disk and survives a crash of the process or the machine.
An entry's life: ``queued`` -> ``sent`` (the broker acknowledged it) ->
``confirmed`` / ``rejected`` (the fold applied or refused it). The fold may
confirm an entry before its delivery report arrives; a verdict is final.

Crash/resend rule: every :class:`Outbox` instance has its own session id, and
:meth:`Outbox.mark_sent` stamps the entry with it. :meth:`Outbox.next_to_send`
offers, in enqueue order, every ``queued`` entry and every ``sent`` entry that
another session marked (the bridge died before the log gave its verdict). Such
an entry is produced again; the copy carries the same event id, so the fold
ignores it if the first copy is in the log. Entries of one ticket are offered
in their enqueue order, so one idempotent producer keeps their order in the log.

Threads: every method holds the instance's lock, so one instance may be shared.
The bridge gives the Kafka writer thread its own instance (its own connection
and session); SQLite serializes writers across connections (``busy_timeout``).
See docs/STORAGE.md.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, get_args

from bridge.contract.envelope import rfc3339
from bridge.contract.events import TopicKind, topic_name
from bridge.contract.topics import Topics
from bridge.fold.result import Outcome

OutboxState = Literal["queued", "sent", "confirmed", "rejected"]
FinalState = Literal["confirmed", "rejected"]
Clock = Callable[[], dt.datetime]

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0
_COLUMNS = (
    "seq, event_id, ticket_id, topic_kind, value, state, reason, created_at, updated_at, attempts"
)
# Index i upgrades the schema from version i to version i + 1.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        ticket_id TEXT NOT NULL,
        topic_kind TEXT NOT NULL,
        value BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'rejected')),
        reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        sent_by TEXT
    );
    CREATE INDEX outbox_unfinished ON outbox (seq) WHERE state IN ('queued', 'sent');
    CREATE INDEX outbox_ticket ON outbox (ticket_id, seq);
    """,
)


class OutboxError(Exception):
    """The outbox file cannot be used (corrupt, or written by a newer bridge); nothing is lost."""


@dataclass(frozen=True)
class OutboxEntry:
    """One agent action as the outbox holds it."""

    seq: int
    event_id: str
    ticket_id: str
    topic_kind: TopicKind
    value: bytes
    state: OutboxState
    reason: str | None
    created_at: str
    updated_at: str
    attempts: int  # broker acknowledgements: more than one means it was produced again

    @property
    def finished(self) -> bool:
        """Whether the log gave its verdict (confirmed or rejected)."""
        return self.state in ("confirmed", "rejected")


@dataclass(frozen=True)
class PendingRecord:
    """An entry as the Kafka writer produces it: topic name, key, value."""

    event_id: str
    key: str
    topic: str
    value: bytes


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Outbox:
    """The outbox file; see the module docstring for durability, resend and thread rules."""

    def __init__(self, path: Path, *, clock: Clock = _utc_now) -> None:
        self._path = path
        self._clock = clock
        self._session = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            self._prepare()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise OutboxError(f"cannot open the outbox {path}: {error}") from error
        except OutboxError:
            self._db.close()
            raise

    # ------------------------------------------------------------------ lifecycle
    def _prepare(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        if int(self._db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION:
            return  # nothing to write: opening works on a full disk too
        with self._transaction():
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise OutboxError(
                    f"the outbox {self._path} has schema version {version}, written by a newer "
                    f"bridge (this one knows up to {SCHEMA_VERSION}); it is left untouched"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection; entries stay on disk."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def enqueue(
        self, *, event_id: str, ticket_id: str, topic_kind: TopicKind, value: bytes
    ) -> OutboxEntry:
        """Store an action as ``queued`` (on disk when this returns) and return its entry.

        Idempotent: if ``event_id`` is already in the outbox, nothing changes and the
        existing entry (with its current state) is returned.
        """
        now = self._now()
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO outbox (event_id, ticket_id, topic_kind, value, state,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)"
                " ON CONFLICT (event_id) DO NOTHING",
                (event_id, ticket_id, topic_kind, value, now, now),
            )
            entry = self._get(event_id)
        assert entry is not None  # noqa: S101  (inserted or already there, in one transaction)
        return entry

    def mark_sent(self, event_id: str) -> OutboxEntry | None:
        """Record the broker's acknowledgement (a finished entry keeps its verdict)."""
        with self._lock, self._transaction():
            self._db.execute(
                "UPDATE outbox SET state = 'sent', sent_by = ?, attempts = attempts + 1,"
                " updated_at = ? WHERE event_id = ? AND state IN ('queued', 'sent')",
                (self._session, self._now(), event_id),
            )
            return self._get(event_id)

    def finish(self, event_id: str, state: FinalState, reason: str | None) -> OutboxEntry | None:
        """Record the log's verdict; the first verdict wins. ``None``: no such entry."""
        with self._lock, self._transaction():
            self._db.execute(
                "UPDATE outbox SET state = ?, reason = ?, updated_at = ?"
                " WHERE event_id = ? AND state IN ('queued', 'sent')",
                (state, reason, self._now(), event_id),
            )
            return self._get(event_id)

    def mark_confirmed(self, event_id: str) -> OutboxEntry | None:
        """The fold applied the event."""
        return self.finish(event_id, "confirmed", None)

    def mark_rejected(self, event_id: str, reason: str) -> OutboxEntry | None:
        """The fold refused the event (e.g. a claim lost to another agent)."""
        return self.finish(event_id, "rejected", reason)

    def resolve_from_fold(
        self, event_id: str, outcome: Outcome, reason: str | None
    ) -> OutboxEntry | None:
        """Apply a fold outcome: applied confirms; rejected or quarantined rejects.

        ``duplicate`` and ``skipped`` say nothing about this entry: it is returned unchanged.
        """
        if outcome == "applied":
            return self.mark_confirmed(event_id)
        if outcome in ("rejected", "quarantined"):
            return self.mark_rejected(event_id, reason or outcome)
        return self.get(event_id)

    def prune(self, older_than: dt.datetime) -> int:
        """Delete finished entries last updated before ``older_than``; return how many."""
        with self._lock, self._transaction():
            cursor = self._db.execute(
                "DELETE FROM outbox WHERE state IN ('confirmed', 'rejected') AND updated_at < ?",
                (rfc3339(older_than),),
            )
            return cursor.rowcount

    # ------------------------------------------------------------------ reading
    def next_to_send(self, limit: int) -> list[OutboxEntry]:
        """Entries to produce, in enqueue order: queued ones and those sent by another session."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608  (a constant column list)
                " WHERE state IN ('queued', 'sent') AND (state = 'queued' OR sent_by != ?)"
                " ORDER BY seq LIMIT ?",
                (self._session, limit),
            ).fetchall()
        return [_entry(row) for row in rows]

    def get(self, event_id: str) -> OutboxEntry | None:
        """The entry of ``event_id``, if the outbox holds it."""
        with self._lock:
            return self._get(event_id)

    def entries_for_ticket(self, ticket_id: str) -> list[OutboxEntry]:
        """Every entry of one ticket, in enqueue order."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE ticket_id = ? ORDER BY seq",  # noqa: S608
                (ticket_id,),
            ).fetchall()
        return [_entry(row) for row in rows]

    def unfinished_ids(self) -> list[str]:
        """Event ids still waiting for the log's verdict (queued or sent), in enqueue order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id FROM outbox WHERE state IN ('queued', 'sent') ORDER BY seq"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def pending_count(self) -> int:
        """How many entries wait for the log's verdict (queued or sent)."""
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sent')"
            ).fetchone()
        return int(row[0])

    def as_pending_source(self, topics: Topics) -> OutboxPendingSource:
        """This outbox as the Kafka writer sees it (topic names from ``topics``)."""
        return OutboxPendingSource(self, topics)

    # ------------------------------------------------------------------ internals
    def _now(self) -> str:
        return rfc3339(self._clock())

    def _get(self, event_id: str) -> OutboxEntry | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE event_id = ?",  # noqa: S608
            (event_id,),
        ).fetchone()
        return None if row is None else _entry(row)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


class OutboxPendingSource:
    """Adapter of an :class:`Outbox` to the Kafka writer's ``PendingSource`` protocol."""

    def __init__(self, outbox: Outbox, topics: Topics) -> None:
        self._outbox = outbox
        self._topics = topics

    def pending(self, limit: int) -> list[PendingRecord]:
        """Entries to produce, oldest first (see :meth:`Outbox.next_to_send`)."""
        return [
            PendingRecord(
                event_id=entry.event_id,
                key=entry.ticket_id,
                topic=topic_name(entry.topic_kind, self._topics),
                value=entry.value,
            )
            for entry in self._outbox.next_to_send(limit)
        ]

    def mark_sent(self, event_id: str) -> None:
        """Record the broker's acknowledgement."""
        self._outbox.mark_sent(event_id)

    def close(self) -> None:
        """Close the underlying outbox."""
        self._outbox.close()


_STATES: dict[str, OutboxState] = {state: state for state in get_args(OutboxState)}
_KINDS: dict[str, TopicKind] = {kind: kind for kind in get_args(TopicKind)}


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    seq, event_id, ticket_id, kind, value, state, reason, created, updated, attempts = row
    if state not in _STATES or kind not in _KINDS:
        raise OutboxError(f"outbox row {seq} has state {state!r} and topic kind {kind!r}")
    return OutboxEntry(
        seq=seq,
        event_id=event_id,
        ticket_id=ticket_id,
        topic_kind=_KINDS[kind],
        value=bytes(value),
        state=_STATES[state],
        reason=reason,
        created_at=created,
        updated_at=updated,
        attempts=attempts,
    )
