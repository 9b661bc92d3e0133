"""The trusted side: what the test process agrees to do for the candidate, and how it imports.

The test process never imports or runs candidate code. The candidate's modules are
:class:`RemoteModule` objects whose attributes are fetched from the candidate's process; what
the candidate may ask of the test process in return is narrow (:func:`policy`): call a
function or object the test passed to it, read a public attribute of a plain object the test
passed, a few read-only dunders, and print (its ``print`` reaches the test's ``sys.stdout``,
so ``capsys`` sees it). Frames, globals, modules and classes of the test side are out of
reach: they never cross, and asking for them is refused.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Iterable, Sequence
from typing import Any

from assay.verify.remote.codec import RemoteLost
from assay.verify.remote.peer import BINARY, UNARY, Peer

OUTPUT_CAP = 8 * 1024 * 1024
"""Characters of candidate output forwarded to the test process at most."""
_UNARY_OK = frozenset(
    {"bool", "len", "iter", "next", "hash", "repr", "str", "int", "float", "index"}
)
_BINARY_OK = frozenset({"eq", "ne", "lt", "le", "gt", "ge", "getitem", "contains"})
_OPAQUE = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    types.CodeType,
    types.FrameType,
)


_REFUSED_BUILTINS = frozenset(
    {
        "eval", "exec", "compile", "getattr", "setattr", "delattr", "hasattr", "__import__",
        "open", "globals", "locals", "vars", "breakpoint", "input", "help", "exit", "quit",
    }
)  # fmt: skip
_REFUSED_MODULES = frozenset(
    {
        "os", "posix", "sys", "subprocess", "importlib", "ctypes", "_ctypes", "pickle",
        "_pickle", "marshal", "shutil", "socket", "_socket", "signal", "gc", "inspect", "code",
        "codeop", "runpy", "io", "_io", "pathlib", "types", "builtins", "threading", "_thread",
        "multiprocessing", "pytest", "_pytest", "pluggy", "assay",
    }
)  # fmt: skip
"""Callables the candidate may never invoke here, even when a test passed one in: they
execute code, reach attributes by name, or act on the machine."""


_DESCRIPTORS = ("method_descriptor", "wrapper_descriptor", "method-wrapper")


def _callable_refused(target: Any) -> bool:
    """Whether ``target`` is a module or one of the refused functions (by module and name)."""
    if isinstance(target, types.ModuleType):
        return True
    builtin = isinstance(target, types.BuiltinFunctionType | types.BuiltinMethodType)
    if not builtin and type(target).__name__ not in _DESCRIPTORS:
        if isinstance(target, types.FunctionType | types.MethodType):
            return str(getattr(target, "__module__", "")).split(".", 1)[0] in _REFUSED_MODULES
        return False
    owner = getattr(target, "__self__", None)
    module = getattr(target, "__module__", None) or getattr(owner, "__name__", "") or ""
    top = str(module).split(".", 1)[0]
    name = getattr(target, "__name__", "")
    if top == "builtins" or (isinstance(owner, types.ModuleType) and top not in _REFUSED_MODULES):
        return name in _REFUSED_BUILTINS
    return top in _REFUSED_MODULES


class Refused(PermissionError):
    """The candidate asked the test process for something it never grants."""


class Policy:
    """The operations the test process performs for the candidate."""

    def __init__(self) -> None:
        self.written = 0

    def __call__(self, op: str, args: list[Any]) -> Any:
        """Do ``op`` for the candidate, or raise :class:`Refused`."""
        if op == "write":
            return self._write(args)
        if op == "call":
            target, pos, kw = args
            if not callable(target) or _callable_refused(target):
                raise Refused("only functions and objects the test passed can be called")
            if not (type(pos) is tuple and type(kw) is tuple):
                raise Refused("bad call")
            return target(*pos, **dict(kw))
        if op == "getattr":
            target, name = args
            if type(name) is not str or name.startswith("_") or isinstance(target, _OPAQUE):
                raise Refused("only public attributes of plain objects can be read")
            return getattr(target, name)
        if op in _UNARY_OK and len(args) == 1:
            return UNARY[op](args[0])
        if op in _BINARY_OK and len(args) == 2:
            return BINARY[op](args[0], args[1])
        raise Refused(f"the test process does not do {op!r} for the candidate")

    def _write(self, args: list[Any]) -> None:
        stream, text = args
        if stream not in (1, 2) or type(text) is not str:
            raise Refused("bad write")
        self.written += len(text)
        if self.written > OUTPUT_CAP:
            raise OSError(28, "output limit reached")
        (sys.stdout if stream == 1 else sys.stderr).write(text)


class RemoteModule(types.ModuleType):
    """A candidate module as the test process sees it: every attribute is fetched remotely."""

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        handle = vars(self).get("_assay_handle")
        if handle is None:
            raise AttributeError(name)
        return getattr(handle, name)

    def __dir__(self) -> list[str]:
        handle = vars(self).get("_assay_handle")
        return list(dir(handle)) if handle is not None else []


class _Loader(importlib.abc.Loader):
    def __init__(self, peer: Peer) -> None:
        self.peer = peer

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return RemoteModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        __tracebackhide__ = True
        try:
            handle = self.peer.request("import", module.__name__)
        except RemoteLost as exc:
            raise ImportError(f"the candidate's process is gone: {exc}") from None
        vars(module)["_assay_handle"] = handle
        if "." not in module.__name__:
            module.__path__ = []  # a package or not, submodules are asked for remotely


class CandidateFinder(importlib.abc.MetaPathFinder):
    """Serves the candidate's top-level module names, and nothing the test process has.

    A name the test process can import itself (the standard library, pytest and everything
    else installed, the tests' own helpers) is never served: a candidate file called
    ``pluggy.py`` or ``_pytest/`` cannot stand in for what pytest imports later.
    """

    def __init__(self, peer: Peer, names: Iterable[str]) -> None:
        self.loader = _Loader(peer)
        taken = set(sys.modules) | set(sys.stdlib_module_names)
        self.names = frozenset(n for n in names if n not in taken)
        self._local: dict[str, bool] = {}

    def _served(self, top: str) -> bool:
        if top not in self.names:
            return False
        if top not in self._local:  # asked when first imported: the tests' folder is on the path
            self._local[top] = importlib.machinery.PathFinder.find_spec(top) is not None
        return not self._local[top]

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A remote module's spec for the candidate's names; None for everything else."""
        if not self._served(fullname.split(".", 1)[0]):
            return None
        return importlib.machinery.ModuleSpec(fullname, self.loader, is_package=True)


def install(peer: Peer, names: Iterable[str]) -> CandidateFinder:
    """Put the candidate's modules first on the import path of the test process."""
    finder = CandidateFinder(peer, names)
    sys.meta_path.insert(0, finder)
    return finder
