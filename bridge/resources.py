"""Locate the project's ``resources/`` folder at run time.

In a source checkout (or an editable install) it is the ``resources/`` folder
beside the ``bridge`` package. A wheel ships the same files as the data package
``atp_resources`` (see ``pyproject.toml``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_INSTALLED_PACKAGE = "atp_resources"


class ResourcesNotFoundError(RuntimeError):
    """Raised when neither the installed nor the checkout resources exist."""


def resources_dir() -> Path:
    """Return the folder that holds icons, schemas, translations and samples."""
    spec = importlib.util.find_spec(_INSTALLED_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise ResourcesNotFoundError(
        f"The resources folder was not found: neither the installed package "
        f"'{_INSTALLED_PACKAGE}' nor {checkout} exists. Reinstall atp-console."
    )


def resource_path(*parts: str) -> Path:
    """Return the path of one resource, e.g. ``resource_path("schemas", "x.json")``."""
    return resources_dir().joinpath(*parts)
