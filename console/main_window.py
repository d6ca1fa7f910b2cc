"""The console's main window: queue and order feed on the left, the work area on the right.

It owns no connection and relays no data: the bridge client feeds the view
store, and the window's models and views are the store's listeners. Connect a
bridge client's ``connected`` and ``disconnected`` to ``on_connected`` and
``on_disconnected`` for the status bar. The ticket workspace and the supervisor
dashboard are inserted with ``set_workspace_widget`` and
``set_dashboard_widget``.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from console.keyboard import KeyboardModel
from console.keymap import ActionId
from console.models.order_feed_model import OrderFeedModel
from console.models.ticket_queue_model import TicketQueueModel
from console.room import asked_height
from console.views.connection_banner import ConnectionBanner
from console.views.order_feed_view import OrderFeedView
from console.views.queue_view import QueueView
from console.views.status_bar import ConsoleStatusBar
from console.viewstate.connection_notice import connection_notice
from console.window_state import WindowState

if TYPE_CHECKING:
    from console.viewstate.order_feed import OrderFeed
    from console.viewstate.seen import SeenTracker
    from console.viewstate.store import StoreUpdate, ViewStore
    from console.viewstate.times import Clock

QUEUE_SHARE = 0.55
OPENING_SIZE = QSize(1440, 900)
"""The size the console opens at on a screen with room for it."""
"""The queue and feed's share of the window's width when it first shows."""
WORKSPACE_TAB = 0
DASHBOARD_TAB = 1
DIAGNOSTICS_TAB = 2


def opening_size(available: QSize | None) -> QSize:
    """``OPENING_SIZE``, cut to ``available`` (the screen's area without panels and docks).

    A 1366x768 laptop, common at support desks, has no room for 1440x900:
    a window opened larger than its screen hides its right edge and its
    status bar. ``None``: no screen is known (the size as it is).
    """
    return OPENING_SIZE if available is None else OPENING_SIZE.boundedTo(available)


class MainWindow(QMainWindow):
    """Queue, order feed, work area (ticket workspace, dashboard) and a truthful status bar."""

    ticket_activated = Signal(str)
    """The agent opened a ticket from the queue (its id); it is marked as seen."""
    order_activated = Signal(str)
    """The agent opened an order from the feed (its id)."""
    settings_requested = Signal()
    """The agent asked for the connection settings (from the connection banner)."""
    banner_height_changed = Signal(int)
    """The connection banner now takes this height (px) above the panes (0: hidden).

    Connect it to ``TicketWorkspace.lend_height``: the conversation gives it up,
    so the banner does not make the window taller than the screen gave it.
    """

    def __init__(
        self,
        store: ViewStore,
        feed: OrderFeed,
        seen: SeenTracker,
        clock: Clock,
        *,
        tick_ms: int = 1000,
        search_delay_ms: int = 150,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.queue_model = TicketQueueModel(store, seen, clock, self)
        self.feed_model = OrderFeedModel(store, feed, self)
        self.queue_view = QueueView(
            self.queue_model, tick_ms=tick_ms, search_delay_ms=search_delay_ms, parent=self
        )
        self.order_feed_view = OrderFeedView(
            self.feed_model, search_delay_ms=search_delay_ms, parent=self
        )
        self.work_area = QTabWidget(self)
        self._placeholders: dict[int, QLabel] = {}
        self._diagnostics_opened = False  # Help > Diagnostics shows the tab to anyone
        for position in (WORKSPACE_TAB, DASHBOARD_TAB, DIAGNOSTICS_TAB):
            placeholder = QLabel(self)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._placeholders[position] = placeholder
            self.work_area.addTab(placeholder, "")

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.queue_view)
        left.addWidget(self.order_feed_view)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(left)
        main.addWidget(self.work_area)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        self._main_splitter = main
        self._sized = False
        self.connection_banner = ConnectionBanner(self)
        self.connection_banner.settings_requested.connect(self.settings_requested)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.connection_banner)
        column.addWidget(main, 1)
        self.setCentralWidget(central)
        self._banner_spacing, self._banner_height = max(0, column.spacing()), 0
        self.connection_banner.installEventFilter(self)  # shown, hidden or re-wrapped
        self._connected = False
        self._ever_connected = False
        self._link_reason: str | None = None
        self.status_bar = ConsoleStatusBar(clock, self)
        self.setStatusBar(self.status_bar)

        self.keyboard = KeyboardModel(self)
        """The window's keyboard model (console/keymap.py); the workspace binds its part."""
        self._bind_keys()
        self.queue_view.ticket_activated.connect(self._on_ticket_activated)
        self.order_feed_view.order_opened.connect(self.order_activated)
        self._unsubscribe = store.subscribe(self._on_update)
        if store.status is not None:
            self._show_status()
        self.retranslate()

    # ------------------------------------------------------------------ composition
    def set_workspace_widget(self, widget: QWidget) -> None:
        """Put the ticket workspace in the work area (replaces the placeholder)."""
        self._replace_tab(WORKSPACE_TAB, widget)

    def set_dashboard_widget(self, widget: QWidget) -> None:
        """Put the supervisor dashboard in the work area (replaces the placeholder)."""
        self._replace_tab(DASHBOARD_TAB, widget)

    def set_diagnostics_widget(self, widget: QWidget) -> None:
        """Put the diagnostics view in the work area (replaces the placeholder)."""
        self._replace_tab(DIAGNOSTICS_TAB, widget)

    def show_diagnostics(self) -> None:
        """Show the Diagnostics tab (supervisors always have it; anyone may open it)."""
        self._diagnostics_opened = True
        self.work_area.setTabVisible(DIAGNOSTICS_TAB, True)
        self.work_area.setCurrentIndex(DIAGNOSTICS_TAB)

    def show_workspace(self) -> None:
        """Bring the ticket workspace to the front."""
        self.work_area.setCurrentIndex(WORKSPACE_TAB)

    def show_dashboard(self) -> None:
        """Bring the dashboard to the front."""
        self.work_area.setCurrentIndex(DASHBOARD_TAB)

    # ------------------------------------------------------------------ bridge client slots
    def on_connected(self) -> None:
        """The bridge accepted us (connect to ``BridgeClient.connected``)."""
        self.status_bar.set_connected()
        self._connected = self._ever_connected = True
        self._link_reason = None
        self._show_link()

    def on_disconnected(self, reason: str) -> None:
        """The link dropped; the client reconnects (connect to ``BridgeClient.disconnected``)."""
        self.status_bar.set_reconnecting(reason)
        self._connected = False
        self._link_reason = reason
        self._show_link()

    def set_kafka_address(self, address: str | None) -> None:
        """The bootstrap servers of the configuration, named by the banner when unreachable."""
        self.connection_banner.set_kafka_address(address)

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Re-read every translated text of the window itself."""
        self.setWindowTitle(self.tr("A tu Puerta — support console"))
        self.work_area.setTabText(WORKSPACE_TAB, self.tr("Ticket"))
        self.work_area.setTabText(DASHBOARD_TAB, self.tr("Dashboard"))
        self.work_area.setTabText(DIAGNOSTICS_TAB, self.tr("Diagnostics"))
        self.work_area.setAccessibleName(self.tr("Work area"))
        self.work_area.tabBar().setAccessibleName(self.tr("Work area tabs"))
        texts = {
            WORKSPACE_TAB: self.tr("Open a ticket from the queue (Enter)."),
            DASHBOARD_TAB: self.tr("The dashboard is not available."),
            DIAGNOSTICS_TAB: self.tr("Diagnostics are not available."),
        }
        for position, placeholder in self._placeholders.items():
            placeholder.setText(texts[position])
        self._show_link()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Retranslate the window and its models on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.keyboard.retranslate()
            self.queue_model.retranslate()
            self.feed_model.retranslate()
        super().changeEvent(event)

    def window_state(self) -> WindowState:
        """The window's place, its split and the queue's columns, to restore at the next start."""
        return WindowState(
            geometry=bytes(self.saveGeometry().data()),
            splitter=bytes(self._main_splitter.saveState().data()),
            queue=self.queue_view.column_layout(),
        )

    def restore_window_state(self, state: WindowState) -> bool:
        """Put the window, its split and the queue's columns back as ``state`` has them.

        Whether Qt took the geometry and the split (the queue's columns are
        restored either way). Call it before the first show: the saved split
        then replaces the default share (``QUEUE_SHARE``).
        """
        if state.queue is not None:
            self.queue_view.restore_column_layout(state.queue)
        placed = self.restoreGeometry(QByteArray(state.geometry))
        split = self._main_splitter.restoreState(QByteArray(state.splitter))
        self._sized = self._sized or split
        return placed and split

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """On the first show, give the queue its share of the width (QUEUE_SHARE)."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            width = max(self.width(), 1)
            queue = int(width * QUEUE_SHARE)
            self._main_splitter.setSizes([queue, width - queue])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Say how tall the connection banner is as it shows, hides or wraps anew."""
        if watched is self.connection_banner and event.type() in (
            QEvent.Type.Show,
            QEvent.Type.Hide,
            QEvent.Type.Resize,
            QEvent.Type.LayoutRequest,
        ):
            self._tell_banner_height()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ internals
    def _tell_banner_height(self) -> None:
        # On Show, before any layout runs: the panes give the room up first.
        banner = self.connection_banner
        width = max(banner.width(), self.width())  # it spans the window
        height = asked_height(banner, width)
        height = height + self._banner_spacing if height else 0
        if height != self._banner_height:
            self._banner_height = height
            self.banner_height_changed.emit(height)

    def _bind_keys(self) -> None:
        queue = self.queue_view
        keys = self.keyboard
        keys.set_enter_target(queue.table)
        keys.bind(ActionId.NEXT_TICKET, queue.select_next)
        keys.bind(ActionId.PREVIOUS_TICKET, queue.select_previous)
        keys.bind(ActionId.OPEN_TICKET, queue.open_current)
        keys.bind(ActionId.SEARCH, queue.focus_search)
        keys.bind(ActionId.BACK_TO_QUEUE, queue.focus_table)
        for action, view in (
            (ActionId.VIEW_MINE, "mine"),
            (ActionId.VIEW_UNASSIGNED, "unassigned"),
            (ActionId.VIEW_ALL_OPEN, "open"),
            (ActionId.VIEW_BREACHED, "breached"),
        ):
            keys.bind(action, partial(self._switch_view, view))
        keys.bind(ActionId.SHOW_TICKET, self.show_workspace)
        keys.bind(ActionId.SHOW_DASHBOARD, self._show_dashboard_if_allowed)

    def _switch_view(self, key: str) -> None:
        self.queue_view.set_saved_view(key)
        self.queue_view.focus_table()

    def _show_dashboard_if_allowed(self) -> None:
        if self.work_area.isTabVisible(DASHBOARD_TAB):
            self.show_dashboard()

    def _replace_tab(self, position: int, widget: QWidget) -> None:
        text = self.work_area.tabText(position)
        old = self.work_area.widget(position)
        self.work_area.removeTab(position)
        self.work_area.insertTab(position, widget, text)
        placeholder = self._placeholders.pop(position, None)
        if placeholder is not None and placeholder is not widget:
            placeholder.deleteLater()
        elif old is not None and old is not widget:
            old.setParent(None)  # the caller's widget: hand it back, do not delete it

    def _on_ticket_activated(self, ticket_id: str) -> None:
        self.queue_model.mark_seen(ticket_id)
        self.show_workspace()
        self.ticket_activated.emit(ticket_id)

    def _on_update(self, update: StoreUpdate) -> None:
        if update.status_changed:
            self._show_status()

    def _show_link(self) -> None:
        """The banner and the panes' empty states say what the link's state means."""
        status = self._store.status
        notice = connection_notice(
            connected=self._connected,
            ever_connected=self._ever_connected,
            reason=self._link_reason,
            status=status,
        )
        self.connection_banner.show_notice(notice)
        if status is None or not self._connected:
            note = self.tr("Waiting for the bridge…")
        elif not status.kafka_up:
            note = self.tr("The bridge cannot reach Kafka yet (see the banner above).")
        else:
            note = None
        self.queue_view.set_data_note(note)
        self.order_feed_view.set_data_note(note)

    def _show_status(self) -> None:
        status = self._store.status
        self._show_link()
        if status is None:
            return
        self.status_bar.set_status(status)
        self.queue_view.set_agent(status.agent.agent_id, list(status.agent.queues))
        # The dashboard is the supervisors' view (the demo's agent is a supervisor).
        supervising = status.agent.role == "supervisor"
        self.work_area.setTabVisible(DASHBOARD_TAB, supervising)
        self.work_area.setTabVisible(DIAGNOSTICS_TAB, supervising or self._diagnostics_opened)
