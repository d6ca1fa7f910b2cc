"""Help > About and diagnostics, and Help > Create support bundle, on real widgets."""

from __future__ import annotations

import stat
import zipfile
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from bridge.about import app_version
from console.diagnostics import (
    DiagnosticsDialog,
    create_bundle,
    diagnostics_text,
    install_help_menu,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    for name in ("ATP_KAFKA_BOOTSTRAP_SERVERS", "ATP_AGENT_ID"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_about_shows_versions_and_the_configuration_report(qtbot: QtBot, home: Path) -> None:
    config = home / "it.toml"
    config.write_text('schema_version = 1\n[kafka]\nbootstrap_servers = "k9:9092"\n')
    text = diagnostics_text(config, {"ui.language": "en"})
    dialog = DiagnosticsDialog(text)
    qtbot.addWidget(dialog)
    shown = dialog.text.toPlainText()
    assert f"app: {app_version()}" in shown
    assert "qt:" in shown
    assert "python:" in shown
    lines = {line.split()[0]: line for line in shown.splitlines() if line.startswith("  kafka.")}
    assert '"k9:9092"' in lines["kafka.bootstrap_servers"]
    assert f"file {config}" in lines["kafka.bootstrap_servers"]
    language = next(line for line in shown.splitlines() if line.startswith("  ui.language"))
    assert language.rstrip().endswith("flag")


def test_help_menu_has_both_actions(qtbot: QtBot, home: Path) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    install_help_menu(window, data_dir=home / "data", config_file=None, overrides=dict)
    menu = window.menuBar().actions()[-1]
    assert menu.text() == "&Help"
    submenu = menu.menu()
    assert isinstance(submenu, QMenu)
    names = [action.objectName() for action in submenu.actions()]
    assert names == ["about-diagnostics", "support-bundle"]


def test_create_support_bundle_writes_an_owner_only_zip(
    qtbot: QtBot, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text: told.append(text))
    window = QMainWindow()
    qtbot.addWidget(window)
    target = home / "bundles" / "support.zip"
    written = create_bundle(window, home / "data", None, choose=lambda _suggested: target)
    assert written == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
    assert {
        "atp-support/versions.json",
        "atp-support/config.txt",
        "atp-support/status.json",
    } <= names
    assert told == [f"Saved {target}.\nIt holds no password and no customer data."]
