"""The settings / first-run connection dialog and the credentials commands it runs."""

from console.settings.connection_test import CheckOutcome, CommandResult, CredentialsCommand
from console.settings.settings_dialog import SettingsDialog

__all__ = ["CheckOutcome", "CommandResult", "CredentialsCommand", "SettingsDialog"]
