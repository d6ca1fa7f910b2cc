"""The console's catalogs compiled for a test, so a UI can be shown in Spanish or English."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import console.i18n
from console.i18n import Translations

if TYPE_CHECKING:
    import pytest
    from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]


def i18n_pipeline() -> ModuleType:
    """``packaging/i18n.py`` (``packaging`` is also a PyPI package, so load it by path)."""
    spec = importlib.util.spec_from_file_location("atp_i18n", ROOT / "packaging" / "i18n.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("atp_i18n", module)
    spec.loader.exec_module(module)
    return module


def compiled_translations(
    qapp: QApplication, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Translations:
    """Translations of ``qapp`` read from catalogs compiled into ``folder`` now.

    UI tests use the ``translations`` fixture (``tests/ui/conftest.py``), which
    removes them again after the test: the application is shared.
    """
    i18n_pipeline().release(folder)
    monkeypatch.setattr(console.i18n, "resource_path", lambda *parts: folder / parts[-1])
    return Translations(qapp)
