"""Ids derived from a seeded random generator: the same seed gives the same ids, never uuid4."""

from __future__ import annotations

import itertools
import random
import uuid

# Crockford's base32 alphabet: no I, L, O, U, so ids read well aloud.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_CHARS = 5
_SEQUENCE_CHARS = 3


def _base32(number: int, width: int) -> str:
    digits = ""
    while number or len(digits) < width:
        number, digit = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[digit] + digits
    return digits


class IdSource:
    """Makes event ids (UUID-shaped) and unique short entity ids from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._sequence = itertools.count()

    def event_id(self) -> str:
        """Return a new event id: a version-4-shaped UUID built from the generator's bits."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def entity_id(self, prefix: str) -> str:
        """Return a new id such as ``o-7K3F9002``: random letters, then a sequence (unique)."""
        random_part = "".join(self._rng.choice(_ALPHABET) for _ in range(_RANDOM_CHARS))
        return f"{prefix}-{random_part}{_base32(next(self._sequence), _SEQUENCE_CHARS)}"
