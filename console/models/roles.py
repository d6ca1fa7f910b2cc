"""Custom item data roles shared by the console's models, proxies and views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt

_USER = Qt.ItemDataRole.UserRole.value
ID_ROLE = _USER + 1
"""The entity id of the row (ticket id, order id)."""
SORT_ROLE = _USER + 2
"""A plain comparable value for sorting the column."""
SLA_STATE_ROLE = _USER + 3
"""The ``SlaState`` value string of a ticket row (any column)."""
EVENT_ID_ROLE = _USER + 4
"""The event id of an order feed row."""


def role_entries(roles: QModelRoleDataSpan | QModelRoleData) -> Iterable[QModelRoleData]:
    """The entries of what ``multiData`` is given.

    A span iterates at run time; the stubs do not say so.
    """
    if isinstance(roles, QModelRoleData):
        return (roles,)
    return cast("Iterable[QModelRoleData]", roles)
