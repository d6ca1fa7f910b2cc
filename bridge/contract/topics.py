"""Topic names: configuration, with the contract's defaults."""

from __future__ import annotations

import msgspec


class Topics(msgspec.Struct, frozen=True, kw_only=True):
    """The three topics of the contract, and the snapshot topic; names come from configuration.

    ``snapshot`` is not part of the contract: it is the compacted topic that
    ``atp-bridge materialize`` writes the folded state to (docs/OPERATIONS.md,
    "The snapshot topic"). ``all()`` names the contract's three only.
    """

    orders: str = "atp.orders.v1"
    tickets: str = "atp.tickets.v1"
    agents: str = "atp.agents.v1"
    snapshot: str = "atp.state.v1"

    def all(self) -> tuple[str, str, str]:
        """Return the three names (orders, tickets, agents)."""
        return (self.orders, self.tickets, self.agents)
