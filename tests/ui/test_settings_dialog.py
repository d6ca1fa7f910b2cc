"""The settings / first-run dialog on real widgets, with a stand-in for the credentials CLI.

The ``bridge_command`` is a tiny Python script written per test: it records its
arguments and standard input, prints one line and exits with a chosen code,
like ``atp-bridge credentials`` at its process boundary.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from bridge.config import LoadedConfig, load_config
from bridge.paths import AppPaths
from console.i18n import Translations
from console.settings import SettingsDialog
from console.settings.connection_test import CheckOutcome, classify
from console.settings.settings_dialog import OUTCOME_PROPERTY
from console.settings.toml_writer import dump_toml

PASSWORD = "s3cr3t-Pa55-word"
SYSTEM_TOML = """\
schema_version = 1
locked = ["kafka.bootstrap_servers", "kafka.security_protocol", "kafka.sasl_mechanism"]

[kafka]
bootstrap_servers = "kafka1.example.com:9093,kafka2.example.com:9093"
security_protocol = "SASL_SSL"
sasl_mechanism = "SCRAM-SHA-512"

[agent]
queues = ["deliveries"]

[ui]
order_feed_limit = 200
"""
USER_TOML = """\
schema_version = 1

[kafka]
username = "lucia"

[agent]
id = "a-lucia"
"""

FAKE_CLI = """\
import json, os, pathlib, sys
results = json.loads({results!r})
config = pathlib.Path(sys.argv[4]) if len(sys.argv) > 4 else None
record = {{
    "argv": sys.argv[1:],
    "stdin": sys.stdin.read(),
    "config": config.read_text(encoding="utf-8") if config and config.exists() else None,
    "environ": {{k: v for k, v in os.environ.items() if k.startswith("ATP_")}},
}}
with pathlib.Path({log!r}).open("a", encoding="utf-8") as stream:
    stream.write(json.dumps(record) + "\\n")
code, out, err = results[sys.argv[2]]
if out:
    print(out)
if err:
    print(err, file=sys.stderr)
sys.exit(code)
"""


def paths_in(tmp_path: Path) -> AppPaths:
    system = tmp_path / "etc" / "config.toml"
    system.parent.mkdir(parents=True)
    system.write_text(SYSTEM_TOML, encoding="utf-8")
    user = tmp_path / "home" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text(USER_TOML, encoding="utf-8")
    return AppPaths(
        system_config_file=system,
        user_config_file=user,
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


class FakeCli:
    """Writes the stand-in CLI; ``calls`` are the recorded invocations."""

    def __init__(self, tmp_path: Path) -> None:
        self.script = tmp_path / "fake_cli.py"
        self.log = tmp_path / "calls.jsonl"
        self.answer(
            check=(0, "OK: logged in to kafka1.example.com:9093 as lucia with SCRAM-SHA-512", ""),
            set=(0, 'Stored the Kafka password of "lucia" in the OS keyring.', ""),
        )

    def answer(self, **results: tuple[int, str, str]) -> None:
        self.script.write_text(
            FAKE_CLI.format(results=json.dumps(results), log=str(self.log)), encoding="utf-8"
        )

    @property
    def command(self) -> list[str]:
        return [sys.executable, str(self.script)]

    def calls(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return paths_in(tmp_path)


@pytest.fixture
def loaded(paths: AppPaths) -> LoadedConfig:
    return load_config(paths, environ={})


@pytest.fixture
def cli(tmp_path: Path) -> FakeCli:
    return FakeCli(tmp_path)


@pytest.fixture
def dialog(qtbot: QtBot, loaded: LoadedConfig, paths: AppPaths, cli: FakeCli) -> SettingsDialog:
    return shown_dialog(qtbot, loaded, paths, cli)


def shown_dialog(
    qtbot: QtBot, loaded: LoadedConfig, paths: AppPaths, cli: FakeCli, *, first_run: bool = False
) -> SettingsDialog:
    """The dialog over ``loaded``, shown, checking with the fake ``atp-bridge``."""
    widget = SettingsDialog(
        loaded,
        bridge_command=cli.command,
        user_config_file=paths.user_config_file,
        first_run=first_run,
    )
    qtbot.addWidget(widget)
    widget.show()
    return widget


def click(qtbot: QtBot, button: QWidget) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_prefilled_from_every_file_layer(dialog: SettingsDialog) -> None:
    assert dialog.servers_edit.text() == "kafka1.example.com:9093,kafka2.example.com:9093"
    assert dialog.protocol_combo.currentData() == "SASL_SSL"
    assert dialog.mechanism_combo.currentData() == "SCRAM-SHA-512"
    assert dialog.username_edit.text() == "lucia"
    assert dialog.agent_id_edit.text() == "a-lucia"
    assert dialog.agent_name_edit.text() == ""
    assert dialog.queues_edit.text() == "Deliveries"  # the label, as elsewhere in the console
    assert dialog.language_combo.currentData() == "es"
    assert dialog.password_edit.text() == ""
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    assert dialog.changes() == {}


def test_queues_show_as_labels_in_the_language_and_save_as_names(
    qtbot: QtBot,
    paths: AppPaths,
    cli: FakeCli,
    translations: Translations,
) -> None:
    assert translations.install("es")
    dialog = shown_dialog(qtbot, load_config(paths, environ={}), paths, cli)
    assert dialog.queues_edit.text() == "Entregas"
    assert dialog.queues_edit.placeholderText() == "Entregas, Pagos"
    assert dialog.changes() == {}  # the label stands for the same name
    dialog.queues_edit.clear()
    QTest.keyClicks(dialog.queues_edit, "Entregas, pagos, reembolsos")
    assert translations.install("en")
    qtbot.waitUntil(lambda: dialog.queues_edit.text() == "Deliveries, Payments, reembolsos")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    document = tomllib.loads(paths.user_config_file.read_text(encoding="utf-8"))
    assert document["agent"]["queues"] == ["deliveries", "payments", "reembolsos"]


def test_locked_keys_are_read_only_and_say_it_managed_by_it(
    dialog: SettingsDialog, paths: AppPaths
) -> None:
    assert dialog.servers_edit.isReadOnly()
    assert not dialog.protocol_combo.isEnabled()
    assert not dialog.mechanism_combo.isEnabled()
    for widget in (dialog.servers_edit, dialog.protocol_combo, dialog.mechanism_combo):
        assert "Managed by IT" in widget.toolTip()
        assert str(paths.system_config_file) in widget.toolTip()
    assert not dialog.username_edit.isReadOnly()
    assert dialog.username_edit.toolTip() == ""
    assert dialog.agent_id_edit.isEnabled()


def test_every_interactive_widget_has_an_accessible_name(dialog: SettingsDialog) -> None:
    widgets: list[QWidget] = [dialog.field_widget(key) for key in dialog._fields]
    widgets += [dialog.password_edit, dialog.test_button, dialog.save_button, dialog.cancel_button]
    assert all(widget.accessibleName() for widget in widgets)


def test_save_writes_only_changes_and_load_config_reads_them_back(
    qtbot: QtBot, dialog: SettingsDialog, paths: AppPaths, cli: FakeCli
) -> None:
    dialog.agent_name_edit.setText("Lucía Torres")
    dialog.queues_edit.setText("deliveries, payments")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    assert saved.args == [paths.user_config_file]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert cli.calls() == []  # no password typed: the keyring is left alone

    document = tomllib.loads(paths.user_config_file.read_text(encoding="utf-8"))
    assert document == {
        "schema_version": 1,
        "kafka": {"username": "lucia"},
        "agent": {"id": "a-lucia", "name": "Lucía Torres", "queues": ["deliveries", "payments"]},
        "ui": {"language": "en"},
    }
    reloaded = load_config(paths, environ={})
    assert reloaded.config.agent.name == "Lucía Torres"
    assert reloaded.config.agent.queues == ("deliveries", "payments")
    assert reloaded.config.ui.language == "en"
    assert reloaded.config.ui.order_feed_limit == 200  # from IT's file, not copied
    assert reloaded.sources["kafka.bootstrap_servers"].kind == "system"
    assert [p.name for p in paths.user_config_file.parent.iterdir()] == ["config.toml"]


def test_save_keeps_a_boolean_the_user_file_has(
    qtbot: QtBot, paths: AppPaths, cli: FakeCli
) -> None:
    paths.user_config_file.write_text(
        USER_TOML.replace("[kafka]", "[kafka]\ncheck_hostname = false"), encoding="utf-8"
    )
    dialog = shown_dialog(qtbot, load_config(paths, environ={}), paths, cli)
    dialog.agent_name_edit.setText("Lucía")
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    document = tomllib.loads(paths.user_config_file.read_text(encoding="utf-8"))
    assert document["kafka"] == {"check_hostname": False, "username": "lucia"}


def test_first_run_creates_the_user_file(
    qtbot: QtBot, tmp_path: Path, paths: AppPaths, cli: FakeCli
) -> None:
    paths.user_config_file.unlink()
    paths.system_config_file.write_text(
        'schema_version = 1\n[kafka]\nbootstrap_servers = "k:9092"\n', encoding="utf-8"
    )
    first = load_config(paths, environ={})
    widget = SettingsDialog(
        first, bridge_command=cli.command, user_config_file=paths.user_config_file
    )
    qtbot.addWidget(widget)
    widget.username_edit.setText("lucia")
    widget.agent_id_edit.setText("a-lucia")
    with qtbot.waitSignal(widget.saved):
        widget.save()
    reloaded = load_config(paths, environ={})
    assert reloaded.config.kafka.username == "lucia"
    assert reloaded.config.agent.id == "a-lucia"


def test_password_goes_to_the_cli_on_stdin_and_never_into_the_file(
    qtbot: QtBot, dialog: SettingsDialog, paths: AppPaths, cli: FakeCli
) -> None:
    dialog.username_edit.setText("lucia.t")
    QTest.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.saved, timeout=15_000):
        click(qtbot, dialog.save_button)
    assert PASSWORD not in paths.user_config_file.read_text(encoding="utf-8")
    assert not any(
        PASSWORD in p.read_text(encoding="utf-8") for p in paths.user_config_file.parent.iterdir()
    )
    (call,) = cli.calls()
    assert call["argv"] == ["credentials", "set", "--config", str(paths.user_config_file)]
    assert call["stdin"] == PASSWORD + "\n"
    assert dialog.password_edit.text() == ""
    assert load_config(paths, environ={}).config.kafka.username == "lucia.t"


def test_invalid_value_shows_the_error_and_keeps_the_dialog_and_the_file(
    qtbot: QtBot, dialog: SettingsDialog, paths: AppPaths
) -> None:
    before = paths.user_config_file.read_text(encoding="utf-8")
    dialog.agent_id_edit.setText("lucia torres")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    # in the dialog's language, naming the field; the validator's detail is the tooltip
    assert dialog.error_label.text() == "“Agent id” is not valid; see the details in the tooltip."
    assert "agent.id" in dialog.error_label.toolTip()
    assert str(paths.user_config_file) in dialog.error_label.toolTip()
    assert dialog.agent_id_edit.hasFocus()
    assert paths.user_config_file.read_text(encoding="utf-8") == before
    assert [p.name for p in paths.user_config_file.parent.iterdir()] == ["config.toml"]


def test_emptied_fields_override_or_unset(
    qtbot: QtBot, dialog: SettingsDialog, paths: AppPaths
) -> None:
    dialog.queues_edit.setText("")  # [] is a value: it may override IT's default queues
    dialog.agent_id_edit.setText("")  # from the user file: removed, so "not set"
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    reloaded = load_config(paths, environ={})
    assert reloaded.config.agent.queues == ()
    assert reloaded.config.agent.id is None


@pytest.mark.parametrize(
    ("code", "out", "err", "outcome", "headline"),
    [
        (0, "OK: logged in to k:9093 as lucia with SCRAM-SHA-512", "", "ok", "Connection OK"),
        (
            1,
            "",
            (
                "atp-bridge credentials check: authentication failed for user lucia with "
                "SCRAM-SHA-512 at k:9093: SASL authentication error"
            ),
            "auth_failed",
            "Authentication failed",
        ),
        (
            1,
            "",
            "atp-bridge credentials check: broker unreachable at k:9093: Connection refused",
            "unreachable",
            "Broker unreachable",
        ),
        (
            3,
            "",
            'atp-bridge credentials check: no Kafka password of "lucia" is stored',
            "keyring",
            "No password in the keyring",
        ),
    ],
)
def test_test_connection_shows_the_result_line(  # noqa: PLR0917 (fixtures and parameters)
    qtbot: QtBot,
    dialog: SettingsDialog,
    paths: AppPaths,
    cli: FakeCli,
    code: int,
    out: str,
    err: str,
    outcome: str,
    headline: str,
) -> None:
    cli.answer(check=(code, out, err))
    dialog.agent_name_edit.setText("Lucía")  # an unsaved change the check must see
    click(qtbot, dialog.test_button)
    assert dialog.busy_indicator.isVisible()
    assert not dialog.test_button.isEnabled()
    qtbot.waitUntil(dialog.result_label.isVisible, timeout=15_000)
    assert not dialog.busy_indicator.isVisible()
    assert dialog.test_button.isEnabled()
    assert dialog.result_label.property(OUTCOME_PROPERTY) == outcome
    text = dialog.result_label.text()
    assert text.startswith(headline)
    assert (out or err.split(": ", 1)[1]) in text
    assert "\nDetails from the bridge (not translated): " in text  # labelled, never mixed in
    assert "atp-bridge credentials" not in text
    (call,) = cli.calls()
    argv = call["argv"]
    assert isinstance(argv, list)
    assert argv[:3] == ["credentials", "check", "--config"]
    candidate = Path(argv[3])
    assert candidate.parent == paths.user_config_file.parent
    assert not candidate.exists()  # the temporary copy is gone
    assert [p.name for p in paths.user_config_file.parent.iterdir()] == ["config.toml"]
    assert paths.user_config_file.read_text(encoding="utf-8") == USER_TOML  # not saved


def test_test_connection_checks_what_the_console_was_started_with(
    qtbot: QtBot, tmp_path: Path, cli: FakeCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = AppPaths(
        system_config_file=tmp_path / "etc" / "none.toml",
        user_config_file=tmp_path / "home" / "config.toml",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )
    paths.user_config_file.parent.mkdir()
    paths.user_config_file.write_text(
        USER_TOML.replace("[kafka]", '[kafka]\nbootstrap_servers = "user-kafka:9092"'),
        encoding="utf-8",
    )
    started_with = tmp_path / "ops.toml"  # atp-console --config ops.toml
    started_with.write_text(
        'schema_version = 1\n[kafka]\nusername = "ops-lucia"\ncheck_hostname = false\n',
        encoding="utf-8",
    )
    environ = {"ATP_KAFKA_BOOTSTRAP_SERVERS": "env-kafka:9092", "ATP_UI_LANGUAGE": "en"}
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    demo = {  # --demo and --data-dir, as console.shell passes them
        "kafka.bootstrap_servers": "127.0.0.1:39092",
        "agent.id": "agente-demo",
        "bridge.data_dir": str(tmp_path / "demo-data"),
    }
    loaded = load_config(paths, explicit_file=started_with, environ=environ, overrides=demo)
    dialog = shown_dialog(qtbot, loaded, paths, cli)
    assert dialog.servers_edit.text() == "127.0.0.1:39092"
    dialog.agent_name_edit.setText("Lucía")  # an edit the check must see
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(dialog.result_label.isVisible, timeout=15_000)
    (call,) = cli.calls()
    assert isinstance(call["config"], str)
    assert isinstance(call["environ"], dict)
    candidate = paths.user_config_file.with_name("seen.toml")
    candidate.write_text(call["config"], encoding="utf-8")
    seen = load_config(paths, explicit_file=candidate, environ=call["environ"])  # as check does
    assert seen.config.kafka == loaded.config.kafka  # the demo broker, the --config user name
    assert seen.config.kafka.bootstrap_servers == loaded.config.kafka.bootstrap_servers
    assert seen.config.kafka.username == "ops-lucia"
    assert seen.config.agent.id == "agente-demo"
    assert seen.config.agent.name == "Lucía"
    assert seen.config.ui.language == "en"  # the environment still counts, as it did


def test_fields_the_session_takes_from_elsewhere_are_named_in_sight(
    qtbot: QtBot, paths: AppPaths, cli: FakeCli
) -> None:
    """A field the command line sets is editable, so the dialog says, not only a tooltip, why
    a change there does not take effect now (as in the demo, where --demo sets the broker)."""
    overrides = {"agent.id": "agente-demo", "agent.name": "Agente Demo"}
    dialog = shown_dialog(qtbot, load_config(paths, environ={}, overrides=overrides), paths, cli)
    assert dialog.override_note.isVisible()
    first, last = dialog.override_note.text().split("\n")
    assert first == "Set by the command line for this session: Agent id, Agent display name."
    assert last.startswith("Test connection uses those values.")
    assert dialog.override_note.textFormat() == Qt.TextFormat.PlainText


@pytest.mark.parametrize(
    ("overrides", "environ", "said"),
    [
        ({"agent.id": "agente-demo"}, {}, "Fijado por la línea de comandos en esta sesión:"),
        (
            {},
            {"ATP_AGENT_ID": "agente-demo"},
            "Fijado por la variable de entorno ATP_AGENT_ID en esta sesión:",
        ),
    ],
)
def test_the_note_names_where_a_value_comes_from_in_the_language(  # noqa: PLR0917 (fixtures)
    qtbot: QtBot,
    paths: AppPaths,
    cli: FakeCli,
    translations: Translations,
    overrides: dict[str, str],
    environ: dict[str, str],
    said: str,
) -> None:
    assert translations.install("es")
    loaded = load_config(paths, environ=environ, overrides=overrides)
    dialog = shown_dialog(qtbot, loaded, paths, cli)
    assert dialog.override_note.text().startswith(said)


def test_no_note_when_the_form_is_what_runs(dialog: SettingsDialog) -> None:
    assert not dialog.override_note.isVisible()
    assert dialog.override_note.text() == ""


def test_test_connection_with_a_typed_password_stores_it_then_checks(
    qtbot: QtBot, dialog: SettingsDialog, cli: FakeCli
) -> None:
    QTest.keyClicks(dialog.password_edit, PASSWORD)
    dialog.test_connection()
    qtbot.waitUntil(dialog.result_label.isVisible, timeout=15_000)
    assert [c["argv"][1] for c in cli.calls()] == ["set", "check"]  # type: ignore[index]
    assert cli.calls()[0]["stdin"] == PASSWORD + "\n"
    assert all(PASSWORD not in " ".join(c["argv"]) for c in cli.calls())  # type: ignore[arg-type]
    assert dialog.result_label.property(OUTCOME_PROPERTY) == "ok"
    assert dialog.password_edit.text() == ""


def test_a_missing_cli_is_reported_not_hung(
    qtbot: QtBot, loaded: LoadedConfig, paths: AppPaths, tmp_path: Path
) -> None:
    widget = SettingsDialog(
        loaded,
        bridge_command=[str(tmp_path / "no-such-atp-bridge")],
        user_config_file=paths.user_config_file,
    )
    qtbot.addWidget(widget)
    widget.show()
    widget.test_connection()
    qtbot.waitUntil(widget.result_label.isVisible, timeout=15_000)
    assert widget.result_label.property(OUTCOME_PROPERTY) == CheckOutcome.ERROR.value
    assert widget.result_label.text().startswith("The check could not run")


def test_cancel_while_a_check_runs_stops_it(
    qtbot: QtBot, dialog: SettingsDialog, cli: FakeCli, paths: AppPaths
) -> None:
    dialog.test_connection()
    assert dialog.is_busy()
    click(qtbot, dialog.cancel_button)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.is_busy()
    assert [p.name for p in paths.user_config_file.parent.iterdir()] == ["config.toml"]


def test_classify_reads_exit_codes() -> None:
    assert classify("check", 2, "", "atp-bridge credentials check: x: bad").outcome is (
        CheckOutcome.CONFIG
    )
    assert classify("check", 70, "", "boom").outcome is CheckOutcome.ERROR
    assert classify("set", 0, "Stored.", "").ok


def test_toml_writer_escapes_and_round_trips() -> None:
    document = {
        "schema_version": 1,
        "agent": {"name": 'Ana "la" Quispe\\\n\t\x01', "queues": ["a", "b c"]},
        "ui": {"order_feed_limit": 5},
        "kafka": {"check_hostname": False},  # a boolean key (TLS host checks)
    }
    assert tomllib.loads(dump_toml(document, header="hello")) == document
    with pytest.raises(TypeError):
        dump_toml({"x": 1.5})


def test_a_value_from_it_cannot_be_emptied(qtbot: QtBot, paths: AppPaths, cli: FakeCli) -> None:
    with paths.system_config_file.open("a", encoding="utf-8") as stream:
        stream.write('\n[demo]\ntansu_path = "/opt/tansu"\n')
    text = paths.system_config_file.read_text(encoding="utf-8")
    paths.system_config_file.write_text(
        text.replace('queues = ["deliveries"]', 'queues = ["deliveries"]\nname = "Lucía"'),
        encoding="utf-8",
    )
    widget = shown_dialog(qtbot, load_config(paths, environ={}), paths, cli)
    assert widget.agent_name_edit.text() == "Lucía"
    widget.agent_name_edit.setText("  ")
    widget.save()
    assert widget.isVisible()
    assert widget.error_label.text().startswith("“Agent name”: cannot be emptied here")
    assert str(paths.system_config_file) in widget.error_label.text()
    assert paths.user_config_file.read_text(encoding="utf-8") == USER_TOML


@pytest.fixture
def first_run(qtbot: QtBot, tmp_path: Path, cli: FakeCli) -> tuple[SettingsDialog, AppPaths]:
    """No configuration at all: neither IT's file nor the user's exists."""
    paths = AppPaths(
        system_config_file=tmp_path / "etc" / "none.toml",
        user_config_file=tmp_path / "home" / "config.toml",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )
    widget = shown_dialog(qtbot, load_config(paths, environ={}), paths, cli, first_run=True)
    qtbot.waitExposed(widget)
    return widget, paths


def test_first_run_save_with_empty_fields_says_what_is_missing_and_stays(
    qtbot: QtBot, first_run: tuple[SettingsDialog, AppPaths]
) -> None:
    dialog, paths = first_run
    with qtbot.assertNotEmitted(dialog.saved):
        click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == (
        "The console cannot start without these: Bootstrap servers, Agent id. "
        "Fill them in, then Save."
    )
    assert dialog.servers_edit.hasFocus()
    assert not paths.user_config_file.exists()
    dialog.servers_edit.setText("kafka1.example.com:9092")
    click(qtbot, dialog.save_button)
    assert "Agent id" in dialog.error_label.text()
    assert "Bootstrap" not in dialog.error_label.text()
    dialog.agent_id_edit.setText("a-lucia")
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog.save_button)
    config = load_config(paths, environ={}).config
    assert config.kafka.bootstrap_servers is not None
    assert config.agent.id == "a-lucia"


def test_first_run_cancel_asks_before_quitting(
    qtbot: QtBot, first_run: tuple[SettingsDialog, AppPaths]
) -> None:
    dialog, _paths = first_run
    click(qtbot, dialog.cancel_button)
    question = dialog.quit_question
    assert question is not None
    qtbot.waitUntil(question.isVisible)
    assert "cannot start without a Kafka connection" in question.text()
    click(qtbot, question.button(QMessageBox.StandardButton.No))
    qtbot.waitUntil(lambda: dialog.quit_question is None)
    assert dialog.isVisible()  # keep editing
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Esc is Cancel too: it asks again
    question = dialog.quit_question
    assert question is not None
    with qtbot.waitSignal(dialog.rejected):
        click(qtbot, question.button(QMessageBox.StandardButton.Yes))
    assert not dialog.isVisible()


def test_the_dialog_is_wide_enough_for_its_placeholders(
    first_run: tuple[SettingsDialog, AppPaths],
) -> None:
    dialog, _paths = first_run
    for edit in (dialog.servers_edit, dialog.queues_edit, dialog.password_edit):
        needed = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
        assert edit.width() > needed, edit.placeholderText()
    assert dialog.width() >= 60 * dialog.fontMetrics().averageCharWidth()
