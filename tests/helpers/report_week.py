"""A week of tickets (2025-12-01 to 07, UTC) with the report's exact figures.

The week is in the past, so a report of it is as of its end whatever the clock says.
Shared by the report command's test on the real broker and the dashboard's export
test. The records include what a report must not count: a redelivered reply, a
record that breaks the contract, and events after the week (T1 reopened and moved
to another queue on 12-08), which a report as of the end of the week leaves out.
"""

from __future__ import annotations

from confluent_kafka import Producer

from bridge.contract.envelope import encode_event
from tests.helpers import samples

FIRST_DAY = "2025-12-01"
LAST_DAY = "2025-12-07"


def _opened(ticket_id: str, queue: str, opened: str, due: str) -> dict[str, object]:
    return samples.ticket_opened(
        ticket_id, event_id=f"{ticket_id}-open", time=opened, queue=queue, sla_due_at=due
    )


def _reply(ticket_id: str, agent: str, time: str) -> dict[str, object]:
    return samples.message_added(
        ticket_id, event_id=f"{ticket_id}-reply-{agent}", time=time, author_id=agent
    )


def _status(ticket_id: str, agent: str, status: str, time: str, n: int = 0) -> dict[str, object]:
    return samples.ticket_action(
        "status_changed", ticket_id, event_id=f"{ticket_id}-{status}-{n}", agent_id=agent,
        time=time, status=status,
    )  # fmt: skip


def _claim(ticket_id: str, agent: str, time: str) -> dict[str, object]:
    return samples.ticket_action(
        "claimed", ticket_id, event_id=f"{ticket_id}-claim", agent_id=agent, time=time
    )


def week_events() -> list[dict[str, object]]:
    """The week's events in the order they are produced (per ticket, in time order)."""
    return [
        # T1 deliveries: claimed and answered by ana in 20 min (met), resolved on 12-01
        _opened("T1", "deliveries", "2025-12-01T10:00:00Z", "2025-12-01T11:00:00Z"),
        _claim("T1", "ana", "2025-12-01T10:05:00Z"),
        _reply("T1", "ana", "2025-12-01T10:20:00Z"),
        _status("T1", "ana", "resolved", "2025-12-01T12:00:00Z"),
        # ... after the week: reopened and moved to general (not in the report)
        _status("T1", "ana", "open", "2025-12-08T09:00:00Z"),
        samples.ticket_action(
            "queue_changed",
            "T1",
            event_id="T1-queue",
            agent_id="ana",
            time="2025-12-08T09:01:00Z",
            queue="general",
        ),
        # T2 deliveries: assigned to luis by rosa, answered by luis after its due time
        _opened("T2", "deliveries", "2025-12-02T09:00:00Z", "2025-12-02T10:00:00Z"),
        samples.ticket_action(
            "assigned",
            "T2",
            event_id="T2-assign",
            agent_id="luis",
            time="2025-12-02T09:10:00Z",
            by={"id": "rosa", "name": "Rosa"},
        ),
        _reply("T2", "luis", "2025-12-02T10:30:00Z"),
        _status("T2", "luis", "resolved", "2025-12-03T08:00:00Z"),
        # T3 payments: nobody answered: breached
        _opened("T3", "payments", "2025-12-03T15:00:00Z", "2025-12-03T16:00:00Z"),
        # T4 payments: opened in the week, due and answered after it
        _opened("T4", "payments", "2025-12-07T23:30:00Z", "2025-12-08T00:30:00Z"),
        _reply("T4", "ana", "2025-12-08T00:10:00Z"),
        # T5 deliveries: opened the day before, due and answered (70 min) in the week
        _opened("T5", "deliveries", "2025-11-30T23:00:00Z", "2025-12-01T00:30:00Z"),
        _reply("T5", "ana", "2025-12-01T00:10:00Z"),
        # T7 general: claimed, answered in 15 min, resolved, reopened, resolved again
        _opened("T7", "general", "2025-12-05T10:00:00Z", "2025-12-05T11:00:00Z"),
        _claim("T7", "ana", "2025-12-05T10:01:00Z"),
        _reply("T7", "ana", "2025-12-05T10:15:00Z"),
        _status("T7", "ana", "resolved", "2025-12-05T10:30:00Z", 1),
        _status("T7", "ana", "open", "2025-12-05T10:40:00Z"),
        _status("T7", "ana", "resolved", "2025-12-05T10:50:00Z", 2),
    ]


def produce_week(bootstrap_servers: str, tickets_topic: str) -> None:
    """Produce the week, a redelivered reply and a record that breaks the contract."""
    producer = Producer({"bootstrap.servers": bootstrap_servers})
    events = week_events()
    for event in events:
        producer.produce(
            tickets_topic, key=str(event["subject"]).encode(), value=encode_event(event)
        )
    duplicate = events[2]  # T1's reply, again (a producer's retry)
    producer.produce(tickets_topic, key=b"T1", value=encode_event(duplicate))
    producer.produce(tickets_topic, key=b"T1", value=b"not json")
    assert producer.flush(30) == 0


BOUNDS = "2025-12-01T00:00:00Z,2025-12-08T00:00:00Z,2025-12-08T00:00:00Z"
EXPECTED_CSV = (
    "scope,id,name,opened,resolved,first_responses,first_response_median_min,sla_met,"
    "sla_breached,sla_attainment_pct,sla_pending,period_start,period_end,as_of\n"
    f"queue,deliveries,deliveries,2,2,3,70.0,2,1,66.7,0,{BOUNDS}\n"
    f"queue,general,general,1,1,1,15.0,1,0,100.0,0,{BOUNDS}\n"
    f"queue,payments,payments,2,0,0,,0,1,0.0,0,{BOUNDS}\n"
    f"agent,ana,Ana,,2,3,20.0,2,0,100.0,0,{BOUNDS}\n"
    f"agent,luis,Luis,,1,1,90.0,0,1,0.0,0,{BOUNDS}\n"
)
"""The report of the week in UTC (``--tz UTC``)."""
