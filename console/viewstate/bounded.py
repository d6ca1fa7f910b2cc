"""Bounds on how much of a text from the log the console lays out (pure, no Qt).

Any field of an event can be huge (a 1 MB subject is a valid record): laying
it out in a label or a table cell freezes the window for seconds. Lists and
headers show at most ``LINE_CHARS`` characters on one line, tooltips at most
``TOOLTIP_CHARS``, a conversation bubble at most ``MESSAGE_CHARS``; the whole
text stays in the state and is shown on demand in a viewer that lays out
lazily (``console.workspace.text_viewer``).
"""

from __future__ import annotations

from dataclasses import dataclass

LINE_CHARS = 300
"""A list cell or header line shows at most this many characters."""
TOOLTIP_CHARS = 1_000
"""A tooltip shows at most this many characters."""
MESSAGE_CHARS = 8_000
"""A conversation bubble lays out at most this many characters (about 8 KB)."""
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The start of a text, and whether anything was left out."""

    text: str
    truncated: bool


def one_line(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` on one line (whitespace runs become one space), at most ``limit`` characters.

    A cut text ends with "…". Only the first ``2 * limit`` characters are
    looked at, so the cost does not grow with the text.
    """
    head = text[: limit * 2]
    flat = " ".join(head.split())
    if len(flat) > limit:
        return flat[: limit - 1] + ELLIPSIS
    if len(head) < len(text) and not text[len(head) :].isspace():
        return flat + ELLIPSIS
    return flat


def excerpt(text: str, limit: int = MESSAGE_CHARS) -> Excerpt:
    """The first ``limit`` characters of ``text`` (line breaks kept)."""
    if len(text) <= limit:
        return Excerpt(text, truncated=False)
    return Excerpt(text[:limit] + ELLIPSIS, truncated=True)
