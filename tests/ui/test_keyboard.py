"""One keyboard model for the whole window, on the real console (window, workspace, help)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from bridge.wire.protocol import (
    AddTag,
    AgentIdentity,
    Claim,
    Command,
    CommandOutcome,
    Note,
    Release,
    Reply,
)
from console.bridge_client import BridgeClient
from console.composition import ConsoleWindowSet
from console.help_dialog import ShortcutHelpDialog, help_rows
from console.keymap import KEYMAP, ActionId, Scope, markdown_table
from console.main_window import DASHBOARD_TAB, WORKSPACE_TAB
from tests.helpers.clock import at
from tests.helpers.entities import customer_message, many_tickets, ticket
from tests.helpers.protocol import ME, snapshot, status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from console.keyboard import KeyboardModel

# Artefacts of the offscreen test platform (top-level size hints; a popup menu's raise and grab).
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
)

BOSS = AgentIdentity(agent_id="a-rosa", name="Rosa", role="supervisor", queues=["deliveries"])
CONSOLE_MD = Path(__file__).resolve().parents[2] / "docs" / "CONSOLE.md"


@dataclass
class Console:
    windows: ConsoleWindowSet
    commands: list[Command]

    @property
    def keyboard(self) -> KeyboardModel:
        return self.windows.window.keyboard


@pytest.fixture
def console(qtbot: QtBot, tmp_path: Path) -> Iterator[Console]:
    windows = ConsoleWindowSet(
        BridgeClient(),
        drafts_dir=tmp_path / "drafts",
        canned_language="en",
        order_feed_limit=100,
        queues=("deliveries", "payments"),
    )
    commands: list[Command] = []
    windows.workspace.command_requested.connect(commands.append)
    window = windows.window
    qtbot.addWidget(window)
    tickets = many_tickets(5)
    tickets[1] = ticket("t00001", sla_due_at=tickets[1].sla_due_at, messages=[customer_message()])
    windows.store.apply_snapshot(snapshot(tickets, bridge_status=status(agent=BOSS)))
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    yield Console(windows, commands)
    windows.shutdown()


def press(qtbot: QtBot, portable: str, target: QWidget | None = None) -> None:
    """Press a key sequence (``C``, ``Ctrl+1``, ``?``) on ``target`` or the focus widget."""
    widget = target or QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    QTest.keySequence(widget, QKeySequence(portable))


def last_action(console: Console) -> object:
    return console.commands[-1].action


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def open_with_enter(qtbot: QtBot, console: Console) -> str:
    queue = console.windows.window.queue_view
    focus(qtbot, queue.table)
    press(qtbot, "J")
    press(qtbot, "J")
    selected = queue.current_ticket_id()
    assert selected == "t00001"
    press(qtbot, "Return")
    qtbot.waitUntil(lambda: console.windows.workspace.ticket_id == selected)
    return selected


def test_after_enter_opens_a_ticket_c_claims_with_the_focus_still_in_the_queue(
    qtbot: QtBot, console: Console
) -> None:
    ticket_id = open_with_enter(qtbot, console)
    queue = console.windows.window.queue_view
    assert queue.table.hasFocus()
    press(qtbot, "C")
    assert last_action(console) == Claim(ticket_id=ticket_id)
    # no type-ahead: "C" did not jump to a customer whose name starts with C
    assert queue.current_ticket_id() == ticket_id


@pytest.mark.parametrize("start", ["view selector", "release button"])
def test_j_then_enter_opens_the_ticket_wherever_the_focus_was(
    qtbot: QtBot, console: Console, start: str
) -> None:
    """The console starts with the focus in the view selector; a button keeps it once clicked.

    Both take Enter for themselves: J moves the selection and the focus to the queue,
    so Enter opens the ticket J selected (not the selector's list, not the button again).
    """
    queue = console.windows.window.queue_view
    workspace = console.windows.workspace
    if start == "release button":
        open_with_enter(qtbot, console)
        widget: QWidget = workspace.action_bar.release_button
        widget.setEnabled(True)  # as it is on a ticket of mine
    else:
        widget = queue.selector
    focus(qtbot, widget)
    press(qtbot, "J")
    selected = queue.current_ticket_id()
    assert selected is not None
    press(qtbot, "Return")
    qtbot.waitUntil(lambda: workspace.ticket_id == selected, timeout=2000)
    assert console.commands == []  # no button was pressed


def test_in_the_tag_field_letters_type_and_enter_adds_the_tag(
    qtbot: QtBot, console: Console
) -> None:
    ticket_id = open_with_enter(qtbot, console)
    field = console.windows.workspace.tag_editor.field
    focus(qtbot, field)
    QTest.keyClicks(field, "cancel")  # C, N, L are shortcuts outside text fields
    press(qtbot, "Return")
    assert last_action(console) == AddTag(ticket_id=ticket_id, tag="cancel")
    assert [type(command.action) for command in console.commands] == [AddTag]
    assert console.windows.workspace.ticket_id == ticket_id  # Enter did not open another


def test_letters_never_type_ahead_in_the_queue(qtbot: QtBot, console: Console) -> None:
    queue = console.windows.window.queue_view
    focus(qtbot, queue.table)
    press(qtbot, "K")  # select the first row
    first = queue.current_ticket_id()
    for letter in "cusxz":  # every customer here is "Customer tNNNNN"
        press(qtbot, letter.upper())
    assert queue.current_ticket_id() == first


def test_after_clicking_elsewhere_enter_still_opens_and_r_n_esc_work(
    qtbot: QtBot, console: Console
) -> None:
    ticket_id = open_with_enter(qtbot, console)
    workspace = console.windows.workspace
    focus(qtbot, workspace.conversation)
    press(qtbot, "K")
    assert console.windows.window.queue_view.current_ticket_id() == "t00000"
    press(qtbot, "Return")
    qtbot.waitUntil(lambda: workspace.ticket_id == "t00000")
    assert ticket_id != workspace.ticket_id
    focus(qtbot, workspace.order_panel.summary_label.parentWidget() or workspace)
    press(qtbot, "R")
    qtbot.waitUntil(workspace.composer.editor.hasFocus)
    assert not workspace.composer.is_internal()
    # in the text, letters are text: no claim, no navigation
    QTest.keyClicks(workspace.composer.editor, "claro jk")
    assert workspace.composer.text() == "claro jk"
    assert console.commands == []
    press(qtbot, "Esc")
    qtbot.waitUntil(console.windows.window.queue_view.table.hasFocus)
    press(qtbot, "N")
    qtbot.waitUntil(workspace.composer.editor.hasFocus)
    assert workspace.composer.is_internal()


def test_send_and_release_from_the_keyboard(qtbot: QtBot, console: Console) -> None:
    workspace = console.windows.workspace
    me = BOSS
    mine = ticket("t00003", assignee=me.agent_id, assignee_name=me.name)
    console.windows.store.apply_snapshot(
        snapshot([*many_tickets(3), mine], seq=2, bridge_status=status(agent=me))
    )
    console.windows.open_ticket("t00003")
    focus(qtbot, console.windows.window.queue_view.table)
    press(qtbot, "L")
    assert last_action(console) == Release(ticket_id="t00003")
    press(qtbot, "R")
    qtbot.waitUntil(workspace.composer.editor.hasFocus)
    QTest.keyClicks(workspace.composer.editor, "On its way")
    press(qtbot, "Ctrl+Return")
    assert last_action(console) == Reply(ticket_id="t00003", body="On its way")
    sent = console.commands[-1].command_id
    console.windows.client.outcome.emit(CommandOutcome(command_id=sent, state="confirmed"))
    assert workspace.composer.text() == ""  # the reply is done: the composer is free again
    press(qtbot, "Esc")
    press(qtbot, "N")
    QTest.keyClicks(workspace.composer.editor, "VIP")
    press(qtbot, "Ctrl+Enter")
    assert last_action(console) == Note(ticket_id="t00003", body="VIP")


@pytest.mark.parametrize(
    ("key", "button"),
    [
        ("S", "status_button"),
        ("P", "priority_button"),
        ("Q", "queue_button"),
        ("A", "assign_button"),
    ],
)
def test_menu_keys_open_the_ticket_menus(
    qtbot: QtBot, console: Console, key: str, button: str
) -> None:
    open_with_enter(qtbot, console)
    menu = getattr(console.windows.workspace.action_bar, button).menu()
    assert isinstance(menu, QMenu)
    press(qtbot, key)
    qtbot.waitUntil(menu.isVisible)
    menu.close()


def test_ctrl_numbers_switch_the_saved_view_and_alt_numbers_the_tab(
    qtbot: QtBot, console: Console
) -> None:
    window = console.windows.window
    queue = window.queue_view
    focus(qtbot, queue.search)  # modified keys work while typing too
    for key, view in (("Ctrl+1", "mine"), ("Ctrl+2", "unassigned"), ("Ctrl+4", "breached")):
        press(qtbot, key)
        assert queue.proxy.saved_view.key == view
    press(qtbot, "Ctrl+3")
    assert queue.proxy.saved_view.key == "open"
    press(qtbot, "Alt+2")
    assert window.work_area.currentIndex() == DASHBOARD_TAB
    press(qtbot, "Alt+1")
    assert window.work_area.currentIndex() == WORKSPACE_TAB


def test_f1_and_question_mark_open_the_help_but_question_mark_types_in_text(
    qtbot: QtBot, console: Console
) -> None:
    window = console.windows.window
    focus(qtbot, window.queue_view.table)
    press(qtbot, "?")
    dialog = window.findChild(ShortcutHelpDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.close()
    focus(qtbot, window.queue_view.search)
    press(qtbot, "?")
    assert window.queue_view.search.text() == "?"
    press(qtbot, "F1")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ShortcutHelpDialog)))


def test_the_help_lists_every_binding_and_each_listed_key_triggers_its_action(
    qtbot: QtBot, console: Console
) -> None:
    open_with_enter(qtbot, console)  # the composer takes the focus only with a ticket open
    rows = help_rows(console.keyboard)
    listed = {row.action for row in console.keyboard.rows()}
    assert listed == {item.action for item in KEYMAP}  # nothing in the table is left unbound
    assert [keys for keys, _ in rows] == [row.keys for row in console.keyboard.rows()]
    triggered: list[ActionId] = []
    window = console.windows.window
    for item in KEYMAP:
        console.keyboard.bind(item.action, partial(triggered.append, item.action))
    for item in KEYMAP:
        target = (
            console.windows.workspace.composer.editor
            if item.scope is Scope.COMPOSER
            else window.queue_view.table
        )
        for key in item.keys:
            focus(qtbot, target)
            before = len(triggered)
            press(qtbot, key)
            assert triggered[before:] == [item.action], f"{key} did not trigger {item.action}"


def test_docs_console_md_shows_the_keymap() -> None:
    assert markdown_table() in CONSOLE_MD.read_text(encoding="utf-8")


def test_me_is_an_agent_the_assign_key_does_nothing(qtbot: QtBot, console: Console) -> None:
    console.windows.store.apply_snapshot(snapshot(many_tickets(3), seq=3, bridge_status=status()))
    assert console.windows.me == ME
    open_with_enter(qtbot, console)
    menu = console.windows.workspace.action_bar.assign_button.menu()
    assert menu is not None
    press(qtbot, "A")
    assert not menu.isVisible()


def test_letters_typed_while_the_reply_waits_never_become_shortcuts(
    qtbot: QtBot, console: Console
) -> None:
    """Kafka is down and a reply is queued: N, then "llamar", must not release nor assign.

    The walk: the reply box was locked, N focused it read-only, and each "l" queued a
    Release and "a" opened the Assign menu. Keys typed in the locked box stay there.
    """
    workspace = console.windows.workspace
    mine = ticket("t00003", assignee=BOSS.agent_id, assignee_name=BOSS.name)
    down = status(agent=BOSS, kafka_up=False, kafka_down_since=at(0))
    console.windows.store.apply_snapshot(
        snapshot([*many_tickets(3), mine], seq=2, bridge_status=down)
    )
    console.windows.open_ticket("t00003")
    focus(qtbot, console.windows.window.queue_view.table)
    press(qtbot, "R")
    qtbot.waitUntil(workspace.composer.editor.hasFocus)
    QTest.keyClicks(workspace.composer.editor, "On its way")
    press(qtbot, "Ctrl+Return")
    sent = console.commands[-1].command_id
    console.windows.client.outcome.emit(CommandOutcome(command_id=sent, state="queued"))
    assert workspace.composer.is_locked()
    press(qtbot, "Esc")
    qtbot.waitUntil(console.windows.window.queue_view.table.hasFocus)
    before = list(console.commands)
    press(qtbot, "N")
    qtbot.waitUntil(workspace.composer.editor.hasFocus)
    for letter in "llamar":
        press(qtbot, letter.upper())
    assert console.commands == before  # no Release, no anything
    assign_menu = workspace.action_bar.assign_button.menu()
    assert assign_menu is not None
    assert not assign_menu.isVisible()
    assert workspace.composer.editor.hasFocus()
    assert workspace.composer.text() == "On its way"  # the queued reply is untouched
    lock = workspace.composer.lock_label
    assert lock.isVisible()
    assert "what you type is ignored" in lock.text()  # the agent sees why nothing happened


@pytest.mark.parametrize(("start", "key"), [("queue", "T"), ("reply text", "Ctrl+T")])
def test_t_or_ctrl_t_puts_the_focus_in_the_tag_field(
    qtbot: QtBot, console: Console, start: str, key: str
) -> None:
    """The walk: the tag field took 8 Shift+Tab from the reply box, and a tag typed
    with the focus elsewhere sent "r" to the reply key and the rest into the reply."""
    ticket_id = open_with_enter(qtbot, console)
    workspace = console.windows.workspace
    if start == "reply text":
        press(qtbot, "R")
        qtbot.waitUntil(workspace.composer.editor.hasFocus)
        QTest.keyClicks(workspace.composer.editor, "Hola")
    field = workspace.tag_editor.field
    press(qtbot, key)
    qtbot.waitUntil(field.hasFocus)
    QTest.keyClicks(field, "retraso")  # R, A, S are shortcuts outside text fields
    press(qtbot, "Return")
    assert [command.action for command in console.commands] == [
        AddTag(ticket_id=ticket_id, tag="retraso")
    ]
    assert workspace.composer.text() == ("Hola" if start == "reply text" else "")
    assert "(T)" in field.placeholderText()


def test_t_types_in_text_fields(qtbot: QtBot, console: Console) -> None:
    open_with_enter(qtbot, console)
    editor = console.windows.workspace.composer.editor
    press(qtbot, "R")
    qtbot.waitUntil(editor.hasFocus)
    press(qtbot, "T")
    assert editor.hasFocus()
    assert console.windows.workspace.composer.text().lower() == "t"
