"""Drafts: written at every keystroke, per ticket, and they survive the widget and a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Message, Ticket
from bridge.wire.protocol import AgentIdentity, CommandOutcome
from console.viewstate.drafts import FILE_NAME, JOURNAL_NAME
from console.workspace import CannedLibrary, Draft, DraftStore, TicketWorkspace
from tests.helpers import entities

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ME = AgentIdentity(agent_id="ag-lucia", name="Lucía Torres", role="agent", queues=["deliveries"])


def make_ticket(ticket_id: str, messages: list[Message] | None = None) -> Ticket:
    return entities.ticket(
        ticket_id,
        priority="high",
        queue="payments",
        customer_id="cus-9",
        customer_name="Jorge Salazar",
        channel="app",
        subject="Cobro doble",
        body="Me cobraron dos veces con Yape.",
        opened_at="2025-03-01T15:00:00Z",
        sla_due_at="2025-03-01T15:30:00Z",
        updated_at="2025-03-01T15:00:00Z",
        messages=messages or [],
    )


def new_workspace(qtbot: QtBot, folder: Path) -> TicketWorkspace:
    widget = TicketWorkspace(DraftStore(folder), CannedLibrary.load("es"), tz=dt.UTC)
    qtbot.addWidget(widget)
    return widget


def open_ticket(workspace: TicketWorkspace, ticket: Ticket) -> None:
    workspace.show_ticket(ticket, None, [ticket], [], ME)


def on_disk(folder: Path, ticket_id: str) -> Draft | None:
    """What a fresh process would read."""
    return DraftStore(folder).get(ticket_id)


def test_draft_survives_destroying_the_widget(qtbot: QtBot, tmp_path: Path) -> None:
    # Not registered with qtbot: this test destroys it itself.
    first = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("es"), tz=dt.UTC)
    open_ticket(first, make_ticket("T-1"))
    first.composer.note_toggle.click()
    QTest.keyClicks(first.composer.editor, "Revisar el voucher de Yape")
    first.close()
    assert on_disk(tmp_path, "T-1") == Draft(body="Revisar el voucher de Yape", internal=True)
    with qtbot.waitSignal(first.destroyed):
        first.deleteLater()

    second = new_workspace(qtbot, tmp_path)
    open_ticket(second, make_ticket("T-1"))
    assert second.composer.text() == "Revisar el voucher de Yape"
    assert second.composer.is_internal()
    assert not second.composer.is_locked()


def test_every_keystroke_is_on_disk_before_any_close_so_a_crash_keeps_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    workspace = new_workspace(qtbot, tmp_path)
    open_ticket(workspace, make_ticket("T-2"))
    typed = ""
    for key in "Hola Jorge":
        QTest.keyClicks(workspace.composer.editor, key)
        typed += key
        # No close, no flush, no timer: a fresh process reads every keystroke at once.
        assert on_disk(tmp_path, "T-2") == Draft(body=typed)
    assert sorted(p.name for p in tmp_path.iterdir()) == [JOURNAL_NAME]  # no temporary file


def test_drafts_are_kept_per_ticket(qtbot: QtBot, tmp_path: Path) -> None:
    workspace = new_workspace(qtbot, tmp_path)
    open_ticket(workspace, make_ticket("T-A"))
    QTest.keyClicks(workspace.composer.editor, "para A")
    open_ticket(workspace, make_ticket("T-B"))  # switching saves A at once
    assert on_disk(tmp_path, "T-A") == Draft(body="para A")
    assert workspace.composer.text() == ""
    QTest.keyClicks(workspace.composer.editor, "para B")
    open_ticket(workspace, make_ticket("T-A"))
    assert workspace.composer.text() == "para A"
    open_ticket(workspace, make_ticket("T-B"))
    assert workspace.composer.text() == "para B"


def test_erasing_the_text_deletes_the_draft(qtbot: QtBot, tmp_path: Path) -> None:
    workspace = new_workspace(qtbot, tmp_path)
    open_ticket(workspace, make_ticket("T-3"))
    QTest.keyClicks(workspace.composer.editor, "x")
    workspace.flush_drafts()
    assert on_disk(tmp_path, "T-3") is not None
    QTest.keyClick(workspace.composer.editor, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: on_disk(tmp_path, "T-3") is None, timeout=2000)


def test_sent_reply_is_locked_after_a_restart_until_it_shows_up(
    qtbot: QtBot, tmp_path: Path
) -> None:
    first = new_workspace(qtbot, tmp_path)
    open_ticket(first, make_ticket("T-4"))
    QTest.keyClicks(first.composer.editor, "Ya te devolvimos el cobro")
    with qtbot.waitSignal(first.command_requested) as blocker:
        first.composer.send_button.click()
    command_id = blocker.args[0].command_id
    sending = on_disk(tmp_path, "T-4")  # written before the emit returns
    assert sending is not None
    assert sending.command_id == command_id
    first.close()

    # The console restarts before any outcome: the text is not offered for a second send.
    second = new_workspace(qtbot, tmp_path)
    open_ticket(second, make_ticket("T-4"))
    assert second.composer.is_locked()
    assert second.composer.text() == "Ya te devolvimos el cobro"
    assert second.composer.unlock_button.isVisibleTo(second)
    # The reply arrives through the log (its event id is the command id): the draft goes.
    echoed = make_ticket(
        "T-4",
        [
            entities.message(command_id, "agent", message_id="m1", author_id=ME.agent_id,
                             author_name=ME.name, body="Ya te devolvimos el cobro",
                             at="2025-03-01T15:10:00Z"),
        ],
    )  # fmt: skip
    second.update_ticket(echoed, None, [echoed], [])
    assert not second.composer.is_locked()
    assert second.composer.text() == ""
    assert on_disk(tmp_path, "T-4") is None


def test_outcome_for_a_ticket_not_shown_still_clears_its_draft(
    qtbot: QtBot, tmp_path: Path
) -> None:
    workspace = new_workspace(qtbot, tmp_path)
    open_ticket(workspace, make_ticket("T-5"))
    QTest.keyClicks(workspace.composer.editor, "Listo")
    with qtbot.waitSignal(workspace.command_requested) as blocker:
        workspace.composer.request_send()
    open_ticket(workspace, make_ticket("T-6"))
    workspace.apply_outcome(
        CommandOutcome(command_id=blocker.args[0].command_id, state="confirmed")
    )
    assert on_disk(tmp_path, "T-5") is None


@pytest.mark.allow_log("console.viewstate.drafts", "ERROR", match="unreadable")
def test_unreadable_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("{not json", encoding="utf-8")
    store = DraftStore(tmp_path)
    assert store.ticket_ids() == []
    store.put("T-7", Draft(body="nuevo"))
    assert DraftStore(tmp_path).get("T-7") == Draft(body="nuevo")
    assert (tmp_path / "drafts.unreadable.json").read_text(encoding="utf-8") == "{not json"


def test_the_drafts_folder_and_file_are_the_owners_only(tmp_path: Path) -> None:
    folder = tmp_path / "console"
    DraftStore(folder).put("T-9", Draft(body="privado"))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / JOURNAL_NAME).stat().st_mode & 0o777 == 0o600
