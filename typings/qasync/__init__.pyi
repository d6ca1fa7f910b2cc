# Type stubs for the parts of qasync this project uses (qasync ships no py.typed).
import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication

_F = TypeVar("_F", bound=Callable[..., Coroutine[Any, Any, Any]])

class QEventLoop(asyncio.SelectorEventLoop):
    def __init__(
        self,
        app: QCoreApplication | None = ...,
        set_running_loop: bool = ...,
        already_running: bool = ...,
    ) -> None: ...
    def __enter__(self) -> QEventLoop: ...
    def __exit__(self, *args: object) -> None: ...

def asyncSlot(*args: Any, **kwargs: Any) -> Callable[[_F], Callable[..., Any]]: ...
def asyncClose(fn: _F) -> Callable[..., Any]: ...
