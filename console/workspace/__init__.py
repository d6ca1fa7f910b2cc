"""The ticket workspace: conversation, composer, drafts, canned replies, actions, order panel."""

from console.workspace.canned import CannedLibrary, CannedReply
from console.workspace.drafts import Draft, DraftAutosaver, DraftStore
from console.workspace.workspace import TicketWorkspace

__all__ = [
    "CannedLibrary",
    "CannedReply",
    "Draft",
    "DraftAutosaver",
    "DraftStore",
    "TicketWorkspace",
]
