"""The quick template picker's filter: which canned replies match what the agent typed (no Qt).

A reply matches when every word typed appears in its title or id, ignoring
case and accents ("demor" finds "Pedido demorado", "devolucion" finds
"Devolución iniciada"); titles that start with the text come first, then the
file's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from console.viewstate.folding import folded

if TYPE_CHECKING:
    from collections.abc import Iterable


class Named(Protocol):
    """What the filter reads of a reply."""

    @property
    def reply_id(self) -> str:
        """The stable id."""

    @property
    def title(self) -> str:
        """The name shown."""


NamedT = TypeVar("NamedT", bound=Named)


def matching(replies: Iterable[NamedT], needle: str) -> list[NamedT]:
    """The replies whose title or id hold every word of ``needle``; prefixes of the title first."""
    words = folded(needle).split()
    found: list[tuple[int, int, NamedT]] = []
    for position, reply in enumerate(replies):
        title = folded(reply.title)
        haystack = f"{title} {folded(reply.reply_id)}"
        if all(word in haystack for word in words):
            prefix = 0 if words and title.startswith(words[0]) else 1
            found.append((prefix, position, reply))
    found.sort(key=lambda item: item[:2])
    return [reply for *_, reply in found]
