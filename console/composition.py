"""Wire the console together: bridge client -> view store -> main window and its widgets.

Everything is built here and passed in (no singletons): the store is plain
Python, the models and views adapt it, and the workspace sends commands back
through the bridge client.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from bridge.wire.entities import Order, Ticket
from bridge.wire.protocol import AgentIdentity
from console.activity_reporter import ActivityReporter
from console.bridge_client import BridgeClient
from console.dashboard.dashboard import SupervisorDashboard
from console.gc_pacing import GcPacing
from console.help_dialog import ShortcutHelpDialog, help_rows
from console.keyboard import bind_workspace
from console.keymap import ActionId
from console.log_inspection.view import DiagnosticsView
from console.main_window import MainWindow
from console.notifications import NotificationSwitches, Notifier
from console.presence_control import PresenceButton, PresenceControl
from console.store_feed import FramePacedFeed
from console.views.paint_pacer import PaintPacer
from console.viewstate.drafts import DraftStore
from console.viewstate.macros import MacroLibrary
from console.viewstate.next_ticket import next_in_view
from console.viewstate.order_feed import OrderFeed
from console.viewstate.seen import SeenTracker
from console.viewstate.store import StoreUpdate, ViewStore
from console.viewstate.times import local_tz
from console.workspace.canned import CannedCatalog
from console.workspace.order_window import OrderWindow
from console.workspace.workspace import TicketWorkspace

NEXT_MESSAGE_MS = 5000


class ConsoleWindowSet(QObject):
    """The main window with its workspace and dashboard, fed by one bridge client."""

    data_seen = Signal()
    """Emitted once the store holds at least one ticket and one order (smoke test)."""

    def __init__(
        self,
        client: BridgeClient,
        *,
        drafts_dir: Path,
        canned_language: str,  # the replies' language for a customer whose has none shipped
        order_feed_limit: int,
        queues: Sequence[str],
        macros: MacroLibrary | None = None,
        idle_away_minutes: int = 10,
        open_next_ticket: bool = False,
        report_command: Sequence[str] | None = None,
        gc_pacing: GcPacing | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.store = ViewStore(on_out_of_step=client.resync)
        self.window = MainWindow(self.store, OrderFeed(order_feed_limit), SeenTracker(), time.time)
        self.drafts = DraftStore(drafts_dir)
        self.workspace = TicketWorkspace(
            self.drafts,
            CannedCatalog.load(default_language=canned_language),
            queues=queues,
            macros=macros,
        )
        self.dashboard = SupervisorDashboard(report_command=report_command)
        self.window.set_workspace_widget(self.workspace)
        self.window.banner_height_changed.connect(self.workspace.lend_height)
        self.window.set_dashboard_widget(self.dashboard)
        self.diagnostics = DiagnosticsView(client)
        self.window.set_diagnostics_widget(self.diagnostics)
        client.diagnostics.connect(self.diagnostics.show_diagnostics)
        client.trace.connect(self.diagnostics.show_trace)
        self._order_windows: list[OrderWindow] = []
        self._data_seen = False

        self.feed = FramePacedFeed(  # at most one store update a frame, of bounded size
            self.store, gc_pacing=gc_pacing, parent=self
        )
        client.snapshot_begin.connect(self.feed.add_snapshot_begin)
        client.snapshot_page.connect(self.feed.add_snapshot_page)
        client.snapshot_end.connect(self.feed.add_snapshot_end)
        client.delta.connect(self.feed.add_delta)
        client.connected.connect(self.window.on_connected)
        client.disconnected.connect(self.window.on_disconnected)
        client.outcome.connect(self.workspace.apply_outcome)
        client.incompatible.connect(self.window.status_bar.set_incompatible)
        self.activity = ActivityReporter(self.workspace, client.report_activity, parent=self)
        self.presence_button = PresenceButton()
        self.window.status_bar.insertPermanentWidget(0, self.presence_button)
        self.presence = PresenceControl(
            client.report_status,
            self.presence_button,
            idle_s=idle_away_minutes * 60 or None,
            parent=self,
        )
        self.paint_pacer = PaintPacer(  # 25 repaints a second at most while data streams
            self.window,
            last_input=lambda: self.presence.tracker.last_input,
            loading=lambda: self.store.loading is not None,  # 10 a second during a snapshot
            parent=self,
        )
        queue_model = self.window.queue_model
        queue_model.tags_changed.connect(lambda: self.workspace.set_known_tags(queue_model.tags()))
        self.workspace.command_requested.connect(self.client.send_command)
        self.workspace.next_ticket_box.setChecked(open_next_ticket)
        self.workspace.advance_requested.connect(self.open_next_ticket)
        self._opened_position: int | None = None  # the open ticket's row in the view, when opened
        self.window.ticket_activated.connect(self.open_ticket)
        self.workspace.ticket_activated.connect(self.open_ticket)
        self.window.order_activated.connect(self.open_order)
        self.workspace.order_activated.connect(self.open_order)
        self._unsubscribe = self.store.subscribe(self._on_update)
        bind_workspace(self.window.keyboard, self.workspace)
        self.window.keyboard.bind(ActionId.HELP, self.show_help)
        self.window.keyboard.bind(ActionId.PRESENCE, self.presence.toggle)
        self.notifier: Notifier | None = None

    def enable_notifications(self, me: AgentIdentity, tray: QSystemTrayIcon | None) -> None:
        """Notify about new tickets, customer replies and SLAs about to breach."""
        self.notifier = Notifier(
            tray, me=me, switches=NotificationSwitches(), clock=time.time, parent=self
        )
        self.notifier.ticket_requested.connect(self.open_ticket)
        if tray is None:
            self.notifier.toast_shown.connect(
                lambda title, body: self.window.statusBar().showMessage(f"{title}: {body}", 8000)
            )
        self.notifier.attach(self.store)

    def show_help(self) -> None:
        """Open the keyboard shortcut list (F1 or ?)."""
        dialog = ShortcutHelpDialog(help_rows(self.window.keyboard), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_diagnostics(self) -> None:
        """Open the Diagnostics tab (Help menu), ready to trace the ticket open, if any."""
        self.window.show_diagnostics()
        shown = self.workspace.ticket_id
        if shown is not None and not self.diagnostics.trace_key.text():
            self.diagnostics.trace_key.setText(shown)
        self.diagnostics.refresh("quarantine")

    # ------------------------------------------------------------------ identity
    @property
    def me(self) -> AgentIdentity | None:
        """The agent the bridge acts for (from its status), once connected."""
        status = self.store.status
        return None if status is None else status.agent

    # ------------------------------------------------------------------ actions
    def open_ticket(self, ticket_id: str) -> None:
        """Show a ticket in the workspace with its order and the customer's history."""
        ticket = self.store.tickets.get(ticket_id)
        me = self.me
        if ticket is None or me is None:
            return
        order, tickets, orders = self._context(ticket)
        self.workspace.show_ticket(ticket, order, tickets, orders, me)
        self.window.show_workspace()
        self._opened_position = self.window.queue_view.proxy.proxy_row_of(ticket_id)

    def open_next_ticket(self, finished: str) -> None:
        """Guided mode: open the ticket after ``finished`` in the queue's current view."""
        me = self.me
        tickets = self.store.tickets

        def workable(ticket_id: str) -> bool:  # unassigned or mine: not a colleague's
            ticket = tickets.get(ticket_id)
            return ticket is not None and ticket.assignee in {None, me and me.agent_id}

        next_id = next_in_view(self._view_order(), finished, self._opened_position, workable)
        if next_id is None:
            self.window.statusBar().showMessage(
                self.tr("No other ticket in this view is unassigned or yours."), NEXT_MESSAGE_MS
            )
            return
        self.window.queue_view.select_ticket(next_id)
        self.open_ticket(next_id)

    def open_order(self, order_id: str) -> None:
        """Show an order's full timeline in its own window, kept live."""
        if order_id not in self.store.orders:
            return
        dialog = OrderWindow(self.store, order_id, local_tz(), self.window)
        dialog.finished.connect(lambda _code, d=dialog: self._order_windows.remove(d))
        self._order_windows.append(dialog)
        dialog.show()

    def order_windows(self) -> list[OrderWindow]:
        """The order windows open now."""
        return list(self._order_windows)

    def shutdown_drafts(self) -> None:
        """Write every draft to disk now (before a crash report, or on exit)."""
        self.workspace.flush_drafts()

    def shutdown(self) -> None:
        """Keep the drafts (durable on disk) and disconnect."""
        self.workspace.flush_drafts()
        self.paint_pacer.close()
        self.presence.close()
        self.drafts.close()
        if self.notifier is not None:
            self.notifier.detach()
        self._unsubscribe()
        self.client.close()

    # ------------------------------------------------------------------ internals
    def _view_order(self) -> list[str]:
        """The tickets of the queue's current view, in its order (search included)."""
        proxy = self.window.queue_view.proxy
        return [proxy.ticket_id(row) for row in range(proxy.rowCount())]

    def _context(self, ticket: Ticket) -> tuple[Order | None, list[Ticket], list[Order]]:
        order = None if ticket.order_id is None else self.store.orders.get(ticket.order_id)
        tickets = [
            other
            for other in self.store.customer_tickets(ticket.customer_id)
            if other.ticket_id != ticket.ticket_id
        ]
        return order, tickets, self.store.customer_orders(ticket.customer_id)

    def _on_update(self, update: StoreUpdate) -> None:
        if update.loading_changed:
            self.window.status_bar.set_loading(self.store.loading)
        shown = self.workspace.ticket_id
        ticket = None if shown is None else self.store.tickets.get(shown)
        if ticket is not None and (update.from_snapshot or update.touches(ticket)):
            order, tickets, orders = self._context(ticket)
            self.workspace.update_ticket(ticket, order, tickets, orders, self.me)
        if update.agents or update.from_snapshot:
            self.workspace.set_agents(list(self.store.agents.values()))
        supervising = self.me is not None and self.me.role == "supervisor"
        changed = update.tickets or update.agents or update.status_changed
        if supervising and self.store.loading is None and (changed or update.snapshot_complete):
            # Figures over every ticket: computed only for those who see the dashboard, and
            # not over a part of a snapshot (passes over what is loading slowed the load).
            status = self.store.status
            self.dashboard.update_data(
                self.store.tickets.values(),
                self.store.agents.values(),
                dt.datetime.now(dt.UTC),
                None if status is None else status.as_of,
            )
        if not self._data_seen and self.store.tickets and self.store.orders:
            self._data_seen = True
            self.data_seen.emit()
