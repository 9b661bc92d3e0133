from globmatch import filter_paths, match


def test_star_stays_in_one_segment():
    assert match("src/*.py", "src/mod.py")
    assert not match("src/*.py", "src/pkg/mod.py")


def test_question_mark():
    assert match("file?.txt", "file1.txt")
    assert not match("file?.txt", "file10.txt")


def test_doublestar_spans_directories():
    assert match("src/**/*.py", "src/pkg/sub/mod.py")
    assert match("src/**/*.py", "src/mod.py")
    assert not match("src/**/*.py", "lib/mod.py")


def test_leading_doublestar():
    assert filter_paths("**/test_*.py", ["test_a.py", "x/test_b.py", "x/y/c.py"]) == [
        "test_a.py",
        "x/test_b.py",
    ]
