"""In-memory item storage with increasing integer ids."""

from api_errors import not_found


class Store:
    def __init__(self):
        self.items = {}
        self.next_id = 1

    def create(self, data):
        item = {"id": self.next_id, **data}
        self.items[self.next_id] = item
        self.next_id += 1
        return item

    def get(self, item_id):
        if item_id not in self.items:
            raise not_found(f"item {item_id}")
        return self.items[item_id]

    def delete(self, item_id):
        self.get(item_id)
        del self.items[item_id]

    def all(self):
        return [self.items[k] for k in sorted(self.items)]
