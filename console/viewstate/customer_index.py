"""Which tickets (or orders) belong to each customer, kept current one change at a time.

The workspace shows a customer's other tickets and orders beside the ticket
that is open. Looking them up by scanning every ticket and order would cost
the whole state on each refresh; the view store keeps one ``CustomerIndex`` per
kind instead and updates it with the ids each snapshot or batch touched.

Most customers have one ticket open, or one order: a customer with one id
holds that id itself, and only one with several an ordered set of them. At
100k customers with one ticket and one order each, the sets took 44 MiB of
the console's memory and a dict's allocation per entity of a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

_Ids = str | dict[str, None]
"""A customer's one id, or their several in a dict used as an ordered set."""


class CustomerIndex:
    """Entity ids by customer id, in the order the store first saw them."""

    def __init__(self) -> None:
        self._ids_by_customer: dict[str, _Ids] = {}
        self._customer_of: dict[str, str] = {}

    def put(self, entity_id: str, customer_id: str) -> str | None:
        """Record that ``entity_id`` (new or changed) belongs to ``customer_id``.

        Returns:
            The customer the entity belonged to before, if that was another
            one (its history changed too); ``None`` otherwise.
        """
        previous = self._customer_of.get(entity_id)
        if previous == customer_id:
            return None
        if previous is not None:
            self._drop(entity_id, previous)
        self._customer_of[entity_id] = customer_id
        self._add(entity_id, customer_id)
        return previous

    def put_all(self, pairs: Iterable[tuple[str, str]]) -> set[str]:
        """``put`` each ``(entity id, customer id)`` in order, as many as a snapshot page holds.

        Returns:
            The customers of the entities put, and those they left.
        """
        customer_of = self._customer_of
        by_customer = self._ids_by_customer
        touched: set[str] = set()
        for entity_id, customer_id in pairs:
            touched.add(customer_id)
            previous = customer_of.get(entity_id)
            if previous == customer_id:
                continue
            if previous is not None:
                self._drop(entity_id, previous)
                touched.add(previous)
            customer_of[entity_id] = customer_id
            ids = by_customer.get(customer_id)
            if ids is None:  # the common case, inline: a snapshot puts one per entity
                by_customer[customer_id] = entity_id
            else:
                self._add(entity_id, customer_id)
        return touched

    def remove(self, entity_id: str) -> str | None:
        """Forget ``entity_id``; returns the customer it belonged to (``None``: unknown)."""
        previous = self._customer_of.pop(entity_id, None)
        if previous is not None:
            self._drop(entity_id, previous)
        return previous

    def ids_of(self, customer_id: str) -> list[str]:
        """The ids that belong to ``customer_id`` (empty for an unknown customer)."""
        ids = self._ids_by_customer.get(customer_id)
        if ids is None:
            return []
        return [ids] if isinstance(ids, str) else list(ids)

    def customer_of(self, entity_id: str) -> str | None:
        """The customer ``entity_id`` belongs to, if it is indexed."""
        return self._customer_of.get(entity_id)

    def __len__(self) -> int:
        return len(self._customer_of)

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
        ids = by_customer[customer_id]
        if isinstance(ids, str):  # a customer with nothing left takes no memory
            del by_customer[customer_id]
            return
        del ids[entity_id]
        if len(ids) == 1:  # one left: held as itself again
            (by_customer[customer_id],) = ids
