"""Confinement of URL paths (property-based) and discovery of run directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.errors import InputError
from assay.view.roots import Roots

PARTS = st.sampled_from(["..", ".", "", "events", "a.jsonl", "link", "%2e%2e", "/", "\\", "~"])


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Roots, Path, Path]:
    """roots/{a/run, b/deeper/run2}, an outside secret, a link from the run to it."""
    base = tmp_path_factory.mktemp("roots")
    root = base / "roots"
    run = root / "a" / "run"
    (run / "events").mkdir(parents=True)
    (run / "manifest.sha256").write_text("x\n")
    (run / "events" / "a.jsonl").write_text("{}\n")
    (root / "b" / "deeper" / "run").mkdir(parents=True)
    (root / "b" / "deeper" / "run" / "manifest.sha256").write_text("x\n")
    (root / "b" / "deeper" / "run" / "nested").mkdir()
    (root / "b" / "deeper" / "run" / "nested" / "manifest.sha256").write_text("x\n")
    (root / ".hidden" / "run").mkdir(parents=True)
    (root / ".hidden" / "run" / "manifest.sha256").write_text("x\n")
    (root / "linked").symlink_to(base, target_is_directory=True)
    secret = base / "secret.txt"
    secret.write_text("secret")
    (run / "link").symlink_to(secret)
    (run / "events" / "link").symlink_to(run / "events" / "a.jsonl")
    return Roots.of([root]), run, secret


def test_discovery_finds_runs_by_their_mark_and_follows_no_link(
    tree: tuple[Roots, Path, Path],
) -> None:
    roots, run, _ = tree
    found = roots.discover()
    assert found == {"a--run": run.resolve(), "b--deeper--run": found["b--deeper--run"]}
    assert found["b--deeper--run"].name == "run"


def test_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        Roots.of([tmp_path / "absent"])


def test_plain_files_inside_the_run_are_served(tree: tuple[Roots, Path, Path]) -> None:
    roots, run, _ = tree
    assert roots.raw_file(run, "events/a.jsonl") == (run / "events" / "a.jsonl").resolve()
    # A link that stays inside the run is followed to its target.
    assert roots.raw_file(run, "events/link") == (run / "events" / "a.jsonl").resolve()
    assert roots.raw_file(run, "link") is None
    assert roots.raw_file(run, "events") is None


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(PARTS, max_size=6), lead=st.booleans(), text=st.text(max_size=20))
def test_no_name_reaches_outside_the_run(
    tree: tuple[Roots, Path, Path], parts: list[str], lead: bool, text: str
) -> None:
    roots, run, secret = tree
    for rel in ("/" * lead + "/".join(parts), text, f"events/{text}"):
        got = roots.raw_file(run, rel)
        assert got is None or (got.is_file() and got.is_relative_to(run.resolve()))
        assert got != secret.resolve()
        if got is not None:
            assert ".." not in Path(rel).parts and not rel.startswith("/")
