"""The Diagnostics tab asks the bridge over the real local socket and shows plain text."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from bridge.server.server import LocalServer
from bridge.wire.endpoint import Endpoint
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import (
    BridgeStatus,
    Diagnostics,
    DiagnosticsKind,
    PartitionLag,
    QuarantineEntry,
    Trace,
    TraceEvent,
    TraceQuery,
)
from console.bridge_client import BridgeClient
from console.log_inspection.view import DUPLICATE_COLOUR, NOT_APPLIED_BACKGROUND, DiagnosticsView
from tests.helpers.protocol import status

if TYPE_CHECKING:
    from console.i18n import Language, Translations

TOKEN = "diagnostics-token"
HOSTILE = "<b>bold</b><img src=x onerror=alert(1)>"
QUARANTINE = Diagnostics(
    kind="quarantine",
    as_of="2025-12-01T10:00:05Z",
    quarantined_total=1234,
    quarantined=[
        QuarantineEntry(topic="atp.tickets.v1", partition=2, offset=41, reason=HOSTILE,
                        event_id="e-9", at="2025-12-01T09:59:00.250Z"),
        QuarantineEntry(topic="atp.orders.v1", partition=0, offset=7, reason="unknown order"),
    ],
)  # fmt: skip
LAG = Diagnostics(
    kind="lag",
    as_of="2025-12-01T10:00:05Z",
    partitions=[
        PartitionLag(topic="atp.tickets.v1", partition=0, folded=90, end=100, lag=10),
        PartitionLag(topic="atp.tickets.v1", partition=1, folded=5, end=None, lag=None),
    ],
    ends_as_of="2025-12-01T10:00:03Z",
)
TRACE = Trace(
    kind="ticket",
    key="T1",
    complete=True,
    records_scanned=812,
    events=[
        TraceEvent(topic="atp.tickets.v1", partition=1, offset=3, outcome="applied",
                   event_id="T1-open", type="atp.ticket.opened", time="2025-12-01T09:00:00Z",
                   source="/atp/channels/app", kafka_time="2025-12-01T09:00:00.100Z"),
        TraceEvent(topic="atp.tickets.v1", partition=1, offset=9, outcome="duplicate",
                   duplicate=True, reason="event id seen before", event_id="T1-open",
                   type="atp.ticket.opened", time="2025-12-01T09:00:00Z"),
        TraceEvent(topic="atp.tickets.v1", partition=1, offset=12, outcome="rejected",
                   reason="claimed by Ana", event_id="c2", type="atp.ticket.claimed",
                   time="2025-12-01T09:05:00Z", source=HOSTILE),
    ],
)  # fmt: skip


class Bridge:
    """The real local server with canned answers to the diagnostics queries."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.traces: list[TraceQuery] = []
        self.replies: list[Callable[[Trace], None]] = []

    def snapshot(self) -> tuple[list[Ticket], list[Order], list[Presence], BridgeStatus]:
        return [], [], [], status()

    def diagnostics(self, kind: DiagnosticsKind) -> Diagnostics:
        self.asked.append(kind)
        return QUARANTINE if kind == "quarantine" else LAG

    def trace(self, query: TraceQuery, reply: Callable[[Trace], None]) -> None:
        self.traces.append(query)
        self.replies.append(reply)  # answered later, as the service does


@pytest.fixture
def bridge(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[Bridge, BridgeClient]]:
    fake = Bridge()
    endpoint = Endpoint.for_data_dir(tmp_path / f"data-{uuid.uuid4().hex[:6]}")
    server = LocalServer(
        endpoint, TOKEN, fake, lambda _c: None, diagnostics=fake.diagnostics, trace=fake.trace
    )
    server.start()
    client = BridgeClient("diagnostics-test", min_backoff_ms=50)
    client.connect_to(endpoint.server_name, TOKEN)
    qtbot.waitUntil(lambda: client.is_connected, timeout=5000)
    yield fake, client
    client.close()
    server.close()


@pytest.fixture
def view(qtbot: QtBot, bridge: tuple[Bridge, BridgeClient]) -> DiagnosticsView:
    _, client = bridge
    widget = DiagnosticsView(client, dt.UTC)
    client.diagnostics.connect(widget.show_diagnostics)
    client.trace.connect(widget.show_trace)
    qtbot.addWidget(widget)
    return widget


def table(model: QAbstractItemModel, role: int = Qt.ItemDataRole.DisplayRole) -> list[list[object]]:
    return [
        [model.data(model.index(r, c), role) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_quarantined_records_are_listed_as_plain_text(
    qtbot: QtBot, qtmodeltester: ModelTester, view: DiagnosticsView
) -> None:
    assert view.refresh("quarantine")
    qtbot.waitUntil(lambda: view.quarantine_model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(view.quarantine_model)  # type: ignore[no-untyped-call]  # pytest-qt: untyped
    assert table(view.quarantine_model) == [
        ["2025-12-01 09:59:00", "atp.tickets.v1", "2", "41", "e-9", HOSTILE],
        ["—", "atp.orders.v1", "0", "7", "—", "unknown order"],
    ]
    tooltip = view.quarantine_model.data(
        view.quarantine_model.index(0, 5), Qt.ItemDataRole.ToolTipRole
    )
    assert tooltip == "<qt>&lt;b&gt;bold&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;</qt>"
    assert view.quarantine_status.textFormat() == Qt.TextFormat.PlainText
    assert view.quarantine_status.text() == (
        "As of 2025-12-01 10:00:05: 1234 records quarantined in all; the latest 2 are listed."
    )


def test_lag_per_partition(qtbot: QtBot, view: DiagnosticsView) -> None:
    view.tabs.setCurrentIndex(1)
    qtbot.mouseClick(view.lag_refresh, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: view.lag_model.rowCount() == 2, timeout=5000)
    assert table(view.lag_model) == [
        ["atp.tickets.v1", "0", "90", "100", "10"],
        ["atp.tickets.v1", "1", "5", "—", "—"],
    ]
    assert view.lag_status.text() == (
        "As of 2025-12-01 10:00:05: 10 records in the log not folded yet "
        "(log ends as of 2025-12-01 10:00:03)."
    )


def test_an_event_trace_marks_duplicates_and_what_was_not_applied(
    qtbot: QtBot, view: DiagnosticsView, bridge: tuple[Bridge, BridgeClient]
) -> None:
    fake, _ = bridge
    view.trace_key.setText("  T1 ")
    qtbot.keyClick(view.trace_key, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: len(fake.traces) == 1, timeout=5000)
    assert (fake.traces[0].kind, fake.traces[0].key) == ("ticket", "T1")
    assert not view.trace_button.isEnabled()  # one question at a time
    assert view.trace_status.text() == "Reading T1 from the beginning of the log…"
    fake.replies[0](TRACE)
    qtbot.waitUntil(lambda: view.trace_model.rowCount() == 3, timeout=5000)
    rows = table(view.trace_model)
    assert [row[:4] for row in rows] == [
        ["2025-12-01 09:00:00", "atp.ticket.opened", "applied", ""],
        ["2025-12-01 09:00:00", "atp.ticket.opened", "duplicate (changed nothing)",
         "event id seen before"],
        ["2025-12-01 09:05:00", "atp.ticket.claimed", "rejected", "claimed by Ana"],
    ]  # fmt: skip
    assert rows[2][4] == HOSTILE  # the source, as the record says it
    assert rows[0][6] == "atp.tickets.v1 / 1 / 3"
    colours = table(view.trace_model, Qt.ItemDataRole.ForegroundRole)
    assert colours[1][0] == QColor(DUPLICATE_COLOUR)
    backgrounds = table(view.trace_model, Qt.ItemDataRole.BackgroundRole)
    assert backgrounds[2][0] == QColor(NOT_APPLIED_BACKGROUND)
    assert backgrounds[0][0] is None
    assert view.trace_button.isEnabled()
    assert view.trace_status.text() == (
        "T1: 3 records of it among 812 read from the beginning of the log."
    )


def test_a_late_answer_to_an_earlier_trace_is_ignored(
    qtbot: QtBot, view: DiagnosticsView, bridge: tuple[Bridge, BridgeClient]
) -> None:
    fake, _ = bridge
    assert view.trace_entity("ticket", "T1")
    qtbot.waitUntil(lambda: len(fake.traces) == 1, timeout=5000)
    fake.replies[0](
        Trace(kind="ticket", key="T1", error="stopped after 10 records", records_scanned=10)
    )
    qtbot.waitUntil(view.trace_button.isEnabled, timeout=5000)
    assert view.trace_status.text() == (
        "T1: no complete trace (stopped after 10 records). Records found so far: 0."
    )
    assert view.trace_entity("order", "o-1")
    qtbot.waitUntil(lambda: len(fake.traces) == 2, timeout=5000)
    fake.replies[0](TRACE)  # T1 again: not what is asked now
    fake.replies[1](Trace(kind="order", key="o-1", complete=True, records_scanned=50))
    qtbot.waitUntil(view.trace_button.isEnabled, timeout=5000)
    assert view.trace_model.rowCount() == 0
    assert view.trace_status.text() == (
        "o-1: 0 records of it among 50 read from the beginning of the log. "
        "The log holds no record with this id."
    )


def test_not_connected_and_no_answer_are_said(qtbot: QtBot) -> None:
    offline = BridgeClient("offline")
    view = DiagnosticsView(offline, dt.UTC, answer_timeout_ms=50)
    qtbot.addWidget(view)
    assert not view.refresh("lag")
    assert view.lag_status.text() == "Not connected to the bridge: try again when it is."
    assert not view.trace()
    assert view.trace_status.text() == "Type a ticket or order id."


def test_a_question_without_an_answer_times_out(
    qtbot: QtBot, bridge: tuple[Bridge, BridgeClient]
) -> None:
    _, client = bridge
    view = DiagnosticsView(client, dt.UTC, answer_timeout_ms=100)  # answers are not connected
    qtbot.addWidget(view)
    assert view.trace_entity("ticket", "T1")
    qtbot.waitUntil(view.trace_button.isEnabled, timeout=5000)
    assert view.trace_status.text() == "The bridge did not answer in time; try again."


@pytest.mark.parametrize(
    ("language", "total", "entries", "text"),
    [
        ("en", 0, 0, "As of 2025-12-01 10:00:05: no record is quarantined."),
        ("en", 1, 1, "As of 2025-12-01 10:00:05: 1 record quarantined."),
        ("en", 2, 2, "As of 2025-12-01 10:00:05: 2 records quarantined, all listed."),
        ("es", 0, 0, "Al 2025-12-01 10:00:05: ningún registro en cuarentena."),
        ("es", 1, 1, "Al 2025-12-01 10:00:05: 1 registro en cuarentena."),
        ("es", 2, 2, "Al 2025-12-01 10:00:05: 2 registros en cuarentena, todos listados."),
    ],
)
def test_the_quarantine_line_reads_well_for_none_one_and_all(  # noqa: PLR0917 - cases
    view: DiagnosticsView,
    translations: Translations,
    language: Language,
    total: int,
    entries: int,
    text: str,
) -> None:
    assert translations.install(language)
    view.show_diagnostics(
        Diagnostics(
            kind="quarantine",
            as_of="2025-12-01T10:00:05Z",
            quarantined_total=total,
            quarantined=QUARANTINE.quarantined[:entries],
        )
    )
    assert view.quarantine_status.text() == text


def test_the_quarantine_tab_asks_the_bridge_when_first_shown(
    qtbot: QtBot, view: DiagnosticsView, bridge: tuple[Bridge, BridgeClient]
) -> None:
    """A supervisor's Diagnostics tab is there from the start: a click on it, no Refresh."""
    fake, _ = bridge
    view.show()
    qtbot.waitUntil(lambda: view.quarantine_model.rowCount() == 2, timeout=5000)
    assert view.quarantine_status.text().startswith("As of ")
    assert fake.asked == ["quarantine"]
    view.hide()
    view.show()  # shown again: the answer stays until Refresh
    assert fake.asked == ["quarantine"]


def test_the_lag_tab_asks_the_bridge_when_first_shown(
    qtbot: QtBot, view: DiagnosticsView, bridge: tuple[Bridge, BridgeClient]
) -> None:
    fake, _ = bridge
    view.show()
    qtbot.waitUntil(lambda: fake.asked == ["quarantine"], timeout=5000)
    view.tabs.setCurrentIndex(1)  # no click on Refresh
    qtbot.waitUntil(lambda: view.lag_model.rowCount() == 2, timeout=5000)
    assert fake.asked == ["quarantine", "lag"]
    view.tabs.setCurrentIndex(0)
    view.tabs.setCurrentIndex(1)  # shown again: the answer stays until Refresh
    assert fake.asked == ["quarantine", "lag"]
