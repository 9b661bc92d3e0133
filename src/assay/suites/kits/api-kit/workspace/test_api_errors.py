from api_errors import bad_request, not_found


def test_statuses():
    assert not_found("x").status == 404
    assert bad_request("no").message == "no"
