"""Locate the project's ``resources/`` folder at run time.

In a source checkout (or an editable install) it is the ``resources/`` folder
beside the ``bridge`` package. A wheel ships the same files as the data package
``atp_resources`` (see ``pyproject.toml``), and the frozen build as the folder
``atp_resources`` of its bundle (``sys._MEIPASS``, packaging/atp-console.spec).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_INSTALLED_PACKAGE = "atp_resources"


class ResourcesNotFoundError(RuntimeError):
    """Raised when neither the installed nor the checkout resources exist."""


def resources_dir() -> Path:
    """Return the folder that holds icons, schemas, translations and samples.

    A source checkout (recognised by its pyproject.toml) wins over an installed
    copy, so that an editable install always serves the files being edited.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(bundle, str):
        return Path(bundle) / _INSTALLED_PACKAGE
    project = Path(__file__).resolve().parent.parent
    checkout = project / "resources"
    if (project / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    spec = importlib.util.find_spec(_INSTALLED_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    raise ResourcesNotFoundError(
        f"The resources folder was not found: neither the installed package "
        f"'{_INSTALLED_PACKAGE}' nor {checkout} exists. Reinstall atp-console."
    )


def resource_path(*parts: str) -> Path:
    """Return the path of one resource, e.g. ``resource_path("schemas", "x.json")``."""
    return resources_dir().joinpath(*parts)
