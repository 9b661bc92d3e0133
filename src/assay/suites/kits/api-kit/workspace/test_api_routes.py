from api_routes import Router, match


def test_params():
    assert match("/items/<id>", "/items/7") == {"id": "7"}
    assert match("/items/<id>", "/users/7") is None


def test_segment_count_must_agree():
    assert match("/items", "/items/7") is None
    r = Router()
    r.add("GET", "/items", "list")
    r.add("GET", "/items/<id>", "one")
    assert r.resolve("GET", "/items/3") == ("one", {"id": "3"})
