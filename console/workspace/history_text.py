"""The one-line text of a ticket's history entry: "Lucía claimed the ticket", translated."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from console.labels import priority_label, queue_label, status_label
from console.viewstate.bounded import one_line

if TYPE_CHECKING:
    from bridge.wire.entities import TicketAction

_ARGUMENT = re.compile(r"%([12])")


def _subst(template: str, first: str, second: str) -> str:
    """Fill ``%1`` and ``%2`` in one pass (a name holding "%2" stays as written)."""
    return _ARGUMENT.sub(lambda match: (first, second)[int(match.group(1)) - 1], template)


def action_text(action: TicketAction) -> str:
    """What happened, with who did it (``agent_name``; "Someone" when the event names nobody)."""
    who = one_line(
        action.agent_name
        or action.agent_id
        or QCoreApplication.translate("TicketHistory", "Someone")
    )
    value = one_line(action.value or "")
    word = action.type.rsplit(".", 1)[-1]
    templates = {
        "claimed": QCoreApplication.translate("TicketHistory", "%1 claimed the ticket"),
        "released": QCoreApplication.translate("TicketHistory", "%1 released the ticket"),
        "status_changed": QCoreApplication.translate("TicketHistory", "%1 set the status to %2"),
        "priority_changed": QCoreApplication.translate(
            "TicketHistory", "%1 set the priority to %2"
        ),
        "queue_changed": QCoreApplication.translate(
            "TicketHistory", "%1 moved the ticket to the queue %2"
        ),
        "tag_added": QCoreApplication.translate("TicketHistory", "%1 added the tag %2"),
        "tag_removed": QCoreApplication.translate("TicketHistory", "%1 removed the tag %2"),
    }
    if word == "assigned":
        target = one_line(action.target_name or action.target_id or "")
        return _subst(
            QCoreApplication.translate("TicketHistory", "%1 assigned the ticket to %2"), who, target
        )
    if word == "status_changed":
        value = status_label(value)
    elif word == "priority_changed":
        value = priority_label(value)
    elif word == "queue_changed":
        value = queue_label(value)  # "Pagos", as the header and the queue say
    if word not in templates:
        return _subst(QCoreApplication.translate("TicketHistory", "%1: %2"), who, action.type)
    return _subst(templates[word], who, value)
