"""Routing: `GET /items/<id>` style patterns to handlers, with path parameters."""


def match(pattern, path):
    """Return the parameters of `path` under `pattern`, or None if it does not match."""
    want = pattern.strip("/").split("/")
    got = path.strip("/").split("/")
    params = {}
    for w, g in zip(want, got):
        if w.startswith("<") and w.endswith(">"):
            params[w[1:-1]] = g
        elif w != g:
            return None
    return params


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler):
        self.routes.append((method, pattern, handler))

    def resolve(self, method, path):
        for m, pattern, handler in self.routes:
            params = match(pattern, path)
            if m == method and params is not None:
                return handler, params
        return None, None
