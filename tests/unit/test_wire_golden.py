"""A change of shape of the wire or of the cache's rows needs a version bump.

The msgspec schemas of the protocol messages are pinned, per ``PROTOCOL_VERSION``, in
``tests/golden/protocol-v<N>.json``, and the schemas of the cache's rows, per the cache's
``FORMAT_VERSION``, in ``tests/golden/cache-v<N>.json``. Changing a struct without bumping
the version fails here; after a bump, write the new file with ``ATP_WRITE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import msgspec
import pytest

from bridge.cache import FORMAT_VERSION
from bridge.fold.state import State
from bridge.wire.entities import Order, Presence, Ticket
from bridge.wire.protocol import PROTOCOL_VERSION, BridgeMessage, ClientMessage

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _schema(*types: object) -> str:
    schemas, components = msgspec.json.schema_components(types, schema_hook=_opaque)
    return json.dumps({"roots": schemas, "components": components}, indent=1, sort_keys=True)


def _opaque(kind: type) -> dict[str, object]:
    """Types JSON Schema has no word for (``object`` values) are named as they are."""
    return {"x-python-type": repr(kind)}


def _check(name: str, version: int, text: str) -> None:
    path = GOLDEN / f"{name}-v{version}.json"
    if os.environ.get("ATP_WRITE_GOLDEN") == "1" and not path.exists():
        path.write_text(text + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(
            f"{path.name} is missing: a new version needs its golden file (ATP_WRITE_GOLDEN=1)"
        )
    assert path.read_text(encoding="utf-8") == text + "\n", (
        f"the {name} schema changed but its version is still {version}: bump it and write "
        f"tests/golden/{name}-v{version + 1}.json"
    )


def test_protocol_messages_match_their_version() -> None:
    _check("protocol", PROTOCOL_VERSION, _schema(ClientMessage, BridgeMessage))


def test_cache_rows_match_the_cache_format_version() -> None:
    _check("cache", FORMAT_VERSION, _schema(Ticket, Order, Presence, State))


def test_a_changed_struct_is_detected() -> None:
    class Widened(msgspec.Struct, kw_only=True):
        ticket_id: str
        tags: list[str]

    class Original(msgspec.Struct, kw_only=True):
        ticket_id: str

    assert _schema(Widened) != _schema(Original)
