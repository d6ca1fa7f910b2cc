"""The commands a console sent and where each is, without Qt."""

from __future__ import annotations

from bridge.wire.protocol import Claim, Command, CommandOutcome, Reply, SetStatus
from console.viewstate.pending_commands import PendingChange, PendingCommands


def claim(command_id: str, ticket_id: str = "t1") -> Command:
    return Command(command_id=command_id, action=Claim(ticket_id=ticket_id))


def recording() -> tuple[PendingCommands, list[tuple[str, str, str]]]:
    pending = PendingCommands(max_finished_per_ticket=2)
    changes: list[tuple[str, str, str]] = []

    def record(change: PendingChange) -> None:
        changes.append((change.kind, change.entry.command_id, change.entry.state))

    pending.subscribe(record)
    return pending, changes


def test_a_command_goes_from_sending_to_its_final_state_and_stays_there() -> None:
    pending, changes = recording()
    entry = pending.add(claim("c1"))
    assert (entry.ticket_id, entry.state, entry.is_message) == ("t1", "sending", False)
    pending.apply(CommandOutcome(command_id="c1", state="queued"))
    pending.apply(CommandOutcome(command_id="c1", state="sent"))
    rejected = pending.apply(
        CommandOutcome(command_id="c1", state="rejected", reason="claimed by Ana")
    )
    assert rejected is not None
    assert (rejected.state, rejected.reason, rejected.is_final) == (
        "rejected",
        "claimed by Ana",
        True,
    )
    late = pending.apply(CommandOutcome(command_id="c1", state="sent"))
    assert late is not None
    assert late.state == "rejected"  # a late "sent" does not move a final command back
    assert changes == [
        ("added", "c1", "sending"),
        ("changed", "c1", "queued"),
        ("changed", "c1", "sent"),
        ("changed", "c1", "rejected"),
    ]


def test_an_outcome_of_another_consoles_command_is_not_ours() -> None:
    pending, changes = recording()
    assert pending.apply(CommandOutcome(command_id="elsewhere", state="confirmed")) is None
    assert changes == []


def test_entries_per_ticket_oldest_first_and_the_open_ones() -> None:
    pending, _ = recording()
    pending.add(claim("c1"))
    pending.add(Command(command_id="c2", action=Reply(ticket_id="t2", body="hola")))
    pending.add(Command(command_id="c3", action=SetStatus(ticket_id="t1", status="pending")))
    pending.apply(CommandOutcome(command_id="c1", state="confirmed"))
    assert [e.command_id for e in pending.of_ticket("t1")] == ["c1", "c3"]
    assert [e.command_id for e in pending.open_commands("t1")] == ["c3"]
    message = pending.get("c2")
    assert message is not None
    assert message.is_message


def test_only_the_last_finished_commands_of_a_ticket_are_kept() -> None:
    pending, changes = recording()
    for n in range(4):
        pending.add(claim(f"c{n}"))
    pending.add(claim("other", ticket_id="t2"))
    pending.apply(CommandOutcome(command_id="other", state="confirmed"))
    for n in range(4):
        pending.apply(CommandOutcome(command_id=f"c{n}", state="confirmed"))
    assert [e.command_id for e in pending.of_ticket("t1")] == ["c2", "c3"]
    assert [e.command_id for e in pending.of_ticket("t2")] == ["other"]
    assert [c for c in changes if c[0] == "removed"] == [
        ("removed", "c0", "confirmed"),
        ("removed", "c1", "confirmed"),
    ]
