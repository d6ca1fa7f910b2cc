"""Desktop notifications: new tickets, customer replies and SLA warnings, coalesced.

:class:`NotificationPolicy` is plain Python: it reads store updates and time
and decides what deserves a toast (nothing for the first snapshot; at most one
toast per kind per window, summarizing everything that happened in it).
:class:`Notifier` is the Qt part: timers, translated texts and
``QSystemTrayIcon.showMessage``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from bridge.wire.rules import is_active
from bridge.wire.timestamps import epoch_of
from console.labels import queue_label

if TYPE_CHECKING:
    from bridge.wire.entities import Ticket
    from bridge.wire.protocol import AgentIdentity
    from console.viewstate.store import StoreUpdate, ViewStore

WINDOW_S = 10.0
"""At most one toast of a kind in this many seconds."""
GATHER_S = 1.0
"""A toast waits this long after its first event, so a burst becomes one toast."""
SLA_WARNING_S = 300.0
"""Warn when a ticket's first-response deadline is less than this far away."""
SLA_CHECK_MS = 15_000
TOAST_MS = 8_000


class NotificationKind(Enum):
    """What a toast is about."""

    NEW_TICKET = "new_ticket"
    CUSTOMER_REPLY = "customer_reply"
    SLA_WARNING = "sla_warning"


@dataclass(frozen=True)
class NotificationSwitches:
    """Which kinds of notification the agent wants."""

    new_ticket: bool = True
    customer_reply: bool = True
    sla_warning: bool = True

    def enabled(self, kind: NotificationKind) -> bool:
        """Return whether ``kind`` is switched on."""
        return bool(getattr(self, kind.value))


@dataclass(frozen=True)
class TicketNote:
    """The few facts of a ticket a toast may mention."""

    ticket_id: str
    queue: str
    subject: str
    customer_name: str


@dataclass(frozen=True)
class Toast:
    """One notification to show: its kind and the tickets it summarizes (in event order)."""

    kind: NotificationKind
    tickets: tuple[TicketNote, ...]

    @property
    def count(self) -> int:
        """Return how many tickets the toast is about."""
        return len(self.tickets)

    @property
    def queues(self) -> tuple[str, ...]:
        """Return the queues of the tickets, sorted, without repeats."""
        return tuple(sorted({note.queue for note in self.tickets}))


def _note(ticket: Ticket) -> TicketNote:
    return TicketNote(ticket.ticket_id, ticket.queue, ticket.subject, ticket.customer_name)


class NotificationPolicy:
    """Decides what to notify from store updates and the time (no Qt, no I/O)."""

    def __init__(
        self,
        me: AgentIdentity,
        switches: NotificationSwitches,
        *,
        window_s: float = WINDOW_S,
        gather_s: float = GATHER_S,
        sla_warning_s: float = SLA_WARNING_S,
    ) -> None:
        self._me = me
        self._queues = frozenset(me.queues)
        self.switches = switches
        self._window_s = window_s
        self._gather_s = gather_s
        self._sla_warning_s = sla_warning_s
        self._primed = False
        self._last_customer: dict[str, float | None] = {}
        self._sla_due: dict[str, float] = {}
        self._watched_notes: dict[str, TicketNote] = {}
        self._sla_warned: set[str] = set()
        self._pending: dict[NotificationKind, dict[str, TicketNote]] = {}
        self._first_pending: dict[NotificationKind, float] = {}
        self._last_shown: dict[NotificationKind, float] = {}

    # ------------------------------------------------------------------ input
    def prime(self, tickets: Mapping[str, Ticket], now: float) -> None:
        """Take ``tickets`` as already known: later updates are compared with them.

        Tickets already about to breach count as warned: the queue shows them.
        """
        self._primed = True
        self._take_as_known(tickets, tickets, now)

    def _take_as_known(
        self, ticket_ids: Iterable[str], tickets: Mapping[str, Ticket], now: float
    ) -> None:
        for ticket_id in ticket_ids:
            ticket = tickets.get(ticket_id)
            if ticket is None:
                continue
            self._remember(ticket)
            due = self._sla_due.get(ticket_id)
            if due is not None and due - now <= self._sla_warning_s:
                self._sla_warned.add(ticket_id)

    def observe(self, update: StoreUpdate, tickets: Mapping[str, Ticket], now: float) -> None:
        """Read one store update; ``tickets`` is the store's tickets after it."""
        if not self._primed:
            if update.from_snapshot:  # the first snapshot, page by page: it is not news
                for ticket_id in update.tickets.removed:
                    self._forget(ticket_id)
                changes = update.tickets
                self._take_as_known([*changes.added, *changes.changed], tickets, now)
                self._primed = update.snapshot_complete
                return
            self._primed = True
        for ticket_id in update.tickets.removed:
            self._forget(ticket_id)
        for ticket_id in update.tickets.added:
            ticket = tickets.get(ticket_id)
            if ticket is None:
                continue
            if self._is_new_for_me(ticket):
                self._add(NotificationKind.NEW_TICKET, ticket, now)
            self._remember(ticket)
        for ticket_id in update.tickets.changed:
            ticket = tickets.get(ticket_id)
            if ticket is None:
                continue
            if self._has_new_customer_message(ticket):
                self._add(NotificationKind.CUSTOMER_REPLY, ticket, now)
            self._remember(ticket)

    def check_sla(self, now: float) -> None:
        """Queue an SLA warning (once per ticket) for watched tickets due within the limit."""
        if not self.switches.sla_warning:
            return
        for ticket_id, due in self._sla_due.items():
            if ticket_id not in self._sla_warned and 0 < due - now <= self._sla_warning_s:
                self._sla_warned.add(ticket_id)
                note = self._watched_notes.get(ticket_id)
                if note is not None:
                    self._add_note(NotificationKind.SLA_WARNING, note, now)

    # ------------------------------------------------------------------ output
    def due(self, now: float) -> list[Toast]:
        """Return the toasts to show now (each kind at most once per window) and forget them."""
        toasts: list[Toast] = []
        for kind in NotificationKind:
            pending = self._pending.get(kind)
            if not pending or now < self._ready_at(kind):
                continue
            toasts.append(Toast(kind, tuple(pending.values())))
            del self._pending[kind]
            del self._first_pending[kind]
            self._last_shown[kind] = now
        return toasts

    def next_due_in(self, now: float) -> float | None:
        """Return the seconds until the next pending toast is due, or ``None`` if none."""
        ready = [self._ready_at(kind) for kind, notes in self._pending.items() if notes]
        return max(0.0, min(ready) - now) if ready else None

    # ------------------------------------------------------------------ internals
    def _ready_at(self, kind: NotificationKind) -> float:
        gathered = self._first_pending[kind] + self._gather_s
        last = self._last_shown.get(kind)
        return gathered if last is None else max(gathered, last + self._window_s)

    def _is_new_for_me(self, ticket: Ticket) -> bool:
        return (
            ticket.queue in self._queues
            and is_active(ticket.status)
            and ticket.assignee in {None, self._me.agent_id}
        )

    def _has_new_customer_message(self, ticket: Ticket) -> bool:
        if ticket.assignee != self._me.agent_id or ticket.ticket_id not in self._last_customer:
            return False
        latest = epoch_of(ticket.last_customer_message_at)
        before = self._last_customer[ticket.ticket_id]
        return latest is not None and (before is None or latest > before)

    def _remember(self, ticket: Ticket) -> None:
        ticket_id = ticket.ticket_id
        self._last_customer[ticket_id] = epoch_of(ticket.last_customer_message_at)
        mine = ticket.assignee == self._me.agent_id
        unassigned_here = ticket.assignee is None and ticket.queue in self._queues
        due = epoch_of(ticket.sla_due_at)
        if (
            (mine or unassigned_here)
            and is_active(ticket.status)
            and ticket.first_response_at is None
            and due is not None
        ):
            self._sla_due[ticket_id] = due
            self._watched_notes[ticket_id] = _note(ticket)
        else:
            self._sla_due.pop(ticket_id, None)
            self._watched_notes.pop(ticket_id, None)

    def _forget(self, ticket_id: str) -> None:
        self._last_customer.pop(ticket_id, None)
        self._sla_due.pop(ticket_id, None)
        self._watched_notes.pop(ticket_id, None)
        self._sla_warned.discard(ticket_id)

    def _add(self, kind: NotificationKind, ticket: Ticket, now: float) -> None:
        if self.switches.enabled(kind):
            self._add_note(kind, _note(ticket), now)

    def _add_note(self, kind: NotificationKind, note: TicketNote, now: float) -> None:
        pending = self._pending.setdefault(kind, {})
        if not pending:
            self._first_pending[kind] = now
        pending[note.ticket_id] = note


# ---------------------------------------------------------------------- the Qt part
def _fill(text: str, *values: str) -> str:
    """Replace ``%1``, ``%2``... in one pass (a value containing ``%2`` stays as it is)."""
    return re.sub(r"%(\d)", lambda m: values[int(m.group(1)) - 1], text)


def toast_text(toast: Toast) -> tuple[str, str]:
    """Return the translated title and body of ``toast``."""
    first = toast.tickets[0]
    queues = ", ".join(queue_label(queue) for queue in toast.queues)
    count = str(toast.count)
    if toast.kind is NotificationKind.NEW_TICKET:
        if toast.count == 1:
            return QCoreApplication.translate("Notifier", "New ticket"), _fill(
                QCoreApplication.translate("Notifier", "%1 in %2: %3"),
                first.customer_name,
                queue_label(first.queue),
                first.subject,
            )
        return QCoreApplication.translate("Notifier", "New tickets"), _fill(
            QCoreApplication.translate("Notifier", "%1 new tickets in %2"), count, queues
        )
    if toast.kind is NotificationKind.CUSTOMER_REPLY:
        if toast.count == 1:
            return QCoreApplication.translate("Notifier", "Customer replied"), _fill(
                QCoreApplication.translate("Notifier", "%1 replied on “%2”"),
                first.customer_name,
                first.subject,
            )
        return QCoreApplication.translate("Notifier", "Customer replies"), _fill(
            QCoreApplication.translate("Notifier", "Customers replied on %1 of your tickets"), count
        )
    if toast.count == 1:
        return QCoreApplication.translate("Notifier", "SLA about to breach"), _fill(
            QCoreApplication.translate(
                "Notifier", "“%1” (%2) needs a first reply within 5 minutes"
            ),
            first.subject,
            queue_label(first.queue),
        )
    return QCoreApplication.translate("Notifier", "SLA about to breach"), _fill(
        QCoreApplication.translate(
            "Notifier", "%1 tickets in %2 need a first reply within 5 minutes"
        ),
        count,
        queues,
    )


class Notifier(QObject):
    """Shows the policy's toasts in the system tray (or only signals them without a tray)."""

    toast_shown = Signal(str, str)
    """A toast was shown: title, body (also without a tray, e.g. for the status bar)."""
    ticket_requested = Signal(str)
    """The agent clicked a toast about one ticket: open it (its id)."""

    def __init__(
        self,
        tray: QSystemTrayIcon | None,
        *,
        me: AgentIdentity,
        switches: NotificationSwitches,
        clock: Callable[[], float],
        sla_check_ms: int = SLA_CHECK_MS,
        window_s: float = WINDOW_S,
        gather_s: float = GATHER_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tray = tray
        self._clock = clock
        self.policy = NotificationPolicy(me, switches, window_s=window_s, gather_s=gather_s)
        self._last_single: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        self._sla_timer = QTimer(self)
        self._sla_timer.setInterval(sla_check_ms)
        self._sla_timer.timeout.connect(self.check_sla)
        if tray is not None:
            tray.messageClicked.connect(self._on_message_clicked)

    def attach(self, store: ViewStore) -> None:
        """Follow ``store``: what it holds now is known, later updates may notify."""
        self.detach()
        if store.seq is not None:
            self.policy.prime(store.tickets, self._clock())
        self._unsubscribe = store.subscribe(
            lambda update: self.on_store_update(update, store.tickets)
        )
        self._sla_timer.start()

    def detach(self) -> None:
        """Stop following the store and checking SLAs."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._sla_timer.stop()
        self._flush_timer.stop()

    def set_switches(self, switches: NotificationSwitches) -> None:
        """Change which kinds are notified (takes effect for later events)."""
        self.policy.switches = switches

    def on_store_update(self, update: StoreUpdate, tickets: Mapping[str, Ticket]) -> None:
        """Read one store update (``attach`` connects this for you)."""
        self.policy.observe(update, tickets, self._clock())
        self.flush()

    def check_sla(self) -> None:
        """Look for tickets about to breach their SLA (every ``sla_check_ms`` once attached)."""
        self.policy.check_sla(self._clock())
        self.flush()

    def flush(self) -> None:
        """Show the toasts that are due now and schedule the next check."""
        now = self._clock()
        for toast in self.policy.due(now):
            self._show(toast)
        wait = self.policy.next_due_in(now)
        if wait is None:
            self._flush_timer.stop()
        else:
            self._flush_timer.start(int(wait * 1000) + 1)

    def _show(self, toast: Toast) -> None:
        title, body = toast_text(toast)
        self._last_single = toast.tickets[0].ticket_id if toast.count == 1 else None
        if self._tray is not None:
            self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, TOAST_MS)
        self.toast_shown.emit(title, body)

    def _on_message_clicked(self) -> None:
        if self._last_single is not None:
            self.ticket_requested.emit(self._last_single)
