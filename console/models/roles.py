"""Custom item data roles shared by the console's models, proxies and views."""

from __future__ import annotations

from PySide6.QtCore import Qt

_USER = Qt.ItemDataRole.UserRole.value
ID_ROLE = _USER + 1
"""The entity id of the row (ticket id, order id)."""
SORT_ROLE = _USER + 2
"""A plain comparable value for sorting the column."""
SLA_STATE_ROLE = _USER + 3
"""The ``SlaState`` value string of a ticket row (any column)."""
EVENT_ID_ROLE = _USER + 4
"""The event id of an order feed row."""
