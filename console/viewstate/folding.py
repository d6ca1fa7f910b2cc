"""Text without case and accents: for matching what an agent types, and for sorting names.

Spanish names and subjects start with accented capitals ("Ángel", "Óscar"):
compared as code points (even case-folded) they sort after "z". ``sort_text``
orders them among their letters, the accents breaking only ties.

Every accent goes, the tilde of ñ too: "pena" finds "Peña" (and "peña"
finds "Pena"), as Google's and Zendesk's searches do; an agent typing
fast, or a customer who wrote "Nunez", is not left without a match.

``folded`` runs for every ticket of a snapshot (the queue's search text),
so it takes a fast path: ASCII text is only case-folded; text that is
Latin-1 once case-folded (Spanish is) has each character replaced from a
256-entry table (``bytes.translate``); only other text goes through the
rule character by character (``_decomposed``). The table is built from
the rule, so each path gives what the rule gives.
"""

from __future__ import annotations

import unicodedata

_ODD = 0xBC
"""Marks, in a translated text, a character the table cannot fold (``¼`` folds to three)."""


def _decomposed(text: str) -> str:
    """The rule itself: decomposed, case-folded, decomposed again, combining marks dropped.

    Decomposed before case-folding too, so that folding twice changes nothing
    ("ᴬ" decomposes to "A"): a search folded once more is the same search.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _latin1_table() -> bytes:
    """Each Latin-1 character to its folded form, when that is one Latin-1 character."""
    table = bytearray(range(256))
    for code in range(256):
        plain = _decomposed(chr(code))
        table[code] = ord(plain) if len(plain) == 1 and plain <= "\xff" else _ODD
    return bytes(table)


_LATIN1 = _latin1_table()


def folded(text: str) -> str:
    """``text`` without case and accents, for matching ("Sofía" and "SOFIA" give "sofia")."""
    if text.isascii():
        return text.casefold()
    try:
        latin1 = text.casefold().encode("latin-1")
    except UnicodeEncodeError:
        return _decomposed(text)
    plain = latin1.translate(_LATIN1)
    return _decomposed(text) if _ODD in plain else plain.decode("latin-1")


def sort_text(text: str) -> tuple[str, str]:
    """A sort key for ``text`` as a reader expects: "Ángel" after "alberto", before "Bruno"."""
    return folded(text), text.casefold()
