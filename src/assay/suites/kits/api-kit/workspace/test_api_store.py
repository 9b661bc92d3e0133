import pytest

from api_errors import ApiError
from api_store import Store


def test_create_get_delete():
    s = Store()
    assert s.create({"name": "a"}) == {"id": 1, "name": "a"}
    assert s.create({"name": "b"})["id"] == 2
    s.delete(1)
    assert s.all() == [{"id": 2, "name": "b"}]
    with pytest.raises(ApiError):
        s.get(1)
