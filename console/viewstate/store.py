"""The console's copy of the bridge state, applied from snapshots and delta batches.

``ViewStore`` keeps plain dicts of tickets, orders and agents and tells its
listeners exactly which ids were added, changed or removed by each update. A
snapshot is diffed against what the store held, so a reconnect that brings a
fresh snapshot is, for the listeners, just a larger update (no reset).

A snapshot arrives in parts (``load_snapshot``: its begin, pages of entities,
its end; docs/PROTOCOL.md). Each page is applied as it comes, so the window
shows what has arrived; what the store held before stays until the end, which
removes whatever the snapshot did not carry. ``loading`` says how far it is.

It also keeps an index of each customer's tickets and orders, updated from the
ids each update touched, so a customer's history is found without scanning the
whole state (``customer_tickets``, ``customer_orders``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from bridge.wire.protocol import SnapshotBegin, SnapshotEnd, SnapshotPage
from bridge.wire.snapshots import split_snapshot
from bridge.wire.splices import OutOfStepError, spliced_order, spliced_ticket
from console.viewstate.customer_index import CustomerIndex

if TYPE_CHECKING:
    from bridge.wire.entities import Order, Presence, Ticket
    from bridge.wire.protocol import BridgeStatus, Change, DeltaBatch, StateSnapshot

_T = TypeVar("_T")
_E = TypeVar("_E", "Ticket", "Order")


@dataclass(frozen=True)
class IdChanges:
    """The ids of one kind of entity that an update added, changed or removed."""

    added: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def __contains__(self, key: object) -> bool:
        return key in self.added or key in self.changed or key in self.removed


@dataclass(frozen=True)
class StoreUpdate:
    """What one snapshot or delta batch did to the store."""

    tickets: IdChanges = field(default_factory=IdChanges)
    orders: IdChanges = field(default_factory=IdChanges)
    agents: IdChanges = field(default_factory=IdChanges)
    status_changed: bool = False
    from_snapshot: bool = False
    """Applied (part of) a snapshot: what it added is what exists, not news."""
    snapshot_complete: bool = False
    """A snapshot's end was applied: the store holds a whole state again."""
    loading_changed: bool = False
    """``ViewStore.loading`` moved (a snapshot progressed, or the one shown ended)."""
    customers: frozenset[str] = frozenset()
    """Customers whose tickets or orders this update added, changed or removed (before
    and after a ticket or order moved from one customer to another)."""

    def __bool__(self) -> bool:
        return (
            bool(self.tickets or self.orders or self.agents or self.status_changed)
            or self.loading_changed
        )

    def touches(self, ticket: Ticket) -> bool:
        """Whether this update changed ``ticket``, its linked order or its customer's history."""
        return (
            ticket.ticket_id in self.tickets
            or ticket.customer_id in self.customers
            or (ticket.order_id is not None and ticket.order_id in self.orders)
        )


Listener = Callable[[StoreUpdate], None]


@dataclass(frozen=True)
class SnapshotProgress:
    """How much of the snapshot being received the store holds."""

    received: int
    """Entities of this snapshot applied so far."""
    expected: int
    """Entities its begin announced (tickets, orders and agents)."""


class _Loading:
    """A snapshot begun and not ended: its seq, its announced size, the keys it carried."""

    def __init__(self, begin: SnapshotBegin) -> None:
        self.seq = begin.seq
        self.expected = begin.tickets + begin.orders + begin.agents
        self.tickets: set[str] = set()
        self.orders: set[str] = set()
        self.agents: set[str] = set()
        self.shown = False  # whether listeners were told about it before it ended

    @property
    def received(self) -> int:
        return len(self.tickets) + len(self.orders) + len(self.agents)


class _OfCustomer(Protocol):
    @property
    def customer_id(self) -> str: ...


_C = TypeVar("_C", bound=_OfCustomer)


def _reindex(
    index: CustomerIndex,
    diff: _Diff[_C],
    values: Mapping[str, _C],
    arrivals: Iterable[str],
) -> set[str]:
    """Bring ``index`` up to date with what ``diff`` did; returns the customers it touched.

    ``arrivals`` are the keys of the update in the order they came, so the
    index lists a customer's ids in the same order on every run.
    """
    before = diff.before
    touched: set[str] = set()
    for key in diff.removed:
        customer_id = before[key].customer_id
        index.remove(key, customer_id)
        touched.add(customer_id)
    put = [key for key in dict.fromkeys(arrivals) if key in diff.added or key in diff.changed]
    held = before.get
    touched |= index.put_all(
        (key, None if (old := held(key)) is None else old.customer_id, values[key].customer_id)
        for key in put
    )
    return touched


class _Diff(Generic[_T]):
    """Collects the ids touched while a batch is applied to one dict, and what they held."""

    def __init__(self) -> None:
        self.added: set[str] = set()
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        self.before: dict[str, _T] = {}
        """The value held before the batch, of each id it changed or removed."""

    def upsert(self, target: dict[str, _T], key: str, value: _T) -> None:
        old = target.get(key)
        if old is not None and key not in self.added:
            self.before.setdefault(key, old)
        if old is None:
            target[key] = value
            if key in self.removed:  # removed then re-added in the same batch
                self.removed.discard(key)
                self.changed.add(key)
            else:
                self.added.add(key)
        elif old != value:
            target[key] = value
            if key not in self.added:
                self.changed.add(key)

    def remove(self, target: dict[str, _T], key: str) -> None:
        old = target.pop(key, None)
        if old is None:
            return
        if key in self.added:
            self.added.discard(key)
        else:
            self.before.setdefault(key, old)
            self.changed.discard(key)
            self.removed.add(key)

    def result(self) -> IdChanges:
        return IdChanges(frozenset(self.added), frozenset(self.changed), frozenset(self.removed))


def _load_page(target: dict[str, _T], fresh: dict[str, _T]) -> tuple[list[str], dict[str, _T]]:
    """Put a snapshot page's ``fresh`` entities into ``target``.

    Returns the ids added or changed, in ``fresh``'s order, and what ``target``
    held before of those it held (changed). An entity equal to the one held is
    left as it is (the models keep referring to the object they hold). Into an
    empty ``target`` (the first snapshot) it is one dict update.
    """
    if not target:
        target.update(fresh)
        return list(fresh), {}
    held = target.get
    put: list[str] = []
    changed: dict[str, _T] = {}
    for key, value in fresh.items():
        old = held(key)
        if old is not None:
            if old == value:
                continue
            changed[key] = old
        put.append(key)
        target[key] = value
    return put, changed


def _remove_unseen(target: dict[str, _T], seen: set[str]) -> dict[str, _T]:
    """Drop from ``target`` what a complete snapshot did not carry; returns what it held.

    ``seen`` holds only keys ``target`` holds (a delta that removes one takes it
    out): as many of them as ``target`` holds means nothing is left to drop (no
    pass over 100k keys at the end).
    """
    if len(seen) == len(target):
        return {}
    return {key: target.pop(key) for key in target.keys() - seen}


class _PageLoad(Generic[_T]):
    """What one update of a snapshot did to one kind of entity (added, changed, removed)."""

    def __init__(self) -> None:
        self.put: list[str] = []  # added or changed, in the order they came
        self.changed: dict[str, _T] = {}  # what those held before (changed ones)
        self.removed: dict[str, _T] = {}  # what the snapshot's end removed

    def load(self, target: dict[str, _T], fresh: dict[str, _T], seen: set[str]) -> None:
        """Put a page's ``fresh`` entities into ``target``; ``seen`` records their ids."""
        seen.update(fresh)
        self.put, self.changed = _load_page(target, fresh)

    def remove_unseen(self, target: dict[str, _T], seen: set[str]) -> None:
        """The snapshot ended: drop from ``target`` what it did not carry."""
        self.removed = _remove_unseen(target, seen)

    def reindex(self: _PageLoad[_C], index: CustomerIndex, values: Mapping[str, _C]) -> set[str]:
        """Bring ``index`` up to date; returns the customers whose history changed."""
        touched: set[str] = set()
        for key, gone in self.removed.items():
            index.remove(key, gone.customer_id)
            touched.add(gone.customer_id)
        held = self.changed.get
        touched |= index.put_all(
            [
                (
                    key,
                    None if (old := held(key)) is None else old.customer_id,
                    values[key].customer_id,
                )
                for key in self.put
            ]
        )
        return touched

    def result(self) -> IdChanges:
        changed = self.changed
        added = frozenset(self.put) - changed.keys() if changed else frozenset(self.put)
        return IdChanges(added, frozenset(changed), frozenset(self.removed))


def _put_change(
    diff: _Diff[_E],
    target: dict[str, _E],
    change: Change,
    splice: Callable[[_E | None, Change], _E | None],
    out_of_step: list[str],
) -> None:
    """Apply ``change`` to ``target`` (its lists' tails joined to the held entity's).

    A change that starts a list past what ``target`` holds leaves the held
    entity as it is; why is added to ``out_of_step``.
    """
    try:
        value = splice(target.get(change.key), change)
    except OutOfStepError as exc:
        out_of_step.append(str(exc))
        return
    if value is None:
        diff.remove(target, change.key)
    else:
        diff.upsert(target, change.key, value)


class ViewStore:
    """Tickets, orders, agents and the bridge status as the console last heard them."""

    def __init__(self, on_out_of_step: Callable[[str], None] | None = None) -> None:
        """Start empty.

        ``on_out_of_step(reason)`` is called when a delta does not fit what the
        store holds (``bridge.wire.splices``): the console should ask for a snapshot.
        """
        self._on_out_of_step = on_out_of_step
        self._tickets: dict[str, Ticket] = {}
        self._orders: dict[str, Order] = {}
        self._agents: dict[str, Presence] = {}
        self._status: BridgeStatus | None = None
        self._session: str | None = None
        self._seq: int | None = None
        self._loading: _Loading | None = None
        self._listeners: list[Listener] = []
        self._tickets_by_customer = CustomerIndex()
        self._orders_by_customer = CustomerIndex()

    # ------------------------------------------------------------------ reading
    @property
    def tickets(self) -> Mapping[str, Ticket]:
        """Tickets by id (read-only view)."""
        return MappingProxyType(self._tickets)

    @property
    def orders(self) -> Mapping[str, Order]:
        """Orders by id (read-only view)."""
        return MappingProxyType(self._orders)

    @property
    def agents(self) -> Mapping[str, Presence]:
        """Agents' presence by id (read-only view)."""
        return MappingProxyType(self._agents)

    @property
    def status(self) -> BridgeStatus | None:
        """The last bridge status, or ``None`` before the first snapshot."""
        return self._status

    @property
    def seq(self) -> int | None:
        """The sequence number of the last snapshot or batch applied."""
        return self._seq

    @property
    def loading(self) -> SnapshotProgress | None:
        """How far the snapshot being received is; None when the store holds a whole one."""
        loading = self._loading
        return None if loading is None else SnapshotProgress(loading.received, loading.expected)

    def customer_tickets(self, customer_id: str) -> list[Ticket]:
        """The customer's tickets, oldest arrival first (from the index, not a scan)."""
        return [self._tickets[key] for key in self._tickets_by_customer.ids_of(customer_id)]

    def customer_orders(self, customer_id: str) -> list[Order]:
        """The customer's orders, oldest arrival first (from the index, not a scan)."""
        return [self._orders[key] for key in self._orders_by_customer.ids_of(customer_id)]

    # ------------------------------------------------------------------ listeners
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every update that changed something; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _notify(self, update: StoreUpdate) -> StoreUpdate:
        if update:
            for listener in list(self._listeners):
                listener(update)
        return update

    # ------------------------------------------------------------------ writing
    def apply_snapshot(self, snapshot: StateSnapshot) -> StoreUpdate:
        """Replace the state with a whole ``snapshot`` in one update (listeners get the diff)."""
        return self.load_snapshot(*split_snapshot(snapshot))

    def load_snapshot(
        self,
        begin: SnapshotBegin | None = None,
        page: SnapshotPage | None = None,
        end: SnapshotEnd | None = None,
    ) -> StoreUpdate:
        """Apply parts of a snapshot, in this order, as one update.

        ``begin`` starts a snapshot (dropping one unfinished); ``page`` upserts
        entities of the snapshot begun; ``end`` completes it: what it did not
        carry is removed and ``seq`` is the snapshot's. A page or end of another
        snapshot than the one begun changes nothing.
        """
        status_changed = False
        if begin is not None:
            self._session = begin.session
            status_changed = begin.status != self._status
            self._status = begin.status
            self._loading = _Loading(begin)
        loading = self._loading
        if loading is None:
            return StoreUpdate()
        tickets: _PageLoad[Ticket] = _PageLoad()
        orders: _PageLoad[Order] = _PageLoad()
        agents: _PageLoad[Presence] = _PageLoad()
        if page is not None and page.seq == loading.seq:
            tickets.load(self._tickets, {t.ticket_id: t for t in page.tickets}, loading.tickets)
            orders.load(self._orders, {o.order_id: o for o in page.orders}, loading.orders)
            agents.load(self._agents, {a.agent_id: a for a in page.agents}, loading.agents)
        complete = end is not None and end.seq == loading.seq
        if complete:
            tickets.remove_unseen(self._tickets, loading.tickets)
            orders.remove_unseen(self._orders, loading.orders)
            agents.remove_unseen(self._agents, loading.agents)
            self._seq = loading.seq
            self._loading = None
        loading_changed = loading.shown if complete else True
        loading.shown = loading.shown or not complete
        customers = tickets.reindex(self._tickets_by_customer, self._tickets)
        customers |= orders.reindex(self._orders_by_customer, self._orders)
        update = StoreUpdate(
            tickets=tickets.result(),
            orders=orders.result(),
            agents=agents.result(),
            status_changed=status_changed,
            from_snapshot=True,
            snapshot_complete=complete,
            loading_changed=loading_changed,
            customers=frozenset(customers),
        )
        return self._notify(update)

    def apply_delta(self, batch: DeltaBatch, *, whole: bool = True) -> StoreUpdate:
        """Apply one batch of upserts/removals; a batch at or below the last seq is ignored.

        ``whole=False``: ``batch`` is a first part of batch ``seq``, the rest follows
        (a large backlog applied over several frames): ``seq`` stays the last whole
        batch's until the part that completes it.
        """
        if self._seq is not None and batch.seq <= self._seq:
            return StoreUpdate()
        if whole:
            self._seq = batch.seq
        tickets: _Diff[Ticket] = _Diff()
        orders: _Diff[Order] = _Diff()
        agents: _Diff[Presence] = _Diff()
        out_of_step: list[str] = []
        for change in batch.changes:
            if change.kind == "ticket":
                _put_change(tickets, self._tickets, change, spliced_ticket, out_of_step)
            elif change.kind == "order":
                _put_change(orders, self._orders, change, spliced_order, out_of_step)
            elif change.agent is None:
                agents.remove(self._agents, change.key)
            else:
                agents.upsert(self._agents, change.key, change.agent)
        if out_of_step and self._on_out_of_step is not None:
            self._on_out_of_step("; ".join(out_of_step))
        status_changed = batch.status is not None and batch.status != self._status
        if batch.status is not None:
            self._status = batch.status
        ticket_changes, order_changes = tickets.result(), orders.result()
        agent_changes = agents.result()
        loading = self._loading
        if loading is not None:  # what its end removes: only what the store still holds
            loading.tickets.difference_update(ticket_changes.removed)
            loading.orders.difference_update(order_changes.removed)
            loading.agents.difference_update(agent_changes.removed)
        update = StoreUpdate(
            tickets=ticket_changes,
            orders=order_changes,
            agents=agent_changes,
            status_changed=status_changed,
            customers=self._reindex(
                tickets,
                orders,
                (c.key for c in batch.changes if c.kind == "ticket"),
                (c.key for c in batch.changes if c.kind == "order"),
            ),
        )
        return self._notify(update)

    def _reindex(
        self,
        tickets: _Diff[Ticket],
        orders: _Diff[Order],
        ticket_keys: Iterable[str],
        order_keys: Iterable[str],
    ) -> frozenset[str]:
        """Update the customer indexes; returns the customers whose history changed."""
        touched = _reindex(self._tickets_by_customer, tickets, self._tickets, ticket_keys)
        touched |= _reindex(self._orders_by_customer, orders, self._orders, order_keys)
        return frozenset(touched)
