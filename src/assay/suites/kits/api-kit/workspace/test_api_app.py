from api_app import make_app


def test_create_then_list():
    handle = make_app()
    assert handle("POST", "/items", {"name": "bolt", "qty": 2})[0] == 201
    assert handle("GET", "/items") == (200, [{"id": 1, "name": "bolt", "qty": 2}])
    assert handle("GET", "/nowhere")[0] == 404
