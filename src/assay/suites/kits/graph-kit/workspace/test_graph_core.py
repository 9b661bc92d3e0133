from graph_core import Graph


def test_undirected_edges_go_both_ways():
    g = Graph()
    g.add_edge("a", "b", 3)
    assert g.neighbours("b") == ["a"]
    assert g.weight("b", "a") == 3


def test_directed_edges_go_one_way():
    g = Graph(directed=True)
    g.add_edge("a", "b")
    assert g.neighbours("b") == []
    assert g.nodes() == ["a", "b"]
