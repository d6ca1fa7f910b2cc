"""The console's copy of the bridge state, applied from snapshots and delta batches.

``ViewStore`` keeps plain dicts of tickets, orders and agents and tells its
listeners exactly which ids were added, changed or removed by each update. A
snapshot is diffed against what the store held, so a reconnect that brings a
fresh snapshot is, for the listeners, just a larger update (no reset).

It also keeps an index of each customer's tickets and orders, updated from the
ids each update touched, so a customer's history is found without scanning the
whole state (``customer_tickets``, ``customer_orders``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, TypeVar

from console.viewstate.customer_index import CustomerIndex

if TYPE_CHECKING:
    from bridge.wire.entities import Order, Presence, Ticket
    from bridge.wire.protocol import BridgeStatus, DeltaBatch, StateSnapshot

_T = TypeVar("_T")


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
    customers: frozenset[str] = frozenset()
    """Customers whose tickets or orders this update added, changed or removed (before
    and after a ticket or order moved from one customer to another)."""

    def __bool__(self) -> bool:
        return bool(self.tickets or self.orders or self.agents or self.status_changed)

    def touches(self, ticket: Ticket) -> bool:
        """Whether this update changed ``ticket``, its linked order or its customer's history."""
        return (
            ticket.ticket_id in self.tickets
            or ticket.customer_id in self.customers
            or (ticket.order_id is not None and ticket.order_id in self.orders)
        )


Listener = Callable[[StoreUpdate], None]


class _OfCustomer(Protocol):
    @property
    def customer_id(self) -> str: ...


def _reindex(
    index: CustomerIndex,
    changes: IdChanges,
    values: Mapping[str, _OfCustomer],
    arrivals: Iterable[str],
) -> set[str]:
    """Bring ``index`` up to date with ``changes``; returns the customers it touched.

    ``arrivals`` are the keys of the update in the order they came, so the
    index lists a customer's ids in the same order on every run.
    """
    touched: set[str] = set()
    for key in changes.removed:
        left = index.remove(key)
        if left is not None:
            touched.add(left)
    for key in arrivals:
        if key in changes.added or key in changes.changed:
            customer_id = values[key].customer_id
            touched.add(customer_id)
            left = index.put(key, customer_id)
            if left is not None:
                touched.add(left)
    return touched


class _Diff:
    """Collects the ids touched while a batch is applied to one dict."""

    def __init__(self) -> None:
        self.added: set[str] = set()
        self.changed: set[str] = set()
        self.removed: set[str] = set()

    def upsert(self, target: dict[str, _T], key: str, value: _T) -> None:
        old = target.get(key)
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
        if target.pop(key, None) is None:
            return
        if key in self.added:
            self.added.discard(key)
        else:
            self.changed.discard(key)
            self.removed.add(key)

    def result(self) -> IdChanges:
        return IdChanges(frozenset(self.added), frozenset(self.changed), frozenset(self.removed))


def _replace_all(target: dict[str, _T], fresh: Iterable[tuple[str, _T]]) -> IdChanges:
    diff = _Diff()
    incoming = dict(fresh)
    for key in [k for k in target if k not in incoming]:
        diff.remove(target, key)
    for key, value in incoming.items():
        diff.upsert(target, key, value)
    return diff.result()


class ViewStore:
    """Tickets, orders, agents and the bridge status as the console last heard them."""

    def __init__(self) -> None:
        self._tickets: dict[str, Ticket] = {}
        self._orders: dict[str, Order] = {}
        self._agents: dict[str, Presence] = {}
        self._status: BridgeStatus | None = None
        self._session: str | None = None
        self._seq: int | None = None
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
        """Replace the state with ``snapshot``; listeners get the difference."""
        self._session = snapshot.session
        self._seq = snapshot.seq
        status_changed = snapshot.status != self._status
        self._status = snapshot.status
        tickets = _replace_all(self._tickets, ((t.ticket_id, t) for t in snapshot.tickets))
        orders = _replace_all(self._orders, ((o.order_id, o) for o in snapshot.orders))
        update = StoreUpdate(
            tickets=tickets,
            orders=orders,
            agents=_replace_all(self._agents, ((a.agent_id, a) for a in snapshot.agents)),
            status_changed=status_changed,
            from_snapshot=True,
            customers=self._reindex(
                tickets,
                orders,
                (t.ticket_id for t in snapshot.tickets),
                (o.order_id for o in snapshot.orders),
            ),
        )
        return self._notify(update)

    def apply_delta(self, batch: DeltaBatch) -> StoreUpdate:
        """Apply one batch of upserts/removals; a batch at or below the last seq is ignored."""
        if self._seq is not None and batch.seq <= self._seq:
            return StoreUpdate()
        self._seq = batch.seq
        tickets, orders, agents = _Diff(), _Diff(), _Diff()
        for change in batch.changes:
            if change.kind == "ticket":
                if change.ticket is None:
                    tickets.remove(self._tickets, change.key)
                else:
                    tickets.upsert(self._tickets, change.key, change.ticket)
            elif change.kind == "order":
                if change.order is None:
                    orders.remove(self._orders, change.key)
                else:
                    orders.upsert(self._orders, change.key, change.order)
            elif change.agent is None:
                agents.remove(self._agents, change.key)
            else:
                agents.upsert(self._agents, change.key, change.agent)
        status_changed = batch.status is not None and batch.status != self._status
        if batch.status is not None:
            self._status = batch.status
        ticket_changes, order_changes = tickets.result(), orders.result()
        update = StoreUpdate(
            tickets=ticket_changes,
            orders=order_changes,
            agents=agents.result(),
            status_changed=status_changed,
            customers=self._reindex(
                ticket_changes,
                order_changes,
                (c.key for c in batch.changes if c.kind == "ticket"),
                (c.key for c in batch.changes if c.kind == "order"),
            ),
        )
        return self._notify(update)

    def _reindex(
        self,
        tickets: IdChanges,
        orders: IdChanges,
        ticket_keys: Iterable[str],
        order_keys: Iterable[str],
    ) -> frozenset[str]:
        """Update the customer indexes; returns the customers whose history changed."""
        touched = _reindex(self._tickets_by_customer, tickets, self._tickets, ticket_keys)
        touched |= _reindex(self._orders_by_customer, orders, self._orders, order_keys)
        return frozenset(touched)
