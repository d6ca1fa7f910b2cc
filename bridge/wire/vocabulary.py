"""The contract's enumerations, as the types the state and the protocol use."""

from __future__ import annotations

from typing import Literal

TicketStatus = Literal["open", "pending", "resolved", "closed"]
Priority = Literal["low", "normal", "high", "urgent"]
Channel = Literal["app", "web", "whatsapp", "phone", "email"]
AuthorKind = Literal["customer", "agent", "system"]
OrderStatus = Literal["placed", "paid", "dispatched", "delayed", "delivered", "cancelled"]
Role = Literal["agent", "supervisor"]
PresenceStatus = Literal["online", "away", "offline"]
