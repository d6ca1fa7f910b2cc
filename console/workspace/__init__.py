"""The ticket workspace: conversation, composer, drafts, canned replies, actions, order panel."""

from console.viewstate.drafts import Draft, DraftStore
from console.workspace.canned import CannedCatalog, CannedLibrary, CannedReply
from console.workspace.drafts import DraftAutosaver
from console.workspace.workspace import TicketWorkspace

__all__ = [
    "CannedCatalog",
    "CannedLibrary",
    "CannedReply",
    "Draft",
    "DraftAutosaver",
    "DraftStore",
    "TicketWorkspace",
]
