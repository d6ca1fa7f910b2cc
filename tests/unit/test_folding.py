"""Case and accents: ignored when matching, tie-breakers when sorting."""

from __future__ import annotations

from console.viewstate.folding import folded, sort_text


def test_folded_drops_case_and_accents() -> None:
    assert folded("Devolución ÁNGEL Ñandú") == "devolucion angel nandu"


def test_sort_text_puts_accented_capitals_among_their_letters() -> None:
    names = ["Zoila", "Ángel", "angel", "Bruno", "Óscar", "Ana"]
    assert sorted(names, key=sort_text) == ["Ana", "angel", "Ángel", "Bruno", "Óscar", "Zoila"]
