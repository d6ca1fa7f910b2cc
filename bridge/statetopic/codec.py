"""The snapshot topic's records, and the State they rebuild.

One partition, compacted. Keys are UTF-8; every value is a MessagePack
``[format, body]`` (``FORMAT``; a loader refuses any other):

- ``ticket:<id>``, ``order:<id>``, ``agent:<id>``: the entity as the fold holds
  it (a tombstone, i.e. no value, removes it: a presence tombstone deletes an agent);
- ``ids:<n>``: segment ``n`` (0, 1, ...) of the applied event ids, at most
  ``SEGMENT_IDS`` each. Full segments are never written again; the last one is
  rewritten while it fills, so compaction keeps one copy of each;
- ``offsets``: the source offsets the state reflects (``State.next_offsets``),
  the rest of the State (quarantine, counters) and what a loader checks the
  other records against (entity and id counts, the source topics).

A publish is one Kafka transaction: the changed entities, the changed id
segments, then ``offsets``. A reader that reads the partition to its end
(read_committed) sees whole publishes only, so the entities, ids and offsets it
ends with are those of one moment of the materializer's fold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from bridge.contract.topics import Topics
from bridge.fold.result import FoldResult
from bridge.fold.state import QuarantinedRecord, State
from bridge.wire.entities import Order, Presence, Ticket

FORMAT = 1
SEGMENT_IDS = 4096  # event ids per ``ids:<n>`` record (about 130 KB)
OFFSETS_KEY = b"offsets"
ENTITY_KINDS = ("ticket", "order", "agent")

Record = tuple[bytes, bytes | None]  # key, value (None: a tombstone)
_T = TypeVar("_T")


class UnusableSnapshotError(Exception):
    """The topic's records cannot rebuild a State; the message says why."""


class _Envelope(msgspec.Struct, array_like=True):
    format: int
    body: msgspec.Raw


class Manifest(msgspec.Struct, kw_only=True):
    """The ``offsets`` record: where the state stands and what the other records must add up to."""

    sources: list[str]  # the topics folded (orders, tickets, agents)
    next_offsets: dict[str, dict[int, int]]
    quarantined: list[QuarantinedRecord]
    quarantined_count: int
    skipped_unknown_type: int
    tickets: int
    orders: int
    agents: int
    event_ids: int
    id_segments: int
    published_at: str
    bridge_version: str


def sources_of(topics: Topics) -> list[str]:
    """The source topics a published state belongs to."""
    return list(topics.all())


class RecordEncoder:
    """Encodes entities, id segments and the manifest as the topic holds them."""

    def __init__(self) -> None:
        self._encoder = msgspec.msgpack.Encoder()

    def value(self, body: object) -> bytes:
        """The enveloped value of ``body``."""
        raw = msgspec.Raw(self._encoder.encode(body))
        return self._encoder.encode(_Envelope(format=FORMAT, body=raw))

    def entities(self, state: State, changed: Iterable[tuple[str, str]]) -> list[Record]:
        """A record per changed entity: its value, or a tombstone when the State lost it."""
        tables: dict[str, dict[str, Ticket] | dict[str, Order] | dict[str, Presence]] = {
            "ticket": state.tickets,
            "order": state.orders,
            "agent": state.agents,
        }
        records: list[Record] = []
        for kind, key in changed:
            entity = tables[kind].get(key)
            value = None if entity is None else self.value(entity)
            records.append((f"{kind}:{key}".encode(), value))
        return records

    def manifest(
        self, state: State, topics: Topics, segments: int, *, at: str, version: str
    ) -> Record:
        """The ``offsets`` record for ``state`` (written last in a publish)."""
        manifest = Manifest(
            sources=sources_of(topics),
            next_offsets=state.next_offsets,
            quarantined=state.quarantined,
            quarantined_count=state.quarantined_count,
            skipped_unknown_type=state.skipped_unknown_type,
            tickets=len(state.tickets),
            orders=len(state.orders),
            agents=len(state.agents),
            event_ids=len(state.applied_event_ids),
            id_segments=segments,
            published_at=at,
            bridge_version=version,
        )
        return OFFSETS_KEY, self.value(manifest)


class IdSegments:
    """The applied event ids as the topic holds them: full segments and the one filling.

    ``add`` the ids the fold newly applied; ``records`` are the segments to
    write (the filling one and any new ones); ``committed`` after the
    transaction that wrote them committed. After a failed publish, nothing is
    lost: the next ``records`` include the same ids.
    """

    def __init__(
        self, full: int = 0, filling: Collection[str] = (), *, limit: int = SEGMENT_IDS
    ) -> None:
        self._full = full
        self._filling = list(filling)
        self._pending: list[str] = []
        self._limit = limit

    def add(self, event_id: str) -> None:
        """Remember an id the fold applied since the last commit."""
        self._pending.append(event_id)

    def _chunks(self) -> list[list[str]]:
        ids = self._filling + self._pending
        return [ids[i : i + self._limit] for i in range(0, len(ids), self._limit)]

    @property
    def count(self) -> int:
        """How many segments the topic holds once the pending ids are written."""
        return self._full + len(self._chunks())

    def records(self, encoder: RecordEncoder) -> list[Record]:
        """The segments to write: none when no id was added."""
        if not self._pending:
            return []
        return [
            (f"ids:{self._full + n}".encode(), encoder.value(chunk))
            for n, chunk in enumerate(self._chunks())
        ]

    def committed(self) -> None:
        """The segments of ``records`` are in the topic: the full ones are never written again."""
        chunks = self._chunks()
        if chunks and len(chunks[-1]) < self._limit:
            self._filling = chunks[-1]
            self._full += len(chunks) - 1
        else:
            self._filling = []
            self._full += len(chunks)
        self._pending = []


class Unpublished:
    """What the fold changed since the last publish, and the records that publish it.

    ``note`` every FoldResult (with whether its event id is new in the State);
    ``records`` gives the changed entities, the changed id segments and the
    offsets record last; ``committed`` once the transaction holding them committed.
    """

    def __init__(self, segments: IdSegments | None = None) -> None:
        self._segments = segments if segments is not None else IdSegments()
        self._changed: dict[tuple[str, str], None] = {}
        self._encoder = RecordEncoder()
        self.records_folded = 0

    @property
    def changed_entities(self) -> int:
        """How many entities the next publish writes."""
        return len(self._changed)

    def note(self, result: FoldResult, *, new_event_id: bool) -> None:
        """Remember what folding one record changed."""
        self.records_folded += 1
        for entity in result.touched:
            self._changed[entity] = None
        if new_event_id and result.event_id is not None:
            self._segments.add(result.event_id)

    def records(self, state: State, topics: Topics, *, at: str, version: str) -> list[Record]:
        """The publish: changed entities, changed id segments, the offsets record last."""
        records = self._encoder.entities(state, self._changed)
        records += self._segments.records(self._encoder)
        segments = self._segments.count
        records.append(self._encoder.manifest(state, topics, segments, at=at, version=version))
        return records

    def committed(self) -> None:
        """The last ``records`` are in the topic: start over from here."""
        self._segments.committed()
        self._changed = {}
        self.records_folded = 0


@dataclass(frozen=True)
class LoadedSnapshot:
    """What the topic held: the State, the id segments' bookkeeping, when it was published."""

    state: State
    segments: IdSegments
    published_at: str
    records: int


class StateBuilder:
    """Rebuilds a State from the topic's records, read in offset order."""

    def __init__(self, *, segment_ids: int = SEGMENT_IDS) -> None:
        self._segment_ids = segment_ids
        self._manifest_decoder = msgspec.msgpack.Decoder(Manifest)
        self._envelope = msgspec.msgpack.Decoder(_Envelope)
        self._ids = msgspec.msgpack.Decoder(list[str])
        self._ticket = msgspec.msgpack.Decoder(Ticket)
        self._order = msgspec.msgpack.Decoder(Order)
        self._agent = msgspec.msgpack.Decoder(Presence)
        self._tickets: dict[str, bytes] = {}
        self._orders: dict[str, bytes] = {}
        self._agents: dict[str, bytes] = {}
        self._segments: dict[int, bytes] = {}
        self._manifest: bytes | None = None
        self.records = 0

    def add(self, key: bytes | None, value: bytes | None) -> None:
        """Take one record (the last value of a key wins); raises ``UnusableSnapshotError``."""
        self.records += 1
        if key is None:
            raise UnusableSnapshotError("a record has no key")
        try:
            text = key.decode("utf-8")
        except UnicodeDecodeError:
            raise UnusableSnapshotError(f"key {key!r} is not UTF-8") from None
        if key == OFFSETS_KEY:
            self._manifest = value
            return
        kind, _, name = text.partition(":")
        table = {
            "ticket": self._tickets,
            "order": self._orders,
            "agent": self._agents,
        }.get(kind)
        if table is not None and name:
            # Kept encoded until the end: a key rewritten many times is decoded once.
            if value is None:
                table.pop(name, None)
            else:
                table[name] = value
            return
        if kind == "ids" and name.isdigit() and value is not None:
            self._segments[int(name)] = value
            return
        raise UnusableSnapshotError(f"unexpected record {text!r}")

    def build(self, topics: Topics) -> LoadedSnapshot | None:
        """The State the records add up to; ``None`` when nothing was ever published."""
        if self._manifest is None:
            if self._tickets or self._orders or self._agents or self._segments:
                raise UnusableSnapshotError("it has entities but no offsets record")
            return None
        manifest = self._body(self._manifest_decoder, self._manifest, "the offsets record")
        expected = sources_of(topics)
        if manifest.sources != expected:
            raise UnusableSnapshotError(
                f"it was folded from topics {manifest.sources}, this bridge reads {expected}"
            )
        state = State(
            tickets={
                k: self._body(self._ticket, v, f"ticket {k}") for k, v in self._tickets.items()
            },
            orders={k: self._body(self._order, v, f"order {k}") for k, v in self._orders.items()},
            agents={k: self._body(self._agent, v, f"agent {k}") for k, v in self._agents.items()},
            quarantined=manifest.quarantined,
            quarantined_count=manifest.quarantined_count,
            skipped_unknown_type=manifest.skipped_unknown_type,
            next_offsets=manifest.next_offsets,
        )
        last: list[str] = []
        for number in range(manifest.id_segments):
            blob = self._segments.get(number)
            if blob is None:
                raise UnusableSnapshotError(f"event id segment {number} is missing")
            last = self._body(self._ids, blob, f"event id segment {number}")
            state.applied_event_ids.update(dict.fromkeys(last))
        _check_counts(state, manifest)
        filling = last if 0 < len(last) < self._segment_ids else []
        full = manifest.id_segments - 1 if filling else manifest.id_segments
        return LoadedSnapshot(
            state=state,
            segments=IdSegments(full, filling, limit=self._segment_ids),
            published_at=manifest.published_at,
            records=self.records,
        )

    def _body(self, decoder: msgspec.msgpack.Decoder[_T], blob: bytes, what: str) -> _T:
        try:
            envelope = self._envelope.decode(blob)
            if envelope.format != FORMAT:
                raise UnusableSnapshotError(
                    f"{what} has format {envelope.format}, this bridge reads format {FORMAT}"
                )
            return decoder.decode(envelope.body)
        except msgspec.DecodeError as error:
            raise UnusableSnapshotError(f"{what} does not decode ({error})") from None


def _check_counts(state: State, manifest: Manifest) -> None:
    """Every entity and id the manifest counts must be there (e.g. not lost to retention)."""
    found = {
        "tickets": (len(state.tickets), manifest.tickets),
        "orders": (len(state.orders), manifest.orders),
        "agents": (len(state.agents), manifest.agents),
        "event ids": (len(state.applied_event_ids), manifest.event_ids),
    }
    for what, (have, expected) in found.items():
        if have != expected:
            raise UnusableSnapshotError(
                f"it holds {have} {what} where its offsets record counts {expected}"
                " (records deleted by retention? the topic must be compacted, never deleted)"
            )
