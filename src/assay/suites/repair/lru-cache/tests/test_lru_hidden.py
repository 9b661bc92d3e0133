import pytest

from lru import LRUCache


def test_update_of_cached_key_does_not_evict():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("b", 20)
    assert len(cache) == 2
    assert cache.get("a") == 1
    assert cache.get("b") == 20


def test_update_refreshes_recency():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 3)
    cache.put("c", 4)
    assert cache.keys() == ["a", "c"]


def test_contains_and_len_are_not_uses():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert "a" in cache
    assert len(cache) == 2
    cache.keys()
    cache.put("c", 3)
    assert cache.keys() == ["b", "c"]


def test_miss_does_not_change_order():
    cache = LRUCache(3)
    for key in "abc":
        cache.put(key, key)
    assert cache.get("zzz") is None
    assert cache.keys() == ["a", "b", "c"]


def test_capacity_one():
    cache = LRUCache(1)
    cache.put("a", 1)
    cache.put("a", 2)
    assert cache.get("a") == 2
    cache.put("b", 3)
    assert cache.keys() == ["b"]


def test_stored_none_is_a_hit():
    cache = LRUCache(2)
    cache.put("a", None)
    assert cache.get("a", "default") is None
    assert (cache.hits, cache.misses) == (1, 0)


def test_hit_and_miss_counts():
    cache = LRUCache(2)
    cache.put(1, "one")
    cache.get(1)
    cache.get(2)
    cache.get(1)
    assert (cache.hits, cache.misses) == (2, 1)


def test_long_sequence():
    cache = LRUCache(3)
    for step in range(10):
        cache.put(step, step * step)
        cache.get(0)
    assert cache.keys() == [8, 9, 0]
    assert cache.get(0) == 0


def test_keys_is_a_new_list():
    cache = LRUCache(2)
    cache.put("a", 1)
    keys = cache.keys()
    assert type(keys) is list
    keys.append("b")
    assert cache.keys() == ["a"]


@pytest.mark.parametrize("capacity", [0, -3])
def test_bad_capacity(capacity):
    with pytest.raises(ValueError):
        LRUCache(capacity)
