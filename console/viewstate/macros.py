"""Macros: one step that does several actions on the open ticket, without Qt.

A macro file is TOML (``resources/macros/macros.toml`` ships; IT adds one with
the ``console.macros_file`` key, see docs/OPERATIONS.md)::

    version = 1

    [[macro]]
    id = "waiting-for-customer"
    name = { es = "Esperar al cliente", en = "Wait for the customer" }
    actions = [
      { reply = "address-check" },           # a canned reply, by id
      { status = "pending" },
    ]

Each action is a table with one key: ``reply`` (a canned reply id, or inline
text ``{ es = "...", en = "..." }``), ``note`` (inline text), ``status``,
``priority``, ``queue``, ``add_tag``, ``remove_tag`` or ``claim = true``. A
mistake raises ``MacrosError`` naming the file, the macro and the key.

``plan`` turns a macro into the protocol actions for one ticket (canned
replies looked up, placeholders filled, steps that would change nothing
dropped) and says what stops it from running. ``MacroRun`` sends them in
order: each step leaves only once the bridge said the previous one is stored
in its outbox (``queued``, or already ``sent``/``confirmed``), so the outbox,
and the log after it, hold them in the macro's order even across a reconnect;
a step the bridge refuses stops the run and the rest is not sent.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, get_args

from bridge.wire.protocol import (
    FINAL_COMMAND_STATES,
    AddTag,
    Claim,
    Note,
    RemoveTag,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from bridge.wire.rules import MAX_TAG_CHARS
from bridge.wire.vocabulary import Priority, TicketStatus
from console.viewstate.placeholders import unfilled

if TYPE_CHECKING:
    from pathlib import Path

    from bridge.wire.entities import Ticket
    from bridge.wire.protocol import Action, AgentIdentity, CommandOutcome, CommandState

FORMAT_VERSION = 1
LANGUAGES = ("es", "en")
StepKind = Literal["reply", "note", "status", "priority", "queue", "add_tag", "remove_tag", "claim"]
STEP_KINDS: tuple[StepKind, ...] = get_args(StepKind)
_MACRO_KEYS = ("id", "name", "actions")


class MacrosError(ValueError):
    """A macro file that cannot be used: the message names the file, macro and key."""


@dataclass(frozen=True)
class MacroStep:
    """One action of a macro, as the file says it."""

    kind: StepKind
    value: str = ""
    """The status, priority, queue, tag, or canned reply id (``reply`` without ``texts``)."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """Inline text of a ``reply`` or ``note``, by language."""


@dataclass(frozen=True)
class Macro:
    """A named list of steps."""

    macro_id: str
    names: Mapping[str, str]
    steps: tuple[MacroStep, ...]
    source: str
    """The file it came from (for messages)."""

    def name(self, language: str) -> str:
        """The name in ``language`` (Spanish, then the id, when it has none)."""
        return self.names.get(language) or self.names.get("es") or self.macro_id


# ------------------------------------------------------------------ reading files
def load_macro_file(path: Path) -> tuple[Macro, ...]:
    """Read and check one macro file; raise ``MacrosError`` naming what is wrong."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MacrosError(f"{path}: cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise MacrosError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise MacrosError(f"{path}: invalid TOML: {error}") from None
    return parse_macros(document, str(path))


def parse_macros(document: Mapping[str, object], source: str) -> tuple[Macro, ...]:
    """Check a parsed macro file (``source`` names it in errors)."""
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise MacrosError(f"{source}: version: expected {FORMAT_VERSION}, got {version!r}")
    unknown = sorted(set(document) - {"version", "macro"})
    if unknown:
        raise MacrosError(f"{source}: {unknown[0]}: unknown key: expected version or [[macro]]")
    tables = document.get("macro", [])
    if not isinstance(tables, list):
        raise MacrosError(f"{source}: macro: expected [[macro]] tables")
    macros: list[Macro] = []
    seen: set[str] = set()
    for position, table in enumerate(tables):
        macro = _macro(table, f"{source}: macro[{position}]", source)
        if macro.macro_id in seen:
            raise MacrosError(
                f"{source}: macro[{position}]: id: {macro.macro_id!r} is used twice in this file"
            )
        seen.add(macro.macro_id)
        macros.append(macro)
    return tuple(macros)


def _macro(table: object, where: str, source: str) -> Macro:
    if not isinstance(table, dict):
        raise MacrosError(f"{where}: expected a table with id, name and actions")
    unknown = sorted(set(table) - set(_MACRO_KEYS))
    if unknown:
        raise MacrosError(f"{where}: {unknown[0]}: unknown key: expected id, name or actions")
    macro_id = table.get("id")
    if not isinstance(macro_id, str) or not macro_id.strip():
        raise MacrosError(f"{where}: id: expected a non-empty string")
    where = f"{where} ({macro_id})"
    names = _texts(table.get("name"), f"{where}: name")
    actions = table.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MacrosError(f"{where}: actions: expected a non-empty list of actions")
    steps = tuple(_step(item, f"{where}: actions[{n}]") for n, item in enumerate(actions))
    return Macro(macro_id=macro_id.strip(), names=names, steps=steps, source=source)


def _texts(raw: object, where: str) -> dict[str, str]:
    """A text for both languages: one string, or a table with ``es`` and ``en``."""
    if isinstance(raw, str) and raw.strip():
        return dict.fromkeys(LANGUAGES, raw)
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - set(LANGUAGES))
        if unknown:
            raise MacrosError(f"{where}.{unknown[0]}: unknown language: expected es and en")
        texts: dict[str, str] = {}
        for language in LANGUAGES:
            text = raw.get(language)
            if not isinstance(text, str) or not text.strip():
                raise MacrosError(f"{where}.{language}: expected a non-empty string")
            texts[language] = text
        return texts
    raise MacrosError(f"{where}: expected a string or a table {{ es = ..., en = ... }}")


def _step(raw: object, where: str) -> MacroStep:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise MacrosError(f"{where}: expected a table with one key, one of {', '.join(STEP_KINDS)}")
    ((key, value),) = raw.items()
    kinds: dict[str, StepKind] = {kind: kind for kind in STEP_KINDS}
    kind = kinds.get(key)
    if kind is None:
        expected = ", ".join(STEP_KINDS)
        raise MacrosError(f"{where}: {key}: unknown action: expected one of {expected}")
    where = f"{where}.{key}"
    if kind == "reply" and isinstance(value, str):
        return MacroStep(kind, value=_word(value, where, "a canned reply id"))
    if kind in ("reply", "note"):
        return MacroStep(kind, texts=_texts(value, where))
    if kind == "claim":
        if value is not True:
            raise MacrosError(f"{where}: expected true")
        return MacroStep(kind)
    choices: dict[str, tuple[str, ...]] = {
        "status": get_args(TicketStatus),
        "priority": get_args(Priority),
    }
    if kind in choices:
        if value not in choices[kind]:
            raise MacrosError(f"{where}: expected one of {', '.join(choices[kind])}, got {value!r}")
        return MacroStep(kind, value=str(value))
    text = _word(value, where, "a non-empty string")
    if kind in ("add_tag", "remove_tag") and len(text) > MAX_TAG_CHARS:
        raise MacrosError(f"{where}: a tag has at most {MAX_TAG_CHARS} characters")
    return MacroStep(kind, value=text)


def _word(value: object, where: str, expected: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MacrosError(f"{where}: expected {expected}, got {value!r}")
    return value.strip()


class MacroLibrary:
    """The macros offered: the shipped file's, then IT's (same id: IT's replaces it)."""

    def __init__(self, macros: Sequence[Macro] = ()) -> None:
        by_id: dict[str, Macro] = {}
        for macro in macros:
            by_id[macro.macro_id] = macro
        self.macros: tuple[Macro, ...] = tuple(by_id.values())

    @classmethod
    def load(cls, shipped: Path, extra: Path | None = None) -> MacroLibrary:
        """Read the shipped file and IT's file, if any (``MacrosError`` on a mistake)."""
        macros = list(load_macro_file(shipped))
        if extra is not None:
            macros += load_macro_file(extra)
        return cls(macros)

    def get(self, macro_id: str) -> Macro | None:
        """The macro with this id, if any."""
        return next((macro for macro in self.macros if macro.macro_id == macro_id), None)


# ------------------------------------------------------------------ planning
@dataclass(frozen=True)
class MacroPlan:
    """The actions a macro sends on one ticket, or why it cannot run."""

    actions: tuple[Action, ...]
    unknown_replies: tuple[str, ...] = ()
    """Canned reply ids the library does not have."""
    unfilled: tuple[str, ...] = ()
    """Placeholders a reply would leave unfilled (no value and no fallback)."""

    @property
    def runnable(self) -> bool:
        """Whether it may run: nothing unknown or unfilled, and something to do."""
        return not self.unknown_replies and not self.unfilled and bool(self.actions)


def plan(
    macro: Macro,
    ticket: Ticket,
    me: AgentIdentity,
    *,
    language: str,
    replies: Mapping[str, str],
    fill: Callable[[str], str],
) -> MacroPlan:
    """The actions of ``macro`` for ``ticket``; steps that would change nothing are dropped.

    ``replies`` maps canned reply ids to their bodies; ``fill`` fills placeholders;
    inline texts are taken in ``language`` (Spanish when it has none).
    """
    actions: list[Action] = []
    unknown: list[str] = []
    missing: list[str] = []
    state = {"status": ticket.status, "priority": ticket.priority, "queue": ticket.queue}
    tags = set(ticket.tags)
    assignee = ticket.assignee
    ticket_id = ticket.ticket_id
    for step in macro.steps:
        if step.kind in ("reply", "note"):
            body = step.texts.get(language) or step.texts.get("es")
            if body is None:
                body = replies.get(step.value)
                if body is None:
                    unknown.append(step.value)
                    continue
            text = fill(body)
            if step.kind == "reply":
                missing += [name for name in unfilled(text) if name not in missing]
                actions.append(Reply(ticket_id=ticket_id, body=text))
            else:
                actions.append(Note(ticket_id=ticket_id, body=text))
        elif step.kind == "claim":
            if assignee is None:
                actions.append(Claim(ticket_id=ticket_id))
                assignee = me.agent_id
        elif step.kind in ("add_tag", "remove_tag"):
            adding = step.kind == "add_tag"
            if (step.value in tags) != adding:
                actions.append(
                    AddTag(ticket_id=ticket_id, tag=step.value)
                    if adding
                    else RemoveTag(ticket_id=ticket_id, tag=step.value)
                )
                tags = tags | {step.value} if adding else tags - {step.value}
        elif state[step.kind] != step.value:
            state[step.kind] = step.value
            actions.append(_change(step, ticket_id))
    return MacroPlan(tuple(actions), tuple(unknown), tuple(missing))


def _change(step: MacroStep, ticket_id: str) -> Action:
    if step.kind == "status":
        statuses: dict[str, TicketStatus] = {value: value for value in get_args(TicketStatus)}
        return SetStatus(ticket_id=ticket_id, status=statuses[step.value])
    if step.kind == "priority":
        priorities: dict[str, Priority] = {value: value for value in get_args(Priority)}
        return SetPriority(ticket_id=ticket_id, priority=priorities[step.value])
    return SetQueue(ticket_id=ticket_id, queue=step.value)


# ------------------------------------------------------------------ running
StepState = Literal["waiting", "sending", "queued", "sent", "confirmed", "rejected", "invalid"]
RunState = Literal["running", "done", "stopped"]
_STORED: frozenset[str] = frozenset({"queued", "sent", "confirmed"})
"""The bridge holds the step in its outbox (or the log has it): the next may leave."""


@dataclass(frozen=True)
class RunStep:
    """One action of a run and where it is."""

    action: Action
    state: StepState = "waiting"
    command_id: str | None = None
    reason: str | None = None


Send = Callable[["Action"], str]
"""Sends an action as a command and returns its command id."""


class MacroRun:
    """One macro applied to one ticket: its steps sent one after another."""

    def __init__(self, macro: Macro, ticket_id: str, actions: Sequence[Action]) -> None:
        self.macro = macro
        self.ticket_id = ticket_id
        self.steps: list[RunStep] = [RunStep(action) for action in actions]
        self._current = 0
        self._stopped = False

    @property
    def state(self) -> RunState:
        """``running`` until every step is stored (``done``) or one was refused (``stopped``)."""
        if self._stopped:
            return "stopped"
        if self._current >= len(self.steps):
            return "done"
        return "running"

    @property
    def confirmed(self) -> bool:
        """Whether every step is sent and the log has it applied (nothing more to follow)."""
        return self.state == "done" and all(step.state == "confirmed" for step in self.steps)

    @property
    def refused(self) -> list[RunStep]:
        """Steps the bridge or the log refused (a claim someone else won comes late)."""
        return [step for step in self.steps if step.state in ("rejected", "invalid")]

    @property
    def current(self) -> int:
        """The index of the step waiting for its outcome (``len(steps)`` once all left)."""
        return self._current

    @property
    def not_sent(self) -> int:
        """Steps that never left (after a refused one)."""
        return sum(step.command_id is None for step in self.steps)

    def start(self, send: Send) -> None:
        """Send the first step."""
        if self.steps and self._current == 0 and self.steps[0].command_id is None:
            self._send(send)

    def apply(self, outcome: CommandOutcome, send: Send) -> bool:
        """Record an outcome; send the next step once this one is stored. True: it was ours."""
        ids = [step.command_id for step in self.steps]
        if outcome.command_id not in ids:
            return False
        index = ids.index(outcome.command_id)
        step = self.steps[index]
        if step.state in FINAL_COMMAND_STATES:
            return True  # a final state is never left
        self.steps[index] = replace(step, state=_state(outcome.state), reason=outcome.reason)
        if index != self._current or self._stopped:
            return True
        if outcome.state in _STORED:
            self._current += 1
            if self._current < len(self.steps):
                self._send(send)
        elif outcome.state in FINAL_COMMAND_STATES:
            self._stopped = True  # refused before it was stored: the rest is not sent
        return True

    def _send(self, send: Send) -> None:
        step = self.steps[self._current]
        self.steps[self._current] = replace(step, state="sending")
        command_id = send(step.action)
        self.steps[self._current] = replace(self.steps[self._current], command_id=command_id)


def _state(state: CommandState) -> StepState:
    states: dict[str, StepState] = {value: value for value in get_args(StepState)}
    return states[state]


class MacroRuns:
    """The runs of this console, by ticket: at most one running per ticket."""

    def __init__(self) -> None:
        self._runs: dict[str, MacroRun] = {}

    def of_ticket(self, ticket_id: str | None) -> MacroRun | None:
        """The last run on a ticket, if any (running or finished)."""
        return None if ticket_id is None else self._runs.get(ticket_id)

    def busy(self, ticket_id: str) -> bool:
        """Whether a run on this ticket still has steps to send."""
        run = self._runs.get(ticket_id)
        return run is not None and run.state == "running"

    def start(self, run: MacroRun, send: Send) -> None:
        """Start ``run`` (it replaces a finished run of the same ticket)."""
        if self.busy(run.ticket_id):
            raise ValueError(f"a macro is still running on {run.ticket_id}")
        self._runs[run.ticket_id] = run
        run.start(send)

    def apply(self, outcome: CommandOutcome, send: Send) -> MacroRun | None:
        """Give an outcome to the run it belongs to; return that run (``None``: no run's)."""
        for run in self._runs.values():
            if run.apply(outcome, send):
                return run
        return None
