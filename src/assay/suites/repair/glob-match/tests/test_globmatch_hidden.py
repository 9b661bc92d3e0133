import pytest

from globmatch import filter_paths, match


@pytest.mark.parametrize(
    "pattern, path",
    [
        ("a/**/b", "a/b"),
        ("a/**/b", "a/x/b"),
        ("a/**/b", "a/x/y/b"),
        ("a/**", "a"),
        ("a/**", "a/x/y"),
        ("**", "anything/at/all.txt"),
        ("**", "top"),
        ("**/*.py", "setup.py"),
        ("**/*.py", "a/b/c.py"),
        ("a/**/b/**/c", "a/b/c"),
        ("a/**/b/**/c", "a/1/b/2/3/c"),
        ("a/**/**/b", "a/b"),
        ("**/b/*", "x/b/y"),
        ("a**b", "a-to-b"),
        ("docs/*", "docs/"),
    ],
)
def test_matches(pattern, path):
    assert match(pattern, path) is True


@pytest.mark.parametrize(
    "pattern, path",
    [
        ("a/**/b", "a/x/c"),
        ("a/**/b", "ab"),
        ("a/**/b", "a/xb"),
        ("a/**", "ab"),
        ("a/**", "b/a/x"),
        ("**/*.py", "a/b/c.pyc"),
        ("a**b", "a/b"),
        ("a**b", "a/x/b"),
        ("**/b/*", "x/b/y/z"),
        ("src/*.py", "src/pkg/mod.py"),
        ("?", "/"),
        ("*.PY", "a.py"),
    ],
)
def test_does_not_match(pattern, path):
    assert match(pattern, path) is False


def test_brackets_and_dots_are_literal():
    assert match("file[1].txt", "file[1].txt")
    assert not match("file[1].txt", "file1.txt")
    assert not match("a.c", "abc")
    assert match("back\\slash", "back\\slash")


def test_returns_plain_bool():
    assert type(match("**/x", "a/x")) is bool
    assert type(match("**/x", "a/y")) is bool
    assert type(match("x", "x")) is bool


def test_deep_paths_are_fast_enough():
    path = "/".join(["d"] * 40) + "/end.txt"
    assert match("**/d/**/d/**/*.txt", path)
    assert not match("**/d/**/d/**/*.md", path)


def test_filter_paths_keeps_order():
    paths = ["b/x.py", "a.py", "b/c/y.py", "b/z.txt"]
    result = filter_paths("b/**/*.py", paths)
    assert type(result) is list
    assert result == ["b/x.py", "b/c/y.py"]


def test_star_still_needs_the_character_after_it():
    assert not match("*.py", "setupxpy")
    assert match("*.py", "setup.py")
