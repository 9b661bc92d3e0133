"""``assay agents``: list, install and smoke-check the third-party agent CLIs."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Third-party agent CLIs (--agent cli:NAME): list, install, check.",
    no_args_is_help=True,
)


def _names(names: list[str] | None, every: bool) -> list[str]:
    from assay.agents.external.registry import ADAPTERS, adapter
    from assay.errors import InputError

    if every:
        return list(ADAPTERS)
    if not names:
        raise InputError.single("command line", "NAME", "no agent named", "give names or --all")
    return [adapter(n).name for n in names]


@app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the list as one JSON document."),
) -> None:
    """Each adapter: its CLI, whether it is installed and which version."""
    from assay.agents.external.install import status
    from assay.agents.external.registry import ADAPTERS

    rows: list[dict[str, object]] = []
    for name, a in ADAPTERS.items():
        s = status(a)
        row = {
            "name": name,
            "title": a.title,
            "package": a.package.spec,
            "installed": s.installed,
            "version": s.version,
            "dialects": list(a.dialects),
            "path": str(s.path).replace(str(Path.home()), "~", 1),
        }
        rows.append(row)
        if not as_json:
            state = f"installed {s.version}" if s.installed else "not installed"
            typer.echo(f"{name:16} {a.title:22} {state:22} {a.package.spec}")
    if as_json:
        from assay.cli.options import print_json

        print_json(rows)


@app.command("install")
def install_cmd(
    names: list[str] | None = typer.Argument(None, help="Adapters to install."),
    every: bool = typer.Option(False, "--all", help="Install all of them."),
    force: bool = typer.Option(False, "--force", help="Reinstall even when cached."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Install CLIs into the per-machine cache (npm prefixes, venvs); cached ones are kept."""
    from assay.agents.external.install import InstallError, install
    from assay.agents.external.registry import adapter

    failed = 0
    rows: list[dict[str, object]] = []
    for name in _names(names, every):
        try:
            state, seconds = install(adapter(name), force=force)
        except InstallError as exc:
            failed += 1
            rows.append({"name": name, "ok": False, "problem": str(exc)})
            typer.echo(f"{name}: install failed: {exc}", err=True)
            continue
        how = f"installed in {seconds:.0f} s" if seconds else "cached"
        rows.append({"name": name, "ok": True, "version": state.version, "seconds": seconds})
        if not as_json:
            typer.echo(f"{name}: {state.version} ({how})")
    if as_json:
        from assay.cli.options import print_json

        print_json(rows)
    if failed:
        raise typer.Exit(1)


@app.command("check")
def check_cmd(
    names: list[str] | None = typer.Argument(None, help="Adapters to check."),
    every: bool = typer.Option(False, "--all", help="Check all of them."),
    timeout_s: float = typer.Option(180.0, "--timeout", min=1, help="Seconds per CLI run."),
    keep: Path | None = typer.Option(None, "--keep", help="Keep the runs' logs in this folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Install if needed, then drive each CLI offline through the smoke script.

    The scripted model asks the CLI to write a file and then finish; the check passes only if
    the file is there with the right content and the CLI exited 0. Exit 0 only if all pass.
    """
    from assay.agents.external.install import InstallError, install
    from assay.agents.external.registry import adapter
    from assay.agents.external.smoke import smoke

    failed = 0
    rows: list[dict[str, object]] = []
    for name in _names(names, every):
        a = adapter(name)
        try:
            install(a)
        except InstallError as exc:
            failed += 1
            rows.append({"name": name, "ok": False, "problems": [f"install: {exc}"]})
            typer.echo(f"{name}: FAIL (install: {exc})", err=True)
            continue
        result = smoke(a, timeout_s=timeout_s, keep=keep)
        calls = len(result.session.records)
        net = result.session.confinement.network
        rows.append(
            {
                "name": name,
                "ok": result.ok,
                "seconds": result.seconds,
                "model_calls": calls,
                "network": net,
                "problems": list(result.problems),
            }
        )
        if result.ok:
            if not as_json:
                typer.echo(
                    f"{name}: ok ({result.seconds:.1f} s, {calls} model calls, network {net})"
                )
        else:
            failed += 1
            typer.echo(f"{name}: FAIL ({'; '.join(result.problems)})", err=True)
    if as_json:
        from assay.cli.options import print_json

        print_json(rows)
    if failed:
        raise typer.Exit(1)
