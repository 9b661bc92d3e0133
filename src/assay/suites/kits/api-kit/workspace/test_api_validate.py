import pytest

from api_errors import ApiError
from api_validate import validate

ITEM = {"name": str, "qty": int}


def test_valid():
    assert validate(ITEM, {"name": "nut", "qty": 3}) == {"name": "nut", "qty": 3}


@pytest.mark.parametrize("payload", [{"name": "nut"}, {"name": "nut", "qty": 1, "x": 0}, []])
def test_invalid(payload):
    with pytest.raises(ApiError):
        validate(ITEM, payload)
