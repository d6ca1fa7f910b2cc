"""Which tickets (or orders) belong to each customer, kept current one change at a time.

The workspace shows a customer's other tickets and orders beside the ticket
that is open. Looking them up by scanning every ticket and order would cost
the whole state on each refresh; the view store keeps one ``CustomerIndex`` per
kind instead and updates it with the ids each snapshot or batch touched.

The index holds exactly the entities the store holds. It keeps no map back
from an entity to its customer: the store tells it the customer an entity
had (from the entity it replaces or removes), so at 100k tickets there is
one dict keyed by ticket id fewer to grow in one slice of a snapshot's load.
Most customers have one ticket open, or one order: a customer with one id
holds that id itself, and only one with several an ordered set of them. At
100k customers with one ticket and one order each, the sets took 44 MiB of
the console's memory and a dict's allocation per entity of a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

_Ids = str | dict[str, None]
"""A customer's one id, or their several in a dict used as an ordered set."""

Placement = tuple[str, str | None, str]
"""``(entity id, the customer it had or None if new to the index, its customer now)``."""


class CustomerIndex:
    """Entity ids by customer id, in the order the store first saw them."""

    def __init__(self) -> None:
        self._ids_by_customer: dict[str, _Ids] = {}

    def put_all(self, placements: Iterable[Placement]) -> set[str]:
        """Index each entity new or changed, in order, as many as a snapshot page holds.

        A changed entity of the same customer keeps its place; one that moved
        goes last among its new customer's.

        Returns:
            The customers of the entities put, and those they left.
        """
        by_customer = self._ids_by_customer
        touched: set[str] = set()
        for entity_id, before, customer_id in placements:
            touched.add(customer_id)
            if before == customer_id:
                continue
            if before is not None:
                self._drop(entity_id, before)
                touched.add(before)
            if customer_id not in by_customer:  # the common case, inline: one per entity
                by_customer[customer_id] = entity_id
            else:
                self._add(entity_id, customer_id)
        return touched

    def remove(self, entity_id: str, customer_id: str) -> None:
        """Forget ``entity_id``, which belonged to ``customer_id``."""
        self._drop(entity_id, customer_id)

    def ids_of(self, customer_id: str) -> list[str]:
        """The ids that belong to ``customer_id`` (empty for an unknown customer)."""
        ids = self._ids_by_customer.get(customer_id)
        if ids is None:
            return []
        return [ids] if isinstance(ids, str) else list(ids)

    def _add(self, entity_id: str, customer_id: str) -> None:
        """``entity_id`` (not listed under another customer) is ``customer_id``'s, last."""
        by_customer = self._ids_by_customer
        ids = by_customer.get(customer_id)
        if ids is None:
            by_customer[customer_id] = entity_id
        elif isinstance(ids, str):
            if ids != entity_id:
                by_customer[customer_id] = {ids: None, entity_id: None}
        else:
            ids[entity_id] = None

    def _drop(self, entity_id: str, customer_id: str) -> None:
        by_customer = self._ids_by_customer
        ids = by_customer.get(customer_id)
        if ids is None or (ids != entity_id if isinstance(ids, str) else entity_id not in ids):
            return  # not listed there (the store removed what it never held)
        if isinstance(ids, str):  # a customer with nothing left takes no memory
            del by_customer[customer_id]
            return
        del ids[entity_id]
        if len(ids) == 1:  # one left: held as itself again
            (by_customer[customer_id],) = ids
