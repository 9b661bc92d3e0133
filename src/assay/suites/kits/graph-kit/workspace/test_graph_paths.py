from graph_core import Graph
from graph_paths import shortest_distances


def test_weights_are_summed():
    g = Graph()
    g.add_edge("a", "b", 4)
    g.add_edge("a", "c", 1)
    g.add_edge("c", "b", 2)
    assert shortest_distances(g, "a") == {"a": 0, "b": 3, "c": 1}


def test_unreachable_left_out():
    g = Graph(directed=True)
    g.add_edge("a", "b", 2)
    g.add_node("z")
    assert shortest_distances(g, "a") == {"a": 0, "b": 2}
