"""Closed tickets and terminal orders out of memory, brought back when the fold needs them.

The State holds the active set; an ``Archive`` (on disk in the bridge:
``bridge.history``) holds evicted entities with the event ids judged on them.
The fold asks for an entity it does not hold before judging an event for it
(``bring_back``), so folding with eviction gives the state of folding without
it: the State plus the archive's entities it does not hold (``merged``).

Only the entities of inactive customers go (``evict``): a customer with an open
ticket or a moving order keeps every ticket and order in memory, so a console
working on them sees the customer's whole history. When a customer becomes
active again (a new ticket or order, a reopened ticket, an event for an evicted
entity) the fold brings the customer's archived entities back
(``bring_back_customer``).

Pure: the archive is injected; nothing here opens a file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

import msgspec

from bridge.fold.orders import TERMINAL
from bridge.fold.state import State
from bridge.wire.entities import Order, Ticket

ArchivedKind = Literal["ticket", "order"]
ArchivedKey = tuple[ArchivedKind, str]


@dataclass(frozen=True)
class ArchiveEntry:
    """One evicted entity, its customer and the event ids judged on it."""

    kind: ArchivedKind
    key: str
    customer_id: str
    entity: Ticket | Order
    event_ids: list[str]
    """Those the entity records (messages and actions, an order's timeline), and:"""
    opened_id: str | None = None
    """A ticket's ``opened`` event (``State.opened_ids``), when known."""


class Archive(Protocol):
    """Where evicted entities live.

    A copy may be stale once the State holds the entity again: the State's wins.
    ``generation`` names this archive's contents; a State that evicted into it
    records it (``State.archive``).
    """

    generation: str

    def get(self, kind: ArchivedKind, key: str) -> ArchiveEntry | None:
        """The archived copy of an entity, if any."""
        ...

    def keys_of_customer(self, customer_id: str) -> list[ArchivedKey]:
        """Every archived entity of a customer."""
        ...

    def put(self, entries: list[ArchiveEntry]) -> None:
        """Store ``entries`` (replacing older copies) durably before returning."""
        ...


class MemoryArchive:
    """An ``Archive`` in a dict (copies in, copies out, as from a disk): for tests."""

    def __init__(self) -> None:
        self.entries: dict[ArchivedKey, ArchiveEntry] = {}
        self.generation = "memory"

    def get(self, kind: ArchivedKind, key: str) -> ArchiveEntry | None:
        """The archived copy of an entity, if any."""
        entry = self.entries.get((kind, key))
        return None if entry is None else _copy(entry)

    def keys_of_customer(self, customer_id: str) -> list[ArchivedKey]:
        """Every archived entity of a customer."""
        return [k for k, entry in self.entries.items() if entry.customer_id == customer_id]

    def put(self, entries: list[ArchiveEntry]) -> None:
        """Store ``entries``, replacing older copies."""
        for entry in entries:
            self.entries[entry.kind, entry.key] = _copy(entry)


def _copy(entry: ArchiveEntry) -> ArchiveEntry:
    blob = msgspec.msgpack.encode(entry.entity)
    entity: Ticket | Order = (
        msgspec.msgpack.decode(blob, type=Ticket)
        if isinstance(entry.entity, Ticket)
        else msgspec.msgpack.decode(blob, type=Order)
    )
    return ArchiveEntry(
        entry.kind, entry.key, entry.customer_id, entity, list(entry.event_ids), entry.opened_id
    )


def is_active(entity: Ticket | Order) -> bool:
    """Whether an entity keeps its customer in memory: a ticket not closed, an order moving."""
    if isinstance(entity, Ticket):
        return entity.status != "closed"
    return entity.status not in TERMINAL


def event_ids_of(entity: Ticket | Order) -> list[str]:
    """The event ids an entity records (messages and actions; an order's timeline)."""
    if isinstance(entity, Ticket):
        return [m.event_id for m in entity.messages] + [a.event_id for a in entity.actions]
    return [entry.event_id for entry in entity.timeline]


def bring_back(state: State, archive: Archive, kind: ArchivedKind, key: str) -> bool:
    """Put an archived entity the State does not hold back in it (with its event ids)."""
    if key in (state.tickets if kind == "ticket" else state.orders):
        return False
    entry = archive.get(kind, key)
    if entry is None:
        return False
    if isinstance(entry.entity, Ticket):
        state.tickets[key] = entry.entity
        if entry.opened_id is not None:
            state.opened_ids[key] = entry.opened_id
            state.applied_event_ids[entry.opened_id] = None
    else:
        state.orders[key] = entry.entity
    state.applied_event_ids.update(dict.fromkeys(entry.event_ids))
    return True


def bring_back_customer(state: State, archive: Archive, customer_id: str) -> list[ArchivedKey]:
    """Put every archived entity of a customer back in the State; return those brought back."""
    return [
        (kind, key)
        for kind, key in archive.keys_of_customer(customer_id)
        if bring_back(state, archive, kind, key)
    ]


def merged(state: State, archive: MemoryArchive) -> State:
    """The State as a fold without eviction would hold it: plus the archived entities."""
    tickets = dict(state.tickets)
    orders = dict(state.orders)
    ids = dict(state.applied_event_ids)
    opened = dict(state.opened_ids)
    for (kind, key), entry in archive.entries.items():
        if kind == "ticket" and key not in tickets and isinstance(entry.entity, Ticket):
            tickets[key] = entry.entity
            ids.update(dict.fromkeys(entry.event_ids))
            if entry.opened_id is not None:
                ids[entry.opened_id] = None
                opened[key] = entry.opened_id
        elif kind == "order" and key not in orders and isinstance(entry.entity, Order):
            orders[key] = entry.entity
            ids.update(dict.fromkeys(entry.event_ids))
    return State(
        tickets=tickets,
        orders=orders,
        agents=dict(state.agents),
        applied_event_ids=ids,
        quarantined=list(state.quarantined),
        quarantined_count=state.quarantined_count,
        skipped_unknown_type=state.skipped_unknown_type,
        next_offsets=state.next_offsets,
        opened_ids=opened,
        archive=state.archive,
    )


def evictable(
    state: State,
    *,
    keep: Container[tuple[str, str]] = (),
    settled: Callable[[Ticket | Order], bool] = lambda _entity: True,
    limit: int | None = None,
) -> list[ArchivedKey]:
    """The entities ``evict`` may take: inactive, of customers with nothing active.

    ``keep``: keys not to take (touched since the last cache save); ``settled``:
    whether an inactive entity has been so long enough (the bridge: a grace period).
    One pass over the State (comprehensions: ~10 ms per 100,000 entities).
    """
    tickets, orders = state.tickets, state.orders
    open_tickets = [t for t in tickets.values() if t.status != "closed"]
    active = {t.customer_id for t in open_tickets}
    active.update(o.customer_id for o in orders.values() if o.status not in TERMINAL)
    referenced = {t.order_id for t in open_tickets}
    closed = [
        ("ticket", k)
        for k, t in tickets.items()
        if t.status == "closed" and t.customer_id not in active and ("ticket", k) not in keep
    ]
    done = [
        ("order", k)
        for k, o in orders.items()
        if o.status in TERMINAL
        and o.customer_id not in active
        and k not in referenced
        and ("order", k) not in keep
    ]
    chosen: list[ArchivedKey] = []
    for kind, key in itertools.chain(closed, done):
        if limit is not None and len(chosen) >= limit:
            break
        entity: Ticket | Order = tickets[key] if kind == "ticket" else orders[key]
        if settled(entity):
            chosen.append((kind, key))  # type: ignore[arg-type]
    return chosen


SCAN_SLICE = 5_000
"""Entities an ``EvictionRound.scanning`` looks at per slice (~3 ms at 100,000 in memory)."""


class EvictionRound:
    """The keys ``evictable`` chose, moved a slice at a time while the fold goes on.

    Between two slices the fold may touch a chosen entity (it is then in ``keep``:
    not saved as it is), make its customer active again (a new ticket or order, a
    reopened ticket) or open a ticket naming a chosen order. ``watch`` the entities
    the fold touched since the last slice; ``move`` checks every key again before
    it moves, so a round never takes what one scan at that moment would not.

    ``scanning`` starts a round that first chooses its keys itself, as
    ``evictable`` does but ``scan_slice`` entities per ``move`` (a pass over the
    whole State at once would keep the serving thread ~100 ms at 100,000 tickets
    and orders). Its key lists are taken at the start; an entity the fold adds or
    wakes up meanwhile is ``watch``ed, so the choice is the one of a scan at the
    moment of each move.
    """

    def __init__(self, keys: list[ArchivedKey]) -> None:
        self._keys = keys
        self._next = 0
        # Customers with something active (seen by the scan, or since) and orders named
        # by open tickets: nothing of theirs is moved.
        self._active: set[str] = set()
        self._referenced: set[str] = set()
        self._scan: _Scan | None = None
        self.moved = 0
        """How many entities the round moved so far."""

    @classmethod
    def scanning(
        cls,
        state: State,
        *,
        settled: Callable[[Ticket | Order], bool] = lambda _entity: True,
        limit: int | None = None,
        scan_slice: int = SCAN_SLICE,
    ) -> EvictionRound:
        """A round that chooses its keys in slices (the ``keep`` of each ``move``)."""
        round_ = cls([])
        round_._scan = _Scan(state, settled=settled, limit=limit, size=scan_slice)
        return round_

    @property
    def scanned(self) -> bool:
        """Whether the keys are chosen (``move`` then moves them)."""
        return self._scan is None

    @property
    def done(self) -> bool:
        """Whether every chosen key has been moved or passed over."""
        return self._scan is None and self._next >= len(self._keys)

    def watch(self, state: State, touched: Iterable[tuple[str, str]]) -> None:
        """Note the customers and orders that entities the fold touched keep in memory."""
        tickets, orders = state.tickets, state.orders
        for kind, key in touched:
            entity: Ticket | Order | None = (
                tickets.get(key)
                if kind == "ticket"
                else orders.get(key)
                if kind == "order"
                else None
            )
            if entity is not None and is_active(entity):
                self._active.add(entity.customer_id)
                if isinstance(entity, Ticket) and entity.order_id is not None:
                    self._referenced.add(entity.order_id)

    def move(
        self, state: State, archive: Archive, *, keep: Container[tuple[str, str]], limit: int
    ) -> list[ArchivedKey]:
        """Move the next ``limit`` chosen keys that still qualify; return those moved.

        While the round is ``scanning``: look at the next slice instead (nothing moved).
        """
        if self._scan is not None:
            keys = self._scan.step(state, keep, self._active, self._referenced)
            if keys is not None:
                self._keys, self._scan = keys, None
            return []
        tickets, orders = state.tickets, state.orders
        chosen: list[ArchivedKey] = []
        while self._next < len(self._keys) and len(chosen) < limit:
            kind, key = self._keys[self._next]
            self._next += 1
            entity: Ticket | Order | None = (
                tickets.get(key) if kind == "ticket" else orders.get(key)
            )
            if (
                entity is None
                or (kind, key) in keep
                or is_active(entity)
                or entity.customer_id in self._active
                or (kind == "order" and key in self._referenced)
            ):
                continue
            chosen.append((kind, key))
        moved = evict(state, archive, chosen)
        self.moved += len(moved)
        return moved


class _Scan:
    """``evictable``'s pass, a slice at a time, over the keys the State held at its start."""

    def __init__(
        self,
        state: State,
        *,
        settled: Callable[[Ticket | Order], bool],
        limit: int | None,
        size: int,
    ) -> None:
        tickets = zip(itertools.repeat("ticket"), list(state.tickets), strict=False)
        orders = zip(itertools.repeat("order"), list(state.orders), strict=False)
        self._pending: Iterator[ArchivedKey] = itertools.chain(tickets, orders)  # type: ignore[arg-type]
        self._inactive: list[ArchivedKey] = []
        self._candidates: Iterator[ArchivedKey] | None = None  # once every entity was seen
        self._chosen: list[ArchivedKey] = []
        self._settled = settled
        self._limit = limit
        self._size = size

    def step(
        self,
        state: State,
        keep: Container[tuple[str, str]],
        active: set[str],
        referenced: set[str],
    ) -> list[ArchivedKey] | None:
        """Look at the next slice; return the chosen keys once the pass is over."""
        tickets, orders = state.tickets, state.orders
        if self._candidates is None:
            seen = 0
            for kind, key in itertools.islice(self._pending, self._size):
                seen += 1
                entity: Ticket | Order | None = (
                    tickets.get(key) if kind == "ticket" else orders.get(key)
                )
                if entity is None:
                    continue
                if not is_active(entity):
                    self._inactive.append((kind, key))
                    continue
                active.add(entity.customer_id)
                if isinstance(entity, Ticket) and entity.order_id is not None:
                    referenced.add(entity.order_id)
            if seen == self._size:
                return None
            self._candidates = iter(self._inactive)
            return None
        chosen, limit, settled = self._chosen, self._limit, self._settled
        seen = 0
        for kind, key in itertools.islice(self._candidates, self._size):
            seen += 1
            if limit is not None and len(chosen) >= limit:
                return chosen
            entity = tickets.get(key) if kind == "ticket" else orders.get(key)
            if (
                entity is None
                or (kind, key) in keep
                or is_active(entity)
                or entity.customer_id in active
                or (kind == "order" and key in referenced)
            ):
                continue
            if settled(entity):
                chosen.append((kind, key))
        return None if seen == self._size else chosen


def evict(state: State, archive: Archive, keys: Iterable[ArchivedKey]) -> list[ArchivedKey]:
    """Move ``keys`` from the State to the archive (stored first); return those moved."""
    entries: list[ArchiveEntry] = []
    for kind, key in keys:
        entity: Ticket | Order | None = (
            state.tickets.get(key) if kind == "ticket" else state.orders.get(key)
        )
        if entity is None:
            continue
        opened = state.opened_ids.get(key) if kind == "ticket" else None
        entries.append(
            ArchiveEntry(kind, key, entity.customer_id, entity, event_ids_of(entity), opened)
        )
    if not entries:
        return []
    archive.put(entries)
    state.archive = archive.generation
    for entry in entries:
        if entry.kind == "ticket":
            del state.tickets[entry.key]
            if entry.opened_id is not None:
                del state.opened_ids[entry.key]
                state.applied_event_ids.pop(entry.opened_id, None)
        else:
            del state.orders[entry.key]
        for event_id in entry.event_ids:
            state.applied_event_ids.pop(event_id, None)
    return [(entry.kind, entry.key) for entry in entries]
