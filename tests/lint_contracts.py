"""Custom import-linter contract types for this project.

import-linter's built-in ``forbidden`` contract sees external libraries only
by their root package (``PySide6``), but the bridge may use ``PySide6.QtCore``
and ``PySide6.QtNetwork`` while ``PySide6.QtWidgets`` and ``PySide6.QtGui`` are
forbidden. This contract reads the import statements themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

if TYPE_CHECKING:
    from grimp import ImportGraph


def _imports_submodule(line: str, dotted: str) -> bool:
    """Tell whether an import statement's text imports ``dotted`` or below it."""
    root, _, sub = dotted.partition(".")
    words = line.replace(",", " ").split()
    if not words:
        return False
    if words[0] == "import":
        return any(w == dotted or w.startswith(dotted + ".") for w in words[1:])
    if words[0] == "from" and len(words) >= 4:
        module = words[1]
        if module == dotted or module.startswith(dotted + "."):
            return True
        # `from PySide6 import QtWidgets`
        return module == root and sub in words[3:]
    return False


class ForbiddenSubmodulesContract(Contract):
    """Forbid source modules from importing given submodules of an external package."""

    type_name = "forbidden_submodules"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        """Find every direct import of a forbidden submodule by a source module."""
        violations: list[dict[str, Any]] = []
        forbidden: list[str] = [str(m) for m in self.forbidden_modules]  # type: ignore[attr-defined]
        roots = {f.split(".")[0] for f in forbidden}
        for source in self.source_modules:  # type: ignore[attr-defined]
            importers = {source.name} | graph.find_descendants(source.name)
            for importer in sorted(importers):
                for root in roots:
                    if not graph.direct_import_exists(importer=importer, imported=root):
                        continue
                    for detail in graph.get_import_details(importer=importer, imported=root):
                        line = str(detail["line_contents"])
                        hits = [f for f in forbidden if _imports_submodule(line, f)]
                        violations.extend(
                            {
                                "importer": importer,
                                "line": detail["line_number"],
                                "text": line,
                                "forbidden": hit,
                            }
                            for hit in hits
                        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """Print each offending import with its place."""
        for violation in check.metadata["violations"]:
            output.print_error(
                f"{violation['importer']}:{violation['line']} imports "
                f"{violation['forbidden']}: {violation['text']}"
            )
