"""The ticket workspace on real widgets: conversation, composer, actions, outcomes, collisions."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import msgspec
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QMenu,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Message, Order, OrderEvent, Ticket, TicketAction
from bridge.wire.protocol import (
    AgentIdentity,
    Assign,
    Claim,
    Command,
    CommandOutcome,
    Note,
    Release,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from console.i18n import Language, Translations
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from console.workspace.conversation import ConversationView, MessageKind
from console.workspace.order_timeline import DELAY_BACKGROUND, DELAY_ROLE
from console.workspace.pending_actions import REASON_ROLE, STATE_ROLE
from tests.helpers import entities

# The offscreen platform warns on every top-level show; it is not about our code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ME = AgentIdentity(agent_id="ag-lucia", name="Lucía Torres", role="agent", queues=["deliveries"])
BOSS = AgentIdentity(agent_id="ag-boss", name="Rosa Huamán", role="supervisor", queues=[])


def message(
    event_id: str,
    kind: str,
    body: str,
    *,
    internal: bool = False,
    author_id: str | None = None,
    name: str | None = None,
    at: str = "2025-03-01T15:05:00Z",
) -> Message:
    names = {"customer": "María Rojas", "agent": "Ana Quispe", "system": "A tu Puerta"}
    ids = {"customer": "cus-1", "agent": "ag-ana", "system": "system"}
    return entities.message(
        event_id,
        kind,  # type: ignore[arg-type]  # test data: kind is one of the literals
        author_id=author_id or ids[kind],
        author_name=name or names[kind],
        body=body,
        internal=internal,
        at=at,
    )


def make_ticket(
    ticket_id: str = "T-100",
    messages: list[Message] | None = None,
    *,
    assignee: str | None = None,
    assignee_name: str | None = None,
    order_id: str | None = "O-500",
    actions: list[TicketAction] | None = None,
) -> Ticket:
    return entities.ticket(
        ticket_id,
        assignee=assignee,
        assignee_name=assignee_name,
        customer_id="cus-1",
        customer_name="María Rojas",
        order_id=order_id,
        subject="Mi pedido no llega",
        body="Pedí hace una hora y nada.",
        opened_at="2025-03-01T15:00:00Z",
        sla_due_at="2025-03-01T15:30:00Z",
        updated_at="2025-03-01T15:00:00Z",
        messages=messages if messages is not None else [],
        actions=actions if actions is not None else [],
    )


def make_order(order_id: str = "O-500") -> Order:
    def event(n: int, kind: str, at: str, **summary: object) -> OrderEvent:
        return entities.order_event(f"oe-{n}", kind, at, **summary)

    return entities.order(
        order_id,
        status="delivered",
        customer_id="cus-1",
        customer_name="María Rojas",
        total_cents=4590,
        currency="PEN",
        eta="2025-03-01T15:40:00Z",
        district="Miraflores",
        placed_at="2025-03-01T14:00:00Z",
        updated_at="2025-03-01T15:50:00Z",
        timeline=[
            event(1, "placed", "2025-03-01T14:00:00Z", total_cents=4590, currency="PEN", items=3,
                  district="Miraflores"),
            event(2, "paid", "2025-03-01T14:01:00Z", method="yape", amount_cents=4590),
            event(3, "dispatched", "2025-03-01T14:20:00Z", courier_id="c1",
                  courier_name="Jorge Paz", eta="2025-03-01T14:50:00Z"),
            event(4, "delayed", "2025-03-01T14:45:00Z", reason="Tráfico en la Vía Expresa",
                  eta="2025-03-01T15:40:00Z"),
            event(5, "delivered", "2025-03-01T15:50:00Z", delivered_at="2025-03-01T15:50:00Z"),
        ],
    )  # fmt: skip


THREAD = [
    message("e1", "customer", "¿Dónde está mi pedido?", at="2025-03-01T15:01:00Z"),
    message("e2", "system", "Pedido retrasado por tráfico", at="2025-03-01T15:02:00Z"),
    message("e3", "agent", "Hola María, ya lo reviso.", at="2025-03-01T15:03:00Z"),
    message("e4", "agent", "Cliente frecuente, ofrecer cupón", internal=True,
            at="2025-03-01T15:04:00Z"),
]  # fmt: skip


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> TicketWorkspace:
    widget = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    return widget


def show(
    workspace: TicketWorkspace, ticket: Ticket | None = None, me: AgentIdentity = ME
) -> Ticket:
    ticket = ticket or make_ticket(messages=list(THREAD))
    workspace.show_ticket(ticket, make_order(), [ticket], [make_order()], me)
    return ticket


def send_with_ctrl_enter(qtbot: QtBot, workspace: TicketWorkspace, text: str) -> Command:
    QTest.keyClicks(workspace.composer.editor, text)
    with qtbot.waitSignal(workspace.command_requested, timeout=1000) as blocker:
        QTest.keyClick(
            workspace.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    command = blocker.args[0]
    assert isinstance(command, Command)
    return command


# ---------------------------------------------------------------- conversation
def test_conversation_shows_every_kind_of_message_distinctly(workspace: TicketWorkspace) -> None:
    show(workspace)
    bubbles = workspace.conversation.bubbles()
    assert [b.property("kind") for b in bubbles] == [
        "opening",
        "customer",
        "system",
        "agent",
        "note",
    ]
    assert [b.body_label.text() for b in bubbles[1:]] == [m.body for m in THREAD]
    note = bubbles[-1]
    assert note.kind is MessageKind.NOTE
    assert "Internal note" in note.heading_label.text()
    assert note.background == QColor("#fff3a8")  # yellow
    backgrounds = {b.property("kind"): b.background.name() for b in bubbles}
    assert len({backgrounds[k] for k in ("customer", "agent", "system", "note")}) == 4
    assert "customer" in bubbles[1].heading_label.text()
    assert "System" in bubbles[2].heading_label.text()
    assert "Ana Quispe" in bubbles[3].heading_label.text()
    assert bubbles[2].heading_label.font().italic()
    # Bodies are plain text: a customer cannot inject markup.
    assert all(b.body_label.textFormat() == Qt.TextFormat.PlainText for b in bubbles)


# ---------------------------------------------------------------- composer and commands
def test_ctrl_enter_sends_a_reply_with_the_composer_text(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = show(workspace)
    command = send_with_ctrl_enter(qtbot, workspace, "Ya sale en camino")
    assert command.action == Reply(ticket_id=ticket.ticket_id, body="Ya sale en camino")
    assert uuid.UUID(command.command_id).version == 4


def test_note_toggle_turns_the_text_into_an_internal_note(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = show(workspace)
    workspace.composer.note_toggle.click()
    base = workspace.composer.editor.palette().color(QPalette.ColorRole.Base)
    assert base == QColor("#fff8cc")
    command = send_with_ctrl_enter(qtbot, workspace, "Revisar con el courier")
    assert command.action == Note(ticket_id=ticket.ticket_id, body="Revisar con el courier")


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_note_toggle_leaves_the_composer_as_wide_as_it_was(
    workspace: TicketWorkspace, translations: Translations, language: Language
) -> None:
    """A walk saw the queue/work split move by 14 px on each toggle ("Enviar" / "Agregar
    nota"): the Send button's minimum is now that of the wider of its two texts."""
    assert translations.install(language)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)  # as the loop would
    show(workspace)
    composer, button = workspace.composer, workspace.composer.send_button
    seen = []
    for internal in (False, True, False):
        composer.note_toggle.setChecked(internal)
        seen.append((composer.minimumSizeHint().width(), button.minimumWidth()))
        assert button.sizeHint().width() <= button.minimumWidth(), button.text()
    assert seen[0] == seen[1] == seen[2]


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: raise, grab, hints
def test_a_menu_opened_by_key_starts_on_the_tickets_current_value(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    """A walk pressed S, Down, Return and got "Open" again, the status it had: nothing was
    highlighted, so Down went to the first entry. The current value is now the one lit."""
    workspace.show()
    show(workspace, entities.ticket("T-1", status="open", priority="high"))
    for opened, actions, current in (
        (workspace.open_status_menu, workspace.action_bar.status_actions, "open"),
        (workspace.open_priority_menu, workspace.action_bar.priority_actions, "high"),
    ):
        opened()
        menu = actions[current].parent()
        assert isinstance(menu, QMenu)
        qtbot.waitUntil(menu.isVisible)
        assert menu.activeAction() is actions[current]
        menu.hide()


def test_every_command_gets_a_fresh_id(qtbot: QtBot, workspace: TicketWorkspace) -> None:
    show(workspace)
    ids = []
    for _ in range(2):
        with qtbot.waitSignal(workspace.command_requested) as blocker:
            workspace.action_bar.status_actions["pending"].trigger()
        ids.append(blocker.args[0].command_id)
    assert len(set(ids)) == 2


def test_outcomes_show_queued_sent_and_confirmed_clears_the_draft(
    qtbot: QtBot, workspace: TicketWorkspace, tmp_path: Path
) -> None:
    ticket = show(workspace)
    command = send_with_ctrl_enter(qtbot, workspace, "Llega en 10 minutos")
    model = workspace.pending_model
    assert workspace.composer.is_locked()
    sending = DraftStore(tmp_path).get(ticket.ticket_id)
    assert sending is not None
    assert sending.command_id == command.command_id

    def shown_state() -> str:
        return str(model.data(model.index(0, 0), STATE_ROLE))

    workspace.apply_outcome(CommandOutcome(command_id=command.command_id, state="queued"))
    assert shown_state() == "queued"
    assert "queued" in model.data(model.index(0, 0))
    assert "Queued" in workspace.composer.lock_label.text()
    workspace.apply_outcome(CommandOutcome(command_id=command.command_id, state="sent"))
    assert shown_state() == "sent"
    assert workspace.composer.is_locked()
    workspace.apply_outcome(
        CommandOutcome(command_id=command.command_id, state="confirmed", ticket_id=ticket.ticket_id)
    )
    assert shown_state() == "confirmed"
    assert not workspace.composer.is_locked()
    assert workspace.composer.text() == ""
    assert DraftStore(tmp_path).get(ticket.ticket_id) is None
    # A late "sent" does not move a confirmed command back.
    workspace.apply_outcome(CommandOutcome(command_id=command.command_id, state="sent"))
    assert shown_state() == "confirmed"


def test_rejected_claim_shows_the_reason(qtbot: QtBot, workspace: TicketWorkspace) -> None:
    show(workspace)
    with qtbot.waitSignal(workspace.command_requested) as blocker:
        workspace.action_bar.claim_button.click()
    command = blocker.args[0]
    assert isinstance(command.action, Claim)
    workspace.apply_outcome(
        CommandOutcome(
            command_id=command.command_id, state="rejected", reason="claimed by Ana Quispe"
        )
    )
    model = workspace.pending_model
    index = model.index(0, 0)
    assert model.data(index, STATE_ROLE) == "rejected"
    assert model.data(index, REASON_ROLE) == "claimed by Ana Quispe"
    assert "claimed by Ana Quispe" in model.data(index)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == QColor("#b3261e")


def test_rejected_reply_gives_the_text_back_with_the_reason(
    qtbot: QtBot, workspace: TicketWorkspace, tmp_path: Path
) -> None:
    ticket = show(workspace)
    command = send_with_ctrl_enter(qtbot, workspace, "Te devolvemos el dinero")
    workspace.apply_outcome(
        CommandOutcome(command_id=command.command_id, state="rejected", reason="ticket closed")
    )
    assert not workspace.composer.is_locked()
    assert workspace.composer.text() == "Te devolvemos el dinero"
    assert "ticket closed" in workspace.composer.lock_label.text()
    draft = DraftStore(tmp_path).get(ticket.ticket_id)
    assert draft is not None
    assert draft.command_id is None
    assert draft.body == "Te devolvemos el dinero"


def test_a_reply_seen_in_the_log_is_confirmed_without_an_outcome(
    qtbot: QtBot, workspace: TicketWorkspace, tmp_path: Path
) -> None:
    ticket = show(workspace)
    command = send_with_ctrl_enter(qtbot, workspace, "Listo")
    echoed = make_ticket(
        messages=[
            *THREAD,
            message(command.command_id, "agent", "Listo", author_id=ME.agent_id, name=ME.name),
        ]
    )
    workspace.update_ticket(echoed, make_order(), [echoed], [make_order()])
    assert not workspace.composer.is_locked()
    assert workspace.composer.text() == ""
    assert DraftStore(tmp_path).get(ticket.ticket_id) is None
    model = workspace.pending_model
    assert model.data(model.index(0, 0), STATE_ROLE) == "confirmed"


def test_pending_actions_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, workspace: TicketWorkspace
) -> None:
    show(workspace)
    for key in ("pending", "resolved"):
        workspace.action_bar.status_actions[key].trigger()
    commands = [workspace.pending_model.entries()[0].command_id]
    workspace.apply_outcome(CommandOutcome(command_id=commands[0], state="sent"))
    qtmodeltester.check(workspace.pending_model)  # type: ignore[no-untyped-call]  # pytest-qt: untyped


# ---------------------------------------------------------------- actions and keyboard
def test_status_priority_and_queue_controls_emit_their_actions(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = show(workspace)
    emitted: list[Command] = []
    workspace.command_requested.connect(emitted.append)
    workspace.action_bar.status_actions["resolved"].trigger()
    workspace.action_bar.priority_actions["urgent"].trigger()
    workspace.action_bar.queue_actions["payments"].trigger()
    workspace.action_bar.status_actions["open"].trigger()  # already open: nothing to send
    assert [c.action for c in emitted] == [
        SetStatus(ticket_id=ticket.ticket_id, status="resolved"),
        SetPriority(ticket_id=ticket.ticket_id, priority="urgent"),
        SetQueue(ticket_id=ticket.ticket_id, queue="payments"),
    ]
    # The menus keep showing the ticket's values until the change is confirmed.
    assert workspace.action_bar.status_actions["open"].isChecked()


def test_release_only_for_my_ticket_and_assign_only_for_supervisors(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    mine = make_ticket(assignee=ME.agent_id, assignee_name=ME.name)
    show(workspace, mine)
    assert not workspace.action_bar.claim_button.isEnabled()
    assert workspace.action_bar.assign_button.isHidden()
    with qtbot.waitSignal(workspace.command_requested) as blocker:
        workspace.action_bar.release_button.click()
    assert blocker.args[0].action == Release(ticket_id=mine.ticket_id)

    agents = [
        entities.presence("ag-ana", name="Ana Quispe", expires_at="2025-03-01T16:00:00Z"),
    ]  # fmt: skip
    workspace.set_agents(agents)
    show(workspace, mine, me=BOSS)
    assert not workspace.action_bar.assign_button.isHidden()
    assert not workspace.action_bar.release_button.isEnabled()  # not the supervisor's ticket
    with qtbot.waitSignal(workspace.command_requested) as blocker:
        workspace.action_bar.assign_actions["ag-ana"].trigger()
    assert blocker.args[0].action == Assign(
        ticket_id=mine.ticket_id, agent_id="ag-ana", agent_name="Ana Quispe"
    )


def part_of_composite(widget: QWidget) -> bool:
    """Headers of tables and popups of combo boxes belong to the named widget around them."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def test_every_interactive_widget_has_an_accessible_name(workspace: TicketWorkspace) -> None:
    show(workspace, me=BOSS)
    interactive = [
        *workspace.findChildren(QAbstractButton),
        *workspace.findChildren(QComboBox),
        *workspace.findChildren(QPlainTextEdit),
        *workspace.findChildren(QAbstractItemView),
    ]
    interactive = [w for w in interactive if not w.isHidden() and not part_of_composite(w)]
    assert len(interactive) > 10
    unnamed = [
        w
        for w in interactive
        if not w.accessibleName() and w.objectName() != "qt_scrollarea_viewport"
    ]
    assert unnamed == []


# ---------------------------------------------------------------- collisions
def test_collision_warning_when_the_customer_wrote_since_the_last_look(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = show(workspace)
    newer = make_ticket(
        messages=[*THREAD, message("e5", "customer", "¿Hola? ¿Alguien me lee?",
                                   at="2025-03-01T15:09:00Z")]
    )  # fmt: skip
    workspace.update_ticket(newer, make_order(), [newer], [make_order()])
    QTest.keyClicks(workspace.composer.editor, "Ya casi llega")
    with qtbot.assertNotEmitted(workspace.command_requested):
        QTest.keyClick(
            workspace.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    banner = workspace.collision_banner
    assert banner.isVisibleTo(workspace)
    assert "1 new message" in banner.title_text()
    assert "María Rojas: ¿Hola? ¿Alguien me lee?" in banner.details_text()
    banner.cancel_button.click()
    assert not banner.isVisibleTo(workspace)
    assert workspace.composer.text() == "Ya casi llega"
    assert not workspace.composer.is_locked()
    # Now that the agent has seen it, the reply goes out.
    with qtbot.waitSignal(workspace.command_requested) as blocker:
        QTest.keyClick(
            workspace.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert blocker.args[0].action == Reply(ticket_id=ticket.ticket_id, body="Ya casi llega")


def test_collision_with_another_agent_can_be_sent_anyway(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = show(workspace)
    newer = make_ticket(messages=[*THREAD, message("e6", "agent", "Ya le respondí yo")])
    workspace.update_ticket(newer, make_order(), [newer], [make_order()])
    QTest.keyClicks(workspace.composer.editor, "Complemento")
    workspace.composer.send_button.click()
    assert "Ana Quispe: Ya le respondí yo" in workspace.collision_banner.details_text()
    with qtbot.waitSignal(workspace.command_requested) as blocker:
        workspace.collision_banner.send_button.click()
    assert blocker.args[0].action == Reply(ticket_id=ticket.ticket_id, body="Complemento")


def test_my_own_messages_and_internal_notes_do_not_warn(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    show(workspace)
    newer = make_ticket(
        messages=[
            *THREAD,
            message("e7", "agent", "Mi respuesta anterior", author_id=ME.agent_id, name=ME.name),
            message("e8", "system", "Pedido entregado"),
        ]
    )
    workspace.update_ticket(newer, make_order(), [newer], [make_order()])
    command = send_with_ctrl_enter(qtbot, workspace, "Gracias")
    assert isinstance(command.action, Reply)


# ---------------------------------------------------------------- canned replies
def test_canned_reply_is_inserted_with_placeholders_filled(qtbot: QtBot, tmp_path: Path) -> None:
    before_eta = dt.datetime(2025, 3, 1, 15, 10, tzinfo=dt.UTC).timestamp()
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=lambda: before_eta
    )
    qtbot.addWidget(workspace)
    ticket = make_ticket(messages=list(THREAD))
    on_its_way = msgspec.structs.replace(make_order(), status="delayed")
    workspace.show_ticket(ticket, on_its_way, [ticket], [on_its_way], ME)
    picker = workspace.composer.canned_picker
    position = picker.findData("order-delayed")
    assert position > 0
    picker.setCurrentIndex(position)
    picker.activated.emit(position)
    text = workspace.composer.text()
    assert text.startswith("Hi María,")  # the first name
    assert "O-500" in text
    assert "15:40" in text  # the order's ETA in the workspace's time zone (UTC here)
    assert "{" not in text
    assert picker.currentIndex() == 0


def test_unfilled_placeholder_blocks_the_reply(qtbot: QtBot, workspace: TicketWorkspace) -> None:
    ticket = make_ticket(order_id=None, messages=list(THREAD))
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    assert workspace.composer.insert_canned("order-on-the-way")
    assert "{order_id}" in workspace.composer.text()
    with qtbot.assertNotEmitted(workspace.command_requested):
        workspace.composer.request_send()
    assert "{order_id}" in workspace.composer.lock_label.text()


# ---------------------------------------------------------------- order panel
def test_order_timeline_lists_every_event_in_order_with_delays_highlighted(
    qtmodeltester: ModelTester, workspace: TicketWorkspace
) -> None:
    show(workspace)
    model = workspace.order_panel.timeline_model
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]  # pytest-qt: untyped
    order = make_order()
    assert model.rowCount() == len(order.timeline)
    events = [model.data(model.index(row, 1)) for row in range(model.rowCount())]
    assert events == ["Placed", "Paid", "Dispatched", "Delayed", "Delivered"]
    times = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert times == ["2025-03-01 14:00", "2025-03-01 14:01", "2025-03-01 14:20",
                     "2025-03-01 14:45", "2025-03-01 15:50"]  # fmt: skip
    delays = [model.data(model.index(row, 0), DELAY_ROLE) for row in range(model.rowCount())]
    # The delay event, and the delivery after the promised 15:40.
    assert delays == [False, False, False, True, True]
    assert model.data(model.index(3, 2), Qt.ItemDataRole.BackgroundRole) == QColor(DELAY_BACKGROUND)
    assert model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole) is None
    assert "Tráfico en la Vía Expresa" in model.data(model.index(3, 2))
    assert "15:40" in model.data(model.index(3, 2))
    assert "Jorge Paz" in model.data(model.index(2, 2))
    assert "S/ 45.90" in workspace.order_panel.summary_label.text()


def test_order_panel_lists_the_customers_other_tickets_and_orders(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    ticket = make_ticket(messages=list(THREAD))
    other = make_ticket("T-099")
    older_order = make_order("O-400")
    workspace.show_ticket(ticket, make_order(), [ticket, other], [make_order(), older_order], ME)
    tickets = workspace.order_panel.other_tickets
    orders = workspace.order_panel.other_orders
    assert [tickets.item(i).data(Qt.ItemDataRole.UserRole) for i in range(tickets.count())] == [
        "T-099"
    ]
    assert [orders.item(i).data(Qt.ItemDataRole.UserRole) for i in range(orders.count())] == [
        "O-400"
    ]
    with qtbot.waitSignal(workspace.ticket_activated) as blocker:
        tickets.itemActivated.emit(tickets.item(0))
    assert blocker.args == ["T-099"]


def test_no_linked_order(workspace: TicketWorkspace) -> None:
    ticket = make_ticket(order_id=None)
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    assert workspace.order_panel.timeline_model.rowCount() == 0
    assert "No order" in workspace.order_panel.summary_label.text()


# ---------------------------------------------------------------- live updates
def test_update_ticket_keeps_the_composer_text_and_the_scroll_position(
    qtbot: QtBot, workspace: TicketWorkspace
) -> None:
    many = [message(f"x{i}", "customer", f"Mensaje número {i}\n" * 3) for i in range(40)]
    ticket = make_ticket(messages=many)
    workspace.show_ticket(ticket, make_order(), [ticket], [make_order()], ME)
    workspace.show()
    qtbot.waitExposed(workspace)
    bar = workspace.conversation.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 3)
    kept = bar.value()
    QTest.keyClicks(workspace.composer.editor, "Estoy escribiendo")
    workspace.composer.editor.moveCursor(workspace.composer.editor.textCursor().MoveOperation.Start)
    newer = make_ticket(messages=[*many, message("x40", "customer", "¿Y?")])
    newer.status = "pending"
    workspace.update_ticket(newer, make_order(), [newer], [make_order()])
    old_maximum = bar.maximum()
    qtbot.waitUntil(
        lambda: bar.maximum() > old_maximum or len(workspace.conversation.bubbles()) == 42
    )
    assert len(workspace.conversation.bubbles()) == 42  # the opening + 41 messages
    assert workspace.composer.text() == "Estoy escribiendo"
    assert workspace.composer.editor.textCursor().position() == 0
    assert bar.value() == kept
    assert "Pending" in workspace.meta_label.full_text()


def test_update_for_another_ticket_is_ignored(workspace: TicketWorkspace) -> None:
    show(workspace)
    other = make_ticket("T-999", messages=[message("z1", "customer", "otro")])
    workspace.update_ticket(other, None, [other], [])
    assert workspace.ticket_id == "T-100"
    assert len(workspace.conversation.bubbles()) == 1 + len(THREAD)


def test_todays_messages_show_a_time_like_the_feed_older_ones_a_date(qtbot: QtBot) -> None:
    now = dt.datetime(2025, 3, 1, 18, 0, tzinfo=dt.UTC).timestamp()
    view = ConversationView(dt.UTC, now=lambda: now)
    qtbot.addWidget(view)
    older = message("old", "customer", "Hola", at="2025-02-28T23:10:00Z")
    today = message("new", "customer", "¿Y?", at="2025-03-01T15:05:00Z")
    view.show_ticket(make_ticket(messages=[older, today]))
    headings = {b.event_id: b.heading_label.text() for b in view.bubbles()}
    assert headings["new"].endswith("· 15:05")
    assert headings["old"].endswith("· 2025-02-28 23:10")
