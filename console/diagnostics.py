"""The Help menu for IT: About and diagnostics (the effective configuration), support bundle.

"About and diagnostics…" shows the same report as ``atp-bridge config show``:
every key, its value, the layer that set it, the lock, and what did not take
effect. "Create support bundle…" runs ``atp-bridge support-bundle`` (the
console never loads the Kafka client itself) to write the zip where the user
chooses (0600).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bridge.about import app_version, platform_versions
from bridge.config.report import build_report
from bridge.paths import default_paths
from console.executables import bridge_command

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def diagnostics_text(config_file: Path | None, overrides: Mapping[str, str]) -> str:
    """Return the versions and the effective-configuration report, as the dialog shows them."""
    report = build_report(
        default_paths(os.environ),
        explicit_file=config_file,
        environ=os.environ,
        overrides=overrides,
    )
    lines = [f"{name}: {value}" for name, value in platform_versions().items()]
    return "\n".join(lines) + "\n\n" + report.to_text()


class DiagnosticsDialog(QDialog):
    """Read-only text: versions and the configuration report, with a Copy button."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnostics-dialog")
        self.setWindowTitle(QCoreApplication.translate("Diagnostics", "About A tu Puerta"))
        self.resize(900, 600)
        heading = QLabel(
            QCoreApplication.translate(
                "Diagnostics", "A tu Puerta support console {version}"
            ).format(version=app_version())
        )
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(
            QCoreApplication.translate("Diagnostics", "Copy"),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def create_bundle(
    window: QWidget,
    data_dir: Path,
    config_file: Path | None,
    *,
    choose: Callable[[Path], Path | None] | None = None,
) -> Path | None:
    """Ask where to save, write the bundle there, tell the user; return the path written."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    suggested = Path.home() / f"atp-support-{stamp}.zip"
    target = (choose or (lambda path: _ask_path(window, path)))(suggested)
    if target is None:
        return None
    argv = [*bridge_command(), "support-bundle", "--output", str(target)]
    argv += ["--data-dir", str(data_dir)]
    if config_file is not None:
        argv += ["--config", str(config_file)]
    problem: object = None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            problem = result.stderr.strip() or f"exit code {result.returncode}"
    except (OSError, subprocess.TimeoutExpired) as error:
        problem = error
    finally:
        QGuiApplication.restoreOverrideCursor()
    if problem is not None:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("Diagnostics", "Support bundle"),
            QCoreApplication.translate(
                "Diagnostics", "The support bundle could not be written: {error}"
            ).format(error=problem),
        )
        return None
    written = target
    QMessageBox.information(
        window,
        QCoreApplication.translate("Diagnostics", "Support bundle"),
        QCoreApplication.translate(
            "Diagnostics",
            "Saved {path}.\nIt holds no password and no customer data.",
        ).format(path=written),
    )
    return written


def _ask_path(window: QWidget, suggested: Path) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        window,
        QCoreApplication.translate("Diagnostics", "Create support bundle"),
        str(suggested),
        QCoreApplication.translate("Diagnostics", "Zip archives (*.zip)"),
    )
    return Path(chosen) if chosen else None


def install_help_menu(
    window: QMainWindow,
    *,
    data_dir: Path,
    config_file: Path | None,
    overrides: Callable[[], Mapping[str, str]],
) -> Callable[[], None]:
    """Add the Help menu; return its retranslate function (call it on a language change)."""
    menu = window.menuBar().addMenu("")

    def about() -> None:
        dialog = DiagnosticsDialog(diagnostics_text(config_file, overrides()), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    about_action = menu.addAction("", about)
    about_action.setObjectName("about-diagnostics")
    bundle_action = menu.addAction("", lambda: create_bundle(window, data_dir, config_file))
    bundle_action.setObjectName("support-bundle")

    def retranslate() -> None:
        menu.setTitle(QCoreApplication.translate("Diagnostics", "&Help"))
        about_action.setText(QCoreApplication.translate("Diagnostics", "&About and diagnostics…"))
        bundle_action.setText(QCoreApplication.translate("Diagnostics", "Create &support bundle…"))

    retranslate()
    return retranslate
