"""The layer rules of DESIGN.md hold, and the custom contract really catches violations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lint_contracts import _imports_submodule

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_project_keeps_every_import_contract() -> None:
    result = subprocess.run(
        [str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("from PySide6.QtWidgets import QWidget", True),
        ("from PySide6 import QtGui", True),
        ("from PySide6 import QtCore, QtWidgets", True),
        ("import PySide6.QtGui", True),
        ("from PySide6.QtWidgets.QLabel import x", True),
        ("from PySide6.QtCore import QObject", False),
        ("from PySide6 import QtNetwork", False),
        ("import PySide6.QtCore", False),
    ],
)
def test_submodule_detection(line: str, expected: bool) -> None:
    found = _imports_submodule(line, "PySide6.QtWidgets") or _imports_submodule(
        line, "PySide6.QtGui"
    )
    assert found is expected


def test_a_bridge_module_importing_qtwidgets_breaks_the_contract(tmp_path: Path) -> None:
    package = tmp_path / "fakebridge"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "ok.py").write_text("from PySide6.QtCore import QObject\n")
    (package / "bad.py").write_text("from PySide6 import QtWidgets\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = fakebridge\ninclude_external_packages = True\n"
        "contract_types =\n    forbidden_submodules: tests.lint_contracts."
        "ForbiddenSubmodulesContract\n\n"
        "[importlinter:contract:qt]\nname = no widgets\ntype = forbidden_submodules\n"
        "source_modules = fakebridge\nforbidden_modules =\n    PySide6.QtWidgets\n"
        "    PySide6.QtGui\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tmp_path / ".importlinter")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "fakebridge.bad:1 imports PySide6.QtWidgets" in result.stdout
    assert "fakebridge.ok" not in result.stdout
