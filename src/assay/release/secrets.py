"""A secret scan with typed findings, and redaction of the same patterns in text.

Kinds: ``env_secret`` (the literal value of a credential variable set in the environment
of the scan, whatever it looks like), ``private_key``, ``anthropic_key``, ``openai_key``,
``github_token``, ``aws_key``, ``aws_secret``, ``google_api_key``, ``huggingface_token``,
``slack_token``, ``bearer_token``, ``home_path`` (an absolute path inside a user's home
folder) and ``absolute_path`` (an absolute path into the folder being scanned, which a
published artifact must not carry). Findings never repeat a secret: they show its first
characters and its length, or for ``env_secret`` only the variable's name and the length.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

Kind = Literal[
    "env_secret",
    "private_key",
    "anthropic_key",
    "openai_key",
    "github_token",
    "aws_key",
    "aws_secret",
    "google_api_key",
    "huggingface_token",
    "slack_token",
    "bearer_token",
    "home_path",
    "absolute_path",
]

SECRET_PATTERNS: Final[tuple[tuple[Kind, re.Pattern[str]], ...]] = (
    ("private_key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}")),
    ("openai_key", re.compile(r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("aws_key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "aws_secret",
        re.compile(r"(?i)aws_secret_access_key[\"']?\s*[=:]\s*[\"']?[A-Za-z0-9/+=]{40}"),
    ),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("huggingface_token", re.compile(r"\bhf_[A-Za-z0-9]{34,}")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("bearer_token", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]{16,}=*")),
)
"""Credentials, most specific first (an Anthropic key also looks like an OpenAI one)."""

CREDENTIAL_NAME: Final = re.compile(
    r"(?i)(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|PAT)(?:_|$)"
)
"""Environment variables whose values are credentials (``OPENAI_API_KEY``, ``HF_TOKEN``,
``AWS_SECRET_ACCESS_KEY``, ``DB_PASSWORD``...)."""
MIN_SECRET_CHARS: Final = 8
"""Shorter values (``1``, ``true``) would match everywhere and prove nothing."""


def env_secrets(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(name, value)`` of every credential variable set in the environment, longest first.

    Paths (a value starting with ``/``) are left to the path patterns.
    """
    env = os.environ if environ is None else environ
    found = {
        (name, value.strip())
        for name, value in env.items()
        if CREDENTIAL_NAME.search(name)
        and len(value.strip()) >= MIN_SECRET_CHARS
        and not value.startswith("/")
    }
    return sorted(found, key=lambda nv: (-len(nv[1]), nv[0]))


_PATH_END = r"[^\s\"'`<>|,;:)\]}]*"
PATH_START: Final = r"(?<![\w.~/-])"
"""A path starts where no path character precedes it."""
HOME_PREFIX: Final = PATH_START + r"(?:/home/[^/\s\"'`<>]+|/Users/[^/\s\"'`<>]+|/root(?=/))"
HOME_PATTERN: Final = re.compile(HOME_PREFIX + _PATH_END)
"""An absolute path into a home folder (``/root`` alone, as in a list of masked paths, is not)."""


@dataclass(frozen=True)
class Finding:
    """One suspected secret or leaked path."""

    kind: Kind
    path: str
    """File relative to the scanned folder."""
    line: int
    column: int
    excerpt: str
    """A redacted excerpt: never the whole secret."""


_Pattern = tuple[Kind, re.Pattern[str], str | None]
"""A kind, its pattern, and for a credential's literal value the variable's name."""


def _excerpt(kind: Kind, text: str, name: str | None) -> str:
    if name is not None:
        return f"value of ${name} ({len(text)} chars)"  # not one character of the value
    if kind in ("home_path", "absolute_path"):
        return text if len(text) <= 60 else text[:57] + "..."
    return f"{text[:6]}… ({len(text)} chars)"


def _patterns(extra_paths: Sequence[str]) -> list[_Pattern]:
    # The environment's own credentials first: a literal value is the surest finding.
    pats: list[_Pattern] = [
        ("env_secret", re.compile(re.escape(value)), name) for name, value in env_secrets()
    ]
    pats += [(kind, pat, None) for kind, pat in SECRET_PATTERNS]
    pats.append(("home_path", HOME_PATTERN, None))
    home = str(Path.home())
    if len(home) > 1 and not HOME_PATTERN.match(home + "/x"):  # a home outside /home, /root
        pats.append(("home_path", re.compile(re.escape(home) + "/" + _PATH_END), None))
    for p in sorted({p.rstrip("/") for p in extra_paths if len(p.rstrip("/")) > 1}, key=len)[::-1]:
        pat = re.compile(PATH_START + re.escape(p) + r"(?=[/\"'\s]|$)" + _PATH_END)
        pats.append(("absolute_path", pat, None))
    return pats


def _scan_line(line: str, pats: Sequence[_Pattern], path: str, n: int) -> list[Finding]:
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, pat, name in pats:
        for m in pat.finditer(line):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # one finding per span: the most specific kind wins
            taken.append((m.start(), m.end()))
            found.append(Finding(kind, path, n, m.start() + 1, _excerpt(kind, m.group(), name)))
    return found


def scan_text(text: str, *, path: str = "", extra_paths: Sequence[str] = ()) -> list[Finding]:
    """Findings in a piece of text (``extra_paths``: absolute prefixes that must not appear)."""
    pats = _patterns(extra_paths)
    return [
        f
        for n, line in enumerate(text.splitlines(), start=1)
        for f in _scan_line(line, pats, path, n)
    ]


def _lines(file: Path) -> Iterator[str]:
    with file.open("rb") as fh:
        for raw in fh:
            yield raw.decode("utf-8", errors="replace")


def iter_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (symlinks are not followed), in sorted order."""
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            yield p


def scan_tree(root: Path, *, extra_paths: Iterable[str] = ()) -> list[Finding]:
    """Scan every file under ``root`` line by line (large logs are streamed, not loaded)."""
    extra = [*extra_paths, str(root.absolute()), str(root.resolve())]
    pats = _patterns(extra)
    found: list[Finding] = []
    for file in iter_files(root):
        rel = file.relative_to(root).as_posix()
        for n, line in enumerate(_lines(file), start=1):
            found += _scan_line(line, pats, rel, n)
    return found


def redact(text: str, *, extra_paths: Sequence[str] = ()) -> str:
    """Replace every secret with ``[redacted:KIND]`` and every home or listed path's prefix.

    A credential variable's value becomes ``[redacted:$NAME]``; ``/home/alice/x`` becomes
    ``~/x``; a listed absolute prefix is dropped to a relative path.
    """
    for name, value in env_secrets():
        text = text.replace(value, f"[redacted:${name}]")
    for kind, pat in SECRET_PATTERNS:
        text = pat.sub(f"[redacted:{kind}]", text)
    for prefix in sorted({p.rstrip("/") for p in extra_paths if len(p) > 1}, key=len)[::-1]:
        pat = re.compile(PATH_START + re.escape(prefix) + r"(?:(/)|(?=[\"'\s,;:)\]}>]|$))")
        text = pat.sub(lambda m: "" if m.group(1) else ".", text)
    home = str(Path.home())
    if len(home) > 1 and not HOME_PATTERN.match(home + "/x"):
        text = text.replace(home + "/", "~/")
    return re.sub(HOME_PREFIX, "~", text)
