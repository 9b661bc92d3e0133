"""The executor seam without a cluster: options, the manifest key, endpoints, Ray kept out.

Ray is an optional extra: ``assay --help`` and the local path must not import it, and
asking for the ray executor without it is bad input (exit 2) naming the extra.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from assay.records.manifest import ExecutorSpec, load_manifest
from assay.runner.ray_resources import attempt_resources, endpoint_of, resource_name
from tests.conftest import run_assay
from tests.support.ray_cluster import DEMO, REPO, small_manifest

REPAIR = REPO / "src" / "assay" / "suites" / "repair"

_HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)


@given(
    provider=st.sampled_from(["openai", "ollama", "anthropic", "gemini"]),
    model=st.from_regex(r"[A-Za-z0-9._:-]{1,30}", fullmatch=True),
    host=_HOST,
    port=st.integers(1, 65535),
)
def test_an_endpoint_is_the_host_and_port_of_its_url(
    provider: str, model: str, host: str, port: int
) -> None:
    spec = f"{provider}:{model}@https://{host}:{port}/v1"
    assert endpoint_of(spec) == f"{host}:{port}"
    assert endpoint_of(f"{provider}:{model}") is not None


@given(st.text(max_size=60))
def test_any_spec_text_gives_an_endpoint_or_none_never_an_error(text: str) -> None:
    got = endpoint_of(text)
    assert got is None or isinstance(got, str)
    assert endpoint_of("scripted:" + text) is None


def test_an_attempt_asks_an_endpoint_slot_only_where_the_cluster_has_one() -> None:
    name = resource_name("api.openai.com")
    assert attempt_resources("api.openai.com", {name}) == {"assay_sandbox": 1.0, name: 1.0}
    assert attempt_resources("api.openai.com", set()) == {"assay_sandbox": 1.0}
    assert attempt_resources(None, {name}) == {"assay_sandbox": 1.0}


def test_the_executor_is_not_part_of_the_manifest_digest(tmp_path: Path) -> None:
    plain = load_manifest(DEMO)
    path = tmp_path / "m.toml"
    path.write_text(
        DEMO.read_text(encoding="utf-8") + '\n[executor]\nkind = "ray"\naddress = "auto"\n',
        encoding="utf-8",
    )
    with_ray = load_manifest(path)
    assert with_ray.executor == ExecutorSpec(kind="ray", address="auto")
    assert with_ray.digest() == plain.digest()
    assert "executor" not in with_ray.model_dump(mode="json", by_alias=True)


def test_neither_help_nor_the_local_path_imports_ray() -> None:
    code = (
        "import sys\n"
        "from assay.cli.app import app\n"
        "import assay.runner.execute, assay.runner.executor\n"
        "assert 'ray' not in sys.modules, 'ray imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    helped = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assay.cli", "--help"],
        capture_output=True,
        text=True,
    )
    assert helped.returncode == 0
    imported = {line.split("|")[-1].strip() for line in helped.stderr.splitlines()}
    assert "ray" not in imported and "assay.runner.ray_executor" not in imported


def test_without_ray_the_ray_executor_is_bad_input_naming_the_extra(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "ray.py").write_text("raise ImportError('no ray here')\n", encoding="utf-8")
    manifest = small_manifest(tmp_path, ["add-months"])
    done = subprocess.run(
        [
            *(sys.executable, "-m", "assay.cli", "run", str(manifest)),
            *("--out", str(tmp_path / "r"), "--quiet", "--no-preflight", "--executor", "ray"),
        ],
        capture_output=True,
        text=True,
        env={**_env(), "PYTHONPATH": str(shadow)},
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "pip install 'assay[dist]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_executor_options_are_bad_input(tmp_path: Path) -> None:
    manifest = small_manifest(tmp_path, ["add-months"])
    for args, word in (
        (["--executor", "slurm"], "--executor"),
        (["--executor", "ray", "--address", "http://x:1"], "address"),
        (["--address", "auto"], "--address"),
    ):
        done = run_assay("run", str(manifest), "--out", str(tmp_path / "r"), "--quiet", *args)
        assert done.returncode == 2, (args, done.stderr[-2000:])
        assert word in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "r" / "attempts.jsonl").exists()


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_a_node_that_differs_from_the_driver_is_refused_naming_what(tmp_path: Path) -> None:
    from assay.runner.node import NodeExpectation, NodeMismatch, check_node, expectation
    from assay.sandbox.isolation import plan_for
    from assay.tasks.digest import file_digests, folder_digest
    from assay.tasks.load import load_task

    task = load_task(REPAIR / "add-months")
    right = folder_digest(file_digests(task.root))
    good = expectation(plan_for(), {task.id: right})
    assert check_node(good, task).level == good.isolation
    cases = (
        (NodeExpectation("0.0.0", good.isolation, {task.id: right}), "assay"),
        (NodeExpectation(good.assay_version, "elsewhere", {task.id: right}), "isolation"),
        (NodeExpectation(good.assay_version, good.isolation, {task.id: "0" * 64}), "add-months"),
    )
    for expect, word in cases:
        try:
            check_node(expect, task)
        except NodeMismatch as exc:
            assert word in str(exc)
        else:
            raise AssertionError(f"{word}: not refused")
