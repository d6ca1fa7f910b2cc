"""Where the main window was and how it was split, kept from one run of the console to the next.

An agent arranges the console once (its size and place, the queue's share of
the width) and finds it so the next morning, as in any desktop tool they use
all day. ``WindowStateFile`` keeps Qt's own encodings (``saveGeometry``,
``QSplitter.saveState``) in ``window.json`` in the console's folder of the
data dir, 0600 in a 0700 folder like every file the console writes, replaced
atomically when the window closes. A file that does not read (hand-edited,
torn, of another format) is logged once and left alone: the window opens at
its default size, and the next close writes a good one. Qt's
``restoreGeometry`` moves a window saved on a screen that is gone onto one
that is there. The queue's columns and sort as the agent chose them
(``console.viewstate.queue_layout``) are kept under ``"queue"``: a file
without it (of an older console) reads with the queue's defaults, and so does
one whose ``"queue"`` does not read (logged), keeping the window's place.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import json
import logging
import os
import tempfile
from pathlib import Path

from bridge.paths import DataDirError, make_private_dir
from console.viewstate.queue_layout import QueueLayout, QueueLayoutError

_log = logging.getLogger(__name__)
FILE_NAME = "window.json"
FORMAT_VERSION = 1


@dataclasses.dataclass(frozen=True)
class WindowState:
    """The main window's geometry and its main splitter's state, as Qt encodes them.

    ``queue``: the queue's columns and sort as the agent chose them (``None``: the defaults).
    """

    geometry: bytes
    splitter: bytes
    queue: QueueLayout | None = None


class WindowStateFile:
    """``WindowState`` in ``<folder>/window.json``."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self.path = folder / FILE_NAME

    def load(self) -> WindowState | None:
        """The state saved last, or ``None`` (no file, or one that does not read: logged)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            _log.warning("window state: cannot read %s (%s); opening at the default size",
                         self.path, error)  # fmt: skip
            return None
        try:
            document = json.loads(text)
            state = _decoded(document)
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
            _log.warning("window state: %s does not read (%s); opening at the default size",
                         self.path, error)  # fmt: skip
            return None
        queue = document.get("queue")
        if queue is None:  # a file of an older console
            return state
        try:
            return dataclasses.replace(state, queue=QueueLayout.from_json(queue))
        except QueueLayoutError as error:
            _log.warning("window state: the queue's columns in %s do not read (%s); the queue"
                         " opens with its default columns", self.path, error)  # fmt: skip
            return state

    def save(self, state: WindowState) -> bool:
        """Replace the file with ``state`` (atomically); whether it was written (else logged)."""
        document: dict[str, object] = {
            "version": FORMAT_VERSION,
            "geometry": base64.b64encode(state.geometry).decode("ascii"),
            "splitter": base64.b64encode(state.splitter).decode("ascii"),
        }
        if state.queue is not None:
            document["queue"] = state.queue.to_json()
        temporary: Path | None = None
        try:
            make_private_dir(self._folder)
            handle, name = tempfile.mkstemp(prefix=".window-", suffix=".tmp", dir=self._folder)
            temporary = Path(name)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:  # mkstemp: 0600
                json.dump(document, stream)
                stream.flush()
                os.fsync(stream.fileno())
            temporary.replace(self.path)
            temporary = None
        except (OSError, DataDirError) as error:
            _log.warning("window state: cannot write %s (%s); the window's size and place"
                         " are not kept for the next start", self.path, error)  # fmt: skip
            return False
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        return True


def _decoded(document: dict[str, object]) -> WindowState:
    """The state a parsed ``window.json`` holds; raises ``ValueError`` (or a lookup error)."""
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(f"format {document.get('version')!r}, not {FORMAT_VERSION}")
    geometry, splitter = document["geometry"], document["splitter"]
    if not isinstance(geometry, str) or not isinstance(splitter, str):
        raise TypeError("geometry and splitter are not text")
    return WindowState(
        geometry=base64.b64decode(geometry, validate=True),
        splitter=base64.b64decode(splitter, validate=True),
    )
