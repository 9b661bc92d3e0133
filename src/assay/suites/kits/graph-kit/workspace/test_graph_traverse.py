from graph_core import Graph
from graph_traverse import bfs, dfs


def _g():
    g = Graph()
    for a, b in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]:
        g.add_edge(a, b)
    return g


def test_bfs_order():
    assert bfs(_g(), "a") == ["a", "b", "c", "d"]


def test_dfs_order():
    assert dfs(_g(), "a") == ["a", "b", "d", "c"]
