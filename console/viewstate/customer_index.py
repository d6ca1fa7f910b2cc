"""Which tickets (or orders) belong to each customer, kept current one change at a time.

The workspace shows a customer's other tickets and orders beside the ticket
that is open. Looking them up by scanning every ticket and order would cost
the whole state on each refresh; the view store keeps one ``CustomerIndex`` per
kind instead and updates it with the ids each snapshot or batch touched.
"""

from __future__ import annotations

from collections.abc import Iterable


class CustomerIndex:
    """Entity ids by customer id, in the order the store first saw them."""

    def __init__(self) -> None:
        self._ids_by_customer: dict[str, dict[str, None]] = {}  # a dict as an ordered set
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
        self._ids_by_customer.setdefault(customer_id, {})[entity_id] = None
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
            if ids is None:
                by_customer[customer_id] = {entity_id: None}
            else:
                ids[entity_id] = None
        return touched

    def remove(self, entity_id: str) -> str | None:
        """Forget ``entity_id``; returns the customer it belonged to (``None``: unknown)."""
        previous = self._customer_of.pop(entity_id, None)
        if previous is not None:
            self._drop(entity_id, previous)
        return previous

    def ids_of(self, customer_id: str) -> list[str]:
        """The ids that belong to ``customer_id`` (empty for an unknown customer)."""
        return list(self._ids_by_customer.get(customer_id, ()))

    def customer_of(self, entity_id: str) -> str | None:
        """The customer ``entity_id`` belongs to, if it is indexed."""
        return self._customer_of.get(entity_id)

    def __len__(self) -> int:
        return len(self._customer_of)

    def _drop(self, entity_id: str, customer_id: str) -> None:
        ids = self._ids_by_customer[customer_id]
        del ids[entity_id]
        if not ids:  # a customer with nothing left takes no memory
            del self._ids_by_customer[customer_id]
