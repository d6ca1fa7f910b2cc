"""Virtual agents and a virtual supervisor: presence, claims (with races), replies, notes, resolves.

Each agent works from its own console (``source`` ``/atp/console/<agent_id>``).
Some tickets are left alone so that the human agents of a demo have work too;
the supervisor assigns urgent and high-priority tickets that wait too long.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from bridge.demo.sim import catalog
from bridge.demo.sim.catalog import Person
from bridge.demo.sim.customers import CustomerVoice
from bridge.demo.sim.kernel import SimKernel
from bridge.demo.sim.model import Ticket, VirtualAgent
from bridge.demo.sim.tickets import soles
from bridge.wire.vocabulary import Priority, TicketStatus

PRESENCE_TTL_S = 90.0  # expires_at = now + this; renewed every 25-35 s, well before it
CAPACITY = 4  # tickets an agent works at once
PICK_SHARE = 0.7  # tickets a virtual agent claims by itself
RACE_SHARE = 0.25  # of those, how often a second agent claims it at nearly the same moment
RACE_WINDOW_S = 1.0  # a claim this soon after another one is part of the race
SUPERVISED_PRIORITIES: frozenset[Priority] = frozenset({"urgent", "high"})
SUPERVISOR_PATIENCE_S = 120.0
FORGET_AFTER_S = 900.0  # waiting tickets older than this are left to the humans
MAX_REPLIES = 3
AWAY_SHARE = 0.06  # an online agent goes away at a presence renewal
BACK_SHARE = 0.5  # an away agent comes back at a presence renewal
NOTE_SHARE = 0.3  # an agent writes an internal note on a ticket it takes
ESCALATE_SHARE = 0.08  # a low or normal ticket is raised to high after the reply
CLOSE_SHARE = 0.3  # a resolved ticket is closed a few minutes later
TAG_SHARE = 0.5  # an agent tags a ticket it takes
UNTAG_SHARE = 0.2  # ... and removes that tag again before resolving
TYPING_S = (3.0, 9.0)  # an agent writes a reply for this long ("composing") before it is sent
PRESENCE_MIN_INTERVAL_S = 1.0  # contract 1.1: one presence record a second at most
# What an agent does once the conversation is over (shares of a roll; the rest resolve).
RELEASE_SHARE = 0.05
REQUEUE_SHARE = 0.06  # moved to another queue and released
PENDING_SHARE = 0.19  # set to pending first, resolved later
_QUEUE_SETS = (
    ("deliveries", "general"),
    ("payments", "general"),
    ("deliveries", "payments"),
    ("deliveries",),
)


def make_roster(count: int) -> list[VirtualAgent]:
    """Return ``count`` agents with names from the catalog and queues that cover every queue."""
    roster: list[VirtualAgent] = []
    for index in range(count):
        base = catalog.AGENTS[index % len(catalog.AGENTS)]
        lap = index // len(catalog.AGENTS)
        person = base if lap == 0 else Person(f"{base.id}-{lap + 1}", f"{base.name} {lap + 1}")
        roster.append(
            VirtualAgent(person=person, role="agent", queues=_QUEUE_SETS[index % len(_QUEUE_SETS)])
        )
    return roster


def make_supervisor() -> VirtualAgent:
    """Return the virtual supervisor, who watches every queue."""
    return VirtualAgent(person=catalog.SUPERVISOR, role="supervisor", queues=catalog.QUEUES)


def _ref(person: Person) -> dict[str, object]:
    return {"id": person.id, "name": person.name}


class AgentTeam:
    """Virtual agents working the tickets they are offered; a supervisor assigns the stragglers."""

    def __init__(
        self,
        kernel: SimKernel,
        voice: CustomerVoice,
        agents: Sequence[VirtualAgent],
        supervisor: VirtualAgent,
    ) -> None:
        self._kernel = kernel
        self._voice = voice
        self._agents = list(agents)
        self._supervisor = supervisor
        self._waiting: dict[str, tuple[Ticket, float]] = {}  # ticket id -> (ticket, waiting since)

    def start(self) -> None:
        """Publish everyone's presence and start the supervisor's rounds."""
        for index, member in enumerate([self._supervisor, *self._agents]):
            self._kernel.after(0.2 * index, functools.partial(self._renew, member))
        self._kernel.after(self._kernel.rng.uniform(40, 80), self._supervise)

    # ------------------------------------------------------------ presence
    def _renew(self, member: VirtualAgent) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        if member.role == "agent":
            if member.status == "online" and rng.random() < AWAY_SHARE:
                member.status = "away"
            elif member.status == "away" and rng.random() < BACK_SHARE:
                member.status = "online"
        self._request_presence(member)
        kernel.after(rng.uniform(25, 35), lambda: self._renew(member))

    def _active(self, member: VirtualAgent, viewing: str | None, composing: str | None) -> None:
        """The agent opened, left or started writing in a ticket: publish it (rate-limited)."""
        if (member.viewing, member.composing) != (viewing, composing):
            member.viewing, member.composing = viewing, composing
            self._request_presence(member)

    def _request_presence(self, member: VirtualAgent) -> None:
        """Publish now, or once a second has passed since the last record (the latest values)."""
        if member.presence_pending:
            return
        wait = member.presence_at_s + PRESENCE_MIN_INTERVAL_S - self._kernel.now
        if wait <= 0:
            self._publish_presence(member)
            return
        member.presence_pending = True

        def publish() -> None:
            member.presence_pending = False
            self._publish_presence(member)

        self._kernel.after(wait, publish)

    def _publish_presence(self, member: VirtualAgent) -> None:
        kernel = self._kernel
        member.presence_at_s = kernel.now
        kernel.emit(
            "agents",
            type="atp.agent.presence",
            subject=member.person.id,
            source=f"/atp/console/{member.person.id}",
            data={
                "agent": {**_ref(member.person), "role": member.role},
                "status": member.status,
                "queues": list(member.queues),
                "expires_at": kernel.timestamp(PRESENCE_TTL_S),
                "viewing": member.viewing,
                "composing": member.composing,
            },
        )

    # ------------------------------------------------------------ picking tickets
    def ticket_opened(self, ticket: Ticket) -> None:
        """Offer a new ticket to the agents."""
        self._offer(ticket, excluded=None)

    def _offer(self, ticket: Ticket, excluded: VirtualAgent | None) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        self._waiting[ticket.id] = (ticket, kernel.now)
        eligible = [
            agent
            for agent in self._agents
            if agent is not excluded
            and agent.status == "online"
            and ticket.queue in agent.queues
            and len(agent.working) < CAPACITY
        ]
        if not eligible or rng.random() >= PICK_SHARE:
            return
        first = rng.choice(eligible)
        delay = rng.uniform(8, 45)
        kernel.after(delay, lambda: self._claim(first, ticket))
        rivals = [agent for agent in eligible if agent is not first]
        if rivals and rng.random() < RACE_SHARE:
            second = rng.choice(rivals)
            kernel.after(delay + rng.uniform(0.02, 0.35), lambda: self._claim(second, ticket))

    def _claim(self, agent: VirtualAgent, ticket: Ticket) -> None:
        """Claim ``ticket``; in a race the later claim is written too, and the fold rejects it."""
        now = self._kernel.now
        racing = ticket.assignee is not None and now - ticket.assigned_s <= RACE_WINDOW_S
        if ticket.status != "open" or (ticket.assignee is not None and not racing):
            return
        self._emit(agent.person, ticket, "claimed", {"agent": _ref(agent.person)})
        if ticket.assignee is None:
            self._take(agent, ticket)

    def _supervise(self) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        for ticket_id, (ticket, since) in list(self._waiting.items()):
            settled = ticket.assignee is not None or ticket.status != "open"
            if settled or kernel.now - since > FORGET_AFTER_S:
                del self._waiting[ticket_id]
            elif (
                ticket.priority in SUPERVISED_PRIORITIES
                and kernel.now - since >= SUPERVISOR_PATIENCE_S
            ):
                online = [agent for agent in self._agents if agent.status == "online"]
                if online:
                    agent = min(online, key=lambda member: len(member.working))
                    by = _ref(self._supervisor.person)
                    self._emit(
                        self._supervisor.person,
                        ticket,
                        "assigned",
                        {"agent": _ref(agent.person), "by": by},
                    )
                    self._take(agent, ticket)
                    break  # one assignment per round
        kernel.after(rng.uniform(40, 80), self._supervise)

    # ------------------------------------------------------------ working a ticket
    def _take(self, agent: VirtualAgent, ticket: Ticket) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        ticket.assignee, ticket.assigned_s = agent.person, kernel.now
        agent.working.add(ticket.id)
        self._waiting.pop(ticket.id, None)
        self._active(agent, ticket.id, None)
        if rng.random() < TAG_SHARE:
            tag = rng.choice(catalog.TAGS)
            kernel.after(rng.uniform(2, 8), lambda: self._tag(agent, ticket, tag, "tag_added"))
            if rng.random() < UNTAG_SHARE:
                kernel.after(
                    rng.uniform(20, 50), lambda: self._tag(agent, ticket, tag, "tag_removed")
                )
        if rng.random() < NOTE_SHARE:
            note = rng.choice(catalog.INTERNAL_NOTES)
            kernel.after(
                rng.uniform(3, 12), lambda: self._message(agent, ticket, note, internal=True)
            )
        kernel.after(rng.uniform(15, 60), lambda: self._reply(agent, ticket))

    def _tag(self, agent: VirtualAgent, ticket: Ticket, tag: str, change: str) -> None:
        if ticket.assignee == agent.person:
            self._emit(agent.person, ticket, change, {"tag": tag, **self._by(agent)})

    def _reply(self, agent: VirtualAgent, ticket: Ticket) -> None:
        """Open the ticket and write for a few seconds ("composing"), then send."""
        if ticket.assignee != agent.person:
            return
        self._active(agent, ticket.id, ticket.id)
        rng = self._kernel.rng
        self._kernel.after(rng.uniform(*TYPING_S), lambda: self._send_reply(agent, ticket))

    def _send_reply(self, agent: VirtualAgent, ticket: Ticket) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        self._active(agent, ticket.id, None)
        if ticket.assignee != agent.person:
            return
        first_name = agent.person.name.split()[0]
        template = rng.choice(catalog.AGENT_REPLIES)
        body = template.format(agent=first_name, total=soles(ticket.total_cents))
        self._message(agent, ticket, body, internal=False)
        ticket.agent_replies += 1
        ticket.unanswered_customer_messages = 0
        self._voice.agent_replied(ticket)
        if ticket.priority in ("low", "normal") and rng.random() < ESCALATE_SHARE:
            kernel.after(rng.uniform(2, 10), lambda: self._escalate(agent, ticket))
        kernel.after(rng.uniform(60, 150), lambda: self._follow_through(agent, ticket))

    def _escalate(self, agent: VirtualAgent, ticket: Ticket) -> None:
        if ticket.assignee == agent.person:
            ticket.priority = "high"
            self._emit(
                agent.person, ticket, "priority_changed", {"priority": "high", **self._by(agent)}
            )

    def _follow_through(self, agent: VirtualAgent, ticket: Ticket) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        if ticket.assignee != agent.person or ticket.status in ("resolved", "closed"):
            return
        if ticket.unanswered_customer_messages and ticket.agent_replies < MAX_REPLIES:
            kernel.after(rng.uniform(10, 40), lambda: self._reply(agent, ticket))
            return
        roll = rng.random()
        if roll < RELEASE_SHARE:
            self._message(agent, ticket, rng.choice(catalog.RELEASE_NOTES), internal=True)
            self._release(agent, ticket)
        elif roll < RELEASE_SHARE + REQUEUE_SHARE:
            queue = rng.choice([name for name in catalog.QUEUES if name != ticket.queue])
            ticket.queue = queue
            self._emit(agent.person, ticket, "queue_changed", {"queue": queue, **self._by(agent)})
            self._release(agent, ticket)
        elif roll < RELEASE_SHARE + REQUEUE_SHARE + PENDING_SHARE:
            self._set_status(agent, ticket, "pending")
            kernel.after(rng.uniform(60, 180), lambda: self._resolve(agent, ticket))
        else:
            self._resolve(agent, ticket)

    def _release(self, agent: VirtualAgent, ticket: Ticket) -> None:
        self._emit(agent.person, ticket, "released", {"agent": _ref(agent.person)})
        ticket.assignee = None
        agent.working.discard(ticket.id)
        self._leave(agent, ticket)
        self._offer(ticket, excluded=agent)

    def _resolve(self, agent: VirtualAgent, ticket: Ticket) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        if ticket.assignee != agent.person:
            return
        self._set_status(agent, ticket, "resolved")
        agent.working.discard(ticket.id)
        self._leave(agent, ticket)
        if rng.random() < CLOSE_SHARE:
            kernel.after(rng.uniform(120, 300), lambda: self._set_status(agent, ticket, "closed"))

    def _leave(self, agent: VirtualAgent, ticket: Ticket) -> None:
        if agent.viewing == ticket.id:
            self._active(agent, None, None)

    def _set_status(self, agent: VirtualAgent, ticket: Ticket, status: TicketStatus) -> None:
        ticket.status = status
        self._emit(agent.person, ticket, "status_changed", {"status": status, **self._by(agent)})

    # ------------------------------------------------------------ events
    @staticmethod
    def _by(agent: VirtualAgent) -> dict[str, object]:
        return {"agent": _ref(agent.person)}

    def _message(self, agent: VirtualAgent, ticket: Ticket, body: str, *, internal: bool) -> None:
        author = {"kind": "agent", **_ref(agent.person)}
        self._emit(
            agent.person,
            ticket,
            "message_added",
            {
                "message_id": self._kernel.ids.entity_id("m"),
                "author": author,
                "body": body,
                "internal": internal,
            },
        )

    def _emit(self, actor: Person, ticket: Ticket, change: str, data: dict[str, object]) -> None:
        self._kernel.emit(
            "tickets",
            type=f"atp.ticket.{change}",
            subject=ticket.id,
            source=f"/atp/console/{actor.id}",
            data={"ticket_id": ticket.id, **data},
        )
