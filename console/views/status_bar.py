"""The main window's status bar: bridge link, Kafka health, data freshness and the outbox.

It says only what it knows: before the first status it says so, and while the
bridge is unreachable it marks Kafka as unknown and the data as not updating
instead of repeating the last good news. When the bridge knows why Kafka is
down (the credentials were refused) it says that, with the fix in the tooltip;
parts of the bridge that fail and retry (a full disk, a Kafka thread) show in
a fifth label that is hidden while everything works. While state is still
arriving (a snapshot being received, the bridge catching up on the log) a first
label says how far it is, so the window is never blank or silently stale.

The labels give way when the window is narrow: each ends in "…" (the whole
text in its tooltip) rather than asking for the width of its text, so a long
text never makes the window wider than the screen gave it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale
from PySide6.QtWidgets import QStatusBar, QWidget

from bridge.wire.timestamps import epoch_of
from console.views.shrinking_label import ShrinkingLabel
from console.viewstate.outage import OutageStart
from console.viewstate.progress import rounded_time_left, seconds_left
from console.viewstate.times import clock_text

if TYPE_CHECKING:
    from bridge.wire.protocol import BridgeStatus
    from console.viewstate.store import SnapshotProgress
    from console.viewstate.times import Clock


class ConsoleStatusBar(QStatusBar):
    """Permanent labels: bridge, Kafka, data as of (with lag), outbox and problems."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._connected = False
        self._reason: str | None = None
        self._versions: tuple[int, int] | None = None  # (console, bridge) when they differ
        self._status: BridgeStatus | None = None
        self._outage = OutageStart()  # kept across bridge restarts during an outage
        self._outage_since: float | None = None
        self._loading: SnapshotProgress | None = None
        self.progress_label = ShrinkingLabel(self)
        self.progress_label.setObjectName("status_progress")
        self.addPermanentWidget(self.progress_label)
        self.bridge_label = ShrinkingLabel(self)
        self.kafka_label = ShrinkingLabel(self)
        self.data_label = ShrinkingLabel(self)
        self.outbox_label = ShrinkingLabel(self)
        self.problems_label = ShrinkingLabel(self)
        for label, name in (
            (self.bridge_label, "bridge"),
            (self.kafka_label, "kafka"),
            (self.data_label, "data"),
            (self.outbox_label, "outbox"),
            (self.problems_label, "problems"),
        ):
            label.setObjectName(f"status_{name}")
            self.addPermanentWidget(label)
        self._render()

    def set_connected(self) -> None:
        """The bridge accepted us; its status follows with the snapshot."""
        self._connected = True
        self._reason = None
        self._versions = None
        self._render()

    def set_reconnecting(self, reason: str) -> None:
        """The link to the bridge dropped (``reason``); the client is reconnecting."""
        self._connected = False
        self._reason = reason
        self._render()

    def set_incompatible(self, console_version: int, bridge_version: int) -> None:
        """Console and bridge speak different protocol versions: say so, and to reinstall."""
        self._connected = False
        self._versions = (console_version, bridge_version)
        self._render()

    def set_status(self, status: BridgeStatus) -> None:
        """The bridge's latest status (from a snapshot or a delta batch)."""
        self._status = status
        self._outage_since = self._outage.seen(status.kafka_up, epoch_of(status.kafka_down_since))
        self._render()

    def set_loading(self, loading: SnapshotProgress | None) -> None:
        """How much of the snapshot being received has arrived (None: none is)."""
        self._loading = loading
        self._render_progress()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        self._render_progress()
        self._render_bridge()
        self._render_kafka()
        self._render_data()
        self._render_outbox()
        self._render_problems()

    def _render_progress(self) -> None:
        number = QLocale().toString
        parts = []
        if self._loading is not None:
            text = self.tr("Loading from the bridge: %1 of %2")
            parts.append(
                text.replace("%1", number(self._loading.received)).replace(
                    "%2", number(self._loading.expected)
                )
            )
        catch_up = None if self._status is None else self._status.catching_up
        if catch_up is not None and self._connected:
            text = self.tr("Catching up: %1 of %2 records").replace(
                "%1", number(catch_up.records_done)
            )
            text = text.replace("%2", number(catch_up.records_total))
            left = seconds_left(catch_up)
            if left is not None:
                amount, in_minutes = rounded_time_left(left)
                tail = self.tr("about %1 min left") if in_minutes else self.tr("about %1 s left")
                text = f"{text}, {tail.replace('%1', number(amount))}"
            parts.append(text)
        text = " · ".join(parts)
        self.progress_label.set_text(text)
        self.progress_label.setAccessibleName(text)
        self.progress_label.setVisible(bool(text))

    def _render_bridge(self) -> None:
        self.bridge_label.setStyleSheet("color: #b3261e;" if self._versions else "")
        if self._versions is not None and not self._connected:
            mine, theirs = self._versions
            text = self.tr(
                "Console and bridge versions differ: the console speaks protocol %1, "
                "the bridge %2. Reinstall the console so both are the same version."
            )
            text = text.replace("%1", str(mine)).replace("%2", str(theirs) if theirs else "?")
        elif self._connected:
            text = self.tr("Bridge: connected")
        elif self._reason is None:
            text = self.tr("Bridge: connecting…")
        else:
            text = self.tr("Bridge: reconnecting… (%1)").replace("%1", self._reason)
        self.bridge_label.set_text(text)
        self.bridge_label.setAccessibleName(text)

    def _render_kafka(self) -> None:
        status = self._status
        tooltip = ""
        if not self._connected or status is None:
            text = self.tr("Kafka: unknown")
        elif status.kafka_up:
            text = self.tr("Kafka: up")
        elif status.kafka_error == "auth":
            text = self.tr("Kafka: credentials refused")
            tooltip = self.tr(
                "%1. Store the right password with “atp-bridge credentials set” "
                "(or ask IT), then restart the console."
            ).replace("%1", status.kafka_error_message or self.tr("Kafka refused the credentials"))
        else:
            since = self._outage_since
            if since is None:
                text = self.tr("Kafka: down")
            else:
                when = clock_text(since, self._clock())
                text = self.tr("Kafka: down since %1").replace("%1", when)
            if status.kafka_error_message:
                tooltip = status.kafka_error_message
        self.kafka_label.set_text(text)
        # Rich text with everything escaped: the message comes from the bridge.
        self.kafka_label.set_tip(f"<p>{html.escape(tooltip)}</p>" if tooltip else "")
        self.kafka_label.setAccessibleName(text)

    def _render_data(self) -> None:
        status = self._status
        as_of = epoch_of(status.as_of) if status is not None else None
        if status is not None and as_of is None and not status.kafka_up:
            # A bridge started during an outage serves what it had saved, or nothing.
            text = self.tr("Not updated since the bridge started: Kafka unreachable")
        elif status is None or as_of is None:
            text = self.tr("No data yet")
        else:
            when = clock_text(as_of, self._clock())
            if status.kafka_up:
                text = self.tr("Data as of %1 · lag %2").replace("%1", when)
                text = text.replace("%2", str(status.lag))
            else:  # the lag of a log the bridge cannot read is not known
                text = self.tr("Data as of %1").replace("%1", when)
            if not self._connected:
                text = self.tr("%1 (not updating)").replace("%1", text)
        self.data_label.set_text(text)
        self.data_label.setAccessibleName(text)

    def _render_outbox(self) -> None:
        status = self._status
        if status is None:
            text = self.tr("Outbox: unknown")
        else:
            text = self.tr("Outbox: %1 pending").replace("%1", str(status.outbox_pending))
            if not self._connected:
                text = self.tr("%1 (last known)").replace("%1", text)
        self.outbox_label.set_text(text)
        self.outbox_label.setAccessibleName(text)

    def _render_problems(self) -> None:
        status = self._status
        parts = [] if status is None or not self._connected else status.degraded
        texts = [self._problem_text(part) for part in parts]
        text = " · ".join(texts)
        self.problems_label.set_text(text)
        self.problems_label.setAccessibleName(text)
        self.problems_label.setVisible(bool(texts))

    def _problem_text(self, part: str) -> str:
        if part == "disk_full":
            return self.tr("Disk full: actions cannot be queued")
        if part == "writer":
            return self.tr("Sending to Kafka fails; retrying")
        if part == "reader":
            return self.tr("Reading from Kafka fails; retrying")
        return self.tr("Bridge problem: %1").replace("%1", part)
