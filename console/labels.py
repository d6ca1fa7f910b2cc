"""Translated labels for the state's enumerations (status, priority, channel, order events)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


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
