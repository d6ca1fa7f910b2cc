"""Height that banners and prompts take from a pane that scrolls, not from the window.

Qt grows a window whose layout's minimum exceeds its size, and never shrinks
it back. A banner or prompt shown inside the layout adds its height to that
minimum unless a pane gives the same height up: the conversation does
(``console.workspace.conversation.conversation_floor``). These helpers say how
tall a widget will be once shown, and make the layouts above a widget whose
minimum changed see the change at once.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def asked_height(widget: QWidget, width: int) -> int:
    """The height ``widget`` asks for at ``width`` (its wrapped lines counted), 0 when hidden."""
    if widget.isHidden():
        return 0
    height = widget.minimumSizeHint().height()
    if widget.hasHeightForWidth() and width > 0:
        height = max(height, widget.heightForWidth(width))
    return height


def relayout_up(widget: QWidget) -> None:
    """Drop the cached sizes of ``widget``'s layouts up to its window.

    A changed minimum otherwise reaches the window one event-loop turn per
    layout, and a banner shown meanwhile, a few layouts from the window, would
    be laid out against the old minimum: the window would grow and stay grown.
    """
    current: QWidget | None = widget
    while current is not None and not current.isWindow():
        current.updateGeometry()
        current = current.parentWidget()
