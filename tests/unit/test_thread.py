"""A ticket's thread: messages and history merged back into log order."""

from __future__ import annotations

from bridge.contract.topics import Topics
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from console.viewstate.thread import ActionEntry, MessageEntry, thread_entries
from tests.helpers import entities, samples

TOPICS = Topics()


def _fold(events: list[dict[str, object]]) -> State:
    state = State()
    for offset, event in enumerate(events):
        record = samples.as_record(event, topic=TOPICS.tickets, offset=offset)
        assert fold_record(state, record, TOPICS).outcome == "applied"
    return state


def test_messages_and_actions_come_back_in_the_order_the_log_had_them() -> None:
    state = _fold(
        [
            samples.ticket_opened("t-1", event_id="open"),
            samples.message_added("t-1", event_id="m-1"),
            samples.ticket_action("claimed", "t-1", event_id="claim", agent_id="a-1"),
            samples.message_added("t-1", event_id="m-2"),
            samples.ticket_action("status_changed", "t-1", event_id="pending", status="pending"),
            samples.ticket_action("priority_changed", "t-1", event_id="prio", priority="high"),
            samples.message_added("t-1", event_id="m-3"),
        ]
    )
    entries = thread_entries(state.tickets["t-1"])
    assert [(type(e).__name__, e.event_id) for e in entries] == [
        ("MessageEntry", "m-1"),
        ("ActionEntry", "claim"),
        ("MessageEntry", "m-2"),
        ("ActionEntry", "pending"),
        ("ActionEntry", "prio"),
        ("MessageEntry", "m-3"),
    ]


def test_log_order_wins_over_event_times() -> None:
    """A producer's clock may run behind: the thread follows the log, not the stamps."""
    state = _fold(
        [
            samples.ticket_opened("t-1", event_id="open"),
            samples.ticket_action(
                "claimed", "t-1", event_id="claim", agent_id="a-1", time="2024-05-01T10:30:00Z"
            ),
            samples.message_added("t-1", event_id="m-1", time="2024-05-01T10:05:00Z"),
        ]
    )
    assert [e.event_id for e in thread_entries(state.tickets["t-1"])] == ["claim", "m-1"]


def test_entities_without_indices_keep_messages_first_each_in_its_order() -> None:
    ticket = entities.ticket(
        "t-1",
        messages=[entities.message("m-1"), entities.message("m-2")],
        actions=[entities.ticket_action("a-1")],
    )
    entries = thread_entries(ticket)
    assert [e.event_id for e in entries] == ["m-1", "m-2", "a-1"]
    assert isinstance(entries[0], MessageEntry)
    assert isinstance(entries[2], ActionEntry)
