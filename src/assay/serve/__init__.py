"""``assay serve``: a local fake model server answering from a replay script."""

from assay.serve.server import RunningServer, ScriptServer, start_server

__all__ = ["RunningServer", "ScriptServer", "start_server"]
