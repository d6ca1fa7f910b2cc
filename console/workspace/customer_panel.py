"""The customer panel beside the conversation: name, phone, address, district, items, courier.

Fed with a plain ``CustomerContext`` (``console.viewstate.customer_context``);
every value is plain text that can be selected and copied (a phone to call, an
address to read out). The customer's other tickets and orders are the order
panel's links, right below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from console.viewstate.bounded import one_line

if TYPE_CHECKING:
    from console.viewstate.customer_context import CustomerContext

FIELDS = ("name", "phone", "address", "district", "items", "courier")
SHORT_LINE = 120  # a name, a phone: cut with "…" (event text can be any size)
LONG_LINE = 600  # an address, the items


class CustomerPanel(QGroupBox):
    """The shown ticket's customer, and the order the address and items come from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customer-panel")
        self._context: CustomerContext | None = None
        self.values: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in FIELDS:
            value = QLabel(self)
            value.setObjectName(f"customer-{name}")
            value.setTextFormat(Qt.TextFormat.PlainText)  # from events: never markup
            value.setWordWrap(True)
            value.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            caption = QLabel(self)
            caption.setBuddy(value)
            form.addRow(caption, value)
            self.values[name] = value
            self._captions[name] = caption
        self.source_label = QLabel(self)
        self.source_label.setObjectName("customer-source")
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        self.source_label.setWordWrap(True)
        form.addRow(self.source_label)
        self.retranslate()

    def show_context(self, context: CustomerContext | None) -> None:
        """Show a customer (``None``: no ticket open)."""
        self._context = context
        unknown = "—"
        if context is None:
            for value in self.values.values():
                value.setText(unknown)
            self.source_label.setText(self.tr("No ticket open."))
            return
        items = ", ".join(
            f"{line.qty} \N{MULTIPLICATION SIGN} {line.name}" for line in context.items
        )
        texts = {
            "name": context.name,
            "phone": context.phone or unknown,
            "address": context.address or unknown,
            "district": context.district or unknown,
            "items": items or unknown,
            "courier": context.courier
            or (unknown if context.order_finished else self.tr("not dispatched yet")),
        }
        if context.order_id is None:
            texts["courier"] = unknown
        for name, raw in texts.items():
            text = one_line(raw, LONG_LINE if name in ("address", "items") else SHORT_LINE)
            self.values[name].setText(text)
            self.values[name].setAccessibleName(f"{self._captions[name].text()} {text}")
        if context.order_id is None:
            source = self.tr("The customer has no orders yet.")
        elif context.from_linked_order:
            source = self.tr("From the ticket's order %1.").replace("%1", context.order_id)
        else:
            source = self.tr(
                "This ticket has no order: from the customer's latest order %1."
            ).replace("%1", context.order_id)
        self.source_label.setText(source)

    def text_of(self, name: str) -> str:
        """The value shown for one field (``FIELDS``)."""
        return self.values[name].text()

    def retranslate(self) -> None:
        """Re-read the translated captions and render the customer again."""
        self.setTitle(self.tr("Customer"))
        self.setAccessibleName(self.tr("Customer"))
        captions = {
            "name": self.tr("Name:"),
            "phone": self.tr("Phone:"),
            "address": self.tr("Address:"),
            "district": self.tr("District:"),
            "items": self.tr("Items:"),
            "courier": self.tr("Courier:"),
        }
        for name, caption in self._captions.items():
            caption.setText(captions[name])
        self.show_context(self._context)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
