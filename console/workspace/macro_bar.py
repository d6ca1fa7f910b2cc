"""The workspace's Macros button (a menu of the macros) and the line that follows a run.

The macros and their runs are plain Python (``console.viewstate.macros``); here
are only the menu, the translated texts and the names in the interface's
language. Each step's own state shows in the pending actions list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QWidget

if TYPE_CHECKING:
    from console.viewstate.macros import Macro, MacroLibrary, MacroRun


def ui_language() -> str:
    """The interface's language (``es`` or ``en``), as the translations set the locale."""
    return "es" if QLocale().language() == QLocale.Language.Spanish else "en"


def run_text(run: MacroRun) -> str:
    """Where a run is: running (step n of m), done, or stopped with the reason."""
    name = run.macro.name(ui_language())
    total = len(run.steps)
    if run.state == "running":
        return (
            QCoreApplication.translate(
                "Macros", "Macro “%1”: step %2 of %3 sent; the next leaves once it is queued."
            )
            .replace("%1", name)
            .replace("%2", str(run.current + 1))
            .replace("%3", str(total))
        )
    refused = run.refused
    if run.state == "stopped":
        step = refused[-1] if refused else None
        reason = (step.reason if step is not None else None) or QCoreApplication.translate(
            "Macros", "refused"
        )
        number = run.current + 1
        return (
            QCoreApplication.translate(
                "Macros", "Macro “%1” stopped: step %2 was not accepted (%3); %4 not sent."
            )
            .replace("%1", name)
            .replace("%2", str(number))
            .replace("%3", reason)
            .replace("%4", str(run.not_sent))
        )
    text = (
        QCoreApplication.translate("Macros", "Macro “%1”: all %2 steps queued.")
        .replace("%1", name)
        .replace("%2", str(total))
    )
    if refused:
        reasons = "; ".join(
            step.reason or QCoreApplication.translate("Macros", "refused") for step in refused
        )
        later = QCoreApplication.translate("Macros", "Refused later: %1").replace("%1", reasons)
        text = f"{text} {later}"
    return text


class MacroButton(QPushButton):
    """The Macros button: a menu with one entry per macro; choosing one emits ``macro_chosen``."""

    macro_chosen = Signal(str)
    """The id of the macro the agent chose."""

    def __init__(self, library: MacroLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("macros-button")
        self._library = library
        self.macro_menu = QMenu(self)
        self.setMenu(self.macro_menu)
        self.retranslate()

    @property
    def macros(self) -> tuple[Macro, ...]:
        """The macros offered, in menu order."""
        return self._library.macros

    def open_menu(self) -> None:
        """Open the menu below the button, without blocking (the M shortcut)."""
        if self.isEnabled() and self.isVisible():
            self.macro_menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
            self.macro_menu.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def retranslate(self) -> None:
        """Re-read the texts and the macros' names in the interface's language."""
        self.setText(self.tr("&Macros"))
        self.setAccessibleName(self.tr("Macros: several actions in one step (M)"))
        self.setToolTip(self.tr("Macros: several actions in one step (M)"))
        menu = self.macro_menu
        menu.clear()
        language = ui_language()
        for macro in self._library.macros:
            action = menu.addAction(macro.name(language))
            action.setData(macro.macro_id)
            action.triggered.connect(
                lambda _=False, macro_id=macro.macro_id: self.macro_chosen.emit(macro_id)
            )
        self.setVisible(bool(self._library.macros))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class MacroStatus(QLabel):
    """One line saying where the shown ticket's last macro run is (hidden without one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("macro-status")
        self.setTextFormat(Qt.TextFormat.PlainText)  # macro names come from IT's file
        self.setWordWrap(True)
        self._run: MacroRun | None = None
        self._notice: str | None = None
        self.hide()

    def show_run(self, run: MacroRun | None) -> None:
        """Follow ``run`` (``None``: no run on the shown ticket)."""
        self._run, self._notice = run, None
        self._render()

    def show_notice(self, text: str) -> None:
        """Say why a macro did not start."""
        self._notice = text
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Render the run again in the new language (a notice keeps its text)."""
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        text = self._notice or (run_text(self._run) if self._run is not None else "")
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))
