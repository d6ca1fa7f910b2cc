"""Per-ticket drafts: a small JSON file store written atomically.

The store is one file, ``drafts.json``, in a folder the caller chooses (the
user's data dir in the app, a temporary folder in tests). Every write goes to a
temporary file in the same folder, is flushed to disk and renamed over the old
file, so a crash leaves either the old or the new file, never half of one.

A draft that was sent keeps the command id until its outcome: ``confirmed``
deletes it; ``rejected`` unlocks it for editing. After a restart, a draft with a
command id is shown read-only until the reply shows up in the ticket (its
event id is the command id) or the agent chooses to edit it again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

_log = logging.getLogger(__name__)
FILE_NAME = "drafts.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Draft:
    """What the agent had written for one ticket."""

    body: str
    internal: bool = False
    command_id: str | None = None
    """Set while the draft is being sent: the command that carries it."""


class DraftStore:
    """Drafts by ticket id, kept in ``<folder>/drafts.json``."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._path = folder / FILE_NAME
        self._drafts: dict[str, Draft] = self._read()

    @property
    def path(self) -> Path:
        """The file that holds the drafts."""
        return self._path

    def get(self, ticket_id: str) -> Draft | None:
        """Return the draft of a ticket, if any."""
        return self._drafts.get(ticket_id)

    def put(self, ticket_id: str, draft: Draft) -> None:
        """Store a draft (an empty, unsent one is removed) and write the file now."""
        if not draft.body.strip() and draft.command_id is None:
            self.clear(ticket_id)
            return
        if self._drafts.get(ticket_id) == draft:
            return
        self._drafts[ticket_id] = draft
        self._write()

    def put_many(self, drafts: dict[str, Draft]) -> None:
        """Store several drafts with a single write."""
        changed = False
        for ticket_id, draft in drafts.items():
            if not draft.body.strip() and draft.command_id is None:
                changed |= self._drafts.pop(ticket_id, None) is not None
            elif self._drafts.get(ticket_id) != draft:
                self._drafts[ticket_id] = draft
                changed = True
        if changed:
            self._write()

    def clear(self, ticket_id: str) -> None:
        """Delete a ticket's draft."""
        if self._drafts.pop(ticket_id, None) is not None:
            self._write()

    def ticket_ids(self) -> list[str]:
        """Return the tickets that have a draft."""
        return sorted(self._drafts)

    def _read(self) -> dict[str, Draft]:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            _log.exception(
                "drafts file unreadable; starting empty", extra={"path": str(self._path)}
            )
            self._set_aside()
            return {}
        drafts: dict[str, Draft] = {}
        entries = raw.get("drafts") if isinstance(raw, dict) else None
        for ticket_id, entry in (entries or {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("body"), str):
                command_id = entry.get("command_id")
                drafts[str(ticket_id)] = Draft(
                    body=entry["body"],
                    internal=bool(entry.get("internal", False)),
                    command_id=command_id if isinstance(command_id, str) else None,
                )
        return drafts

    def _set_aside(self) -> None:
        """Keep an unreadable file beside the new one for inspection."""
        with contextlib.suppress(OSError):
            self._path.replace(self._path.with_suffix(".unreadable.json"))

    def _write(self) -> None:
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        payload = {
            "version": FORMAT_VERSION,
            "drafts": {ticket_id: asdict(draft) for ticket_id, draft in self._drafts.items()},
        }
        handle, name = tempfile.mkstemp(prefix=".drafts-", suffix=".tmp", dir=self._folder)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(payload, stream, ensure_ascii=False, indent=1)
                stream.flush()
                os.fsync(stream.fileno())
            temporary.replace(self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
