"""The workspace's send, draft and outcome logic as plain Python (no widget, no Qt)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from bridge.wire.entities import Message, Order, Ticket, TicketAction
from bridge.wire.protocol import AgentIdentity, Claim, Command, CommandOutcome, Note, Reply
from console.viewstate.drafts import Draft, DraftStore
from console.viewstate.pending_commands import PendingCommands
from console.viewstate.ticket_session import (
    AssignedToOther,
    Collision,
    ComposerLock,
    ComposerState,
    MissingPlaceholders,
    NotSent,
    TicketSession,
)
from tests.helpers.clock import at
from tests.helpers.entities import customer_message, order, ticket

ME = AgentIdentity(agent_id="ag-lucia", name="Lucía", role="agent", queues=["deliveries"])


class HeldDrafts:
    """The autosaver without its timer: edits wait here until ``flush``."""

    def __init__(self, store: DraftStore) -> None:
        self.store = store
        self.waiting: dict[str, Draft] = {}

    def schedule(self, ticket_id: str, draft: Draft) -> None:
        self.waiting[ticket_id] = draft

    def pending(self, ticket_id: str) -> Draft | None:
        return self.waiting.get(ticket_id)

    def discard(self, ticket_id: str) -> None:
        self.waiting.pop(ticket_id, None)

    def flush(self) -> None:
        waiting, self.waiting = self.waiting, {}
        self.store.put_many(waiting)


class Console:
    """One console's session over a drafts folder (a second one is a restart)."""

    def __init__(self, folder: Path) -> None:
        self.drafts = DraftStore(folder)
        self.buffer = HeldDrafts(self.drafts)
        ids = itertools.count(1)
        self.session = TicketSession(
            self.drafts, self.buffer, PendingCommands(), command_ids=lambda: f"cmd-{next(ids)}"
        )

    def open(self, shown: Ticket, linked: Order | None = None) -> None:
        self.session.show(shown, linked, [shown], [] if linked is None else [linked], ME)

    def update(self, shown: Ticket) -> None:
        assert self.session.update(shown, None, [shown], [])


def agent_message(event_id: str, body: str, *, author_id: str = "ag-ana") -> Message:
    return Message(
        event_id=event_id,
        message_id=f"m-{event_id}",
        author_kind="agent",
        author_id=author_id,
        author_name="Ana" if author_id == "ag-ana" else "Lucía",
        body=body,
        internal=False,
        at=at(1),
    )


def sent(decision: object) -> Command:
    assert isinstance(decision, Command), decision
    return decision


@pytest.fixture
def console(tmp_path: Path) -> Console:
    return Console(tmp_path)


def on_disk(folder: Path, ticket_id: str) -> Draft | None:
    return DraftStore(folder).get(ticket_id)


# ---------------------------------------------------------------- drafts
def test_edits_wait_in_the_buffer_and_are_written_when_another_ticket_opens(
    console: Console, tmp_path: Path
) -> None:
    console.open(ticket("t1"))
    console.session.edit("para uno", internal=True)
    assert console.buffer.waiting == {"t1": Draft(body="para uno", internal=True)}
    assert on_disk(tmp_path, "t1") is None
    console.open(ticket("t2"))
    assert on_disk(tmp_path, "t1") == Draft(body="para uno", internal=True)
    assert console.session.composer == ComposerState()
    console.open(ticket("t1"))
    assert console.session.composer == ComposerState(body="para uno", internal=True)


def test_a_draft_not_yet_written_wins_over_the_one_on_disk(console: Console) -> None:
    console.drafts.put("t1", Draft(body="old"))
    console.buffer.schedule("t1", Draft(body="newer"))
    console.session.show(ticket("t1"), None, [], [], ME)  # flushes first: "newer" is written
    assert console.session.composer.body == "newer"
    assert console.drafts.get("t1") == Draft(body="newer")


# ---------------------------------------------------------------- sending
def test_a_reply_is_sent_with_a_fresh_id_kept_in_its_draft_and_locks_the_composer(
    console: Console, tmp_path: Path
) -> None:
    console.open(ticket("t1"))
    console.session.edit("Ya sale", internal=False)
    command = sent(console.session.request_send("Ya sale", internal=False))
    assert command == Command(command_id="cmd-1", action=Reply(ticket_id="t1", body="Ya sale"))
    assert console.buffer.waiting == {}  # the unsent version is not written over it later
    assert on_disk(tmp_path, "t1") == Draft(body="Ya sale", command_id="cmd-1")
    assert console.session.composer.lock == ComposerLock("sending")
    entry = console.session.pending.get("cmd-1")
    assert entry is not None
    assert entry.state == "sending"
    # Locked: no second send, and edits are not taken.
    assert console.session.request_send("Ya sale", internal=False) is None
    console.session.edit("Ya sale!", internal=False)
    assert console.session.composer.body == "Ya sale"


def test_an_internal_note_is_a_note(console: Console) -> None:
    console.open(ticket("t1"))
    command = sent(console.session.request_send("Revisar {eta}", internal=True))
    assert command.action == Note(ticket_id="t1", body="Revisar {eta}")  # notes are not checked


def test_an_empty_text_or_no_ticket_sends_nothing(console: Console) -> None:
    assert console.session.request_send("hola", internal=False) is None
    console.open(ticket("t1"))
    assert console.session.request_send("  \n", internal=False) is None


def test_an_unfilled_placeholder_holds_the_reply_back_with_a_notice(console: Console) -> None:
    console.open(ticket("t1"))
    assert console.session.request_send("Tu pedido {order_id} llega", internal=False) is None
    assert console.session.composer.notice == MissingPlaceholders(("order_id",))
    assert console.session.composer.lock is None
    assert console.session.pending.of_ticket("t1") == []
    console.session.edit("Tu pedido llega", internal=False)  # any edit takes the notice away
    assert console.session.composer.notice is None


def test_placeholders_are_filled_from_the_shown_ticket_and_order(console: Console) -> None:
    assert console.session.fill_placeholders("{customer_name}", dt.UTC) == "{customer_name}"
    console.open(
        ticket("t1", customer_name="María", order_id="o1"), order("o1", eta="2024-05-06T12:40:00Z")
    )
    filled = console.session.fill_placeholders("{customer_name}, {order_id}, {eta}", dt.UTC)
    assert filled == "María, o1, 12:40"


# ---------------------------------------------------------------- collisions
def test_a_customer_message_since_the_last_look_holds_the_reply_until_cancel(
    console: Console,
) -> None:
    first, newer = customer_message("¿hola?"), customer_message("¿alguien?")
    console.open(ticket("t1", messages=[first]))  # what is there when opened counts as seen
    console.update(ticket("t1", messages=[first, newer]))
    decision = console.session.request_send("Ya casi", internal=False)
    assert decision == Collision((newer,))
    assert console.session.pending.of_ticket("t1") == []
    console.session.cancel_collision()  # the agent reads them
    assert sent(console.session.request_send("Ya casi", internal=False)).action == Reply(
        ticket_id="t1", body="Ya casi"
    )


def test_another_agents_message_can_be_answered_anyway(console: Console) -> None:
    console.open(ticket("t1"))
    console.update(ticket("t1", messages=[agent_message("e1", "Ya le respondí")]))
    console.session.edit("Complemento", internal=False)
    assert isinstance(console.session.request_send("Complemento", internal=False), Collision)
    command = sent(console.session.send_anyway())
    assert command.action == Reply(ticket_id="t1", body="Complemento")


def test_my_own_messages_and_system_messages_do_not_collide(console: Console) -> None:
    console.open(ticket("t1"))
    system = Message(
        event_id="s1", message_id="m-s1", author_kind="system", author_id="system",
        author_name="A tu Puerta", body="Pedido entregado", internal=False, at=at(1),
    )  # fmt: skip
    mine = agent_message("e2", "Mi respuesta", author_id=ME.agent_id)
    console.update(ticket("t1", messages=[mine, system]))
    assert isinstance(console.session.request_send("Gracias", internal=False), Command)


# ---------------------------------------------------------------- outcomes
def test_queued_and_sent_move_the_lock_and_confirmed_clears_the_draft(
    console: Console, tmp_path: Path
) -> None:
    console.open(ticket("t1"))
    command = sent(console.session.request_send("Llega en 10", internal=False))
    console.session.apply_outcome(CommandOutcome(command_id=command.command_id, state="queued"))
    assert console.session.composer.lock == ComposerLock("queued")
    console.session.apply_outcome(CommandOutcome(command_id=command.command_id, state="sent"))
    assert console.session.composer.lock == ComposerLock("sent")
    assert not console.session.composer.lock.can_unlock
    console.session.apply_outcome(
        CommandOutcome(command_id=command.command_id, state="confirmed", ticket_id="t1")
    )
    assert console.session.composer == ComposerState()
    assert on_disk(tmp_path, "t1") is None
    console.session.apply_outcome(CommandOutcome(command_id=command.command_id, state="sent"))
    assert console.session.composer == ComposerState()  # a late "sent" changes nothing


def test_a_rejected_reply_gives_the_text_back_with_the_reason(
    console: Console, tmp_path: Path
) -> None:
    console.open(ticket("t1"))
    command = sent(console.session.request_send("Te devolvemos", internal=False))
    console.session.apply_outcome(
        CommandOutcome(command_id=command.command_id, state="rejected", reason="ticket closed")
    )
    assert console.session.composer == ComposerState(
        body="Te devolvemos", notice=NotSent("rejected", "ticket closed")
    )
    assert on_disk(tmp_path, "t1") == Draft(body="Te devolvemos")  # editable again


def test_an_outcome_for_a_ticket_not_shown_still_settles_its_draft(
    console: Console, tmp_path: Path
) -> None:
    console.open(ticket("t1"))
    command = sent(console.session.request_send("Listo", internal=False))
    console.open(ticket("t2"))
    console.session.apply_outcome(CommandOutcome(command_id=command.command_id, state="confirmed"))
    assert on_disk(tmp_path, "t1") is None
    assert console.session.composer == ComposerState()  # t2's composer is untouched


def test_a_reply_that_shows_up_in_the_ticket_is_confirmed_without_an_outcome(
    console: Console, tmp_path: Path
) -> None:
    console.open(ticket("t1"))
    command = sent(console.session.request_send("Listo", internal=False))
    console.update(
        ticket("t1", messages=[agent_message(command.command_id, "Listo", author_id=ME.agent_id)])
    )
    assert console.session.composer == ComposerState()
    assert on_disk(tmp_path, "t1") is None
    entry = console.session.pending.get(command.command_id)
    assert entry is not None
    assert entry.state == "confirmed"


def test_an_action_that_shows_up_in_the_ticket_is_confirmed(console: Console) -> None:
    console.open(ticket("t1"))
    command = console.session.request_action(Claim(ticket_id="t1"))
    assert command == Command(command_id="cmd-1", action=Claim(ticket_id="t1"))
    applied = TicketAction(
        event_id="cmd-1", type="atp.ticket.claimed", at=at(1), agent_id=ME.agent_id,
        agent_name=ME.name, value=None,
    )  # fmt: skip
    console.update(ticket("t1", actions=[applied]))
    entry = console.session.pending.get("cmd-1")
    assert entry is not None
    assert entry.state == "confirmed"


# ---------------------------------------------------------------- restarts
def test_after_a_restart_a_sent_text_stays_locked_until_it_shows_up(tmp_path: Path) -> None:
    first = Console(tmp_path)
    first.open(ticket("t1"))
    command = sent(first.session.request_send("Ya te devolvimos", internal=False))

    second = Console(tmp_path)  # no outcome arrived before the restart
    second.open(ticket("t1"))
    assert second.session.composer == ComposerState(
        body="Ya te devolvimos", lock=ComposerLock(None)
    )
    assert second.session.composer.lock is not None
    assert second.session.composer.lock.can_unlock
    second.update(
        ticket("t1", messages=[agent_message(command.command_id, "Ya", author_id=ME.agent_id)])
    )
    assert second.session.composer == ComposerState()
    assert on_disk(tmp_path, "t1") is None


def test_after_a_restart_the_agent_may_unlock_the_text_to_edit_it(tmp_path: Path) -> None:
    first = Console(tmp_path)
    first.open(ticket("t1"))
    sent(first.session.request_send("Ya te devolvimos", internal=False))
    second = Console(tmp_path)
    second.open(ticket("t1"))
    second.session.unlock()
    assert second.session.composer == ComposerState(body="Ya te devolvimos")
    assert on_disk(tmp_path, "t1") == Draft(body="Ya te devolvimos")  # no command id any more


def test_a_draft_whose_reply_is_already_in_the_ticket_is_dropped_on_open(tmp_path: Path) -> None:
    first = Console(tmp_path)
    first.open(ticket("t1"))
    command = sent(first.session.request_send("Ya", internal=False))
    second = Console(tmp_path)
    echoed = agent_message(command.command_id, "Ya", author_id=ME.agent_id)
    second.open(ticket("t1", messages=[echoed]))
    assert second.session.composer == ComposerState()
    assert on_disk(tmp_path, "t1") is None


# ---------------------------------------------------------------- the shown ticket
def test_an_update_of_another_ticket_is_ignored(console: Console) -> None:
    console.open(ticket("t1"))
    assert not console.session.update(ticket("t2"), None, [], [])
    assert console.session.ticket_id == "t1"


def test_clear_writes_waiting_drafts_and_shows_nothing(console: Console, tmp_path: Path) -> None:
    console.open(ticket("t1"))
    console.session.edit("a medias", internal=False)
    console.session.clear()
    assert console.session.ticket is None
    assert console.session.composer == ComposerState()
    assert on_disk(tmp_path, "t1") == Draft(body="a medias")


def test_after_a_restart_an_outcome_finds_its_draft_by_the_command_id(tmp_path: Path) -> None:
    first = Console(tmp_path)
    first.open(ticket("t1"))
    command = sent(first.session.request_send("Ya te devolvimos", internal=False))
    second = Console(tmp_path)  # knows no command, and the outcome names no ticket
    second.open(ticket("t2"))
    second.session.apply_outcome(CommandOutcome(command_id=command.command_id, state="confirmed"))
    assert on_disk(tmp_path, "t1") is None


# ---------------------------------------------------------------- someone else's ticket
def test_a_reply_on_another_agents_ticket_waits_for_confirmation_once(console: Console) -> None:
    held = ticket("t1", assignee="ag-ana", assignee_name="Ana")
    console.open(held)
    console.session.edit("hola", internal=False)
    decision = console.session.request_send("hola", internal=False)
    assert decision == AssignedToOther("ag-ana", "Ana")
    assert console.session.composer.lock is None  # nothing sent yet
    command = sent(console.session.reply_despite_owner())
    assert command.action == Reply(ticket_id="t1", body="hola")
    console.session.apply_outcome(CommandOutcome(command_id=command.command_id, state="confirmed"))
    console.session.edit("otra", internal=False)
    again = sent(console.session.request_send("otra", internal=False))
    console.session.apply_outcome(CommandOutcome(command_id=again.command_id, state="confirmed"))
    # Reassigned to someone else: ask again.
    console.update(ticket("t1", assignee="ag-beto", assignee_name="Beto"))
    console.session.edit("y otra", internal=False)
    assert console.session.request_send("y otra", internal=False) == AssignedToOther(
        "ag-beto", "Beto"
    )


def test_confirming_the_owner_still_asks_about_unseen_messages(console: Console) -> None:
    console.open(ticket("t1", assignee="ag-ana", assignee_name="Ana"))
    console.update(ticket("t1", assignee="ag-ana", messages=[customer_message("¿y?")]))
    console.session.edit("hola", internal=False)
    assert isinstance(console.session.request_send("hola", internal=False), AssignedToOther)
    assert isinstance(console.session.reply_despite_owner(), Collision)
    assert isinstance(console.session.send_anyway(), Command)


def test_notes_on_another_agents_ticket_do_not_ask(console: Console) -> None:
    console.open(ticket("t1", assignee="ag-ana", assignee_name="Ana"))
    console.session.edit("nota", internal=True)
    assert isinstance(console.session.request_send("nota", internal=True), Command)
