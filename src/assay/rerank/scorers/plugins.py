"""Finding a scorer: a built-in name, ``module:callable``, or an ``assay.scorers`` entry point.

A plugin object is used as it is when it has a ``score`` method (a :class:`Scorer`); any
other callable is called as ``f(candidates, context)`` and may return :class:`Scores` or a
plain sequence of numbers (the scores). Anything that cannot be found or used is an
:class:`~assay.errors.InputError` naming the spec (exit 2).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from assay.errors import InputError
from assay.records.pool import PoolCandidate
from assay.rerank.scorers.judged import JudgedScorer
from assay.rerank.scorers.protocol import ProblemContext, Scorer, Scores
from assay.rerank.scorers.public_tests import PublicTestScorer
from assay.rerank.scorers.simple import (
    LengthScorer,
    LexicalScorer,
    LogprobScorer,
    OriginalOrderScorer,
    RandomScorer,
)

ENTRY_POINT_GROUP = "assay.scorers"
BUILTIN: dict[str, Callable[[], Scorer]] = {
    "random": RandomScorer,
    "original": OriginalOrderScorer,
    "lexical": LexicalScorer,
    "length": LengthScorer,
    "logprob": LogprobScorer,
    "public_tests": PublicTestScorer,
}
_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
_FIX = (
    f"use a built-in ({', '.join([*BUILTIN, 'judged'])}), module:callable importable here,"
    f" or the name of an {ENTRY_POINT_GROUP!r} entry point"
)


@dataclass(frozen=True)
class ScorerOptions:
    """Settings some scorers need."""

    model: str | None = None
    """The model spec of the ``judged`` scorer."""


@dataclass(frozen=True)
class CallableScorer:
    """A plain function ``f(candidates, context)`` used as a scorer."""

    name: str
    function: Callable[..., Any]

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """Call the function; numbers become scores, a :class:`Scores` is kept."""
        got = self.function(list(candidates), context)
        if isinstance(got, Scores):
            return got
        values = [float(v) for v in got]
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"scorer {self.name!r} returned a score that is not finite")
        return Scores(values)


def safe_name(spec: str) -> str:
    """A scorer spec as a file name (``pkg.mod:fn`` → ``pkg.mod_fn``)."""
    return _NAME.sub("_", spec).strip("_") or "scorer"


def _adapt(obj: Any, spec: str) -> Scorer:
    if callable(getattr(obj, "score", None)) and not isinstance(obj, type):
        return obj  # type: ignore[no-any-return]
    if isinstance(obj, type):
        try:
            made = obj()
        except Exception as exc:
            raise InputError.single(
                "--scorer", spec, f"constructing it failed: {exc}", _FIX
            ) from None
        if callable(getattr(made, "score", None)):
            return made  # type: ignore[no-any-return]
        raise InputError.single("--scorer", spec, "the class has no score method", _FIX)
    if callable(obj):
        return CallableScorer(spec, obj)
    raise InputError.single("--scorer", spec, f"{type(obj).__name__} is not a scorer", _FIX)


def _from_module(spec: str) -> Scorer:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise InputError.single("--scorer", spec, "not of the form module:callable", _FIX)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise InputError.single(
            "--scorer", spec, f"module {module_name!r} cannot be imported: {exc}", _FIX
        ) from None
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise InputError.single(
                "--scorer", spec, f"module {module_name!r} has no attribute {attr!r}", _FIX
            )
        obj = getattr(obj, part)
    return _adapt(obj, spec)


def load_scorer(spec: str, options: ScorerOptions | None = None) -> Scorer:
    """The scorer ``spec`` names (InputError naming it if it cannot be found or used)."""
    options = options or ScorerOptions()
    if spec in BUILTIN:
        return BUILTIN[spec]()
    if spec == "judged":
        if options.model is None:
            raise InputError.single(
                "--scorer", spec, "the judged scorer needs a model", "add --model SPEC"
            )
        from assay.models.spec import load_model

        return JudgedScorer(load_model(options.model))
    if ":" in spec:
        return _from_module(spec)
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == spec]
    if not found:
        raise InputError.single("--scorer", spec, "no such scorer", _FIX)
    try:
        obj = found[0].load()
    except Exception as exc:
        raise InputError.single(
            "--scorer", spec, f"entry point {found[0].value!r} failed to load: {exc}", _FIX
        ) from None
    return _adapt(obj, spec)
