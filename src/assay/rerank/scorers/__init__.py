"""Scorers: given the candidates of one problem, a score each (higher ranks first).

- ``protocol``     — :class:`Scorer`, :class:`ProblemContext`, :class:`Scores`;
- ``simple``       — random (seeded), original order, lexical overlap, length, mean log-prob;
- ``public_tests`` — passes on the visible tests, run in the sandbox by the real gate;
- ``judged``       — a model's stated probability that the candidate passes;
- ``plugins``      — a scorer by name, ``module:callable`` or entry point ``assay.scorers``.
"""

from assay.rerank.scorers.plugins import BUILTIN, ScorerOptions, load_scorer
from assay.rerank.scorers.protocol import ProblemContext, Scorer, Scores

__all__ = ["BUILTIN", "ProblemContext", "Scorer", "ScorerOptions", "Scores", "load_scorer"]
