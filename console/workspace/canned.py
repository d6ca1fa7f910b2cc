"""Canned replies: loaded from ``resources/canned/<language>.json``.

A reply's body may use the placeholders of ``console.viewstate.placeholders``
(``{customer_name}``, ``{order_id}``, ``{eta}``), filled when it is inserted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
        replies.append(CannedReply(reply_id=reply_id, title=title, body=body))
    return tuple(replies)
