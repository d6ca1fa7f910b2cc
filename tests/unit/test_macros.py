"""Macros without Qt: the file format and its errors, planning, and running in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.resources import resource_path
from bridge.wire.protocol import (
    Action,
    AddTag,
    AgentIdentity,
    Claim,
    CommandOutcome,
    Note,
    Reply,
    SetPriority,
    SetQueue,
    SetStatus,
)
from console.viewstate.macros import (
    MacroLibrary,
    MacroPlan,
    MacroRun,
    MacrosError,
    load_macro_file,
    parse_macros,
    plan,
)
from console.viewstate.placeholders import fill
from console.workspace.canned import CannedLibrary
from tests.helpers import entities

ME = AgentIdentity(agent_id="a-lucia", name="Lucía", role="agent", queues=[])
SHIPPED = resource_path("macros", "macros.toml")


def _doc(*actions: object, **macro: object) -> dict[str, object]:
    table = {"id": "m", "name": {"es": "Uno", "en": "One"}, "actions": list(actions), **macro}
    return {"version": 1, "macro": [table]}


# ------------------------------------------------------------------ the file format
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_shipped_macros_load_and_use_only_shipped_canned_replies(language: str) -> None:
    macros = load_macro_file(SHIPPED)
    assert len(macros) >= 4
    known = {reply.reply_id for reply in CannedLibrary.load(language).replies}
    for macro in macros:
        assert macro.name(language)
        used = {step.value for step in macro.steps if step.kind == "reply" and not step.texts}
        assert used <= known, (macro.macro_id, used - known)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"macro": []}, r"F: version: expected 1, got None"),
        ({"version": 1, "macros": []}, r"F: macros: unknown key"),
        (_doc({"stauts": "pending"}), r"macro\[0\] \(m\): actions\[0\]: stauts: unknown action"),
        (_doc({"status": "waiting"}), r"actions\[0\]\.status: expected one of open, pending"),
        (_doc({"priority": "high", "status": "open"}), r"actions\[0\]: expected a table with one"),
        (_doc({"claim": "yes"}), r"actions\[0\]\.claim: expected true"),
        (_doc({"add_tag": "x" * 41}), r"actions\[0\]\.add_tag: a tag has at most 40 characters"),
        (_doc({"note": {"es": "Hola"}}), r"actions\[0\]\.note\.en: expected a non-empty string"),
        (_doc({"reply": {"es": "a", "en": "b", "pt": "c"}}), r"reply\.pt: unknown language"),
        (_doc(), r"macro\[0\] \(m\): actions: expected a non-empty list"),
        (_doc({"status": "open"}, acciones=[]), r"macro\[0\]: acciones: unknown key"),
        (_doc({"status": "open"}, id=""), r"macro\[0\]: id: expected a non-empty string"),
    ],
)
def test_a_mistake_names_the_file_the_macro_and_the_key(
    document: dict[str, object], message: str
) -> None:
    with pytest.raises(MacrosError, match=message):
        parse_macros(document, "F")


def test_a_file_with_bad_toml_or_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("version = 1\n[[macro]\n", encoding="utf-8")
    with pytest.raises(MacrosError, match=r"broken\.toml: invalid TOML"):
        load_macro_file(broken)
    twice = tmp_path / "twice.toml"
    table = '[[macro]]\nid = "a"\nname = "A"\nactions = [{ status = "open" }]\n'
    twice.write_text("version = 1\n" + table * 2, encoding="utf-8")
    with pytest.raises(MacrosError, match=r"twice\.toml: macro\[1\]: id: 'a' is used twice"):
        load_macro_file(twice)


def test_it_macros_add_to_the_shipped_ones_and_replace_one_with_the_same_id(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "it.toml"
    extra.write_text(
        "version = 1\n"
        '[[macro]]\nid = "resolve-with-thanks"\nname = "Cerrar"\n'
        'actions = [{ status = "closed" }]\n'
        '[[macro]]\nid = "it-only"\nname = { es = "De TI", en = "From IT" }\n'
        'actions = [{ queue = "general" }]\n',
        encoding="utf-8",
    )
    library = MacroLibrary.load(SHIPPED, extra)
    ids = [macro.macro_id for macro in library.macros]
    assert ids[-1] == "it-only"
    assert ids.count("resolve-with-thanks") == 1
    replaced = library.get("resolve-with-thanks")
    assert replaced is not None
    assert [step.value for step in replaced.steps] == ["closed"]
    assert replaced.name("en") == "Cerrar"


# ------------------------------------------------------------------ planning
def _plan(macro_actions: list[object], **ticket: object) -> MacroPlan:
    (macro,) = parse_macros(_doc(*macro_actions), "F")
    replies = {"closing": "Gracias, {customer_name|cliente}.", "eta": "Llega a las {eta}."}
    values: dict[str, str | None] = {"customer_name": "Rosa", "eta": None, "order_id": None}
    return plan(
        macro,
        entities.ticket("t-1", **ticket),
        ME,
        language="es",
        replies=replies,
        fill=lambda text: fill(text, values),
    )


def test_a_plan_fills_the_reply_and_drops_steps_that_change_nothing() -> None:
    result = _plan(
        [
            {"claim": True},
            {"reply": "closing"},
            {"note": {"es": "Nota", "en": "Note"}},
            {"priority": "normal"},
            {"priority": "high"},
            {"add_tag": "vip"},
            {"add_tag": "vip"},
            {"queue": "deliveries"},
            {"queue": "payments"},
            {"status": "resolved"},
        ],
        tags=[],
        priority="normal",
    )
    assert result.runnable
    assert list(result.actions) == [
        Claim(ticket_id="t-1"),
        Reply(ticket_id="t-1", body="Gracias, Rosa."),
        Note(ticket_id="t-1", body="Nota"),
        SetPriority(ticket_id="t-1", priority="high"),
        AddTag(ticket_id="t-1", tag="vip"),
        SetQueue(ticket_id="t-1", queue="payments"),
        SetStatus(ticket_id="t-1", status="resolved"),
    ]


def test_a_plan_with_an_unknown_reply_or_an_unfilled_placeholder_does_not_run() -> None:
    unknown = _plan([{"reply": "nope"}, {"status": "pending"}])
    assert unknown.unknown_replies == ("nope",)
    assert not unknown.runnable
    unfilled = _plan([{"reply": "eta"}])
    assert unfilled.unfilled == ("eta",)
    assert not unfilled.runnable


def test_claim_is_dropped_when_the_ticket_has_an_assignee() -> None:
    result = _plan([{"claim": True}, {"status": "pending"}], assignee="a-ana")
    assert list(result.actions) == [SetStatus(ticket_id="t-1", status="pending")]


# ------------------------------------------------------------------ running
class Sender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []

    def __call__(self, action: object) -> str:
        command_id = f"c{len(self.sent)}"
        self.sent.append((command_id, action))
        return command_id


def _run(count: int = 3) -> tuple[MacroRun, Sender]:
    (macro,) = parse_macros(_doc({"status": "pending"}), "F")
    actions: list[Action] = [
        SetPriority(ticket_id="t-1", priority="high"),
        AddTag(ticket_id="t-1", tag="x"),
        SetStatus(ticket_id="t-1", status="pending"),
    ]
    run = MacroRun(macro, "t-1", actions[:count])
    sender = Sender()
    run.start(sender)
    return run, sender


def state_of(run: MacroRun) -> str:
    return run.state


def confirmed(run: MacroRun) -> bool:
    return run.confirmed


def outcome(command_id: str, state: str, reason: str | None = None) -> CommandOutcome:
    return CommandOutcome(command_id=command_id, state=state, reason=reason)  # type: ignore[arg-type]


def test_each_step_leaves_only_once_the_previous_one_is_queued() -> None:
    run, sender = _run()
    assert [command_id for command_id, _ in sender.sent] == ["c0"]
    assert run.steps[0].state == "sending"
    assert [step.state for step in run.steps[1:]] == ["waiting", "waiting"]
    assert run.apply(outcome("c0", "queued"), sender)
    assert [command_id for command_id, _ in sender.sent] == ["c0", "c1"]
    run.apply(outcome("c0", "confirmed"), sender)  # a later outcome of a step already stored
    assert len(sender.sent) == 2
    run.apply(outcome("c1", "confirmed"), sender)  # confirmed without queued (online): stored
    assert len(sender.sent) == 3
    assert state_of(run) == "running"
    run.apply(outcome("c2", "sent"), sender)
    assert state_of(run) == "done"
    assert [step.state for step in run.steps] == ["confirmed", "confirmed", "sent"]


def test_a_refused_step_stops_the_run_and_the_rest_is_never_sent() -> None:
    run, sender = _run()
    run.apply(outcome("c0", "queued"), sender)
    run.apply(outcome("c1", "invalid", "disk full"), sender)
    assert state_of(run) == "stopped"
    assert run.not_sent == 1
    assert len(sender.sent) == 2
    assert run.refused[0].reason == "disk full"
    assert not run.apply(outcome("other", "queued"), sender)


def test_a_final_state_is_never_left_and_a_late_rejection_is_reported() -> None:
    run, sender = _run(2)
    run.apply(outcome("c0", "queued"), sender)
    run.apply(outcome("c1", "queued"), sender)
    assert state_of(run) == "done"
    run.apply(outcome("c0", "rejected", "claimed by Ana"), sender)
    run.apply(outcome("c0", "confirmed"), sender)
    assert run.steps[0].state == "rejected"
    assert state_of(run) == "done"
    assert [step.reason for step in run.refused] == ["claimed by Ana"]


def test_a_run_is_confirmed_once_the_log_has_every_step() -> None:
    run, sender = _run(2)
    run.apply(outcome("c0", "queued"), sender)
    run.apply(outcome("c1", "sent"), sender)
    assert state_of(run) == "done"
    assert not confirmed(run)  # stored, not applied yet
    run.apply(outcome("c1", "confirmed"), sender)
    assert not confirmed(run)
    run.apply(outcome("c0", "confirmed"), sender)
    assert confirmed(run)
    refused, refused_sender = _run(1)
    refused.apply(outcome("c0", "rejected", "already resolved"), refused_sender)
    assert not confirmed(refused)
