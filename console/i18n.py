"""Install the console's translations (Qt .qm catalogs compiled from resources/translations)."""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from bridge.resources import resource_path

_log = logging.getLogger(__name__)
Language = Literal["es", "en"]
DEFAULT_LANGUAGE: Language = "es"
SOURCE_LANGUAGE: Language = "en"  # source strings are English: a catalog of plurals only


class Translations:
    """The translators installed on one application, replaceable at run time."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language: Language = SOURCE_LANGUAGE

    def install(self, language: Language) -> bool:
        """Switch the application to ``language``; return False if its catalog is missing.

        Widgets receive a LanguageChange event and retranslate themselves.
        """
        self.uninstall()
        self.language = language
        QLocale.setDefault(QLocale(language))
        ours = QTranslator(self._app)
        catalog = resource_path("translations", f"atp_console_{language}.qm")
        if not ours.load(str(catalog)):
            _log.error(
                "translation catalog missing; run `make` or reinstall",
                extra={"catalog": str(catalog)},
            )
            return False
        self._app.installTranslator(ours)
        self._installed.append(ours)
        if language == SOURCE_LANGUAGE:
            return True
        qt_own = QTranslator(self._app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(f"qtbase_{language}", qt_dir):
            self._app.installTranslator(qt_own)
            self._installed.append(qt_own)
        return True

    def uninstall(self) -> None:
        """Remove the translators this object installed: the source strings show again."""
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
