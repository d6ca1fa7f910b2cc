"""Hostile records on real widgets: HTML from Kafka stays plain text, huge fields stay bounded.

Issue 12, items 18 and 19: every text that comes from an event is shown as
plain text everywhere (labels, cells, tooltips, the tray's notifications), and
no record can make the window lay out megabytes of text.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import msgspec
import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QSystemTrayIcon, QWidget

from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import AgentIdentity, CommandOutcome
from console.dashboard.dashboard import SupervisorDashboard
from console.main_window import MainWindow
from console.notifications import NotificationSwitches, Notifier
from console.viewstate.bounded import LINE_CHARS, MESSAGE_CHARS, TOOLTIP_CHARS
from console.viewstate.order_feed import OrderFeed
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from console.workspace.conversation import MessageKind
from console.workspace.text_viewer import TextViewer
from tests.helpers import entities
from tests.helpers.clock import T0, Clock, at
from tests.helpers.protocol import ME, delta, snapshot, ticket_change

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HTML = '<img src=file:///etc/passwd><a href="https://evil.example/">pay here</a><b>x</b>'
"""What a hostile producer puts in every text field of its records."""
SUPERVISOR = AgentIdentity(agent_id="a-boss", name="Rosa", role="supervisor", queues=[])


class RecordingTray(QSystemTrayIcon):
    """A real tray icon (never shown: offscreen has no tray) that records its messages."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title: str, msg: str, *args: object) -> None:  # noqa: N802 (Qt name; records any overload)
        self.messages.append((title, msg))


def hostile_ticket(ticket_id: str = "T-1", **fields: object) -> Ticket:
    values: dict[str, object] = {
        "subject": f"Subject {HTML}",
        "body": f"Body {HTML}",
        "customer_name": f"María {HTML}",
        "customer_id": "c-1",
        "queue": f"q{HTML}",
        "assignee": "a-ana",
        "assignee_name": f"Ana {HTML}",
        "order_id": "O-1",
        "tags": [f"t{HTML}"[:40]],
        "messages": [
            entities.message("ev-1", "customer", author_name=f"María {HTML}", body=HTML),
            entities.message(
                "ev-2", "agent", author_id="a-ana", author_name=f"Ana {HTML}", body=HTML
            ),
        ],
    }
    values.update(fields)
    return entities.ticket(ticket_id, **values)


def hostile_order() -> Order:
    order = entities.order(
        "O-1",
        ("placed", "paid", "dispatched", "delayed", "cancelled"),
        customer_id="c-1",
        customer_name=f"María {HTML}",
        district=f"Surco {HTML}",
    )
    for event in order.timeline:  # every summary value is hostile
        event.summary = {
            "items": HTML,
            "district": HTML,
            "method": HTML,
            "courier_name": HTML,
            "reason": HTML,
            "by": HTML,
            "eta": at(30),
            "other": HTML,
        }
    return order


def shown_as(tooltip: str) -> str:
    """The text a user reads in a rich-text tooltip (markup interpreted)."""
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def assert_tooltip_plain(tooltip: str, where: str) -> None:
    """A tooltip either has no markup, or is escaped so that the reader sees the raw text."""
    assert "<img" not in tooltip, (where, tooltip)
    assert "<a " not in tooltip, (where, tooltip)


def assert_widgets_plain(root: QWidget) -> int:
    """Every label showing hostile text is plain text; no tooltip carries raw markup.

    Returns how many widgets showed the hostile text (so a test sees it was fed through).
    """
    seen = 0
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel) and "<img" in widget.text():
            seen += 1
            assert widget.textFormat() == Qt.TextFormat.PlainText, widget.objectName()
        if isinstance(widget, QAbstractButton) and "<img" in widget.text():
            seen += 1  # buttons draw their text as plain text
        assert_tooltip_plain(widget.toolTip(), f"{type(widget).__name__} {widget.objectName()}")
    return seen


def assert_model_plain(model: QAbstractItemModel, name: str) -> int:
    """Cells hold the raw text (drawn as plain text); tooltips are escaped. Returns the cells."""
    seen = 0
    for row in range(model.rowCount(QModelIndex())):
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        for column in range(columns):
            index = model.index(row, column, QModelIndex())
            display = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(display, str) and "<img" in display:
                seen += 1
            tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tooltip, str):
                assert_tooltip_plain(tooltip, f"{name} row {row} column {column}")
    return seen


@pytest.fixture
def store() -> ViewStore:
    return ViewStore()


@pytest.fixture
def window(qtbot: QtBot, store: ViewStore) -> MainWindow:
    win = MainWindow(store, OrderFeed(), SeenTracker(), Clock(), tick_ms=50, search_delay_ms=0)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    return win


def test_html_from_kafka_is_plain_text_in_every_view(
    qtbot: QtBot, tmp_path: Path, store: ViewStore, window: MainWindow
) -> None:
    ticket, order = hostile_ticket(), hostile_order()
    colleague = entities.presence("a-ana", name=f"Ana {HTML}", viewing="T-1", expires_at=at(60))
    store.apply_snapshot(snapshot([ticket], [order]))
    store.apply_delta(delta(2, ticket_change(hostile_ticket(status="pending"))))

    # The queue: cells and tooltips.
    window.show()
    qtbot.waitExposed(window)
    assert assert_model_plain(window.queue_model, "queue") >= 4
    # The order feed.
    assert assert_model_plain(window.feed_model, "order feed") >= 1
    assert assert_widgets_plain(window) >= 0

    # The workspace: header, colleague line, tags, conversation, order timeline, a notice.
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, wall_clock=T0.timestamp
    )
    qtbot.addWidget(workspace)
    workspace.resize(1200, 800)
    workspace.set_agents([colleague])
    workspace.show_ticket(ticket, order, [ticket], [order], ME)
    workspace.show()
    qtbot.waitExposed(workspace)
    workspace.composer.editor.setPlainText("Hola")
    workspace.composer.request_send()
    assert "Ana <img" in workspace.owner_banner.title_text()  # assigned to Ana: confirm
    workspace.owner_banner.reply_button.click()
    assert workspace.pending_model.rowCount() == 1
    sent = workspace.session.pending.open_commands("T-1")[0]
    workspace.apply_outcome(
        CommandOutcome(command_id=sent.command_id, state="rejected", reason=HTML, ticket_id="T-1")
    )
    assert HTML in workspace.composer.lock_label.text()
    assert "<img" in workspace.colleagues_label.text()
    assert "<img" in workspace.tag_editor.tag_buttons()[0].text()
    bubbles = workspace.conversation.bubbles()
    assert {b.kind for b in bubbles} >= {MessageKind.CUSTOMER, MessageKind.AGENT}
    assert all(HTML in b.body_label.text() for b in bubbles)
    assert assert_widgets_plain(workspace) >= 6
    timeline = workspace.order_panel.timeline_model
    assert timeline.rowCount() == 5
    assert assert_model_plain(timeline, "order timeline") >= 5
    for row in range(timeline.rowCount()):  # the reader sees the markup as text
        tooltip = timeline.index(row, 2).data(Qt.ItemDataRole.ToolTipRole)
        assert "<img" in shown_as(tooltip)

    # The dashboard: queue and agent names.
    dashboard = SupervisorDashboard(tz=dt.UTC, coalesce_ms=0)
    qtbot.addWidget(dashboard)
    dashboard.update_data([ticket], [colleague], T0, f"{HTML}")
    qtbot.waitUntil(lambda: dashboard.figures is not None)
    assert assert_model_plain(dashboard.queue_model, "dashboard queues") >= 1
    assert assert_model_plain(dashboard.agent_model, "dashboard agents") >= 1
    assert assert_widgets_plain(dashboard) >= 1  # the "data as of" text


def test_notifications_escape_html_for_the_notification_server(
    qtbot: QtBot, store: ViewStore
) -> None:
    """The freedesktop notification server (Linux, where this runs) reads markup: escape it."""
    tray = RecordingTray()
    clock = Clock()
    notifier = Notifier(tray, me=ME, switches=NotificationSwitches(), clock=clock, gather_s=0.0)
    shown: list[tuple[str, str]] = []
    notifier.toast_shown.connect(lambda title, body: shown.append((title, body)))
    notifier.attach(store)
    store.apply_snapshot(snapshot([], seq=1))
    arriving = hostile_ticket("T-9", queue="deliveries", assignee=None, assignee_name=None)
    store.apply_delta(delta(2, ticket_change(arriving)))
    qtbot.waitUntil(lambda: bool(tray.messages), timeout=3000)
    notifier.detach()
    _title, body = tray.messages[0]
    assert "<img" not in body
    assert "<a " not in body
    assert "&lt;img src=file:///etc/passwd&gt;" in body
    assert "<img" in shown[0][1]  # the plain-text copy (status bar) keeps the raw text


def test_a_1_mb_subject_and_body_lay_out_bounded_text(
    qtbot: QtBot, tmp_path: Path, store: ViewStore, window: MainWindow
) -> None:
    """Opening a ticket whose subject and body are 1 MB each lays out only their start."""
    huge = "A" * 400 + " " + "x" * (1024 * 1024)
    message_body = "Hola " * 200_000
    ticket = hostile_ticket(
        subject=huge,
        body=huge,
        customer_name=huge,
        assignee_name=huge,
        messages=[entities.message("ev-1", "customer", body=message_body)],
    )
    store.apply_snapshot(snapshot([ticket], [hostile_order()]))
    window.show()
    qtbot.waitExposed(window)
    for column in range(window.queue_model.columnCount()):
        text = window.queue_model.index(0, column).data()
        assert len(text or "") <= LINE_CHARS, column
        tooltip = window.queue_model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
        assert len(tooltip or "") <= 2 * TOOLTIP_CHARS, column
    dashboard = SupervisorDashboard(tz=dt.UTC, coalesce_ms=0)
    qtbot.addWidget(dashboard)
    dashboard.update_data([msgspec.structs.replace(ticket, queue=huge)], [], T0, at(0))
    qtbot.waitUntil(lambda: dashboard.figures is not None)
    for model in (dashboard.queue_model, dashboard.agent_model):
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                assert len(index.data() or "") <= LINE_CHARS
                assert len(index.data(Qt.ItemDataRole.ToolTipRole) or "") <= 2 * TOOLTIP_CHARS

    workspace = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(workspace)
    workspace.resize(1200, 800)
    workspace.show_ticket(ticket, hostile_order(), [ticket], [], ME)
    workspace.show()
    qtbot.waitExposed(workspace)
    labels = workspace.findChildren(QLabel)
    assert labels
    for label in labels:
        assert len(label.text()) <= MESSAGE_CHARS + 1, label.objectName()
        assert len(label.toolTip()) <= 2 * TOOLTIP_CHARS, label.objectName()
    assert len(workspace.subject_label.full_text()) <= LINE_CHARS
    opening, customer = workspace.conversation.bubbles()
    assert opening.is_truncated()
    assert customer.is_truncated()
    assert customer.body == message_body  # the whole text is still there, on demand
    assert opening.whole_button is not None
    assert opening.whole_button.text() == "Show the whole message"


def test_show_the_whole_message_opens_it_in_a_viewer(qtbot: QtBot, tmp_path: Path) -> None:
    long_body = "\n".join(f"línea {n} <b>no es HTML</b>" for n in range(2_000))
    ticket = hostile_ticket(messages=[entities.message("ev-1", "customer", body=long_body)])
    workspace = TicketWorkspace(DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC)
    qtbot.addWidget(workspace)
    workspace.show_ticket(ticket, None, [ticket], [], ME)
    bubble = workspace.conversation.bubbles()[-1]
    assert bubble.is_truncated()
    assert len(bubble.body_label.text()) <= MESSAGE_CHARS + 1
    assert bubble.whole_button is not None
    bubble.whole_button.click()
    viewers = [w for w in QApplication.topLevelWidgets() if isinstance(w, TextViewer)]
    qtbot.waitUntil(lambda: any(v.isVisible() for v in viewers))
    viewer = next(v for v in viewers if v.isVisible())
    assert viewer.text() == long_body
    viewer.close()
