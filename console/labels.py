"""Translated labels for the state's values (status, priority, channel, queue, presence, order).

Known values get a translated label; anything else is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import Qt as GuiQt

from console.viewstate.bounded import ELLIPSIS, TOOLTIP_CHARS


def status_label(status: str) -> str:
    """Return the label of a ticket status."""
    labels = {
        "open": QCoreApplication.translate("TicketLabels", "Open"),
        "pending": QCoreApplication.translate("TicketLabels", "Pending"),
        "resolved": QCoreApplication.translate("TicketLabels", "Resolved"),
        "closed": QCoreApplication.translate("TicketLabels", "Closed"),
    }
    return labels.get(status, status)


def priority_label(priority: str) -> str:
    """Return the label of a ticket priority."""
    labels = {
        "low": QCoreApplication.translate("TicketLabels", "Low"),
        "normal": QCoreApplication.translate("TicketLabels", "Normal"),
        "high": QCoreApplication.translate("TicketLabels", "High"),
        "urgent": QCoreApplication.translate("TicketLabels", "Urgent"),
    }
    return labels.get(priority, priority)


def channel_label(channel: str) -> str:
    """Return the label of a customer channel."""
    labels = {
        "app": QCoreApplication.translate("TicketLabels", "App"),
        "web": QCoreApplication.translate("TicketLabels", "Web"),
        "whatsapp": QCoreApplication.translate("TicketLabels", "WhatsApp"),
        "phone": QCoreApplication.translate("TicketLabels", "Phone"),
        "email": QCoreApplication.translate("TicketLabels", "Email"),
    }
    return labels.get(channel, channel)


def _queue_labels() -> dict[str, str]:
    return {
        "deliveries": QCoreApplication.translate("TicketLabels", "Deliveries"),
        "payments": QCoreApplication.translate("TicketLabels", "Payments"),
        "general": QCoreApplication.translate("TicketLabels", "General"),
    }


def queue_label(queue: str) -> str:
    """Return the label of a queue name (an unknown queue shows as it is)."""
    return _queue_labels().get(queue, queue)


def queue_from_label(text: str) -> str:
    """Return the queue name a label (or the name itself) stands for, any case.

    ``Entregas`` (in Spanish) and ``deliveries`` give ``deliveries``; text that
    is neither is a queue name of its own and is returned as typed, trimmed.
    """
    typed = text.strip()
    wanted = typed.casefold()
    for queue, label in _queue_labels().items():
        if wanted in {queue.casefold(), label.casefold()}:
            return queue
    return typed


def queue_list_text(queues: Iterable[str]) -> str:
    """Queue names as a comma-separated list of their labels, for a text field."""
    return ", ".join(queue_label(queue) for queue in queues)


def queues_from_text(text: str) -> tuple[str, ...]:
    """The queue names of a comma-separated list of labels or names (empty items dropped)."""
    return tuple(queue_from_label(item) for item in text.split(",") if item.strip())


def presence_label(presence: str) -> str:
    """Return the label of an agent's presence (an unknown one shows as it is)."""
    labels = {
        "online": QCoreApplication.translate("TicketLabels", "Online"),
        "away": QCoreApplication.translate("TicketLabels", "Away"),
        "offline": QCoreApplication.translate("TicketLabels", "Offline"),
    }
    return labels.get(presence, presence)


def payment_method_label(method: str) -> str:
    """Return the label of a payment method (an unknown method shows as it is)."""
    labels = {
        "card": QCoreApplication.translate("TicketLabels", "Card"),
        "yape": QCoreApplication.translate("TicketLabels", "Yape"),
        "plin": QCoreApplication.translate("TicketLabels", "Plin"),
        "cash": QCoreApplication.translate("TicketLabels", "Cash"),
    }
    return labels.get(method, method)


def order_status_label(status: str) -> str:
    """Return the label of an order status (the last word of an order event type)."""
    labels = {
        "placed": QCoreApplication.translate("TicketLabels", "Placed"),
        "paid": QCoreApplication.translate("TicketLabels", "Paid"),
        "dispatched": QCoreApplication.translate("TicketLabels", "Dispatched"),
        "delayed": QCoreApplication.translate("TicketLabels", "Delayed"),
        "delivered": QCoreApplication.translate("TicketLabels", "Delivered"),
        "cancelled": QCoreApplication.translate("TicketLabels", "Cancelled"),
    }
    return labels.get(status, status)


def language_name(language: str) -> str:
    """Return the name of a canned-reply language (``es``, ``en``)."""
    labels = {
        "es": QCoreApplication.translate("TicketLabels", "Spanish"),
        "en": QCoreApplication.translate("TicketLabels", "English"),
    }
    return labels.get(language, language)


def event_word(event_type: str) -> str:
    """Return the last word of an event type: ``atp.order.delayed`` -> ``delayed``."""
    return event_type.rsplit(".", 1)[-1]


def money(cents: int, currency: str) -> str:
    """Return an amount for people: ``S/ 45.90`` for soles, ``USD 3.00`` otherwise."""
    prefix = "S/" if currency == "PEN" else currency
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{prefix} {whole}.{part:02d}"


def plain_tooltip(text: str) -> str:
    """Return ``text`` as a tooltip that shows it literally (Qt would render HTML in it).

    At most ``TOOLTIP_CHARS`` characters of it: a record's field can be megabytes.
    """
    if len(text) > TOOLTIP_CHARS:
        text = text[:TOOLTIP_CHARS] + ELLIPSIS
    return GuiQt.convertFromPlainText(text) if text else ""
