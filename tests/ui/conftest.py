"""The UI tests' shared fixtures: each test starts untranslated and must leave it so.

The QApplication is shared by the whole session, so a translator or a default
QLocale left behind by one test changes the texts of every later test: the
outcome would depend on the order the tests run in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from tests.helpers.translations import compiled_translations

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from console.i18n import Translations


def catalog_installed() -> bool:
    """Whether a catalog of the console is installed (the plural of a count is translated)."""
    return QCoreApplication.translate("QueueView", "%n ticket(s)", "", 2) != "2 ticket(s)"


@pytest.fixture
def translations(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Translations]:
    """The console's catalogs, compiled into ``tmp_path`` now, to install in the test.

    Afterwards its translators are removed and the default QLocale is restored.
    """
    switcher = compiled_translations(qapp, tmp_path / "qm", monkeypatch)
    previous_locale = QLocale()
    yield switcher
    switcher.uninstall()
    QLocale.setDefault(previous_locale)


@pytest.fixture(autouse=True)
def _leaves_the_application_untranslated() -> Iterator[None]:
    """Fail a test (at teardown) that leaves a catalog or another default QLocale behind."""
    locale = QLocale().name()
    yield
    assert not catalog_installed(), (
        "this test left a translation catalog installed: use the translations fixture"
    )
    assert QLocale().name() == locale, "this test left another default QLocale"
