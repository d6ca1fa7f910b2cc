"""Hatch build hook: compile the Qt translations (.ts -> .qm) into the wheel."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TranslationsBuildHook(BuildHookInterface[BuilderConfig]):
    """Run lrelease before the wheel is assembled."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:  # noqa: ARG002
        """Compile every catalog into resources/translations/."""
        spec = importlib.util.spec_from_file_location(
            "atp_i18n", Path(self.root) / "packaging" / "i18n.py"
        )
        if spec is None or spec.loader is None:
            raise RuntimeError("packaging/i18n.py is missing from the source tree")
        module = importlib.util.module_from_spec(spec)
        sys.modules["atp_i18n"] = module
        spec.loader.exec_module(module)
        module.release()
