"""Canned replies: loaded from ``resources/canned/<language>.json``.

A reply's body may use the placeholders of ``console.viewstate.placeholders``
(``{first_name}``, ``{customer_name}``, ``{order_id}``, ``{eta}``), filled
when it is inserted. A reply may also carry ``by_order_status``: another body
for orders in that status (``"delivered"``, ``"cancelled"``...), so that a
"your order is on the way" reply never goes out for an order already
delivered. ``CannedCatalog`` holds every language; the workspace offers the
replies in the customer's language (``console.viewstate.customer_language``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bridge.resources import resource_path

if TYPE_CHECKING:
    from pathlib import Path


class CannedRepliesError(ValueError):
    """Raised when a canned replies file is missing or malformed (names the file)."""


@dataclass(frozen=True)
class CannedReply:
    """One canned reply: a stable id, a short title for the picker and the body template."""

    reply_id: str
    title: str
    body: str
    by_order_status: tuple[tuple[str, str], ...] = field(default=())
    """Other bodies for orders in these statuses: ``(status, body)`` pairs."""

    def body_for(self, order_status: str | None) -> str:
        """The body to use for a ticket whose order is in ``order_status`` (``None``: no order)."""
        return next(
            (body for status, body in self.by_order_status if status == order_status), self.body
        )

    def for_order_status(self, order_status: str | None) -> CannedReply:
        """This reply with the body for ``order_status`` as its only body."""
        return replace(self, body=self.body_for(order_status), by_order_status=())


@dataclass(frozen=True)
class CannedLibrary:
    """The canned replies of one language, in file order."""

    language: str
    replies: tuple[CannedReply, ...]

    @classmethod
    def load(cls, language: str, folder: Path | None = None) -> CannedLibrary:
        """Read ``<folder>/<language>.json`` (default folder: ``resources/canned``)."""
        path = (folder if folder is not None else resource_path("canned")) / f"{language}.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CannedRepliesError(f"{path}: cannot read canned replies: {error}") from error
        return cls(language=language, replies=_parse(raw, path))

    def get(self, reply_id: str) -> CannedReply | None:
        """Return the reply with this id, if any."""
        return next((reply for reply in self.replies if reply.reply_id == reply_id), None)


@dataclass(frozen=True)
class CannedCatalog:
    """The canned replies of every shipped language."""

    libraries: tuple[CannedLibrary, ...]
    default_language: str = "es"

    @classmethod
    def load(
        cls,
        languages: tuple[str, ...] = ("es", "en"),
        folder: Path | None = None,
        *,
        default_language: str = "es",
    ) -> CannedCatalog:
        """Read ``<folder>/<language>.json`` for each language."""
        libraries = tuple(CannedLibrary.load(language, folder) for language in languages)
        return cls(libraries=libraries, default_language=default_language)

    @classmethod
    def single(cls, library: CannedLibrary) -> CannedCatalog:
        """A catalog of one language: every customer gets these replies."""
        return cls(libraries=(library,), default_language=library.language)

    def for_language(self, language: str) -> CannedLibrary:
        """The replies in ``language``; the default language's when there are none in it."""
        by_language = {library.language: library for library in self.libraries}
        chosen = by_language.get(language) or by_language.get(self.default_language)
        return chosen if chosen is not None else self.libraries[0]


def _parse(raw: object, path: Path) -> tuple[CannedReply, ...]:
    if not isinstance(raw, dict) or not isinstance(raw.get("replies"), list):
        raise CannedRepliesError(f"{path}: expected an object with a 'replies' list")
    replies: list[CannedReply] = []
    for position, item in enumerate(raw["replies"]):
        fields = item if isinstance(item, dict) else {}
        values = [fields.get(key) for key in ("id", "title", "body")]
        if not all(isinstance(value, str) and value for value in values):
            raise CannedRepliesError(
                f"{path}: replies[{position}] needs non-empty strings 'id', 'title' and 'body'"
            )
        reply_id, title, body = (str(value) for value in values)
        variants = fields.get("by_order_status", {})
        if not isinstance(variants, dict) or not all(
            isinstance(text, str) and text for text in variants.values()
        ):
            raise CannedRepliesError(
                f"{path}: replies[{position}].by_order_status must map statuses to bodies"
            )
        replies.append(
            CannedReply(
                reply_id=reply_id,
                title=title,
                body=body,
                by_order_status=tuple((str(k), str(v)) for k, v in variants.items()),
            )
        )
    return tuple(replies)
