"""The deterministic event generator: a pure function of seed, start, agents and malformed share.

``Scenario(...).records()`` yields an endless stream of ``SimRecord`` in
simulated-time order; it does no I/O and reads no clock, so the same inputs
give the same records, ids included. Pacing and producing are elsewhere
(``bridge.demo.sim.producer``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from bridge.contract.envelope import encode_event
from bridge.demo.sim.agents import AgentTeam, make_roster, make_supervisor
from bridge.demo.sim.customers import CustomerPool, CustomerVoice
from bridge.demo.sim.ids import IdSource
from bridge.demo.sim.kernel import Emitted, SimKernel
from bridge.demo.sim.malform import Malformer
from bridge.demo.sim.model import Ticket
from bridge.demo.sim.orders import OrderFlow
from bridge.demo.sim.record import SimRecord
from bridge.demo.sim.tickets import TicketFlow
from bridge.wire.timestamps import require_aware

DEFAULT_EVENTS_PER_SECOND = 5.0
MAX_AGENTS = 64
# Average events one order brings at steady state (its lifecycle, the tickets
# about it and their conversation); measured, used to turn an event rate into
# an order rate.
EVENTS_PER_ORDER = 4.8
APP_TICKETS_PER_ORDER = 1 / 200


class _UnattendedDesk:
    """The desk when there are no virtual agents: tickets wait for the humans."""

    def ticket_opened(self, ticket: Ticket) -> None:
        """Nobody virtual picks the ticket up."""


class Scenario:
    """A simulated "A tu Puerta" platform: orders, customers' tickets and (optionally) agents.

    ``events_per_second`` is the average density of valid events in simulated
    time at steady state (the first simulated minutes are quieter, while the
    first orders make their way). Malformed records come on top, so that they
    are ``malformed_share`` of all records.
    """

    def __init__(
        self,
        seed: int,
        start: dt.datetime,
        agents: int = 0,
        malformed_share: float = 0.0,
        *,
        events_per_second: float = DEFAULT_EVENTS_PER_SECOND,
    ) -> None:
        require_aware(start)
        if not 0 <= agents <= MAX_AGENTS:
            raise ValueError(f"agents must be between 0 and {MAX_AGENTS}, not {agents}")
        if not 0.0 <= malformed_share < 1.0:
            raise ValueError(
                f"malformed share must be at least 0 and below 1, not {malformed_share}"
            )
        if not events_per_second > 0:
            raise ValueError(f"events per second must be positive, not {events_per_second}")
        self.seed = seed
        self.start = start
        self.agents = agents
        self.malformed_share = malformed_share
        self.events_per_second = events_per_second

    def records(self) -> Iterator[SimRecord]:
        """Yield the scenario's records from its beginning, endlessly (each call starts over)."""
        kernel = SimKernel(self.start, self._stream("world"), IdSource(self._stream("ids")))
        self._build_world(kernel)
        malform_rng = self._stream("malformed")
        malformer = Malformer(malform_rng, IdSource(self._stream("malformed-ids")))
        while not kernel.idle():
            for good in kernel.step():
                # Geometric number of broken records before each valid one: share F overall.
                while malform_rng.random() < self.malformed_share:
                    yield malformer.broken_copy(good)
                yield _record(good)

    def _stream(self, purpose: str) -> random.Random:
        """A generator of its own per purpose, so that e.g. broken records leave the rest alone."""
        return random.Random(f"atp-sim:{self.seed}:{purpose}")  # noqa: S311  (a seeded simulation, not cryptography)

    def _build_world(self, kernel: SimKernel) -> None:
        customers = CustomerPool(kernel)
        voice = CustomerVoice(kernel)
        orders_per_second = self.events_per_second / EVENTS_PER_ORDER
        team: AgentTeam | None = None
        if self.agents:
            team = AgentTeam(kernel, voice, make_roster(self.agents), make_supervisor())
        tickets = TicketFlow(
            kernel,
            customers,
            voice,
            team if team is not None else _UnattendedDesk(),
            orders_per_second * APP_TICKETS_PER_ORDER,
        )
        orders = OrderFlow(kernel, customers, orders_per_second, tickets.order_changed)
        if team is not None:
            team.start()
        tickets.start()
        orders.start()


def _record(emitted: Emitted) -> SimRecord:
    subject = str(emitted.event["subject"])
    return SimRecord(emitted.topic, subject.encode(), encode_event(emitted.event), emitted.offset_s)
