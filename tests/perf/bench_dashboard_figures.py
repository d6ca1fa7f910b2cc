"""What a pass of the supervisor's figures costs at 10k-100k tickets: full vs incremental.

For each size (10,000 / 30,000 / 100,000 tickets, up to ATP_BENCH_FIGURES_MAX),
tickets spread over four queues and the last two days, most open, with
messages, a claim and some resolutions (``make_ticket``), it measures in
milliseconds, without pacing (``pace=None``):

- ``full_ms``: ``compute_figures`` over every ticket, the reference;
- ``first_incremental_ms``: ``IncrementalFigures``' first pass (it counts every ticket);
- ``clock_only_ms``: a pass one minute later with no ticket changed;
- ``changed_100_ms`` / ``changed_1000_ms``: a pass after that many tickets
  were replaced (a reply and a claim: new objects, as the store does).

Each incremental figure is the median of ATP_BENCH_REPEATS (3) passes; the
figures of each are checked against ``compute_figures`` once, outside the timing.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable

from bridge.wire.entities import Presence, Ticket
from console.dashboard.incremental_figures import IncrementalFigures
from console.dashboard.queue_load import compute_figures
from tests.helpers import entities
from tests.perf import stack

SIZES = (10_000, 30_000, 100_000)
NOW = dt.datetime(2025, 3, 1, 16, 0, tzinfo=dt.UTC)
QUEUES = ("deliveries", "payments", "general", "returns")
AGENTS = tuple(f"ag-{n:02d}" for n in range(40))
TZ = dt.timezone(dt.timedelta(hours=-5))


def _at(minutes_ago: float) -> str:
    return (NOW - dt.timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def make_ticket(n: int, version: int = 0) -> Ticket:
    """Ticket ``n``: opened within two days, a customer message, and for most a reply."""
    opened = (n * 7) % 2880
    agent = AGENTS[n % len(AGENTS)]
    answered = n % 3 != 0 or version > 0
    resolved = n % 10 == 0
    messages = [
        entities.message(f"m{n}-c", "customer", author_id=f"c{n}", author_name="Cliente",
                         message_id=f"m{n}-c", at=_at(opened - 1)),
    ]  # fmt: skip
    actions = [
        entities.ticket_action(f"a{n}-c", at=_at(opened - 2), agent_id=agent,
                               agent_name=agent.title()),
    ]  # fmt: skip
    if answered:
        messages.append(
            entities.message(f"m{n}-a{version}", "agent", author_id=agent,
                             author_name=agent.title(), message_id=f"m{n}-a{version}",
                             at=_at(max(opened - 20, 0))),
        )  # fmt: skip
    if resolved:
        actions.append(
            entities.ticket_action(f"a{n}-r", "atp.ticket.status_changed",
                                   at=_at(max(opened - 30, 0)), agent_id=agent,
                                   agent_name=agent.title(), value="resolved"),
        )  # fmt: skip
    return entities.ticket(
        f"t{n:06d}", queue=QUEUES[n % len(QUEUES)], status="resolved" if resolved else "open",
        assignee=None if n % 4 == 0 else agent,
        assignee_name=None if n % 4 == 0 else agent.title(),
        opened_at=_at(opened), sla_due_at=_at(opened - 60),
        first_response_at=_at(max(opened - 20, 0)) if answered else None,
        updated_at=_at(max(opened - 20 - version, 0)), messages=messages, actions=actions,
    )  # fmt: skip


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def one_size(count: int, repeats: int) -> dict[str, float]:
    """Every pass at ``count`` tickets."""
    store = {ticket.ticket_id: ticket for ticket in map(make_ticket, range(count))}
    agents: list[Presence] = [
        entities.presence(agent, name=agent.title(), expires_at=_at(-5)) for agent in AGENTS
    ]
    figures: dict[str, float] = {
        "full_ms": round(_ms(lambda: compute_figures(list(store.values()), agents, NOW, TZ)), 1)
    }
    incremental = IncrementalFigures()
    figures["first_incremental_ms"] = round(
        _ms(lambda: incremental(list(store.values()), agents, NOW, TZ)), 1
    )
    now = NOW
    version = 0

    def passes(changed: int) -> float:
        nonlocal now, version
        samples = []
        for _ in range(repeats):
            version += 1
            now += dt.timedelta(minutes=1)
            for n in range(0, count, max(count // changed, 1) if changed else count + 1):
                store[f"t{n:06d}"] = make_ticket(n, version)
            tickets = list(store.values())
            samples.append(_ms(lambda: incremental(tickets, agents, now, TZ)))  # noqa: B023
        got = incremental(tickets, agents, now, TZ)
        expected = compute_figures(tickets, agents, now, TZ)
        if (got.queues, got.agents, got.buckets) != (
            expected.queues,
            expected.agents,
            expected.buckets,
        ):
            raise AssertionError(f"incremental figures differ from a full pass at {count}")
        return round(statistics.median(samples), 1)

    figures["clock_only_ms"] = passes(0)
    figures["changed_100_ms"] = passes(100)
    figures["changed_1000_ms"] = passes(1000)
    return figures


def run() -> dict[str, object]:
    """Each size; the load average beside the figures."""
    repeats = stack.setting("REPEATS", 3)
    largest = stack.setting("FIGURES_MAX", SIZES[-1])
    figures: dict[str, object] = {"load_average_before": stack.load_average()}
    for size in (s for s in SIZES if s <= largest):
        figures[f"tickets_{size}"] = one_size(size, repeats)
    figures["load_average_after"] = stack.load_average()
    return figures
