"""``assay serve``: answer model requests of every supported wire protocol from a script."""

from __future__ import annotations

from pathlib import Path

import typer


def serve_cmd(
    script: Path = typer.Option(..., "--script", help="The script file (assay.script.v1)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port; 0 picks a free one."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind."),
) -> None:
    """Serve SCRIPT to any client until interrupted (OpenAI, Anthropic, Gemini wires).

    Speaks OpenAI chat completions and Responses, Anthropic messages and Gemini
    generateContent, plain and streamed.
    Prints one line with the base URL once listening. The task is taken from the
    X-Assay-Task header or the request's user field; the turn from the assistant messages.
    """
    from assay.errors import InputError
    from assay.models.script_format import load_script
    from assay.serve.server import start_server

    loaded = load_script(script)
    try:
        running = start_server(loaded, host=host, port=port)
    except OSError as exc:
        raise InputError.single(
            "--port",
            f"{host}:{port}",
            f"cannot listen: {exc.strerror or exc}",
            "pick a free port, or --port 0 for any",
        ) from None
    typer.echo(f"assay serve: listening on {running.base_url} (script {script})")
    try:
        running.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
