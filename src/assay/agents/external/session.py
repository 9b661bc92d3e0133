"""One run of an agent CLI: throwaway home, model endpoint, confinement, logs, observations.

``CliArm`` holds what an arm's runs share — the adapter, the scripted model's script (or
the live model spec), the settings — and each attempt's place in the script, so that a
retry's run of the CLI continues where the previous run left the script.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.agents.external.base import Adapter, CliConfig, Context, DialectName, Observation
from assay.agents.external.confinement import Confinement, confine
from assay.agents.external.endpoint import Endpoint, ScriptedEndpoint
from assay.agents.external.install import binary, status
from assay.agents.external.process import KEEP_BYTES, Ran, clip_file, run_process
from assay.errors import InputError
from assay.models.protocol import Model
from assay.models.script_format import Script
from assay.sandbox.isolation import agent_cli_bwrap


@dataclass(frozen=True)
class Session:
    """What one run of the CLI did, before any gate looked at the workspace."""

    agent: str
    ran: Ran
    confinement: Confinement
    version: str | None
    dialect: DialectName
    observations: list[Observation]
    """What the CLI's own output says it did."""
    records: list[dict[str, Any]]
    """The endpoint's record of every model call."""
    problems: list[dict[str, Any]]
    """Requests the endpoint refused or could not pass on."""
    round_dir: Path
    """The artifacts of this run: stdout, stderr, outputs, refused requests."""
    changed: list[dict[str, str]]
    """Files of the workspace added, modified or deleted."""

    @property
    def endpoint_failed(self) -> bool:
        """Whether the endpoint refused a request or its last call failed."""
        last = self.records[-1] if self.records else {}
        return bool(self.problems) or bool(last.get("fault")) or int(last.get("status", 200)) >= 400


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every regular file in the workspace (caches left out)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in {"__pycache__", ".pytest_cache"}]
        for name in filenames:
            full = Path(dirpath) / name
            if full.is_symlink() or not full.is_file() or name.endswith(".pyc"):
                continue
            rel = full.relative_to(root).as_posix()
            out[rel] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


def changes(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    """Files added, modified or deleted between two snapshots."""
    out = [{"path": p, "change": "added"} for p in sorted(after.keys() - before.keys())]
    out += [{"path": p, "change": "deleted"} for p in sorted(before.keys() - after.keys())]
    out += [
        {"path": p, "change": "modified"}
        for p in sorted(before.keys() & after.keys())
        if before[p] != after[p]
    ]
    return out


def redact_home(text: str) -> str:
    """Replace the user's home folder in recorded text (records hold no absolute home path)."""
    home = str(Path.home())
    return text.replace(home + "/", "~/") if home not in ("/", "") else text


def scrub_folder(folder: Path) -> None:
    """Clip long files and redact the home folder in every file kept as an artifact."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            clip_file(path, KEEP_BYTES)
            data = path.read_bytes()
            home = (str(Path.home()) + "/").encode()
            if home != b"//" and home in data:
                path.write_bytes(data.replace(home, b"~/"))


def base_env(home: Path) -> dict[str, str]:
    """A scrubbed environment: no keys or tokens of the caller, only what CLIs need to start."""
    folders = [str(Path(sys.executable).parent)]
    node = shutil.which("node")
    if node:
        folders.append(str(Path(node).parent))
    folders += ["/usr/local/bin", "/usr/bin", "/bin"]
    return {
        "PATH": os.pathsep.join(dict.fromkeys(folders)),
        "HOME": str(home),
        "TMPDIR": str(home / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
    }


class CliArm:
    """Builds the CLI agent of one arm for each round; keeps each attempt's place in the script.

    A scripted model's turns continue across the rounds of an attempt: a retry's run of the
    CLI starts where the previous run left the script.
    """

    def __init__(
        self,
        adapter: Adapter,
        *,
        model: Model,
        model_spec: str,
        config: CliConfig,
        artifacts: Path,
    ) -> None:
        if not status(adapter).installed:
            raise InputError.single(
                "agent",
                f"cli:{adapter.name}",
                "the CLI is not installed",
                f"run `assay agents install {adapter.name}`",
            )
        self.adapter = adapter
        inner = getattr(model, "inner", model)
        script = getattr(inner, "script", None)
        self.script: Script | None = script if isinstance(script, Script) else None
        self.model_spec = model_spec
        self.config = config
        self.artifacts = artifacts
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()
        dialect = config.dialect or adapter.dialects[0]
        if dialect not in adapter.dialects:
            raise InputError.single(
                "agent config",
                "dialect",
                f"{adapter.name} does not speak {dialect}",
                f"use one of {', '.join(adapter.dialects)}",
            )
        self.dialect: DialectName = dialect

    def endpoint(self, *, conversation: str, workdir: Path, dump_dir: Path) -> Endpoint:
        """The model endpoint of one run: the scripted server, or the proxy to a live model."""
        if self.script is None:
            from assay.agents.external.live import live_endpoint

            return live_endpoint(self.model_spec, self.adapter)
        with self._lock:
            base = self._next.get(conversation, 0)
        return ScriptedEndpoint(
            self.script,
            dialect=self.dialect,
            task=conversation.split("/", 1)[0],
            turn_base=base,
            workdir=workdir,
            hints=self.adapter.hints,
            dump_dir=dump_dir,
        )

    def advance(self, conversation: str, endpoint: Endpoint) -> None:
        """Remember where the script stands after a run."""
        if isinstance(endpoint, ScriptedEndpoint) and endpoint.records():
            with self._lock:
                self._next[conversation] = endpoint.next_turn

    def session(
        self,
        workspace: Path,
        *,
        prompt: str,
        conversation: str,
        hidden: list[Path],
        stop: threading.Event | None = None,
    ) -> Session:
        """Run the CLI once in ``workspace``; keep its logs under the attempt's artifacts."""
        attempt = conversation.split("/", 1)[-1]
        folder = self.artifacts / attempt
        folder.mkdir(parents=True, exist_ok=True)
        round_dir = folder / f"round-{sum(1 for _ in folder.glob('round-*'))}"
        outputs = round_dir / "outputs"
        outputs.mkdir(parents=True)
        home = Path(tempfile.mkdtemp(prefix="assay-cli-", dir=os.environ.get("ASSAY_TMPDIR")))
        endpoint = self.endpoint(
            conversation=conversation, workdir=workspace, dump_dir=round_dir / "refused"
        )
        try:
            (home / "tmp").mkdir()
            ctx = Context(
                binary=binary(self.adapter),
                home=home,
                workspace=workspace,
                prompt=prompt,
                dialect=endpoint.dialect,
                root_url=f"http://127.0.0.1:{endpoint.port}",
                model=endpoint.model,
                outputs=outputs,
            )
            before = snapshot(workspace)
            ran, confinement = self._launch(ctx, endpoint, round_dir, hidden, stop)
            observations = self._observe(ctx, round_dir)
            records, problems = endpoint.records(), endpoint.problems()
        finally:
            endpoint.close()
            shutil.rmtree(home, ignore_errors=True)
        self.advance(conversation, endpoint)
        scrub_folder(round_dir)
        return Session(
            agent=self.adapter.name,
            ran=ran,
            confinement=confinement,
            version=status(self.adapter).version,
            dialect=endpoint.dialect,
            observations=observations,
            records=records,
            problems=problems,
            round_dir=round_dir,
            changed=changes(before, snapshot(workspace)),
        )

    def _launch(
        self,
        ctx: Context,
        endpoint: Endpoint,
        round_dir: Path,
        hidden: list[Path],
        stop: threading.Event | None,
    ) -> tuple[Ran, Confinement]:
        invocation = self.adapter.invocation(ctx)
        for path, text in invocation.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        env = {**base_env(ctx.home), **invocation.env}
        argv = [str(ctx.binary), *invocation.args, *self.config.extra_args]
        bwrap = agent_cli_bwrap() if self.config.network != "host" else None
        if self.config.network == "isolated" and bwrap is None:
            raise InputError.single(
                "agent config",
                "network",
                "isolated, but bubblewrap cannot make a network namespace here",
                'install bubblewrap, or set network = "auto"',
            )
        confinement = Confinement("host", "host")
        relay = None
        sockets = Path(tempfile.mkdtemp(prefix="assay-cli-sock-"))
        try:
            if bwrap is not None:
                from assay.agents.external.bridge import UnixRelay

                relay = UnixRelay(sockets / "endpoint.sock", endpoint.port)
                argv = confine(
                    argv,
                    bwrap=bwrap,
                    port=endpoint.port,
                    socket_path=relay.path,
                    writable=[ctx.workspace, ctx.home, ctx.outputs],
                    hidden=hidden,
                    workdir=ctx.workspace,
                )
                confinement = Confinement("endpoint-only", "workspace-only")
            ran = run_process(
                argv,
                cwd=ctx.workspace,
                env=env,
                stdout=round_dir / "stdout.txt",
                stderr=round_dir / "stderr.txt",
                timeout_s=self.config.timeout_s,
                max_bytes=int(self.config.max_output_mb * (1 << 20)),
                stop=stop,
            )
        finally:
            if relay is not None:
                relay.close()
            shutil.rmtree(sockets, ignore_errors=True)
        return ran, confinement

    def _observe(self, ctx: Context, round_dir: Path) -> list[Observation]:
        out: list[Observation] = []
        with (round_dir / "stdout.txt").open("r", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if len(line) <= KEEP_BYTES:  # a flood's giant lines are not worth parsing
                    out += self.adapter.observe(line)
        return out + self.adapter.after(ctx)
