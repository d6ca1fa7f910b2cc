"""Which language to answer a customer in (pure, no Qt).

The contract carries no language for a customer or a ticket, and the channel
says nothing about it either, so the console reads what the customer wrote:
the ticket's subject and body and the customer's own messages (at most
``SAMPLE_CHARS`` characters of them). Each word found in a short list of
common Spanish or English words counts for its language, and each word with
an accent, ``ñ``, ``¿`` or ``¡`` counts for Spanish. English wins only with
more points than Spanish: a tie, or nothing to go on, is Spanish, the
language of the platform's customers in Lima.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bridge.wire.entities import Ticket

Language = Literal["es", "en"]
DEFAULT_LANGUAGE: Language = "es"
SAMPLE_CHARS = 4_000
"""How much of the customer's writing is read (the start of it)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SPANISH = _words(
    """
    de la que el en y los se del las un por con una su para es al lo como más pero sus le ya
    este sí porque esta entre cuando muy sin sobre también hasta hay donde dónde quien desde
    todo nos todos les ni otros ese eso esto antes unos yo otro otra él esa estos mucho nada
    algo mi mis tú te tu tus hola gracias pedido pedí llega llegó llegado está estoy favor
    buenas buenos días tardes noches quiero necesito ayuda cobro cobraron pago reembolso
    todavía aún cuándo qué cómo hace hora horas repartidor dirección tarjeta compra
    """
)
_ENGLISH = _words(
    """
    the and to of in is it you that was for on are with as they be at have this from or had by
    but what we can out were all there when your how an which do their if will about would like
    so been now any where after only just very through much hi hello thanks thank please order
    my hasn't didn't wasn't isn't arrived delivery refund still yet waiting hour hours ago paid
    charged card courier address help why has
    """
)
_WORD = re.compile(r"[a-záéíóúüñ']+")
_SPANISH_MARKS = re.compile(r"[áéíóúñ¿¡]")


def customer_language(ticket: Ticket) -> Language:
    """The language the customer wrote the ticket in: ``"en"`` or (by default) ``"es"``."""
    parts = [ticket.subject, ticket.body]
    parts += [m.body for m in ticket.messages if m.author_kind == "customer" and not m.internal]
    sample = "\n".join(part[:SAMPLE_CHARS] for part in parts)[:SAMPLE_CHARS].casefold()
    return language_of(sample)


def language_of(text: str) -> Language:
    """The language of ``text`` by the word rule above (lower-cased text expected)."""
    spanish = english = 0
    for word in _WORD.findall(text.casefold()):
        if word in _SPANISH or _SPANISH_MARKS.search(word):
            spanish += 1
        elif word in _ENGLISH:
            english += 1
    return "en" if english > spanish else DEFAULT_LANGUAGE
