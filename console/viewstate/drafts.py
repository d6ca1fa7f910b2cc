"""Per-ticket drafts: a snapshot file plus an append-only journal of every change.

The store keeps two files in a folder the caller chooses (the user's data dir
in the app, a temporary folder in tests), the folder 0700 and the files 0600:

- ``drafts.journal``: every change is one line appended at once (ticket id,
  body, internal, command id; or the ticket id alone for a deleted draft).
  ``put`` returns once the line is in the kernel, so a killed console (even
  SIGKILL) loses nothing it was told. A thread of the store makes each write
  durable (``fdatasync``) right after it, so a power cut loses only the changes
  of the last moments (whatever the disk took to sync, typically well under
  100 ms); ``sync`` and ``close`` make everything durable before they return.
- ``drafts.json``: the snapshot. When the journal grows past
  ``compact_bytes`` (and at the first change after a start), the whole set is
  written to a temporary file, flushed to disk, renamed over the snapshot, the
  folder is synced, and the journal is emptied. The snapshot carries a
  generation number and each journal line the generation it belongs to, so a
  crash at any point of this leaves either the old or the new set, never a mix.

Opening the store replays the journal lines of the snapshot's generation over
the snapshot. A torn last line (the console died in the middle of a write) or
any other line that does not read is skipped with a warning.

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
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

_log = logging.getLogger(__name__)
FILE_NAME = "drafts.json"
JOURNAL_NAME = "drafts.journal"
FORMAT_VERSION = 1
COMPACT_BYTES = 1 << 20  # the journal is folded into the snapshot past this size
_SYNCER_IDLE_S = 5.0  # the sync thread ends after this long without a write


@dataclass(frozen=True)
class Draft:
    """What the agent had written for one ticket."""

    body: str
    internal: bool = False
    command_id: str | None = None
    """Set while the draft is being sent: the command that carries it."""


class DraftStore:
    """Drafts by ticket id, kept in ``<folder>/drafts.json`` and ``<folder>/drafts.journal``.

    Opening reads both files and writes nothing; the first change writes.
    """

    def __init__(self, folder: Path, *, compact_bytes: int = COMPACT_BYTES) -> None:
        self._folder = folder
        self._path = folder / FILE_NAME
        self._journal_path = folder / JOURNAL_NAME
        self._compact_bytes = compact_bytes
        self._generation, self._drafts = self._read_snapshot()
        self._journal_bytes = self._replay_journal()
        # Lines of an earlier run (maybe a torn one) go into the snapshot before anything
        # is appended after them.
        self._compact_first = self._journal_bytes > 0
        self._fd: int | None = None
        self._failing = False
        self._syncer = _Syncer()

    @property
    def path(self) -> Path:
        """The snapshot file."""
        return self._path

    @property
    def journal_path(self) -> Path:
        """The journal file (every change since the snapshot)."""
        return self._journal_path

    def get(self, ticket_id: str) -> Draft | None:
        """Return the draft of a ticket, if any."""
        return self._drafts.get(ticket_id)

    def put(self, ticket_id: str, draft: Draft) -> None:
        """Store a draft (an empty, unsent one is removed); it is in the journal on return."""
        self.put_many({ticket_id: draft})

    def put_many(self, drafts: dict[str, Draft]) -> None:
        """Store several drafts with a single write."""
        changes: list[tuple[str, Draft | None]] = []
        for ticket_id, draft in drafts.items():
            if not draft.body.strip() and draft.command_id is None:
                if self._drafts.pop(ticket_id, None) is not None:
                    changes.append((ticket_id, None))
            elif self._drafts.get(ticket_id) != draft:
                self._drafts[ticket_id] = draft
                changes.append((ticket_id, draft))
        if changes:
            self._append(changes)

    def clear(self, ticket_id: str) -> None:
        """Delete a ticket's draft."""
        if self._drafts.pop(ticket_id, None) is not None:
            self._append([(ticket_id, None)])

    def ticket_ids(self) -> list[str]:
        """Return the tickets that have a draft."""
        return sorted(self._drafts)

    def sync(self) -> None:
        """Make every change durable now (the sync thread does it soon anyway)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):  # reported by the write that failed
                os.fdatasync(self._fd)

    def close(self) -> None:
        """Make every change durable and release the journal (a later change reopens it)."""
        self._syncer.stop()
        if self._fd is not None:
            self.sync()
            os.close(self._fd)
            self._fd = None

    # ------------------------------------------------------------------ writing
    def _line(self, ticket_id: str, draft: Draft | None) -> str:
        entry: dict[str, object] = {"g": self._generation, "t": ticket_id}
        if draft is not None:
            entry.update(b=draft.body, i=draft.internal, c=draft.command_id)
        # ASCII only: any text (even a lone surrogate) fits one line of bytes.
        return json.dumps(entry, separators=(",", ":")) + "\n"

    def _append(self, changes: list[tuple[str, Draft | None]]) -> None:
        """Journal the changes (compacting before or after, as needed); failures are logged."""
        try:
            if self._compact_first:
                self._compact()  # the snapshot holds these changes too: nothing to append
            else:
                fd = self._open_journal()
                data = "".join(self._line(*change) for change in changes).encode("ascii")
                try:
                    _write_all(fd, data)
                except OSError:
                    self._compact_first = True  # maybe a torn line: compact before appending
                    raise
                self._journal_bytes += len(data)
                self._syncer.request(fd)
                if self._journal_bytes >= self._compact_bytes:
                    self._compact()
        except OSError as error:
            if not self._failing:
                _log.warning(
                    "drafts not saved (kept in memory; retried at the next change): %s",
                    error,
                    extra={"path": str(self._folder)},
                )
            self._failing = True
            return
        if self._failing:
            _log.info("drafts saved again", extra={"path": str(self._folder)})
        self._failing = False

    def _open_journal(self) -> int:
        if self._fd is None:
            _private_folder(self._folder)
            self._fd = os.open(
                self._journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600
            )
            _sync_folder(self._folder)  # the journal's name is durable before its lines
        return self._fd

    def _compact(self) -> None:
        """Write every draft as the next generation's snapshot, then empty the journal."""
        _private_folder(self._folder)
        generation = self._generation + 1
        payload = {
            "version": FORMAT_VERSION,
            "generation": generation,
            "drafts": {ticket_id: asdict(draft) for ticket_id, draft in self._drafts.items()},
        }
        handle, name = tempfile.mkstemp(prefix=".drafts-", suffix=".tmp", dir=self._folder)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                json.dump(payload, stream, indent=1)
                stream.flush()
                os.fsync(stream.fileno())
            temporary.replace(self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        _sync_folder(self._folder)
        self._generation = generation  # journal lines of older generations are now ignored
        os.ftruncate(self._open_journal(), 0)
        self._journal_bytes = 0
        self._compact_first = False

    # ------------------------------------------------------------------ reading
    def _read_snapshot(self) -> tuple[int, dict[str, Draft]]:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 0, {}
        except (OSError, ValueError):
            _log.exception(
                "drafts file unreadable; starting empty", extra={"path": str(self._path)}
            )
            self._set_aside()
            return 0, {}
        drafts: dict[str, Draft] = {}
        entries = raw.get("drafts") if isinstance(raw, dict) else None
        for ticket_id, entry in (entries or {}).items():
            draft = _draft_of(entry)
            if draft is not None:
                drafts[str(ticket_id)] = draft
        generation = raw.get("generation", 0) if isinstance(raw, dict) else 0
        return (generation if isinstance(generation, int) else 0), drafts

    def _replay_journal(self) -> int:
        """Apply the journal's lines of the snapshot's generation; return the journal's size."""
        try:
            data = self._journal_path.read_bytes()
        except FileNotFoundError:
            return 0
        except OSError:
            _log.exception("drafts journal unreadable", extra={"path": str(self._journal_path)})
            return 0
        lines = data.split(b"\n")
        torn = lines.pop()  # what follows the last newline: empty unless a write was cut short
        if torn:
            _log.warning(
                "drafts journal: a torn last line (%d bytes) is ignored",
                len(torn),
                extra={"path": str(self._journal_path)},
            )
        for number, line in enumerate(lines, start=1):
            if not self._replay_line(line):
                _log.warning(
                    "drafts journal: line %d does not read; ignored",
                    number,
                    extra={"path": str(self._journal_path)},
                )
        return len(data)

    def _replay_line(self, line: bytes) -> bool:
        try:
            entry = json.loads(line)
        except ValueError:
            return False
        if not isinstance(entry, dict) or not isinstance(entry.get("t"), str):
            return False
        if entry.get("g") != self._generation:
            return True  # already in the snapshot (a crash between its rename and the truncate)
        if "b" not in entry:
            self._drafts.pop(entry["t"], None)
            return True
        draft = _draft_of(
            {"body": entry["b"], "internal": entry.get("i"), "command_id": entry.get("c")}
        )
        if draft is None:
            return False
        self._drafts[entry["t"]] = draft
        return True

    def _set_aside(self) -> None:
        """Keep an unreadable file beside the new one for inspection."""
        with contextlib.suppress(OSError):
            self._path.replace(self._path.with_suffix(".unreadable.json"))


class _Syncer:
    """Runs ``fdatasync`` on the journal on a thread of its own, right after each write.

    Writes that arrive while a sync runs are covered by the next one. The thread
    ends after ``idle_s`` without a write and starts again at the next.
    """

    def __init__(self, idle_s: float = _SYNCER_IDLE_S) -> None:
        self._idle_s = idle_s
        self._wake = threading.Condition()
        self._fd: int | None = None  # set while a sync is wanted
        self._thread: threading.Thread | None = None
        self._failing = False

    def request(self, fd: int) -> None:
        """Sync ``fd`` soon."""
        with self._wake:
            self._fd = fd
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="drafts-sync", daemon=True)
                self._thread.start()
            else:
                self._wake.notify()

    def stop(self) -> None:
        """Wait for the sync under way (if any) and end the thread."""
        with self._wake:
            thread, self._thread, self._fd = self._thread, None, None
            self._wake.notify()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        me = threading.current_thread()
        while True:
            with self._wake:
                while self._fd is None and self._thread is me:
                    if not self._wake.wait(self._idle_s) and self._fd is None:
                        self._thread = None
                if self._thread is not me:
                    return
                fd, self._fd = self._fd, None
            try:
                os.fdatasync(fd)  # type: ignore[arg-type]  # not None: checked above
            except OSError as error:
                if not self._failing:
                    _log.warning("drafts journal not synced to disk: %s", error)
                self._failing = True
            else:
                self._failing = False


def _draft_of(entry: object) -> Draft | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
        return None
    command_id = entry.get("command_id")
    return Draft(
        body=entry["body"],
        internal=bool(entry.get("internal", False)),
        command_id=command_id if isinstance(command_id, str) else None,
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
