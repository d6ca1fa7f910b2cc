"""Text without case and accents: for matching what an agent types, and for sorting names.

Spanish names and subjects start with accented capitals ("Ángel", "Óscar"):
compared as code points (even case-folded) they sort after "z". ``sort_text``
orders them among their letters, the accents breaking only ties.
"""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """``text`` without case and accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def sort_text(text: str) -> tuple[str, str]:
    """A sort key for ``text`` as a reader expects: "Ángel" after "alberto", before "Bruno"."""
    return folded(text), text.casefold()
