"""EvalPlus 0.3.1's per-input comparison, applied on the trusted side to plain values only.

Both the answer and the expected output were decoded by :mod:`.wire`, so ``==`` here runs
only built-in comparisons. The rules (see ``evalplus/eval/__init__.py``):

* a mode decides the first match: ``exact`` is ``out == exp`` (Python equality: ``True == 1``
  and ``1 == 1.0`` hold, a list never equals a tuple); ``set`` compares ``set(out)`` with
  ``set(exp)``; ``not_none`` compares a bool (the sandbox sends ``out is not None`` unless
  the answer is a bool); the MBPP+ leniencies ``any``, ``sum_div``, ``surface_area`` and
  ``digit_distance`` accept one more answer each; ``poly_zero`` (HumanEval/32) accepts an
  ``x`` where the polynomial is within ``atol`` of zero;
* when no mode matched and a tolerance applies — the task's ``atol``, or 1e-6 once an
  expected output is a float or a non-empty list/tuple of floats (and from then on within
  the suite, as EvalPlus's loop keeps it) — the answer must have the expected's type and
  length and be close elementwise (``|a - b| <= atol + 1e-7 × |b|``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from assay.tasks.spec import CompareMode

RTOL = 1e-7
FLOAT_ATOL = 1e-6


def is_floats(x: Any) -> bool:
    """A float, or a non-empty list or tuple of floats."""
    if isinstance(x, float):
        return True
    return isinstance(x, list | tuple) and bool(x) and all(isinstance(i, float) for i in x)


def _num(x: Any) -> bool:
    return isinstance(x, int | float | complex)


def allclose(out: Any, exp: Any, atol: float) -> bool:
    """Numpy's ``allclose`` on nested lists/tuples of numbers (same shapes only)."""
    if _num(out) and _num(exp):
        if isinstance(out, complex) or isinstance(exp, complex):
            a, b = complex(out), complex(exp)
            return abs(a - b) <= atol + RTOL * abs(b)
        a_f, b_f = float(out), float(exp)
        if math.isinf(a_f) or math.isinf(b_f):
            return a_f == b_f
        return abs(a_f - b_f) <= atol + RTOL * abs(b_f)
    if isinstance(out, list | tuple) and isinstance(exp, list | tuple):
        return len(out) == len(exp) and all(
            allclose(a, b, atol) for a, b in zip(out, exp, strict=True)
        )
    return False


def _surface_area_alt(base_edge: Any, height: Any) -> Any:
    # Mbpp/581's second reading: "height" is the pyramid's perpendicular height.
    slant = math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 2 * base_edge * slant)


def _digit_distance_alt(a: Any, b: Any) -> int:
    # Mbpp/558's second reading: the shorter number is padded with leading zeros.
    x, y = str(a), str(b)
    width = max(len(x), len(y))
    return sum(abs(int(p) - int(q)) for p, q in zip(x.zfill(width), y.zfill(width), strict=True))


def _poly(xs: Any, x: Any) -> float:
    return float(sum(c * math.pow(x, i) for i, c in enumerate(xs)))


def _first_match(mode: CompareMode, out: Any, exp: Any, args: list[Any], atol: float) -> bool:
    if mode == "set":
        return bool(set(out) == set(exp))
    exact = bool(out == exp)
    if mode == "any":
        return True
    if mode == "sum_div":
        return exact or out == 0
    if mode == "surface_area":
        return exact or bool(abs(out - _surface_area_alt(*args)) <= atol)
    if mode == "digit_distance":
        return exact or bool(out == _digit_distance_alt(*args))
    return exact


@dataclass
class Judge:
    """Compares the answers of one suite (base or plus) in order, as one EvalPlus call does."""

    mode: CompareMode
    atol: float

    def matched(self, exp_floats: bool) -> None:
        """Take an answer whose typed JSON equals the expected's, as :meth:`ok` would.

        Only for modes where :func:`equal_form_passes`; the tolerance moves as in :meth:`ok`.
        """
        if self.atol == 0 and exp_floats:
            self.atol = FLOAT_ATOL

    def ok(self, out: Any, exp: Any, args: list[Any]) -> bool:
        """Whether ``out`` is accepted for ``exp`` on input ``args``."""
        try:
            return self._ok(out, exp, args)
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            return False  # the answer's shape made the comparison itself fail

    def _ok(self, out: Any, exp: Any, args: list[Any]) -> bool:
        if self.mode == "poly_zero":
            return abs(_poly(args[0], out)) <= (self.atol or FLOAT_ATOL)
        exact = _first_match(self.mode, out, exp, args, self.atol)
        if self.atol == 0 and is_floats(exp):
            self.atol = FLOAT_ATOL  # EvalPlus keeps it for the rest of the suite
        if exact or self.atol == 0:
            return exact
        if type(out) is not type(exp):
            return False
        if isinstance(exp, list | tuple) and len(out) != len(exp):
            return False
        return allclose(out, exp, self.atol)


def equal_form_passes(mode: CompareMode, expected_json: str) -> bool:
    """Whether an answer whose typed JSON equals the expected's passes without decoding it.

    Equal typed JSON decodes to values that are ``==`` (built-in values only, equal leaves),
    and every mode but ``set`` and ``poly_zero`` accepts an exact match first. NaN is the
    exception (never equal to itself): any ``nan`` in the expected's text rules it out.
    """
    return mode not in ("set", "poly_zero") and "nan" not in expected_json
