"""What the hazard code rules look for: the rule ids and the calls, modules and names of each.

Pure data, read by the walker in ``hazard_code``: adding a dangerous call or module to a rule
is an edit here, not to the walk.
"""

from __future__ import annotations

import re

SHELL = "shell-subprocess"
DYNAMIC = "dynamic-code"
NETWORK = "network-access"
DELETION = "file-deletion"
ALWAYS_EQUAL = "always-true-eq"
EXIT = "interpreter-exit"
PATCHING = "runtime-patching"
INTROSPECTION = "test-introspection"

# Reaching the tests from inside the process under test: frames, code objects, the files of
# the hidden tests. The gate cannot stop this in-process, so the scan must see it.
INTROSPECTION_ATTRS = frozenset(
    {
        "_getframe",
        "f_back",
        "f_globals",
        "f_locals",
        "tb_frame",
        "gi_frame",
        "co_consts",
        "__code__",
        "__closure__",
        "__globals__",
    }
)
TEST_PATH = re.compile(r"(_assay_hidden|(^|[/\\])test_\w*\.py|\btests?/)")

SHELL_ALWAYS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
SHELL_IF_ASKED = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
DYNAMIC_BUILTINS = frozenset({"eval", "exec", "compile"})
NETWORK_MODULES = (
    "socket",
    "ssl",
    "urllib.request",
    "urllib3",
    "http.client",
    "http.server",
    "requests",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "telnetlib",
    "xmlrpc.client",
    "websocket",
    "websockets",
    "paramiko",
)
DELETE_CALLS = frozenset({"os.remove", "os.unlink", "os.rmdir", "os.removedirs", "shutil.rmtree"})
DELETE_METHODS = frozenset({"unlink", "rmdir", "rmtree"})
HARD_EXIT = frozenset({"os._exit", "os.abort"})
SOFT_EXIT = frozenset({"exit", "quit"})
EXIT_ALLOWED_IN = frozenset({"main", "_main", "cli"})
# The runtime, the test machinery and the result channel's modules: assigning into them is how a
# candidate would rewrite or sign a report (see assay.verify.protocol).
PATCHED_MODULES = frozenset(
    {"builtins", "pytest", "_pytest", "unittest", "pluggy", "assay"}
    | {"json", "_json", "hashlib", "_hashlib", "hmac", "_blake2"}
)
PYTEST_INTERNALS = ("_pytest", "pluggy")
STD_STREAMS = frozenset({"stdout", "stderr", "stdin"})
SYS_MODULES_MUTATORS = frozenset({"update", "setdefault", "__setitem__", "pop", "clear"})
ALWAYS = {"__eq__": True, "__ne__": False}
"""Comparison methods and the constant whose unconditional return makes a trick object."""
STAR_EXPORTS = {
    "os": ("system", "popen", "remove", "unlink", "rmdir", "removedirs", "_exit", "abort"),
    "subprocess": ("run", "call", "check_call", "check_output", "Popen", "getoutput"),
    "shutil": ("rmtree",),
    "sys": ("exit",),
}
