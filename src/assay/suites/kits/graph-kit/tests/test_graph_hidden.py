from graph_components import components
from graph_core import Graph
from graph_paths import shortest_distances
from graph_serial import loads


def test_longer_path_with_lighter_weights():
    g = loads("s a 1\na b 1\nb t 1\ns t 10\n")
    assert shortest_distances(g, "s") == {"s": 0, "a": 1, "b": 2, "t": 3}


def test_directed_weights():
    g = loads("a b 7\nb c 1\na c 9\n", directed=True)
    assert shortest_distances(g, "b") == {"b": 0, "c": 1}
    assert shortest_distances(g, "a")["c"] == 8


def test_components_ordered_by_smallest_node():
    g = Graph()
    for a, b in [(3, 9), (9, 5), (1, 8), (2, 2)]:
        g.add_edge(a, b)
    assert components(g) == [[1, 8], [2], [3, 5, 9]]
