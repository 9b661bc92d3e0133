from tally import main


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_top(tmp_path, capsys):
    path = write(tmp_path, "a.txt", "b a b c a b")
    assert main(["--top", "2", path]) == 0
    assert capsys.readouterr().out == "b\t3\na\t2\n"


def test_ignore_case(tmp_path, capsys):
    path = write(tmp_path, "a.txt", "Go go GO stop")
    assert main(["--ignore-case", path]) == 0
    assert capsys.readouterr().out == "go\t3\nstop\t1\n"


def test_two_files_are_added_up(tmp_path, capsys):
    first = write(tmp_path, "one.txt", "cat dog")
    second = write(tmp_path, "two.txt", "dog")
    assert main([first, second]) == 0
    assert capsys.readouterr().out == "dog\t2\ncat\t1\n"
