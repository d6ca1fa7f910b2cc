"""The workspace's Macros button (a menu of the macros) and the line that follows a run.

The macros and their runs are plain Python (``console.viewstate.macros``); here
are only the menu, the translated texts and the names in the interface's
language. Each step's own state shows in the pending actions list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QWidget

if TYPE_CHECKING:
    from console.viewstate.macros import Macro, MacroLibrary, MacroRun

DONE_SHOWN_MS = 5000
"""How long the line says a macro is done before it goes away."""


def ui_language() -> str:
    """The interface's language (``es`` or ``en``), as the translations set the locale."""
    return "es" if QLocale().language() == QLocale.Language.Spanish else "en"


def run_text(run: MacroRun) -> str | None:
    """Where a running or stopped run is (``None`` once done: ``MacroStatus.done_text``)."""
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
    if run.state == "stopped":
        refused = run.refused
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
    return None


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
    """One line saying where the shown ticket's last macro run is (hidden without one).

    Once the log has every step applied, the line says so for ``DONE_SHOWN_MS``
    and goes away; a run that finished while another ticket was shown is not
    brought back.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("macro-status")
        self.setTextFormat(Qt.TextFormat.PlainText)  # macro names come from IT's file
        self.setWordWrap(True)
        self._run: MacroRun | None = None
        self._notice: str | None = None
        self._confirmed = False  # the followed run was seen fully applied
        self.done_timer = QTimer(self)
        """Hides the "done" line (its interval: how long it shows)."""
        self.done_timer.setSingleShot(True)
        self.done_timer.setInterval(DONE_SHOWN_MS)
        self.done_timer.timeout.connect(self._forget_run)
        self.hide()

    def show_run(self, run: MacroRun | None) -> None:
        """Follow ``run`` (``None``: no run on the shown ticket)."""
        confirmed = run is not None and run.confirmed
        if run is not self._run:
            self.done_timer.stop()
            if confirmed:
                run = None  # applied before it was shown here: nothing left to say
        elif confirmed and not self._confirmed:
            self.done_timer.start()  # applied while shown: say so, briefly
        self._confirmed = confirmed and run is not None
        self._run, self._notice = run, None
        self._render()

    def done_text(self, run: MacroRun) -> str:
        """A run whose steps all left: queued (refused later, if so), or applied."""
        name = run.macro.name(ui_language())
        total = len(run.steps)
        if run.confirmed:
            return self.tr("Macro “%1” done: %n step(s) applied.", "", total).replace("%1", name)
        text = self.tr("Macro “%1”: %n step(s) queued.", "", total).replace("%1", name)
        if run.refused:
            reasons = "; ".join(
                step.reason or QCoreApplication.translate("Macros", "refused")
                for step in run.refused
            )
            later = QCoreApplication.translate("Macros", "Refused later: %1").replace("%1", reasons)
            text = f"{text} {later}"
        return text

    def _forget_run(self) -> None:
        self._run = None
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
        run = self._run
        text = self._notice or ("" if run is None else run_text(run) or self.done_text(run))
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))
