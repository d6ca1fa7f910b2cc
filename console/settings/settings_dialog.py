"""The settings / first-run connection dialog: Kafka connection, agent, language.

Pre-filled from the loaded configuration (IT's system-wide file included);
keys IT locked are read-only. Save writes only what the user changed to the
user file (validated first, replaced atomically) and hands a typed password
to ``atp-bridge credentials set`` on standard input: the password is never
written to a file. "Test connection" runs ``atp-bridge credentials check`` on
the values in the dialog (a temporary copy of the user file beside it) with
what the console was started with (``--config``, ``--demo``...) over them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bridge.config import ConfigError
from console.labels import plain_tooltip, queue_list_text, queues_from_text
from console.settings.connection_test import CheckOutcome, CommandResult, CredentialsCommand
from console.settings.user_file import (
    FieldValue,
    apply_changes,
    candidate_document,
    check_environment,
    config_value,
    read_user_document,
    save_user_file,
    write_candidate,
)

if TYPE_CHECKING:
    from bridge.config import LoadedConfig, Source

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
SASL = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})
FIELD_KEYS = (
    "kafka.bootstrap_servers",
    "kafka.security_protocol",
    "kafka.sasl_mechanism",
    "kafka.username",
    "agent.id",
    "agent.name",
    "agent.queues",
    "ui.language",
)
PLACEHOLDER_QUEUES = ("deliveries", "payments")
"""The example in the empty queues field, shown as their labels."""
OUTCOME_PROPERTY = "outcome"
REQUIRED_KEYS = ("kafka.bootstrap_servers", "agent.id")
"""What a first run must get before the console can start."""
DIALOG_MIN_CHARS = 70
"""The dialog is at least this many average characters wide."""
_GOOD = QColor("#1b5e20")
_BAD = QColor("#8e1b17")
_Mode = Literal["idle", "test", "save"]


@dataclass
class _Field:
    """One configuration key in the form: its widget and the value it was pre-filled with."""

    key: str
    widget: QLineEdit | QComboBox
    label: QLabel
    initial: FieldValue

    def value(self) -> FieldValue:
        if isinstance(self.widget, QComboBox):
            data = self.widget.currentData()
            return data if isinstance(data, str) and data else None
        text = self.widget.text().strip()
        if self.key == "agent.queues":
            return queues_from_text(text)  # labels as shown ("Entregas") or names
        return text or None

    def show(self, value: FieldValue) -> None:
        if isinstance(self.widget, QComboBox):
            index = self.widget.findData(value if value is not None else "")
            self.widget.setCurrentIndex(max(index, 0))
        elif isinstance(value, tuple):
            self.widget.setText(queue_list_text(value))
        else:
            self.widget.setText(value or "")


class SettingsDialog(QDialog):
    """Edit the user's connection settings; store the Kafka password in the keyring."""

    saved = Signal(Path)
    """The user file was written (its ``Path``); reload the configuration to apply it."""

    def __init__(
        self,
        loaded: LoadedConfig,
        *,
        bridge_command: Sequence[str],
        user_config_file: Path,
        system_config_file: Path | None = None,
        first_run: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._first_run = first_run
        self._quit_confirmed = False
        self.quit_question: QMessageBox | None = None
        """On a first run, the open "quit?" question after Cancel (None otherwise)."""
        self._loaded = loaded
        self._user_file = user_config_file
        self._system_file = system_config_file or _system_file_of(loaded)
        self._command = CredentialsCommand(bridge_command, parent=self)
        self._command.finished.connect(self._on_command_finished)
        self._mode: _Mode = "idle"
        self._candidate: Path | None = None
        self._fields: dict[str, _Field] = {}
        self.setObjectName("settings-dialog")
        self._build()
        self._prefill()
        self.retranslate()
        self._on_protocol_changed()
        self._fit_width()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        kafka_box, agent_box, ui_box = self._build_fields()
        test_row = self._build_test_row()
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(kafka_box)
        layout.addLayout(test_row)
        layout.addWidget(self.result_label)
        layout.addWidget(agent_box)
        layout.addWidget(ui_box)
        layout.addWidget(self.override_note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.protocol_combo.currentIndexChanged.connect(self._on_protocol_changed)

    def _build_fields(self) -> tuple[QGroupBox, QGroupBox, QGroupBox]:
        self.servers_edit = QLineEdit(self)
        self.protocol_combo = QComboBox(self)
        for protocol in PROTOCOLS:
            self.protocol_combo.addItem(protocol, protocol)
        self.mechanism_combo = QComboBox(self)
        self.mechanism_combo.addItem("", "")
        for mechanism in MECHANISMS:
            self.mechanism_combo.addItem(mechanism, mechanism)
        self.username_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.agent_id_edit = QLineEdit(self)
        self.agent_name_edit = QLineEdit(self)
        self.queues_edit = QLineEdit(self)
        self.language_combo = QComboBox(self)
        self.language_combo.addItem("", "es")
        self.language_combo.addItem("", "en")
        self.password_label = QLabel(self)

        kafka_box = QGroupBox(self)
        kafka_form = QFormLayout(kafka_box)
        agent_box = QGroupBox(self)
        agent_form = QFormLayout(agent_box)
        ui_box = QGroupBox(self)
        ui_form = QFormLayout(ui_box)
        self._kafka_box, self._agent_box, self._ui_box = kafka_box, agent_box, ui_box
        widgets: dict[str, tuple[QFormLayout, QLineEdit | QComboBox]] = {
            "kafka.bootstrap_servers": (kafka_form, self.servers_edit),
            "kafka.security_protocol": (kafka_form, self.protocol_combo),
            "kafka.sasl_mechanism": (kafka_form, self.mechanism_combo),
            "kafka.username": (kafka_form, self.username_edit),
            "agent.id": (agent_form, self.agent_id_edit),
            "agent.name": (agent_form, self.agent_name_edit),
            "agent.queues": (agent_form, self.queues_edit),
            "ui.language": (ui_form, self.language_combo),
        }
        for key, (form, widget) in widgets.items():
            label = QLabel(self)
            label.setBuddy(widget)
            form.addRow(label, widget)
            initial = config_value(self._loaded.config, key)
            self._fields[key] = _Field(key, widget, label, initial)
            if key == "kafka.username":
                self.password_label.setBuddy(self.password_edit)
                kafka_form.addRow(self.password_label, self.password_edit)
        return kafka_box, agent_box, ui_box

    def _build_test_row(self) -> QHBoxLayout:
        self.test_button = QPushButton(self)
        self.test_button.clicked.connect(self.test_connection)
        self.busy_indicator = QProgressBar(self)
        self.busy_indicator.setRange(0, 0)  # "busy": no known end
        self.busy_indicator.setMaximumWidth(120)
        self.busy_indicator.setTextVisible(False)
        self.busy_indicator.hide()
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.busy_indicator)
        test_row.addStretch(1)
        return test_row

    def _build_buttons(self) -> None:
        self.override_note = QLabel(self)
        self.override_note.setWordWrap(True)
        self.override_note.setTextFormat(Qt.TextFormat.PlainText)
        self.override_note.hide()
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._paint(self.error_label, _BAD)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _prefill(self) -> None:
        initial = self._fields["agent.queues"].initial
        self._queue_names = initial if isinstance(initial, tuple) else ()
        self.queues_edit.textEdited.connect(self._on_queues_edited)
        for field in self._fields.values():
            field.show(field.initial)
            if self._loaded.is_locked(field.key):
                if isinstance(field.widget, QLineEdit):
                    field.widget.setReadOnly(True)
                else:
                    field.widget.setEnabled(False)

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        """Re-read every translated text (also called on a language change)."""
        self.setWindowTitle(self.tr("Connection settings"))
        self._kafka_box.setTitle(self.tr("Kafka connection"))
        self._agent_box.setTitle(self.tr("Agent"))
        self._ui_box.setTitle(self.tr("Interface"))
        labels = {
            "kafka.bootstrap_servers": self.tr("&Bootstrap servers"),
            "kafka.security_protocol": self.tr("Security &protocol"),
            "kafka.sasl_mechanism": self.tr("SASL &mechanism"),
            "kafka.username": self.tr("&User name"),
            "agent.id": self.tr("Agent &id"),
            "agent.name": self.tr("Agent &name"),
            "agent.queues": self.tr("&Queues"),
            "ui.language": self.tr("&Language"),
        }
        names = {
            "kafka.bootstrap_servers": self.tr("Kafka bootstrap servers"),
            "kafka.security_protocol": self.tr("Kafka security protocol"),
            "kafka.sasl_mechanism": self.tr("Kafka SASL mechanism"),
            "kafka.username": self.tr("Kafka user name"),
            "agent.id": self.tr("Agent id"),
            "agent.name": self.tr("Agent display name"),
            "agent.queues": self.tr("Queues, comma-separated"),
            "ui.language": self.tr("Interface language"),
        }
        for key, field in self._fields.items():
            field.label.setText(labels[key])
            field.widget.setAccessibleName(names[key])
            tip = self._tooltip(key)
            field.widget.setToolTip(tip)
            field.label.setToolTip(tip)
        self._describe_overrides(names)
        self.servers_edit.setPlaceholderText(self.tr("host:port, host:port"))
        self.queues_edit.setPlaceholderText(queue_list_text(PLACEHOLDER_QUEUES))
        queues = self._fields["agent.queues"]
        queues.show(self._queue_names)  # the labels of the new language
        self.mechanism_combo.setItemText(0, self.tr("Not set"))
        self.language_combo.setItemText(0, self.tr("Español", "language name in itself"))
        self.language_combo.setItemText(1, self.tr("English", "language name in itself"))
        self.password_label.setText(self.tr("Pass&word"))
        self.password_edit.setAccessibleName(self.tr("Kafka password"))
        self.password_edit.setPlaceholderText(self.tr("Leave empty to keep the stored password"))
        self.password_edit.setToolTip(
            self.tr("Stored only in the operating system's keyring, never in a file.")
        )
        self.test_button.setText(self.tr("&Test connection"))
        self.test_button.setAccessibleName(self.tr("Test the Kafka connection"))
        self.busy_indicator.setAccessibleName(self.tr("Connection test running"))
        self.result_label.setAccessibleName(self.tr("Connection test result"))
        self.error_label.setAccessibleName(self.tr("Settings problem"))
        self.save_button.setText(self.tr("&Save"))
        self.save_button.setAccessibleName(self.tr("Save the settings"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Close without saving"))

    def _on_queues_edited(self, text: str) -> None:
        """Keep the names typed, so a language change shows them in the new one's labels."""
        self._queue_names = queues_from_text(text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _overriding(self, key: str) -> Source | None:
        """The source that sets ``key`` over the user file for this session, if any."""
        source = self._loaded.sources.get(key)
        if source is not None and source.kind in {"environment", "command line", "explicit"}:
            return source
        return None

    def _source_words(self, source: Source) -> str:
        """Where an overriding value comes from, in the console's language."""
        if source.kind == "command line":
            return self.tr("the command line")
        if source.kind == "environment":
            return self.tr("the environment variable %1").replace("%1", source.where)
        return self.tr("the file %1").replace("%1", source.where)  # --config (explicit)

    def _describe_overrides(self, names: dict[str, str]) -> None:
        """Say, in sight, which fields this session takes from elsewhere than the form."""
        by_source: dict[str, list[str]] = {}
        for key in self._fields:
            source = self._overriding(key)
            if source is not None and not self._loaded.is_locked(key):
                by_source.setdefault(self._source_words(source), []).append(names[key])
        lines = [
            self.tr("Set by %1 for this session: %2.")
            .replace("%1", label)
            .replace("%2", ", ".join(fields))
            for label, fields in by_source.items()
        ]
        if lines:
            lines.append(
                self.tr(
                    "Test connection uses those values. A change to these fields is saved "
                    "to your user file and takes effect when the console starts without them."
                )
            )
        self.override_note.setText("\n".join(lines))
        self.override_note.setVisible(bool(lines))

    def _tooltip(self, key: str) -> str:
        source = self._overriding(key)
        if self._loaded.is_locked(key):
            return self.tr("Managed by IT in %1; it cannot be changed here.").replace(
                "%1", str(self._system_file)
            )
        if source is not None:
            return self.tr(
                "Currently set by %1, which overrides the user file: a change here "
                "takes effect only without it."
            ).replace("%1", source.label)
        return ""

    # ------------------------------------------------------------------ reading the form
    def field_widget(self, key: str) -> QLineEdit | QComboBox:
        """Return the widget that edits dotted ``key`` (e.g. ``kafka.username``)."""
        return self._fields[key].widget

    def changes(self) -> dict[str, FieldValue]:
        """Return the keys the user changed (not locked), with their new values."""
        return {
            key: field.value()
            for key, field in self._fields.items()
            if not self._loaded.is_locked(key) and field.value() != field.initial
        }

    def _document(self) -> dict[str, object]:
        """Return the user file with the dialog's changes, or raise ``ConfigError``."""
        return apply_changes(read_user_document(self._user_file), self._checked_changes())

    def _checked_changes(self) -> dict[str, FieldValue]:
        """The dialog's changes, or ``ConfigError`` for one that cannot be made here."""
        changes = self.changes()
        for key, value in changes.items():
            source = self._loaded.sources.get(key)
            if value is None and source is not None and source.kind == "system":
                raise _TranslatedConfigError(
                    str(self._user_file),
                    key,
                    self.tr(
                        "cannot be emptied here: the system-wide file %1 sets it; "
                        "enter a value instead"
                    ).replace("%1", source.where),
                )
        return changes

    # ------------------------------------------------------------------ actions
    def test_connection(self) -> None:
        """Check the values in the dialog with ``credentials check`` (non-blocking).

        The check sees what the console would run with after a Save: the user
        file with the dialog's changes, then the console's own ``--config``
        file and command line (``--demo``, ``--data-dir``, ``--lang``) over
        them, and the environment, as the console read it. A typed password is
        stored in the keyring first (``credentials set``), since the check
        reads it from there.
        """
        if self._mode != "idle":
            return
        self._clear_messages()
        try:
            document = candidate_document(
                read_user_document(self._user_file), self._checked_changes(), self._loaded
            )
            self._candidate = write_candidate(
                self._user_file,
                document,
                system_config_file=self._system_file,
                data_dir=self._loaded.config.bridge.data_dir,
            )
        except ConfigError as error:
            self._show_config_error(error)
            return
        except OSError as error:
            self._show_error(self.tr("The check could not run: %1").replace("%1", str(error)))
            return
        self._start("test")
        password = self._typed_password()
        if password:
            self._command.run("set", self._candidate, password=password, environ=self._environ())
        else:
            self._command.run("check", self._candidate, environ=self._environ())

    def _environ(self) -> dict[str, str]:
        return check_environment(self._loaded, os.environ)

    def missing(self) -> list[str]:
        """The keys a first run still needs (the console cannot start without them)."""
        return [key for key in REQUIRED_KEYS if not self._fields[key].value()]

    def save(self) -> None:
        """Write the user file; store a typed password; close when both are done.

        On a first run, Save with a required value missing says which and stays.
        """
        if self._mode != "idle":
            return
        self._clear_messages()
        missing = self.missing() if self._first_run else []
        if missing:
            names = ", ".join(_plain_label(self._fields[key].label.text()) for key in missing)
            self._show_error(
                self.tr(
                    "The console cannot start without these: %1. Fill them in, then Save."
                ).replace("%1", names)
            )
            self._fields[missing[0]].widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            save_user_file(
                self._user_file,
                self._document(),
                system_config_file=self._system_file,
                data_dir=self._loaded.config.bridge.data_dir,
            )
        except ConfigError as error:
            self._show_config_error(error)
            return
        except OSError as error:
            self._show_error(
                self.tr("The settings could not be written: %1").replace("%1", str(error))
            )
            return
        password = self._typed_password()
        if not password:
            self._finish_save()
            return
        self._start("save")
        self._command.run("set", self._user_file, password=password)

    def reject(self) -> None:
        """Close without saving; on a first run, ask first (the console cannot start)."""
        if not self._first_run or self._quit_confirmed:
            super().reject()
            return
        if self.quit_question is not None:
            return
        question = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Quit without a connection?"),
            self.tr(
                "The console cannot start without a Kafka connection and an agent id. "
                "Quit now? Nothing is saved."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        question.setDefaultButton(QMessageBox.StandardButton.No)
        yes = question.button(QMessageBox.StandardButton.Yes)
        no = question.button(QMessageBox.StandardButton.No)
        yes.setText(self.tr("&Quit"))
        no.setText(self.tr("&Keep editing"))
        question.finished.connect(self._on_quit_answered)
        self.quit_question = question
        question.open()

    def _on_quit_answered(self, _code: int) -> None:
        question, self.quit_question = self.quit_question, None
        if question is None:
            return
        quit_now = question.clickedButton() is question.button(QMessageBox.StandardButton.Yes)
        question.deleteLater()
        if quit_now:
            self._quit_confirmed = True
            super().reject()

    def done(self, result: int) -> None:
        """Stop a running command and remove a temporary file before closing."""
        self._command.cancel()
        self._drop_candidate()
        self._mode = "idle"
        super().done(result)

    # ------------------------------------------------------------------ command results
    def _on_command_finished(self, result: CommandResult) -> None:
        if result.action == "set":
            if result.ok:
                self.password_edit.clear()
            if self._mode == "save":
                self._stop()
                if result.ok:
                    self._finish_save()
                else:
                    self._show_error(
                        self.tr(
                            "The settings were saved, but the password was not stored: %1"
                        ).replace("%1", result.message)
                    )
                return
            if result.ok and self._candidate is not None:
                self._command.run("check", self._candidate, environ=self._environ())
                return
        self._stop()
        self._drop_candidate()
        self._show_result(result)

    def _finish_save(self) -> None:
        self.saved.emit(self._user_file)
        self.accept()

    def _show_result(self, result: CommandResult) -> None:
        headlines = {
            CheckOutcome.OK: self.tr("Connection OK"),
            CheckOutcome.AUTH_FAILED: self.tr("Authentication failed"),
            CheckOutcome.UNREACHABLE: self.tr("Broker unreachable"),
            CheckOutcome.CONFIG: self.tr("Configuration problem"),
            CheckOutcome.KEYRING: self.tr("No password in the keyring, or no usable keyring"),
            CheckOutcome.ERROR: self.tr("The check could not run"),
        }
        headline = headlines[result.outcome]
        if result.action == "set" and not result.ok:
            headline = self.tr("The password was not stored")
        detail = self.tr("Details from the bridge (not translated): %1").replace(
            "%1", result.message
        )
        text = f"{headline}\n{detail}" if result.message else headline
        self.result_label.setText(text)
        self.result_label.setProperty(OUTCOME_PROPERTY, result.outcome.value)
        self._paint(self.result_label, _GOOD if result.ok else _BAD)
        self.result_label.show()

    # ------------------------------------------------------------------ state
    def _start(self, mode: _Mode) -> None:
        self._mode = mode
        self.test_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.busy_indicator.show()

    def _stop(self) -> None:
        self._mode = "idle"
        self.test_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.busy_indicator.hide()

    def _typed_password(self) -> str:
        """Return the typed password; none when the protocol does not log in (SASL)."""
        return self.password_edit.text() if self.password_edit.isEnabled() else ""

    def is_busy(self) -> bool:
        """Return whether a credentials command is running."""
        return self._mode != "idle"

    def _drop_candidate(self) -> None:
        if self._candidate is not None:
            self._candidate.unlink(missing_ok=True)
            self._candidate = None

    def _clear_messages(self) -> None:
        self.error_label.hide()
        self.error_label.clear()
        self.result_label.hide()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setToolTip("")
        self.error_label.show()

    def _show_config_error(self, error: ConfigError) -> None:
        """Say which field is wrong in the dialog's language; the raw detail is the tooltip."""
        field = self._fields.get(error.key or "")
        if field is not None and isinstance(error, _TranslatedConfigError):
            text = f"“{_plain_label(field.label.text())}”: {error.problem}"
            field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        elif field is None:
            text = self.tr("The settings are not valid; see the details in the tooltip.")
        else:
            text = self.tr("“%1” is not valid; see the details in the tooltip.").replace(
                "%1", _plain_label(field.label.text())
            )
            field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.error_label.setText(text)
        self.error_label.setToolTip(plain_tooltip(str(error)))
        self.error_label.setAccessibleDescription(str(error))
        self.error_label.show()

    def _fit_width(self) -> None:
        """Wide enough that no placeholder or label is cut (the dialog was 323 px)."""
        metrics = self.fontMetrics()
        for edit in (self.servers_edit, self.queues_edit, self.password_edit):
            text = edit.placeholderText() or edit.text()
            edit.setMinimumWidth(metrics.horizontalAdvance(text) + 4 * metrics.averageCharWidth())
        self.setMinimumWidth(metrics.averageCharWidth() * DIALOG_MIN_CHARS)

    def _on_protocol_changed(self) -> None:
        sasl = self.protocol_combo.currentData() in SASL
        locked = self._loaded.is_locked("kafka.sasl_mechanism")
        self.mechanism_combo.setEnabled(sasl and not locked)
        self.username_edit.setEnabled(sasl)
        self.password_edit.setEnabled(sasl)

    @staticmethod
    def _paint(label: QLabel, color: QColor) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, color)
        label.setPalette(palette)


class _TranslatedConfigError(ConfigError):
    """A problem the dialog found itself: its text is already in the dialog's language."""


def _plain_label(text: str) -> str:
    """A form label without its accelerator: ``&Bootstrap servers`` -> ``Bootstrap servers``."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _system_file_of(loaded: LoadedConfig) -> Path:
    """Return IT's file as the loaded sources name it, or a path that does not exist.

    When no key came from the system-wide file it contributes no values, so
    validating without it gives the same result (locked keys are never written).
    """
    for source in loaded.sources.values():
        if source.kind == "system":
            return Path(source.where)
    return Path(tempfile.gettempdir()) / f"atp-console-no-system-{uuid.uuid4().hex}.toml"
