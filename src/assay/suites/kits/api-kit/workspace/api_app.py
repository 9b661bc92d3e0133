"""The API: routes wired to the store, errors turned into statuses."""

from api_errors import ApiError, not_found
from api_routes import Router
from api_store import Store
from api_validate import validate

ITEM = {"name": str, "qty": int}


def make_app():
    store, router = Store(), Router()
    router.add("GET", "/items", lambda params, body: (200, store.all()))
    router.add("POST", "/items", lambda params, body: (201, store.create(validate(ITEM, body))))
    router.add("GET", "/items/<id>", lambda params, body: (200, store.get(int(params["id"]))))

    def delete(params, body):
        store.delete(int(params["id"]))
        return 204, None

    router.add("DELETE", "/items/<id>", delete)

    def handle(method, path, body=None):
        handler, params = router.resolve(method, path)
        try:
            if handler is None:
                raise not_found(path)
            return handler(params, body)
        except ApiError as err:
            return err.status, {"error": err.message}

    return handle
