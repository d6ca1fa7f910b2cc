"""Case and accents: ignored when matching, tie-breakers when sorting.

``folded`` takes shortcuts for speed (it runs for every ticket of a
snapshot); these tests hold it to the rule written out plainly here.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from console.viewstate.folding import folded, sort_text

LATIN = [chr(code) for code in range(0x00C0, 0x0180)]
"""Latin-1's letters and Latin Extended-A: every accented letter a name in Lima may carry."""
SPANISH_WORDS = ["Sofía", "Peña", "Núñez", "Ángel", "PEÑA", "ñandú", "Güe", "¿Dónde?", "¡Anulé!"]


def rule(text: str) -> str:
    """The folding rule, slowly: decompose, case-fold, decompose again, drop combining marks."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def test_folded_drops_case_and_accents() -> None:
    assert folded("Devolución ÁNGEL Ñandú") == "devolucion angel nandu"


def test_the_tilde_of_n_goes_too_so_pena_finds_pena() -> None:
    assert folded("Peña") == folded("pena") == folded("PENA") == "pena"


def test_folded_is_the_rule_for_every_character_below_u2000() -> None:
    for code in range(0x2000):
        char = chr(code)
        assert folded(char) == rule(char), repr(char)


def test_folded_is_the_rule_for_latin_letters_in_words_of_both_cases() -> None:
    for letter in LATIN:
        for word in (f"x{letter}y", f"{letter.upper()}ña", f"Ana {letter}{letter.upper()}"):
            assert folded(word) == rule(word), repr(word)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(LATIN + SPANISH_WORDS + [" ", "\n", "A", "z", "¼", "ß", "µ"]),
            st.characters(),
        ),
        max_size=12,
    )
)
def test_folded_is_the_rule_for_mixed_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert folded(text) == rule(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_twice_changes_nothing(text: str) -> None:
    # the queue folds the search once in the proxy, the no-match hint folds it again
    assert folded(folded(text)) == folded(text)


def test_folding_twice_changes_nothing_for_letters_that_decompose_to_capitals() -> None:
    assert folded(folded("ᴬna")) == folded("ᴬna") == "ana"


def test_sort_text_puts_accented_capitals_among_their_letters() -> None:
    names = ["Zoila", "Ángel", "angel", "Bruno", "Óscar", "Ana"]
    assert sorted(names, key=sort_text) == ["Ana", "angel", "Ángel", "Bruno", "Óscar", "Zoila"]
