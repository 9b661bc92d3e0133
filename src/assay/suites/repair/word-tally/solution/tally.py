"""``tally``: count the words of text files and print the most common ones."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

WORD = re.compile(r"[A-Za-z']+")


def positive_int(text: str) -> int:
    """Parse a positive integer option value."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(prog="tally", description="Print the most common words.")
    parser.add_argument("files", nargs="+", help="text files to read")
    parser.add_argument(
        "--top", type=positive_int, default=10, help="how many words to print (default 10)"
    )
    parser.add_argument("--ignore-case", action="store_true", help="lowercase words first")
    return parser


def count_words(text: str, ignore_case: bool) -> Counter[str]:
    """Count the words of one text."""
    words = WORD.findall(text)
    if ignore_case:
        words = [w.lower() for w in words]
    return Counter(words)


def main(argv: list[str] | None = None) -> int:
    """Run the tool; return the exit status."""
    args = build_parser().parse_args(argv)
    counts: Counter[str] = Counter()
    for name in args.files:
        try:
            with open(name, encoding="utf-8") as handle:
                counts.update(count_words(handle.read(), args.ignore_case))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"tally: cannot read {name}: {exc}", file=sys.stderr)
            return 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    for word, n in ranked[: args.top]:
        print(f"{word}\t{n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
