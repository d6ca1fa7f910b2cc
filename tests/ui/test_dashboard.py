"""The supervisor dashboard shows what queue_load computes, within a second of new data."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import QAbstractItemModel, QDate, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from bridge.contract.topics import Topics
from bridge.wire.entities import Presence, Ticket
from bridge.wire.figures import Pace
from console.dashboard import SupervisorDashboard
from console.dashboard.dashboard import axis_scale
from console.dashboard.figures_job import FiguresJob
from console.dashboard.models import ALERT_BACKGROUND, SORT_ROLE, AgentColumn, QueueColumn
from console.dashboard.queue_load import DashboardFigures, compute_figures
from console.dashboard.report_export import ReportRequest
from tests.conftest import KafkaEnv
from tests.helpers import entities, report_week
from tests.helpers.bridge_process import write_config
from tests.helpers.entities import presence, ticket_action
from tests.helpers.logfail import ExpectLog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = dt.datetime(2025, 3, 1, 16, 0, tzinfo=dt.UTC)


def at(minutes_ago: float) -> str:
    return (NOW - dt.timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def ticket(
    ticket_id: str,
    queue: str,
    *,
    status: str = "open",
    assignee: str | None = None,
    opened: float = 30,
    due: float = -10,
    resolved_ago: float | None = None,
) -> Ticket:
    actions = []
    if resolved_ago is not None:
        actions.append(
            ticket_action(f"r-{ticket_id}", "atp.ticket.status_changed", at=at(resolved_ago),
                          agent_id="ag-ana", agent_name="Ana", value="resolved")
        )  # fmt: skip
    return entities.ticket(
        ticket_id, status=status, queue=queue, assignee=assignee, assignee_name=assignee,
        customer_id="c", customer_name="Cliente", channel="web", subject="s", body="b",
        opened_at=at(opened), sla_due_at=at(due), updated_at=at(0), actions=actions,
    )  # fmt: skip


AGENTS = [
    presence("ag-ana", name="Ana Quispe", expires_at=at(-5)),
    presence("ag-rosa", name="Rosa Huamán", role="supervisor",
             queues=["deliveries", "payments"], expires_at=at(5)),  # expired
]  # fmt: skip

TICKETS = [
    ticket("D1", "deliveries", opened=45, due=15),  # breached, unassigned, waiting 45 min
    ticket("D2", "deliveries", assignee="ag-ana", opened=12),
    ticket("D3", "deliveries", status="resolved", assignee="ag-ana", opened=50, resolved_ago=7),
    ticket("P1", "payments", opened=3),
]


@pytest.fixture
def dashboard(qtbot: QtBot) -> SupervisorDashboard:
    widget = SupervisorDashboard(tz=dt.UTC)
    qtbot.addWidget(widget)
    return widget


def cell(
    model: QAbstractItemModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    return model.data(model.index(row, column), role)


def test_dashboard_shows_the_figures(
    qtbot: QtBot, qtmodeltester: ModelTester, dashboard: SupervisorDashboard
) -> None:
    dashboard.update_data(TICKETS, AGENTS, NOW, "2025-03-01T15:59:58Z")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    queues = dashboard.queue_model
    qtmodeltester.check(queues)  # type: ignore[no-untyped-call]  # pytest-qt: untyped
    table = [
        [cell(queues, r, c) for c in range(queues.columnCount())] for r in range(queues.rowCount())
    ]
    assert table == [
        ["Deliveries", "2", "1", "1", "45 min", "0 % (0/1)"],  # D1 due today, unanswered
        ["Payments", "1", "1", "0", "3 min", "—"],  # P1 due later today: nothing decided
    ]
    assert cell(queues, 0, QueueColumn.OLDEST_WAITING, SORT_ROLE) == 45 * 60
    assert cell(queues, 0, QueueColumn.BREACHED, Qt.ItemDataRole.BackgroundRole) == QColor(
        ALERT_BACKGROUND
    )
    assert cell(queues, 1, QueueColumn.BREACHED, Qt.ItemDataRole.BackgroundRole) is None

    agents = dashboard.agent_model
    qtmodeltester.check(agents)  # type: ignore[no-untyped-call]  # pytest-qt: untyped
    rows = [
        [
            cell(agents, r, c)
            for c in (AgentColumn.NAME, AgentColumn.ROLE, AgentColumn.PRESENCE, AgentColumn.LOAD)
        ]
        for r in range(agents.rowCount())
    ]
    assert rows == [
        ["Ana Quispe", "Agent", "Online", "1"],
        ["Rosa Huamán", "Supervisor", "Offline", "0"],
    ]

    created, resolved = dashboard.chart.values()
    assert len(created) == 12
    assert sum(created) == 4  # every ticket was opened within the hour
    assert sum(resolved) == 1
    assert resolved[-2] == 1  # 7 minutes ago: the bucket (15:50, 15:55]
    assert dashboard.chart.axis_x.categories()[0] == "15:00"
    assert dashboard.as_of_label.text() == "Data as of 15:59:58"
    assert "4 created, 1 resolved" in dashboard.totals_label.text()


def test_unknown_as_of(dashboard: SupervisorDashboard, qtbot: QtBot) -> None:
    dashboard.update_data(TICKETS[2:3], [], NOW, None)
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    assert dashboard.figures is not None
    assert dashboard.figures.created_last_hour == 1
    assert dashboard.as_of_label.text() == "Data as of: —"


def test_new_data_shows_within_a_second_and_bursts_are_merged(
    qtbot: QtBot, dashboard: SupervisorDashboard
) -> None:
    dashboard.update_data(TICKETS, AGENTS, NOW, "2025-03-01T15:59:58Z")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    later = NOW + dt.timedelta(minutes=1)
    claimed = [*TICKETS[:3], ticket("P1", "payments", opened=3, assignee="ag-rosa")]
    with qtbot.waitSignal(dashboard.queue_model.dataChanged, timeout=1000):
        dashboard.update_data(TICKETS, AGENTS, later, "2025-03-01T16:00:30Z")
        dashboard.update_data(claimed, AGENTS, later, "2025-03-01T16:01:00Z")
    qtbot.waitUntil(lambda: dashboard.as_of_label.text() == "Data as of 16:01:00", timeout=1000)
    assert cell(dashboard.queue_model, 1, QueueColumn.UNASSIGNED) == "0"
    assert cell(dashboard.queue_model, 0, QueueColumn.OLDEST_WAITING) == "46 min"
    rosa = next(r for r in range(dashboard.agent_model.rowCount())
                if cell(dashboard.agent_model, r, AgentColumn.NAME) == "Rosa Huamán")  # fmt: skip
    assert cell(dashboard.agent_model, rosa, AgentColumn.LOAD) == "1"
    # An offline agent who still holds a ticket is highlighted.
    assert cell(
        dashboard.agent_model, rosa, AgentColumn.LOAD, Qt.ItemDataRole.BackgroundRole
    ) == QColor(ALERT_BACKGROUND)


def test_a_changed_ticket_shows_in_the_queue_table(
    qtbot: QtBot, dashboard: SupervisorDashboard
) -> None:
    """As the store does: one live view of its tickets, a changed ticket a new object."""
    store = {t.ticket_id: t for t in TICKETS}
    dashboard.update_data(store.values(), AGENTS, NOW, "2025-03-01T15:59:58Z")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    queues = dashboard.queue_model
    assert [cell(queues, 0, c) for c in range(4)] == ["Deliveries", "2", "1", "1"]

    store["D1"] = ticket("D1", "payments", opened=45, due=15)  # moved to payments
    dashboard.update_data(store.values(), AGENTS, NOW, "2025-03-01T16:00:00Z")
    qtbot.waitUntil(lambda: dashboard.as_of_label.text() == "Data as of 16:00:00", timeout=2000)
    table = [[cell(queues, r, c) for c in range(5)] for r in range(queues.rowCount())]
    assert table == [
        ["Deliveries", "1", "0", "0", "12 min"],  # D2 alone, waiting since it opened
        ["Payments", "2", "2", "1", "45 min"],
    ]

    del store["P1"]
    store["D1"] = ticket("D1", "payments", status="resolved", opened=45, due=15, resolved_ago=1)
    dashboard.update_data(store.values(), AGENTS, NOW, "2025-03-01T16:00:01Z")
    qtbot.waitUntil(lambda: dashboard.as_of_label.text() == "Data as of 16:00:01", timeout=2000)
    assert [cell(queues, 1, c) for c in range(5)] == ["Payments", "0", "0", "0", "—"]
    assert "2 resolved" in dashboard.totals_label.text()


def test_dashboard_renders(qtbot: QtBot, dashboard: SupervisorDashboard) -> None:
    dashboard.update_data(TICKETS, AGENTS, NOW, None)
    dashboard.resize(1000, 700)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    image = dashboard.grab()
    assert not image.isNull()
    assert dashboard.queue_view.accessibleName()
    assert dashboard.agent_view.accessibleName()
    assert dashboard.chart.accessibleName()


@pytest.mark.parametrize(("created", "maximum", "step"), [(22, 25, 5), (3, 3, 1), (9, 10, 2)])
def test_chart_axis_steps_are_whole_numbers_and_every_bar_meets_a_grid_line(
    qtbot: QtBot, dashboard: SupervisorDashboard, created: int, maximum: int, step: int
) -> None:
    burst = [ticket(f"N{n}", "deliveries", opened=2) for n in range(created)]
    dashboard.update_data(burst, AGENTS, NOW, None)
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    axis = dashboard.chart.axis_y
    assert axis.tickType() is QValueAxis.TickType.TicksDynamic
    assert (axis.min(), axis.max(), axis.tickAnchor(), axis.tickInterval()) == (0, maximum, 0, step)
    # a line at every whole number: major ticks every step, step - 1 minor ticks between
    assert axis.minorTickCount() == step - 1
    assert max(dashboard.chart.values()[0]) == created


def test_axis_scale_of_large_counts() -> None:
    assert axis_scale(140) == (150, 50)
    assert axis_scale(0) == (1, 1)
    assert axis_scale(1000) == (1000, 200)


# ------------------------------------------------------------------ today's figures
LIMA = dt.timezone(dt.timedelta(hours=-5))


def answered(
    ticket_id: str, queue: str, agent: str, *, opened: float, due: float, reply: float | None
) -> Ticket:
    """Opened/due/reply: minutes before NOW; claimed by ``agent`` when it opened."""
    messages = [] if reply is None else [
        entities.message(f"m-{ticket_id}", "agent", author_id=agent, author_name=agent.title(),
                         at=at(reply))
    ]  # fmt: skip
    return entities.ticket(
        ticket_id, queue=queue, opened_at=at(opened), sla_due_at=at(due),
        first_response_at=None if reply is None else at(reply), messages=messages,
        actions=[ticket_action(f"c-{ticket_id}", at=at(opened), agent_id=agent,
                               agent_name=agent.title())],
    )  # fmt: skip


# NOW is 11:00 in Lima: "today" there began 11 hours (660 minutes) ago
TODAY = [
    answered("A1", "deliveries", "ag-ana", opened=120, due=60, reply=110),  # met, 10 min
    answered("A2", "deliveries", "ag-ana", opened=100, due=40, reply=70),  # met, 30 min
    answered("A3", "deliveries", "ag-luis", opened=90, due=30, reply=20),  # breached, 70 min
    answered("A4", "payments", "ag-luis", opened=50, due=-10, reply=None),  # due in 10 min
    answered("Y1", "payments", "ag-luis", opened=700, due=680, reply=None),  # due yesterday
]


def test_today_shows_sla_attainment_first_response_and_resolutions(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    clock = [NOW]
    dashboard = SupervisorDashboard(tz=LIMA, clock=lambda: clock[0], refresh_ms=50)
    qtbot.addWidget(dashboard)
    resolved_by_ana = ticket("R1", "deliveries", status="resolved", opened=30, resolved_ago=5)
    dashboard.update_data([*TODAY, resolved_by_ana], AGENTS[:1], NOW, None)
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=1000)
    queues, agents = dashboard.queue_model, dashboard.agent_model
    qtmodeltester.check(agents)  # type: ignore[no-untyped-call]  # pytest-qt: untyped
    assert cell(queues, 0, QueueColumn.SLA_TODAY) == "67 % (2/3)"
    assert cell(queues, 0, QueueColumn.SLA_TODAY, SORT_ROLE) == pytest.approx(2 / 3)
    assert cell(queues, 1, QueueColumn.SLA_TODAY) == "—"  # A4 not due yet, Y1 yesterday
    rows = {
        cell(agents, r, AgentColumn.NAME): (
            cell(agents, r, AgentColumn.FIRST_RESPONSE_TODAY),
            cell(agents, r, AgentColumn.RESOLVED_TODAY),
        )
        for r in range(agents.rowCount())
    }
    # Ana: replies after 10 and 30 min (median 20), resolved R1 (the helper's agent is "Ana")
    assert rows == {"Ana Quispe": ("20 min", "1"), "Ag-Luis": ("1 h 10 min", "0")}
    assert dashboard.today_label.text() == "Today: 5 opened, 1 resolved, SLA met 67 % (2/3)"

    # No new data, but A4's deadline passes: the figures follow the clock
    clock[0] = NOW + dt.timedelta(minutes=11)
    qtbot.waitUntil(lambda: cell(queues, 1, QueueColumn.SLA_TODAY) == "0 % (0/1)", timeout=2000)
    assert cell(queues, 0, QueueColumn.SLA_TODAY) == "50 % (2/4)"  # R1, never answered, too
    assert "SLA met 40 % (2/5)" in dashboard.today_label.text()


# ------------------------------------------------------------------ report export
@pytest.mark.kafka
def test_export_report_runs_the_report_command_and_saves_the_csv(
    qtbot: QtBot, kafka: KafkaEnv, new_topic: Callable[..., str], tmp_path: Path
) -> None:
    topics = Topics(orders=new_topic("orders"), tickets=new_topic("tickets", 2), agents=new_topic())
    report_week.produce_week(kafka.bootstrap_servers, topics.tickets)
    config = write_config(
        tmp_path / "config.toml", bootstrap_servers=kafka.bootstrap_servers, topics=topics
    )
    command = [sys.executable, "-m", "bridge", "report", "--config", str(config), "--tz", "UTC"]
    december = dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC)
    dashboard = SupervisorDashboard(
        tz=dt.UTC, clock=lambda: december, report_command=command, report_folder=tmp_path
    )
    qtbot.addWidget(dashboard)
    dashboard.show()
    assert dashboard.export_button.isVisible()
    dialog = dashboard.open_report_dialog()
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.first_edit.setDate(QDate(2025, 12, 7))
    dialog.last_edit.setDate(QDate(2025, 12, 1))
    assert not ok.isEnabled()  # the last day before the first
    assert dialog.problem_label.text() == "The last day is before the first."
    dialog.first_edit.setDate(QDate(2025, 12, 1))
    dialog.last_edit.setDate(QDate(2025, 12, 7))
    assert dialog.output_edit.text() == str(tmp_path / "atp-report-2025-12-01-2025-12-07.csv")
    assert ok.isEnabled()
    with qtbot.waitSignal(dashboard.report_export.started, timeout=1000):  # type: ignore[union-attr]
        ok.click()
    assert not dashboard.export_button.isEnabled()  # one report at a time
    assert "2025-12-01 to 2025-12-07" in dashboard.export_status.text()
    qtbot.waitUntil(dashboard.export_button.isEnabled, timeout=60_000)
    assert dashboard.export_status.text().startswith("Report saved."), (
        dashboard.export_status.text()
    )
    written = tmp_path / "atp-report-2025-12-01-2025-12-07.csv"
    assert written.read_text(encoding="utf-8") == report_week.EXPECTED_CSV


def test_a_report_that_fails_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("schema_version = 1\n[kafka]\nbootstrap_servers = 'nowhere:1'\n")
    command = [
        sys.executable,
        "-m",
        "bridge",
        "report",
        "--config",
        str(config),
        "--tz",
        "Mars/Base",
    ]
    dashboard = SupervisorDashboard(tz=dt.UTC, clock=lambda: NOW, report_command=command)
    qtbot.addWidget(dashboard)
    request = ReportRequest(dt.date(2025, 12, 1), dt.date(2025, 12, 1), tmp_path / "r.csv")
    assert dashboard.export_report(request)
    assert not dashboard.export_report(request)  # one at a time
    qtbot.waitUntil(dashboard.export_button.isEnabled, timeout=30_000)
    assert dashboard.export_status.text() == (
        "The report failed: atp-bridge report: unknown time zone 'Mars/Base'"
    )
    assert not (tmp_path / "r.csv").exists()


def test_without_a_report_command_there_is_no_export(dashboard: SupervisorDashboard) -> None:
    assert dashboard.export_button.isHidden()
    assert dashboard.open_report_dialog() is None


def test_a_slow_pass_of_the_figures_never_blocks_the_event_loop(qtbot: QtBot) -> None:
    """A pass over every ticket (seconds at 100k) runs in a worker; the window keeps working."""
    release = threading.Event()
    ran_on: list[threading.Thread] = []

    def slow_compute(
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
        pace: Pace,
    ) -> DashboardFigures:
        ran_on.append(threading.current_thread())
        release.wait(10)  # as long as the test says: a pass that takes "forever"
        return compute_figures(tickets, agents, now, tz, pace)

    dashboard = SupervisorDashboard(tz=dt.UTC, coalesce_ms=0, compute=slow_compute)
    qtbot.addWidget(dashboard)
    dashboard.update_data(TICKETS, AGENTS, NOW, None)
    qtbot.waitUntil(lambda: bool(ran_on))
    assert ran_on[0] is not threading.main_thread()
    ticks = QTimer()
    ticks.setInterval(1)
    with qtbot.waitSignal(ticks.timeout, timeout=2000):  # the event loop turns meanwhile
        ticks.start()
    assert dashboard.queue_model.rowCount() == 0  # the pass is still running
    release.set()
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=5000)
    figures = dashboard.figures
    assert figures is not None
    assert [row.queue for row in figures.queues] == ["deliveries", "payments"]


def test_a_pass_that_fails_says_so_and_the_next_one_runs(
    qtbot: QtBot, expect_log: ExpectLog
) -> None:
    failures = [ValueError("a ticket without a queue")]

    def compute(
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
        pace: Pace,
    ) -> DashboardFigures:
        if failures:
            raise failures.pop()
        return compute_figures(tickets, agents, now, tz, pace)

    dashboard = SupervisorDashboard(tz=dt.UTC, coalesce_ms=0, compute=compute)
    qtbot.addWidget(dashboard)
    with expect_log("console.dashboard.figures_job", "ERROR", match="could not be computed") as got:
        dashboard.update_data(TICKETS, AGENTS, NOW, None)
        qtbot.waitUntil(lambda: "could not be computed" in dashboard.as_of_label.text())
    assert "ValueError: a ticket without a queue" in dashboard.as_of_label.text()
    assert got[0].exc_info is not None  # the traceback is in the log
    dashboard.update_data(TICKETS, AGENTS, NOW, "2025-03-01T15:59:58Z")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=5000)
    assert dashboard.as_of_label.text() == "Data as of 15:59:58"


def test_the_next_pass_waits_three_times_as_long_as_the_last_took(qtbot: QtBot) -> None:
    clock = [100.0]

    def two_seconds(
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
        pace: Pace,
    ) -> DashboardFigures:
        clock[0] += 2.0
        return compute_figures(tickets, agents, now, tz, pace)

    job = FiguresJob(two_seconds, clock=lambda: clock[0])
    assert job.next_delay_ms(200) == 200  # nothing measured yet
    with qtbot.waitSignal(job.computed, timeout=5000):
        job.start(TICKETS, AGENTS, NOW, dt.UTC)
    assert not job.running
    assert job.next_delay_ms(200) == 6000
    assert job.next_delay_ms(10_000) == 10_000


def test_the_figures_are_computed_only_while_the_window_waits_for_them(qtbot: QtBot) -> None:
    """The worker never runs beside the UI thread's Python (a paint would wait for it)."""
    window_busy = threading.Event()
    overlaps: list[int] = []

    def compute(
        tickets: list[Ticket],
        agents: list[Presence],
        now: dt.datetime,
        tz: dt.tzinfo | None,
        pace: Pace,
    ) -> DashboardFigures:
        for step in range(30_000):  # a long pass, in small steps
            pace()
            if window_busy.is_set():
                overlaps.append(step)
            sum(range(200))
        return compute_figures(tickets, agents, now, tz, pace)

    def window_work() -> None:  # what a turn of the window does: some Python, then it returns
        window_busy.set()
        started = time.perf_counter()
        while time.perf_counter() - started < 0.020:  # past the 5 ms switch interval
            sum(range(200))
        window_busy.clear()

    busy = QTimer()
    busy.setInterval(0)
    busy.timeout.connect(window_work)
    busy.start()
    job = FiguresJob(compute)
    with qtbot.waitSignal(job.computed, timeout=30_000):
        job.start(TICKETS, AGENTS, NOW, dt.UTC)
    busy.stop()
    assert overlaps == []
