"""``assay serve``: a local fake model server answering from a replay script in four dialects."""

from assay.serve.actions import Mapping
from assay.serve.server import RunningServer, ScriptServer, ServeOptions, start_server

__all__ = ["Mapping", "RunningServer", "ScriptServer", "ServeOptions", "start_server"]
