"""The Spanish catalog is complete and current, and the real UI switches language live."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from bridge.wire.protocol import AgentIdentity, Command, CommandOutcome
from console.dashboard import SupervisorDashboard
from console.i18n import Translations
from console.main_window import DASHBOARD_TAB, WORKSPACE_TAB, MainWindow
from console.models.ticket_queue_model import Column
from console.viewstate.macros import MacroLibrary, parse_macros
from console.viewstate.order_feed import OrderFeed
from console.viewstate.seen import SeenTracker
from console.viewstate.store import ViewStore
from console.workspace import CannedLibrary, DraftStore, TicketWorkspace
from console.workspace.conversation import MessageKind
from tests.helpers.clock import T0, Clock, at
from tests.helpers.entities import (
    AGENT_NAME,
    customer_message,
    many_tickets,
    order,
    presence,
    ticket,
    ticket_action,
)
from tests.helpers.protocol import ME, snapshot
from tests.helpers.translations import i18n_pipeline

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from bridge.wire.protocol import CommandState

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PLACEHOLDER = re.compile(r"%[1-9]")
MNEMONIC = re.compile(r"&([^&])")


I18N = i18n_pipeline()


@dataclass(frozen=True)
class Entry:
    """One message of a .ts catalog."""

    context: str
    source: str
    comment: str
    forms: tuple[str, ...]  # the translation, or each plural form
    unfinished: bool
    numerus: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.comment)

    def __str__(self) -> str:
        return f"[{self.context}] {self.source!r}"


def read_catalog(path: Path) -> list[Entry]:
    """Every message of a .ts file, obsolete ones excluded."""
    entries = []
    # our own catalog or lupdate's output, not untrusted input
    for context in ET.parse(path).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, f"[{name}] {message.findtext('source')!r}"
            kind = translation.get("type")
            if kind in ("obsolete", "vanished"):
                continue
            numerus = message.get("numerus") == "yes"
            forms = (
                tuple(form.text or "" for form in translation.iter("numerusform"))
                if numerus
                else (translation.text or "",)
            )
            entries.append(
                Entry(
                    context=name,
                    source=message.findtext("source") or "",
                    comment=message.findtext("comment") or "",
                    forms=forms,
                    unfinished=kind == "unfinished",
                    numerus=numerus,
                )
            )
    return entries


def problems_of(entry: Entry) -> list[str]:
    """What is wrong with one translated entry (empty list: nothing)."""
    found = []
    if not entry.context:
        found.append("no context: lupdate could not see the class or translate() context")
    if entry.unfinished:
        found.append("unfinished")
    if not entry.forms or any(not form.strip() for form in entry.forms):
        found.append("empty translation")
    if entry.numerus and len(entry.forms) != 2:  # Spanish has a singular and a plural
        found.append(f"{len(entry.forms)} plural forms instead of 2")
    wanted = sorted(PLACEHOLDER.findall(entry.source))
    for form in entry.forms:
        if form and sorted(PLACEHOLDER.findall(form)) != wanted:
            found.append(f"placeholders differ: {form!r}")
        if entry.numerus and form and "%n" not in form:
            found.append(f"%n missing: {form!r}")
        if form and len(MNEMONIC.findall(entry.source)) != len(MNEMONIC.findall(form)):
            found.append(f"accelerator (&) lost or added: {form!r}")
    return found


def test_every_spanish_entry_is_translated_with_its_placeholders() -> None:
    entries = read_catalog(I18N.ts_file("es"))
    assert len(entries) > 250  # the catalog is the real one, not an empty file
    report = [f"{entry}: {problem}" for entry in entries for problem in problems_of(entry)]
    assert not report, "atp_console_es.ts needs work:\n" + "\n".join(report)


def test_the_spanish_catalog_calls_the_bridge_by_one_name() -> None:
    """ "el puente" in every sentence; "bridge" only in a command's name (``atp-bridge``)."""
    said = [
        form
        for entry in read_catalog(I18N.ts_file("es"))
        for form in entry.forms
        if re.search(r"(?<!atp-)\bbridge\b", form, re.IGNORECASE)
    ]
    assert not said, "say «puente» in Spanish:\n" + "\n".join(said)


def test_the_catalog_has_every_string_of_the_sources(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [
            I18N._tool("pyside6-lupdate"),
            "-no-obsolete",
            "-locations",
            "none",
            *map(str, I18N.sources()),
            "-ts",
            str(fresh),
        ],
        check=True,
        capture_output=True,
    )
    committed = {entry.key for entry in read_catalog(I18N.ts_file("es"))}
    extracted = read_catalog(fresh)
    assert len(extracted) > 250
    missing = [str(entry) for entry in extracted if entry.key not in committed]
    assert not missing, (
        "strings missing from atp_console_es.ts: run `python packaging/i18n.py update` "
        "and translate them:\n" + "\n".join(missing)
    )


# ---------------------------------------------------------------- compiling under a console
# A running console maps its .qm files (QTranslator): one rewritten in place under it
# ends that console with SIGBUS (``make test`` or ``make translations`` beside ``make demo``).
def test_compiling_unchanged_catalogs_again_leaves_their_files_untouched(tmp_path: Path) -> None:
    compiled = I18N.release(tmp_path)
    before = {qm: (qm.stat().st_ino, qm.stat().st_mtime_ns) for qm in compiled}
    assert I18N.release(tmp_path) == compiled
    assert {qm: (qm.stat().st_ino, qm.stat().st_mtime_ns) for qm in compiled} == before
    assert sorted(tmp_path.iterdir()) == sorted(compiled)  # no scratch file left behind


def test_a_changed_catalog_replaces_its_file_and_leaves_the_mapped_one_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "ts"
    sources.mkdir()
    for language in I18N.LANGUAGES:
        (sources / I18N.ts_file(language).name).write_bytes(I18N.ts_file(language).read_bytes())
    monkeypatch.setattr(I18N, "ts_file", lambda language: sources / f"atp_console_{language}.ts")
    out = tmp_path / "qm"
    spanish = next(qm for qm in I18N.release(out) if qm.name.endswith("_es.qm"))
    with spanish.open("rb") as mapped:  # what a running console holds
        old = spanish.read_bytes()
        catalog = sources / "atp_console_es.ts"
        text = catalog.read_text(encoding="utf-8")
        viewing = "<translation>%1 está viendo este ticket</translation>"
        assert viewing in text
        changed = text.replace(viewing, "<translation>%1 mira este ticket</translation>")
        catalog.write_text(changed, encoding="utf-8")
        I18N.release(out)
        assert spanish.read_bytes() != old  # the new catalog is in place
        assert os.fstat(mapped.fileno()).st_ino != spanish.stat().st_ino
        assert mapped.read() == old  # the file the console maps was not rewritten
    assert oct(spanish.stat().st_mode & 0o777) == oct(0o644)  # installed with the package


# ---------------------------------------------------------------- the UI switches live
# ``translations`` (tests/ui/conftest.py): the catalogs compiled now, removed after the test.


@dataclass
class Console:
    """The main window with the real workspace and dashboard in its work area."""

    window: MainWindow
    workspace: TicketWorkspace
    dashboard: SupervisorDashboard
    store: ViewStore


@pytest.fixture
def console_ui(qtbot: QtBot, tmp_path: Path) -> Console:
    store = ViewStore()
    window = MainWindow(store, OrderFeed(), SeenTracker(), Clock(), tick_ms=50)
    qtbot.addWidget(window)
    linked = order("O-1", ("placed", "paid", "dispatched", "delayed"))
    opened = ticket(
        "T-1", order_id="O-1", customer_name="María Rojas", messages=[customer_message("¿Y?")]
    )
    store.apply_snapshot(snapshot([opened, *many_tickets(3)], [linked]))
    workspace = TicketWorkspace(DraftStore(tmp_path / "drafts"), CannedLibrary.load("en"))
    workspace.show_ticket(opened, linked, [opened], [linked], ME)
    dashboard = SupervisorDashboard(tz=dt.UTC, coalesce_ms=0)
    dashboard.update_data([opened, *many_tickets(3)], [presence()], T0, at(0))
    qtbot.waitUntil(lambda: dashboard.figures is not None)
    window.set_workspace_widget(workspace)
    window.set_dashboard_widget(dashboard)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return Console(window, workspace, dashboard, store)


def texts(ui: Console) -> dict[str, str]:
    """The visible texts the test follows across language switches."""
    window, workspace, dashboard = ui.window, ui.workspace, ui.dashboard
    horizontal = Qt.Orientation.Horizontal
    bubbles = workspace.conversation.bubbles()
    customer = next(b for b in bubbles if b.kind is MessageKind.CUSTOMER)
    return {
        "title": window.windowTitle(),
        "dashboard tab": window.work_area.tabText(DASHBOARD_TAB),
        "queue column": str(window.queue_model.headerData(Column.SUBJECT, horizontal)),
        "queue status": str(window.queue_model.index(0, Column.STATUS).data()),
        "status bar": window.status_bar.data_label.text().split(" ", 2)[0],
        "claim": workspace.action_bar.claim_button.text(),
        "status menu": workspace.action_bar.status_actions["open"].text(),
        "send": workspace.composer.send_button.text(),
        "meta": f"{workspace.identity_label.full_text()} · {workspace.meta_label.full_text()}",
        "bubble": customer.heading_label.text(),
        "timeline column": str(workspace.order_panel.timeline_model.headerData(0, horizontal)),
        "timeline event": workspace.order_panel.timeline_model.rows()[-1].event,
        "dashboard column": str(dashboard.queue_model.headerData(0, horizontal)),
        "presence": str(dashboard.agent_model.index(0, 2).data()),
        "totals": dashboard.totals_label.text(),
        "chart": dashboard.chart.created_set.label(),
    }


SPANISH = {
    "title": "A tu Puerta — consola de soporte",
    "dashboard tab": "Panel",
    "queue column": "Asunto",
    "queue status": "Abierto",
    "status bar": "Datos",
    "claim": "&Tomar",
    "status menu": "&Abierto",
    "send": "En&viar",
    "bubble": "Customer (cliente)",  # the author is "Customer"
    "meta": "Cliente: María Rojas",  # part of it
    "timeline column": "Hora",
    "timeline event": "Retrasado",
    "dashboard column": "Cola",
    "presence": "En línea",
    "totals": "Última hora: 4 creados, 0 resueltos",
    "chart": "Creados",
}
ENGLISH = {
    "title": "A tu Puerta — support console",
    "dashboard tab": "Dashboard",
    "queue column": "Subject",
    "queue status": "Open",
    "status bar": "Data",
    "claim": "&Claim",
    "status menu": "&Open",
    "send": "Sen&d",
    "bubble": "Customer (customer)",
    "meta": "Customer: María Rojas",
    "timeline column": "Time",
    "timeline event": "Delayed",
    "dashboard column": "Queue",
    "presence": "Online",
    "totals": "Last hour: 4 created, 0 resolved",
    "chart": "Created",
}


def differences(shown: dict[str, str], expected: dict[str, str]) -> dict[str, str]:
    """The texts that are not the expected ones (``meta`` and ``bubble``: contain them)."""
    return {
        key: shown[key]
        for key, want in expected.items()
        if not (want in shown[key] if key in ("meta", "bubble") else shown[key] == want)
    }


def switch(qtbot: QtBot, ui: Console, translations: Translations, language: str) -> None:
    """Install ``language``; the posted LanguageChange events reach every widget."""
    expected = SPANISH if language == "es" else ENGLISH
    assert translations.install("es" if language == "es" else "en")

    def switched() -> None:  # waitUntil retries an AssertionError, and shows the last one
        assert differences(texts(ui), expected) == {}

    qtbot.waitUntil(switched, timeout=5000)


def mnemonics(widget: QWidget) -> list[str]:
    """The Alt+letter keys of the visible buttons and buddy labels under ``widget``."""
    keys = []
    buttons: list[QAbstractButton] = widget.findChildren(QAbstractButton)
    labels: list[QLabel] = [label for label in widget.findChildren(QLabel) if label.buddy()]
    shown: list[QAbstractButton | QLabel] = [*buttons, *labels]
    for child in shown:
        if child.isVisibleTo(widget):
            keys += [letter.casefold() for letter in MNEMONIC.findall(child.text())]
    return keys


def test_the_console_switches_between_spanish_and_english_live(
    qtbot: QtBot, console_ui: Console, translations: Translations
) -> None:
    # source strings until a catalog is installed
    assert differences(texts(console_ui), ENGLISH) == {}

    switch(qtbot, console_ui, translations, "es")
    shown = texts(console_ui)
    assert shown["meta"].startswith("T-1 · WhatsApp · Cliente: María Rojas · Cola: Entregas")
    assert "Estado: Abierto" in shown["meta"]
    assert console_ui.window.work_area.tabText(WORKSPACE_TAB) == "Ticket"
    workspace_keys = mnemonics(console_ui.workspace)
    assert len(workspace_keys) >= 10  # claim ... order timeline: the buttons were found
    assert len(workspace_keys) == len(set(workspace_keys)), workspace_keys  # Alt+key unique

    switch(qtbot, console_ui, translations, "en")
    assert "Status: Open" in texts(console_ui)["meta"]

    switch(qtbot, console_ui, translations, "es")
    assert translations.language == "es"


def test_a_locked_reply_and_the_sent_actions_follow_a_language_switch(
    qtbot: QtBot, console_ui: Console, translations: Translations
) -> None:
    composer, model = console_ui.workspace.composer, console_ui.workspace.pending_model
    composer.editor.setPlainText("Ya sale")
    with qtbot.waitSignal(console_ui.workspace.command_requested):
        composer.request_send()
    assert composer.lock_label.text() == "Sending…"
    assert model.data(model.index(0, 0)) == "Reply: sending…"
    switch(qtbot, console_ui, translations, "es")
    qtbot.waitUntil(lambda: composer.lock_label.text() == "Enviando…")
    assert model.data(model.index(0, 0)) == "Respuesta: enviando…"


def test_known_data_values_are_translated_and_unknown_ones_shown_as_they_are(
    qtbot: QtBot, console_ui: Console, translations: Translations
) -> None:
    window, workspace, dashboard = console_ui.window, console_ui.workspace, console_ui.dashboard
    switch(qtbot, console_ui, translations, "es")
    paid = order("O-2", ("placed", "paid"))
    paid.timeline[1].summary.update({"method": "yape", "amount_cents": 4590})
    unknown = order("O-3", ("placed", "paid"))
    unknown.timeline[1].summary.update({"method": "crypto", "amount_cents": 100})
    vip = ticket("T-9", queue="vip", sla_due_at=at(500))
    moves = [  # the ticket's history names the queues, status and priority as the UI does
        ticket_action("q1", "atp.ticket.queue_changed", value="payments"),
        ticket_action("q2", "atp.ticket.queue_changed", value="vip"),
        ticket_action("s1", "atp.ticket.status_changed", value="pending"),
        ticket_action("p1", "atp.ticket.priority_changed", value="urgent"),
    ]
    pay = ticket("T-8", queue="payments", order_id="O-2", sla_due_at=at(400), actions=moves)
    console_ui.store.apply_snapshot(snapshot([pay, vip, *many_tickets(2)], [paid, unknown], seq=2))
    workspace.show_ticket(pay, paid, [pay], [paid], ME)
    dashboard.update_data([pay, vip], [presence()], T0, at(0))

    def queue_cell(ticket_id: str) -> str:
        row = window.queue_model.row_of(ticket_id)
        assert row is not None
        return str(window.queue_model.index(row, Column.QUEUE).data())

    assert queue_cell("T-8") == "Pagos"
    assert queue_cell("t00000") == "Entregas"
    assert queue_cell("T-9") == "vip"  # unknown: as it is
    selector = window.queue_view.selector
    views = [selector.itemText(i) for i in range(selector.count())]
    assert {"Cola: Pagos", "Cola: Entregas", "Cola: vip"} <= set(views)
    assert "Cola: Pagos" in workspace.meta_label.text()
    history = [line.text().split(" · ")[0] for line in workspace.conversation.history_lines()]
    assert history == [
        f"{AGENT_NAME} movió el ticket a la cola Pagos",
        f"{AGENT_NAME} movió el ticket a la cola vip",  # unknown: as it is
        f"{AGENT_NAME} cambió el estado a Pendiente",
        f"{AGENT_NAME} cambió la prioridad a Urgente",
    ]
    menu = [action.text() for action in workspace.action_bar.queue_actions.values()]
    assert "Pagos" in menu
    assert "Entregas" in menu
    assert "General" in menu
    timeline = workspace.order_panel.timeline_model.rows()
    assert timeline[1].details.startswith("Yape, S/ 45.90")
    workspace.order_panel.show_order(unknown, None, [], [])
    assert workspace.order_panel.timeline_model.rows()[1].details.startswith("crypto, ")
    qtbot.waitUntil(lambda: "vip" in {row.queue for row in dashboard.queue_model.rows()})
    dashboard_queues = {
        str(dashboard.queue_model.index(r, 0).data())
        for r in range(dashboard.queue_model.rowCount())
    }
    assert {"Pagos", "vip", "Entregas"} <= dashboard_queues
    assert str(dashboard.agent_model.index(0, 4).data()) == "Entregas"


def test_the_english_catalog_holds_every_plural_and_only_plurals() -> None:
    entries = read_catalog(I18N.ts_file("en"))
    spanish_plurals = {e.key for e in read_catalog(I18N.ts_file("es")) if e.numerus}
    assert {entry.key for entry in entries} == spanish_plurals
    assert len(entries) >= 2
    report = [f"{entry}: {problem}" for entry in entries for problem in problems_of(entry)]
    assert not report, "atp_console_en.ts needs work:\n" + "\n".join(report)


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("en", "1 ticket", "2 tickets"), ("es", "1 ticket", "2 tickets")],
)
def test_counts_use_the_plural_forms_of_the_language(  # noqa: PLR0917 - fixtures, parameters
    qtbot: QtBot,
    console_ui: Console,
    translations: Translations,
    language: str,
    one: str,
    many: str,
) -> None:
    assert translations.install("es" if language == "es" else "en")
    queue = console_ui.window.queue_view
    queue.search.setText("T-1")
    qtbot.waitUntil(lambda: queue.count_label.text() == one)
    queue.search.setText("t0000")
    qtbot.waitUntil(lambda: queue.count_label.text() == f"3 {many.split()[1]}")
    banner = console_ui.workspace.collision_banner
    banner.warn([customer_message("a")])
    expected = "Llegó 1 mensaje nuevo" if language == "es" else "1 new message arrived"
    assert banner.title_text().startswith(expected)


@pytest.mark.parametrize(
    ("language", "one_queued", "two_queued", "one_done"),
    [
        (
            "es",
            "Macro «Esperar»: 1 paso quedó en cola.",
            "Macro «Cerrar»: los 2 pasos quedaron en cola.",
            "Macro «Esperar» lista: 1 paso aplicado.",
        ),
        (
            "en",
            "Macro “Wait”: 1 step queued.",
            "Macro “Close”: all 2 steps queued.",
            "Macro “Wait” done: 1 step applied.",
        ),
    ],
)
def test_the_macro_line_counts_steps_with_the_plural_forms_of_the_language(  # noqa: PLR0917
    qtbot: QtBot,
    tmp_path: Path,
    translations: Translations,
    language: str,
    one_queued: str,
    two_queued: str,
    one_done: str,
) -> None:
    assert translations.install("es" if language == "es" else "en")
    library = MacroLibrary(
        parse_macros(
            {
                "version": 1,
                "macro": [
                    {
                        "id": "wait",
                        "name": {"es": "Esperar", "en": "Wait"},
                        "actions": [{"status": "pending"}],
                    },
                    {
                        "id": "close",
                        "name": {"es": "Cerrar", "en": "Close"},
                        "actions": [{"add_tag": "cierre"}, {"status": "resolved"}],
                    },
                ],
            },
            "test",
        )
    )
    workspace = TicketWorkspace(
        DraftStore(tmp_path), CannedLibrary.load("en"), tz=dt.UTC, macros=library
    )
    qtbot.addWidget(workspace)
    commands: list[Command] = []
    workspace.command_requested.connect(commands.append)
    workspace.show_ticket(ticket("T-1", tags=[]), None, [], [], ME)
    line = workspace.macro_status

    def answer(command: Command, state: CommandState) -> None:
        workspace.apply_outcome(
            CommandOutcome(
                command_id=command.command_id, state=state, ticket_id=command.action.ticket_id
            )
        )

    assert workspace.run_macro("wait")
    answer(commands[0], "queued")
    assert line.text() == one_queued
    answer(commands[0], "confirmed")
    assert line.text() == one_done
    assert workspace.run_macro("close")
    answer(commands[1], "queued")
    answer(commands[2], "queued")
    assert line.text() == two_queued


@pytest.mark.parametrize(
    ("language", "online", "away"),
    [("es", "Ana Quispe (En línea)", "Beto Huamán (Ausente)"),
     ("en", "Ana Quispe (Online)", "Beto Huamán (Away)")],
)  # fmt: skip
def test_the_assign_menu_words_each_colleagues_presence_as_the_dashboard_does(  # noqa: PLR0917
    qtbot: QtBot,
    tmp_path: Path,
    translations: Translations,
    language: str,
    online: str,
    away: str,
) -> None:
    assert translations.install("es" if language == "es" else "en")
    workspace = TicketWorkspace(
        DraftStore(tmp_path),
        CannedLibrary.load("en"),
        tz=dt.UTC,
        wall_clock=T0.timestamp,  # before their presences expire (T0 + 5 min)
    )
    qtbot.addWidget(workspace)
    workspace.set_agents(
        [
            presence("ag-ana", name="Ana Quispe"),
            presence("ag-beto", name="Beto Huamán", status="away"),
        ]
    )
    boss = AgentIdentity(agent_id="ag-boss", name="Rosa", role="supervisor", queues=[])
    workspace.show_ticket(ticket("T-1"), None, [], [], boss)
    menu = workspace.action_bar.assign_button.menu()
    assert menu is not None
    assert [action.text() for action in menu.actions()] == [online, away]


def test_the_assign_menu_says_offline_for_a_presence_past_its_expiry(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """As the dashboard: an "online" that was not renewed is offline after ``expires_at``."""
    workspace = TicketWorkspace(
        DraftStore(tmp_path),
        CannedLibrary.load("en"),
        tz=dt.UTC,
        wall_clock=(T0 + dt.timedelta(minutes=6)).timestamp,
    )
    qtbot.addWidget(workspace)
    workspace.set_agents(
        [
            presence("ag-ana", name="Ana Quispe"),  # expires at T0 + 5 min
            presence("ag-beto", name="Beto Huamán", expires_at=at(10)),
        ]
    )
    boss = AgentIdentity(agent_id="ag-boss", name="Rosa", role="supervisor", queues=[])
    workspace.show_ticket(ticket("T-1"), None, [], [], boss)
    menu = workspace.action_bar.assign_button.menu()
    assert menu is not None
    assert [action.text() for action in menu.actions()] == [
        "Ana Quispe (Offline)",
        "Beto Huamán (Online)",
    ]


def test_the_tag_field_shows_its_whole_placeholder_and_key_in_spanish(
    qtbot: QtBot, console_ui: Console, translations: Translations
) -> None:
    """The walk's Spanish screen cut "Añadir una etiqu…", so the "(T)" of the key was lost."""
    field = console_ui.workspace.tag_editor.field
    switch(qtbot, console_ui, translations, "es")
    qtbot.waitUntil(lambda: field.placeholderText() == "Añadir una etiqueta… (T)")
    qtbot.waitUntil(
        lambda: field.width() > field.fontMetrics().horizontalAdvance(field.placeholderText()) + 16
    )
