import pytest

from api_app import make_app
from api_errors import ApiError
from api_routes import match
from api_validate import validate

ITEM = {"name": str, "qty": int}


def test_longer_path_does_not_match():
    assert match("/a/<x>", "/a/1/b") is None


@pytest.mark.parametrize("payload", [{"name": 3, "qty": 1}, {"name": "n", "qty": True}, {}])
def test_wrong_types_or_missing(payload):
    with pytest.raises(ApiError):
        validate(ITEM, payload)


def test_get_and_delete_one():
    handle = make_app()
    handle("POST", "/items", {"name": "a", "qty": 1})
    assert handle("GET", "/items/1") == (200, {"id": 1, "name": "a", "qty": 1})
    assert handle("DELETE", "/items/1") == (204, None)
    assert handle("GET", "/items/1")[0] == 404
    assert handle("POST", "/items", {"name": "a"})[0] == 400
