"""Topic names: configuration, with the contract's defaults."""

from __future__ import annotations

import msgspec


class Topics(msgspec.Struct, frozen=True, kw_only=True):
    """The three topics of the contract; names come from configuration."""

    orders: str = "atp.orders.v1"
    tickets: str = "atp.tickets.v1"
    agents: str = "atp.agents.v1"

    def all(self) -> tuple[str, str, str]:
        """Return the three names (orders, tickets, agents)."""
        return (self.orders, self.tickets, self.agents)
