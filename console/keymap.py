"""The console's keyboard model: every shortcut in one table (no Qt here).

One binding per action: its id, its keys (portable ``QKeySequence`` text), when
it applies and what it does (an English source text that the Qt layer
translates in the ``Keymap`` context). ``console.keyboard`` installs the table
as QActions on the main window, the F1 help is generated from it and
docs/CONSOLE.md copies it, so the three cannot disagree.

When a binding applies:

- ``Scope.NOT_TYPING``: a single key (C, R, J, ...) that works wherever the
  focus is, except while the focus is in a text field (there the key types).
  The reply editor counts as a text field even while it is locked (a sent
  text waits for its outcome): letters typed there are swallowed, not run.
- ``Scope.ALWAYS``: a key with a modifier or a function key (Ctrl+1, F1, Esc):
  it works everywhere in the window, text fields included.
- ``Scope.COMPOSER``: only while the focus is in the reply editor.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CONTEXT = "Keymap"
"""The translation context of the descriptions."""


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate reads
    """Mark ``text`` for translation in ``context`` (lupdate extracts it); return it unchanged."""
    del context
    return text


class Scope(enum.Enum):
    """Where a binding is active (see the module docstring)."""

    NOT_TYPING = "not-typing"
    ALWAYS = "always"
    COMPOSER = "composer"


class ActionId(enum.StrEnum):
    """Every keyboard action of the console."""

    NEXT_TICKET = "next-ticket"
    PREVIOUS_TICKET = "previous-ticket"
    OPEN_TICKET = "open-ticket"
    SEARCH = "search"
    BACK_TO_QUEUE = "back-to-queue"
    CLAIM = "claim"
    RELEASE = "release"
    REPLY = "reply"
    NOTE = "note"
    STATUS = "status"
    PRIORITY = "priority"
    QUEUE = "queue"
    ASSIGN = "assign"
    SEND = "send"
    TEMPLATES = "templates"
    MACROS = "macros"
    TAG = "tag"
    PRESENCE = "presence"
    VIEW_MINE = "view-mine"
    VIEW_UNASSIGNED = "view-unassigned"
    VIEW_ALL_OPEN = "view-all-open"
    VIEW_BREACHED = "view-breached"
    SHOW_TICKET = "show-ticket"
    SHOW_DASHBOARD = "show-dashboard"
    HELP = "help"


@dataclass(frozen=True)
class Binding:
    """One action: its keys (the first is the primary one), scope and description."""

    action: ActionId
    keys: tuple[str, ...]
    scope: Scope
    description: str
    """English source text; translate it with ``QCoreApplication.translate(CONTEXT, ...)``."""


KEYMAP: tuple[Binding, ...] = (
    Binding(
        ActionId.NEXT_TICKET,
        ("J",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Select the next ticket in the queue"),
    ),
    Binding(
        ActionId.PREVIOUS_TICKET,
        ("K",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Select the previous ticket in the queue"),
    ),
    Binding(
        ActionId.OPEN_TICKET,
        ("Return", "Enter"),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Open the selected ticket"),
    ),
    Binding(
        ActionId.SEARCH,
        ("/",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Search the tickets of the current view"),
    ),
    Binding(
        ActionId.BACK_TO_QUEUE,
        ("Esc",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Back to the queue (leaves the text field; drafts are kept)"),
    ),
    Binding(
        ActionId.CLAIM,
        ("C",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Claim the open ticket"),
    ),
    Binding(
        ActionId.RELEASE,
        ("L",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Release the open ticket"),
    ),
    Binding(
        ActionId.REPLY,
        ("R",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Write a reply to the customer"),
    ),
    Binding(
        ActionId.NOTE,
        ("N",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Write an internal note"),
    ),
    Binding(
        ActionId.STATUS,
        ("S",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Change the status (opens the menu)"),
    ),
    Binding(
        ActionId.PRIORITY,
        ("P",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Change the priority (opens the menu)"),
    ),
    Binding(
        ActionId.QUEUE,
        ("Q",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Move to another queue (opens the menu)"),
    ),
    Binding(
        ActionId.ASSIGN,
        ("A",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Assign to an agent (supervisors; opens the menu)"),
    ),
    Binding(
        ActionId.SEND,
        ("Ctrl+Return", "Ctrl+Enter"),
        Scope.COMPOSER,
        QT_TRANSLATE_NOOP("Keymap", "Send the reply or add the note (in the reply text)"),
    ),
    Binding(
        ActionId.TEMPLATES,
        ("Ctrl+Space",),
        Scope.COMPOSER,
        QT_TRANSLATE_NOOP("Keymap", "Insert a canned reply, filtered by name (or type ::)"),
    ),
    Binding(
        ActionId.MACROS,
        ("M",),
        Scope.NOT_TYPING,
        QT_TRANSLATE_NOOP("Keymap", "Apply a macro to the open ticket (opens the menu)"),
    ),
    Binding(
        ActionId.TAG,
        ("T", "Ctrl+T"),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Add a tag to the open ticket (T; Ctrl+T while typing)"),
    ),
    Binding(
        ActionId.PRESENCE,
        ("Ctrl+Shift+A",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Switch your presence between online and away"),
    ),
    Binding(
        ActionId.VIEW_MINE,
        ("Ctrl+1",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show the view “My tickets”"),
    ),
    Binding(
        ActionId.VIEW_UNASSIGNED,
        ("Ctrl+2",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show the view “Unassigned”"),
    ),
    Binding(
        ActionId.VIEW_ALL_OPEN,
        ("Ctrl+3",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show the view “All open”"),
    ),
    Binding(
        ActionId.VIEW_BREACHED,
        ("Ctrl+4",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show the view “Breached”"),
    ),
    Binding(
        ActionId.SHOW_TICKET,
        ("Alt+1",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show the ticket tab"),
    ),
    Binding(
        ActionId.SHOW_DASHBOARD,
        ("Alt+2",),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show the dashboard tab (supervisors)"),
    ),
    Binding(
        ActionId.HELP,
        ("F1", "?"),
        Scope.ALWAYS,
        QT_TRANSLATE_NOOP("Keymap", "Show this list of keyboard shortcuts"),
    ),
)
"""The whole keyboard model, in the order the help lists it."""


def binding(action: ActionId) -> Binding:
    """Return the binding of ``action``."""
    return next(item for item in KEYMAP if item.action is action)


def markdown_table() -> str:
    """Return the keymap as the Markdown table docs/CONSOLE.md shows (English)."""
    scopes = {
        Scope.NOT_TYPING: "anywhere except while typing in a text field",
        Scope.ALWAYS: "anywhere in the window",
        Scope.COMPOSER: "in the reply text",
    }
    lines = ["| Keys | Action | Works |", "|---|---|---|"]
    for item in KEYMAP:
        keys = " / ".join(item.keys)
        lines.append(f"| {keys} | {item.description} | {scopes[item.scope]} |")
    return "\n".join(lines)
