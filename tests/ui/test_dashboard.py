"""The supervisor dashboard shows what queue_load computes, within a second of new data."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from bridge.wire.entities import Ticket
from console.dashboard import SupervisorDashboard
from console.dashboard.dashboard import axis_scale
from console.dashboard.models import ALERT_BACKGROUND, SORT_ROLE, AgentColumn, QueueColumn
from tests.helpers import entities
from tests.helpers.entities import presence, ticket_action

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
        ["Deliveries", "2", "1", "1", "45 min"],
        ["Payments", "1", "1", "0", "3 min"],
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
