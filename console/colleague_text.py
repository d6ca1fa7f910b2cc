"""How the console words "who else is on this ticket" (translated; names stay plain text)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from console.viewstate.bounded import TOOLTIP_CHARS

if TYPE_CHECKING:
    from console.viewstate.colleagues import Colleague

TOOLTIP_LINES = 20


def sentence(colleague: Colleague) -> str:
    """``Ana Quispe is writing a reply`` or ``Ana Quispe is viewing``."""
    if colleague.composing:
        text = QCoreApplication.translate("Colleagues", "%1 is writing a reply")
    else:
        text = QCoreApplication.translate("Colleagues", "%1 is viewing")
    return text.replace("%1", colleague.name)


def sentences(colleagues: Sequence[Colleague]) -> str:
    """One sentence per colleague, joined with `` · `` (empty when nobody)."""
    return " · ".join(sentence(colleague) for colleague in colleagues)


def short(colleagues: Sequence[Colleague]) -> str:
    """The queue cell: ``Ana Quispe (writing), Beto Huamán``."""
    parts = []
    for colleague in colleagues:
        if colleague.composing:
            parts.append(
                QCoreApplication.translate("Colleagues", "%1 (writing)").replace(
                    "%1", colleague.name
                )
            )
        else:
            parts.append(colleague.name)
    return ", ".join(parts)


def plain_tooltip(lines: Sequence[str]) -> str:
    """A tooltip showing ``lines`` literally: escaped, as rich text, one per line.

    At most ``TOOLTIP_LINES`` lines of at most ``TOOLTIP_CHARS`` characters each.
    """
    shown = [line[:TOOLTIP_CHARS] for line in lines[:TOOLTIP_LINES]]
    if len(lines) > TOOLTIP_LINES:
        shown.append("…")
    return "<qt>" + "<br>".join(html.escape(line) for line in shown) + "</qt>"
