"""A named stage: one function applied to every item."""


class Stage:
    def __init__(self, fn, name="stage"):
        self.fn = fn
        self.name = name

    def __call__(self, item):
        return self.fn(item)
