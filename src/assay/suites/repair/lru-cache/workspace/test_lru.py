from lru import LRUCache


def test_get_protects_from_eviction():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "a" in cache
    assert "b" not in cache
    assert cache.keys() == ["a", "c"]


def test_evicts_oldest_when_unused():
    cache = LRUCache(2)
    for key in "xyz":
        cache.put(key, key.upper())
    assert cache.keys() == ["y", "z"]
    assert cache.get("x", "gone") == "gone"
