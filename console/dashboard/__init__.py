"""The supervisor dashboard: queue load, agents' presence and load, created vs resolved."""

from console.dashboard.dashboard import SupervisorDashboard
from console.dashboard.queue_load import DashboardFigures, compute_figures

__all__ = ["DashboardFigures", "SupervisorDashboard", "compute_figures"]
