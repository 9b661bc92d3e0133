import pytest

from tally import main


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_ties_are_alphabetical(tmp_path, capsys):
    path = write(tmp_path, "t.txt", "pear apple fig apple pear fig kiwi")
    assert main([path]) == 0
    assert capsys.readouterr().out == "apple\t2\nfig\t2\npear\t2\nkiwi\t1\n"


def test_top_cuts_after_sorting(tmp_path, capsys):
    path = write(tmp_path, "t.txt", "z z y y x x w")
    assert main(["--top", "2", path]) == 0
    assert capsys.readouterr().out == "x\t2\ny\t2\n"


def test_case_matters_without_flag(tmp_path, capsys):
    path = write(tmp_path, "t.txt", "Go go")
    assert main([path]) == 0
    assert capsys.readouterr().out == "Go\t1\ngo\t1\n"


def test_words_with_apostrophes_and_punctuation(tmp_path, capsys):
    path = write(tmp_path, "t.txt", "don't stop, don't-stop! 42 stop.")
    assert main([path]) == 0
    assert capsys.readouterr().out == "stop\t3\ndon't\t2\n"


def test_three_files_any_order(tmp_path, capsys):
    paths = [write(tmp_path, f"{i}.txt", text) for i, text in enumerate(["a b", "b c", "c c"])]
    assert main(paths) == 0
    first = capsys.readouterr().out
    assert main(paths[::-1]) == 0
    assert capsys.readouterr().out == first == "c\t3\nb\t2\na\t1\n"


def test_default_top_is_ten(tmp_path, capsys):
    words = " ".join(f"w{chr(97 + i)}" for i in range(15))
    path = write(tmp_path, "t.txt", words)
    assert main([path]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10


def test_empty_file(tmp_path, capsys):
    path = write(tmp_path, "t.txt", "")
    assert main([path]) == 0
    assert capsys.readouterr().out == ""


def test_missing_file(tmp_path, capsys):
    good = write(tmp_path, "t.txt", "hello")
    missing = str(tmp_path / "nope.txt")
    status = main([good, missing])
    assert type(status) is int
    assert status == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"tally: cannot read {missing}" in captured.err


def test_returns_plain_int(tmp_path):
    path = write(tmp_path, "t.txt", "x")
    assert type(main([path])) is int


@pytest.mark.parametrize("top", ["0", "-1", "two", "1.5"])
def test_bad_top_is_usage_error(tmp_path, capsys, top):
    path = write(tmp_path, "t.txt", "x")
    with pytest.raises(SystemExit) as info:
        main(["--top", top, path])
    assert info.value.code == 2
    assert capsys.readouterr().out == ""


def test_top_one_is_allowed(tmp_path, capsys):
    path = write(tmp_path, "t.txt", "b a b")
    assert main(["--top", "1", path]) == 0
    assert capsys.readouterr().out == "b\t2\n"
