from semver import compare, sort_versions


def test_numeric_minor():
    assert compare("1.10.0", "1.9.0") == 1
    assert compare("1.9.0", "1.10.0") == -1


def test_equal():
    assert compare("2.0.0", "2.0.0") == 0


def test_prerelease_before_release():
    assert compare("1.0.0-alpha", "1.0.0") == -1


def test_sort():
    assert sort_versions(["1.10.0", "1.2.0", "1.9.1", "0.12.3"]) == [
        "0.12.3",
        "1.2.0",
        "1.9.1",
        "1.10.0",
    ]
